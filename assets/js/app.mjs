// Starts GOV.UK Frontend's components, the idle-session warning and the progress of files made in the background.
// Every page works without this file.
import { initAll } from "./govuk-frontend.min.js";

initAll();

const WARN_BEFORE_SECONDS = 120;

function startIdleWarning() {
  const timeout = Number(document.body.dataset.idleTimeoutSeconds || 0);
  const dialog = document.getElementById("idle-warning");
  if (!timeout || !dialog || typeof dialog.showModal !== "function") return;
  const form = dialog.querySelector("form");
  let warnTimer;
  let endTimer;
  const schedule = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(() => dialog.showModal(), Math.max(timeout - WARN_BEFORE_SECONDS, 0) * 1000);
    // When the time is up the server has ended the session; show the sign-in page, which says why.
    endTimer = setTimeout(() => window.location.assign("/sign-in"), timeout * 1000);
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.ok) {
      dialog.close();
      schedule();
    } else {
      window.location.assign("/sign-in");
    }
  });
  schedule();
}

startIdleWarning();

// A file made in the background (templates/components/progress.html): ask its status route now and then and put
// what it says in the page's polite live region, instead of reloading the page (WCAG 2.2.1). Checks start every 2
// seconds and slow to every 10; they stop when the file is ready (the link to it is shown) or failed. If the checks
// keep failing, the "Check again" button comes back.
const FIRST_CHECK_MS = 2000;
const SLOWEST_CHECK_MS = 10000;
const FAILURES_BEFORE_GIVING_UP = 5;

function followProgress(element) {
  const url = element.dataset.appProgress;
  const region = element.querySelector(".app-progress__status");
  const hint = element.querySelector(".app-progress__hint");
  const check = element.querySelector(".app-progress__check");
  if (!url || !region || !check || typeof fetch !== "function") return;
  const withoutScript = hint ? hint.textContent : "";
  if (hint && hint.dataset.checking) hint.textContent = hint.dataset.checking;
  check.hidden = true;
  let wait = FIRST_CHECK_MS;
  let failures = 0;
  let shown = region.textContent.trim();

  const show = (state) => {
    const message = document.createElement("p");
    message.className = "govuk-body";
    message.textContent = state.message;
    const parts = [message];
    if (state.link) {
      const link = document.createElement("a");
      link.className = "govuk-button";
      link.href = state.link.href;
      link.textContent = state.link.text;
      parts.push(link);
    }
    if (state.detail) {
      const detail = document.createElement("p");
      detail.className = "govuk-body-s";
      detail.textContent = state.detail;
      parts.push(detail);
    }
    region.replaceChildren(...parts);
  };

  const poll = async () => {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const state = await response.json();
      failures = 0;
      const now = [state.message, state.link ? state.link.text : ""].join(" ").trim();
      if (now !== shown) {
        show(state);
        shown = now;
      }
      if (state.done) {
        if (hint) hint.remove();
        check.remove();
        return;
      }
      wait = Math.min(wait + 1000, SLOWEST_CHECK_MS);
    } catch {
      failures += 1;
      if (failures >= FAILURES_BEFORE_GIVING_UP) {
        if (hint) hint.textContent = withoutScript;
        check.hidden = false;
        return;
      }
    }
    setTimeout(poll, wait);
  };
  setTimeout(poll, wait);
}

document.querySelectorAll("[data-app-progress]").forEach(followProgress);

// The reading-age check of a pot's own question as it is written (templates/programme/pot_question_form.html): a
// moment after typing stops, ask the server and put what it says in the polite live region under the fields. Without
// this script the same check shows after saving.
const WORDING_PAUSE_MS = 600;

function checkWordingAsTyped(form) {
  const url = form.dataset.appWordingCheck;
  const region = form.querySelector(".app-wording-check");
  const wording = form.querySelector("[name=wording]");
  const hint = form.querySelector("[name=hint]");
  const token = form.querySelector("[name=csrf_token]");
  if (!url || !region || !wording || !token || typeof fetch !== "function") return;
  let timer;
  const ask = async () => {
    if (!wording.value.trim()) {
      region.textContent = "";
      return;
    }
    const body = new FormData();
    body.append("csrf_token", token.value);
    body.append("wording", wording.value);
    body.append("hint", hint ? hint.value : "");
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const state = await response.json();
      region.innerHTML = state.message; // drawn by our own template, every word in it escaped
    } catch {
      // No answer now: the same check shows after saving.
    }
  };
  for (const field of [wording, hint]) {
    if (!field) continue;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, WORDING_PAUSE_MS);
    });
  }
}

document.querySelectorAll("[data-app-wording-check]").forEach(checkWordingAsTyped);
