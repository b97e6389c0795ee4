// Starts GOV.UK Frontend's components and the idle-session warning. Every page works without this file.
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
