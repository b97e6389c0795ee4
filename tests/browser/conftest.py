"""The browser tier: Debian's Chromium, driven by Playwright, against the portal served on a real port.

One live server (on its own database) and one Chromium serve the whole session; each test gets a fresh browser
context sized like a phone, so no cookies carry over between tests. Pages keep the site's real
Content-Security-Policy: axe is added as a same-origin script (or, with JavaScript off, through Playwright's
evaluate, which the policy does not govern), so a script the policy would block still fails the test.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from portal.config import PROJECT_ROOT
from portal.domain.roles import PaymentMethod, Role
from tests.conftest import make_test_app, migrate_to_head, reset_postgres_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium is missing at /usr/bin/chromium: run `make chromium`"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]
PHONE: dict[str, Any] = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules run as well as the WCAG tags: all content sits in a landmark ("region": a phase banner, a
# language switch or a back link outside the header, nav and main was on every page), and the landmarks are used
# as they are meant to be.
AXE_RULES = [
    "region",
    "landmark-one-main",
    "landmark-no-duplicate-main",
    "landmark-unique",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
]
STAFF_PASSWORD = "browser tests staff password"
TIMEOUT_MS = 10_000


# The live server -------------------------------------------------------------------------------------------------


def browser_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of the browser tier's own: `<name>_browser` beside TEST_DATABASE_URL's PostgreSQL, else SQLite."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        parsed = sa.make_url(url)
        browser_url = parsed.set(database=f"{parsed.database}_browser").render_as_string(hide_password=False)
        reset_postgres_database(browser_url)
        return browser_url
    return f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.db'}"


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug logs every request to stderr; the tests record what they need themselves."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class ServerErrors(logging.Handler):
    """Collects errors the portal logs (an unexpected exception becomes a 500 page and a log record)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        taken, self.records = self.records, []
        return [self.format(record) for record in taken]


@dataclass(frozen=True)
class StaffMember:
    email: str
    password: str
    totp: pyotp.TOTP | None

    def wrong_code(self) -> str:
        assert self.totp is not None
        return code_the_server_refuses(self.totp)


def code_the_server_refuses(totp: pyotp.TOTP) -> str:
    """A well-formed one-time code that matches none of the 30-second steps the server allows for clock drift."""
    now = time.time()
    allowed = {totp.at(now + 30 * step) for step in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555") if code not in allowed)


@dataclass(frozen=True)
class OpenPot:
    """A neighbourhood taking ideas, with its one pot."""

    neighbourhood: str
    slug: str
    pot_id: int
    name: str
    max_award_pence: int


@dataclass(frozen=True)
class IdeaRow:
    """An application as the live server's database holds it."""

    id: int
    status: str
    reference: str | None
    idea_name: str | None
    total_pence: int
    consent_method: str | None
    consent_given_on: date | None
    resident_confirmed: bool


@dataclass(frozen=True)
class SignInEmail:
    subject: str
    link: str
    code: str


class LiveServer:
    """The portal on 127.0.0.1:<free port>, plus helpers that seed and read its database through portal's services."""

    def __init__(self, app: Flask, server: BaseWSGIServer, errors: ServerErrors) -> None:
        self.app = app
        self.server = server
        self.errors = errors
        self.url = f"http://127.0.0.1:{server.server_port}"
        self.host = urlsplit(self.url).netloc
        self._numbers = itertools.count(1)
        self._seeder_id: int | None = None

    def unique(self, prefix: str) -> str:
        """A name no other test in this session uses (the database lives for the whole session)."""
        return f"{prefix} {next(self._numbers)} {uuid.uuid4().hex[:6]}"

    def new_email(self, who: str = "person") -> str:
        return f"{who}.{next(self._numbers)}.{uuid.uuid4().hex[:8]}@example.org"

    def new_mobile(self) -> str:
        """A mobile number no other test in this session uses, from Ofcom's range for fiction (07700 900000-999)."""
        return f"07700 900{next(self._numbers) % 1000:03d}"

    # Seeding ------------------------------------------------------------------------------------------------------

    def add_staff(self, *roles: Role, with_code: bool = True) -> StaffMember:
        """A staff member with STAFF_PASSWORD and, unless with_code is False, a confirmed authenticator key.

        A one-time code works once per 30-second step for each person, so every test needs its own staff member.
        """
        from portal.accounts.services import create_user
        from portal.common.crypto import encrypt
        from portal.common.time import utcnow
        from portal.extensions import db

        email = self.new_email("staff")
        secret = pyotp.random_base32()
        with self.app.app_context():
            user = create_user(email, "Sam Staff", set(roles), password=STAFF_PASSWORD)
            if with_code:
                user.totp_secret_encrypted = encrypt(secret)
                user.totp_confirmed_at = utcnow()
                db.session.commit()
        return StaffMember(email, STAFF_PASSWORD, pyotp.TOTP(secret) if with_code else None)

    def add_resident(self) -> str:
        from portal.accounts.services import create_user

        email = self.new_email("resident")
        with self.app.app_context():
            create_user(email, "Rae Resident", {Role.RESIDENT})
        return email

    def add_neighbourhood(
        self,
        name: str,
        *,
        pot_name: str | None = None,
        max_award_pence: int = 50_000,
        opens_on: date | None = None,
        closes_on: date | None = None,
        is_active: bool = True,
    ) -> int:
        """A neighbourhood and, if pot_name is given, a pot (rolling unless dates are given); returns its id."""
        from portal.domain.pots import PotLimits
        from portal.programme.services import save_neighbourhood, save_pot

        with self.app.app_context():
            actor = self._seeder()
            neighbourhood = save_neighbourhood(
                actor,
                None,
                name=name,
                description=f"{name} is a friendly place.",
                host_organisation="Community Hub",
                is_active=is_active,
            )
            if pot_name:
                rolling = opens_on is None and closes_on is None
                limits = PotLimits(
                    budget_pence=500_000,
                    max_award_pence=max_award_pence,
                    fast_track_limit_pence=0,
                    opens_on=opens_on,
                    closes_on=closes_on,
                    is_rolling=rolling,
                )
                save_pot(actor, neighbourhood, None, name=pot_name, limits=limits, payment_methods=list(PaymentMethod))
            return neighbourhood.id

    def add_open_pot(self, *, max_award_pence: int = 50_000) -> OpenPot:
        """A neighbourhood shown to residents with one rolling pot taking ideas now."""
        from portal.extensions import db
        from portal.programme.models import Neighbourhood

        name = self.unique("Chapeltown")
        pot_name = self.unique("Summer sparks")
        neighbourhood_id = self.add_neighbourhood(name, pot_name=pot_name, max_award_pence=max_award_pence)
        with self.app.app_context():
            neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
            assert neighbourhood is not None
            (pot,) = neighbourhood.pots
            return OpenPot(name, neighbourhood.slug, pot.id, pot_name, max_award_pence)

    def add_draft(self, email: str, pot: OpenPot, answers: dict[str, str], costs: dict[str, int]) -> int:
        """A draft idea for the resident with this email, answered and costed through the portal's services."""
        from portal.accounts.services import get_user_by_email
        from portal.applications import services
        from portal.extensions import db
        from portal.programme.models import Pot

        with self.app.app_context():
            user = get_user_by_email(email)
            assert user is not None, f"no account for {email}"
            pot_row = db.session.get(Pot, pot.pot_id)
            application = services.start_application(user, pot_row, "en")
            services.save_answers(application, answers)
            for item, pence in costs.items():
                services.add_cost_line(application, item, pence)
            return application.id

    def applications_of(self, email: str) -> list[IdeaRow]:
        """Every application of the resident with this email, oldest first, as the database holds it now."""
        from portal.accounts.models import User
        from portal.applications.models import Application

        return self._ideas(
            sa.select(Application)
            .join(User, Application.applicant_id == User.id)
            .where(User.email == email.strip().lower())
        )

    def applications_assisted_by(self, staff_email: str) -> list[IdeaRow]:
        """Every application a community builder entered with residents, oldest first."""
        from portal.accounts.models import User
        from portal.applications.models import Application

        return self._ideas(
            sa.select(Application)
            .join(User, Application.assisted_by_id == User.id)
            .where(User.email == staff_email.strip().lower())
        )

    def _ideas(self, query: Any) -> list[IdeaRow]:
        from portal.applications.models import Application
        from portal.extensions import db

        with self.app.app_context():
            rows = db.session.execute(query.order_by(Application.id)).scalars()
            return [
                IdeaRow(
                    id=row.id,
                    status=row.status,
                    reference=row.reference,
                    idea_name=row.idea_name,
                    total_pence=row.total_pence,
                    consent_method=row.consent_method,
                    consent_given_on=row.consent_given_on,
                    resident_confirmed=row.resident_confirmed_at is not None,
                )
                for row in rows
            ]

    def _seeder(self) -> int:
        """The programme officer the audit log names for seeded data."""
        from portal.accounts.services import create_user

        if self._seeder_id is None:
            self._seeder_id = create_user(self.new_email("seeder"), "Seeder", {Role.PROGRAMME_OFFICER}).id
        return self._seeder_id

    # Reading the outbox --------------------------------------------------------------------------------------------

    def emails_to(self, address: str) -> list[tuple[str, str]]:
        """(subject, body) of every email sent to address, oldest first."""
        from portal.common.email import OutboxMessage
        from portal.extensions import db

        with self.app.app_context():
            rows = db.session.execute(
                sa.select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
            ).scalars()
            return [(row.subject, row.body) for row in rows]

    def texts_to(self, mobile: str) -> list[str]:
        """The body of every text sent to a mobile number (as typed or in E.164 form), oldest first."""
        from portal.common.email import OutboxMessage
        from portal.domain.mobiles import uk_mobile
        from portal.extensions import db

        number = uk_mobile(mobile)
        with self.app.app_context():
            rows = db.session.execute(
                sa.select(OutboxMessage).where(OutboxMessage.channel == "text").order_by(OutboxMessage.id)
            ).scalars()
            return [row.body for row in rows if row.to_mobile and row.to_mobile.reveal() == number]

    def sign_in_email(self, address: str) -> SignInEmail:
        """The newest sign-in email to address, with its link (which must point at this server) and code."""
        emails = self.emails_to(address)
        assert emails, f"no email was sent to {address}"
        subject, body = emails[-1]
        link = re.search(re.escape(self.url) + r"/sign-in/link/[A-Za-z0-9_-]+", body)
        assert link, f"the sign-in email has no link to {self.url} (is SERVER_BASE_URL set?):\n{body}"
        code = re.search(r"(?<![\w-])\d{6}(?![\w-])", body.replace(link.group(0), ""))
        assert code, f"the sign-in email has no 6-number code:\n{body}"
        return SignInEmail(subject, link.group(0), code.group(0))


AXE_URL = "/_browser-tests/axe.min.js"


class ServeAxe:
    """In front of the portal, for this tier only: axe-core at AXE_URL, cacheable. A same-origin script is allowed by
    the Content-Security-Policy ('self'), and Chromium keeps it compiled between pages, which makes each accessibility
    check about 0.1 s faster than sending the 550 KB source with every check. Every other request goes to the portal.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.body = AXE_JS.read_bytes()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") != AXE_URL:
            return self.app(environ, start_response)
        headers = [("Content-Type", "text/javascript"), ("Content-Length", str(len(self.body)))]
        start_response("200 OK", [*headers, ("Cache-Control", "max-age=3600")])
        return [self.body]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from portal.extensions import db, limiter

    # Flask-Limiter keeps `enabled` on the one shared Limiter, so building an app with RATELIMIT_ENABLED=False
    # turns limits off for every app in this process. Put the flag back at once for the tiers that test the
    # limits; rate_limits_off below turns it off only while a browser test runs.
    limiter_was_enabled = limiter.enabled
    app = make_test_app(browser_database_url(tmp_path_factory), RATELIMIT_ENABLED=False)
    limiter.enabled = limiter_was_enabled
    migrate_to_head(app)
    server = make_server("127.0.0.1", 0, ServeAxe(app), threaded=True, request_handler=QuietRequestHandler)
    errors = ServerErrors()
    portal_logger = logging.getLogger("portal")
    portal_logger.addHandler(errors)
    live = LiveServer(app, server, errors)
    app.config["SERVER_BASE_URL"] = live.url  # links in emails lead back to this server
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        portal_logger.removeHandler(errors)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def rate_limits_off(live_server: LiveServer) -> Iterator[None]:
    """Keep the shared limiter off while a browser test runs (sign-in pages allow 10 tries a minute from one
    address, and every test signs in from 127.0.0.1), then put it back as it was."""
    from portal.extensions import limiter

    was = limiter.enabled
    limiter.enabled = False
    yield
    limiter.enabled = was


# The browser ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageWatch:
    """What a page did that no test expects: requests to other hosts, script errors, blocked scripts, 500s."""

    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.failed_resources: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # A page answered with 4xx (a deliberate 404 or 403) is reported by Chromium as a failed load: not a fault.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _response(self, response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.failed_resources.append(f"{response.status} {response.url}")

    def other_hosts(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).scheme not in {"data", "blob"} and not self.ours(url)]

    def ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.netloc == self.live.host

    def problems(self) -> list[str]:
        found = [f"request to another host: {url}" for url in self.other_hosts()]
        found += [f"console error: {text}" for text in self.console_errors]
        found += [f"failed to load: {text}" for text in self.failed_resources]
        found += [f"server error: {text}" for text in self.live.errors.take()]
        return found


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh phone-sized context: new_page(java_script_enabled=False) for a browser without JS.

    After the test, fails if any page asked another host for anything, logged a script error (a script the
    Content-Security-Policy blocked included), failed to load a file, or made the server log an error.
    """
    contexts: list[Any] = []
    watches: list[PageWatch] = []
    live_server.errors.take()

    def open_page(**options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **{**PHONE, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(live_server)
        watch.attach(page)
        watches.append(watch)
        page.watch = watch  # the home-page test reads the requests
        return page

    yield open_page
    for context in contexts:
        context.close()
    problems = [problem for watch in watches for problem in watch.problems()]
    if problems:
        pytest.fail("The browser saw problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A page in a fresh phone-sized browser context (375×667, touch), JavaScript on."""
    return new_page()


# Accessibility ----------------------------------------------------------------------------------------------------

_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    return _axe_source


# With JavaScript turned off in the browser context, scripts Playwright evaluates still run, but timers never fire,
# and axe waits on setTimeout(…, 0) between its steps. On such a page only, short timers become promise callbacks
# (which V8 runs itself, unlike queueMicrotask or events, which Blink will not call with scripts off); longer
# ones are axe's safety timeouts for frames and preloading, which a page without frames never needs.
# Returns whether the page's own scripts ran, and whether axe is already on the page.
_PREPARE_FOR_AXE = """() => {
  const javascript = document.body.classList.contains('js-enabled');
  if (!javascript && !window.__axeTimers) {
    window.__axeTimers = true;
    const cancelled = new Set();
    let last = 0;
    window.setTimeout = (callback, ms = 0, ...args) => {
      const id = ++last;
      if (ms <= 1) Promise.resolve().then(() => { if (!cancelled.has(id)) callback(...args); });
      return id;
    };
    window.clearTimeout = (id) => { cancelled.add(id); };
  }
  return [javascript, typeof window.axe === 'object'];
}"""
# resultTypes: only violations carry every node (the rest one each), which makes a run faster. preload: false skips
# reading every stylesheet rule and media element up front; among the rules these tags run, only no-autoplay-audio
# uses it (the portal has no audio or video), and the orientation-lock rule that reads the CSS is experimental.
_RUN_AXE = """async ([tags, rules]) => {
  const enabled = Object.fromEntries(rules.map((rule) => [rule, {enabled: true}]));
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules: enabled,
                                     resultTypes: ['violations'], preload: false});
  return {violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(n => n.target.join(' ')), html: v.nodes.map(n => n.html)})),
          passes: r.passes.length};
}"""


def assert_accessible(page: Any, state: str) -> None:
    """Run axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, and the landmark rules in AXE_RULES) on the page as it is now;
    fail listing every violation.

    Works in a context with JavaScript turned off too (the page's own scripts have not run: `js-enabled` is absent).
    """
    javascript, has_axe = page.evaluate(_PREPARE_FOR_AXE)
    if not has_axe:
        if javascript:
            page.add_script_tag(url=AXE_URL)
        else:  # a script tag would not run: put the source in directly
            page.evaluate(_axe())
    results = page.evaluate(_RUN_AXE, [AXE_TAGS, AXE_RULES])
    assert results["passes"] > 0, f"axe checked nothing on {state}"
    violations = results["violations"]
    if violations:
        lines = [f"axe found {len(violations)} accessibility problem(s) on {state} ({page.url}):"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for target, html in zip(violation["targets"], violation["html"], strict=True):
                lines.append(f"    {target}    {html[:160]}")
        pytest.fail("\n".join(lines), pytrace=False)


# Narrow screens -------------------------------------------------------------------------------------------------

# Every word (and amount) on the page that the browser drew across two lines although it would have fitted on one:
# "Budge / t" or "£5,00 / 0" in a squeezed table column. Words are runs between spaces, hyphens and slashes (where
# lines may break); a word wider than the block it sits in must break, so it is not counted.
_SPLIT_WORDS = r"""() => {
  const split = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  // The room a word has: the nearest block that is neither inline nor part of a table (a squeezed table column is
  // exactly the problem, so it does not count as the room available).
  const blockOf = (element) => {
    const squeezable = (display) => display.startsWith('inline') || display.startsWith('table');
    while (element && squeezable(getComputedStyle(element).display)) element = element.parentElement;
    return element;
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, .govuk-visually-hidden, [hidden]')) continue;
    if (!parent.getClientRects().length) continue;  // not drawn (display: none)
    const word = /[^\s\-\u2010-\u2015\/]+/g;
    for (let match = word.exec(node.data); match; match = word.exec(node.data)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (new Set(rects.map((r) => Math.round(r.bottom))).size < 2) continue;
      const block = blockOf(parent);
      const style = getComputedStyle(block);
      const room = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const width = rects.reduce((sum, r) => sum + r.width, 0);
      if (width <= room) split.push(`${match[0]} (in <${block.tagName.toLowerCase()} class="${block.className}">)`);
    }
  }
  return split;
}"""


def assert_fits_narrow_screen(page: Any, where: str) -> None:
    """The page does not scroll sideways, and no word or amount is split across lines when it would fit on one."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths[0]} px of content in {widths[1]} px"
    split = page.evaluate(_SPLIT_WORDS)
    assert split == [], f"{where} splits words across lines: {split}"


# Text at 200 %: GOV.UK Frontend sizes text in rem, so doubling the root size doubles every text size, as a
# browser's text-size setting does. Set through the CSSOM, which the Content-Security-Policy allows.
DOUBLE_TEXT = """
document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '200%'; });
"""

# Every word the browser broke across lines anywhere but between words: "Seacrof / t", "Who is applying / ?",
# "referenc / e". Each run of text between spaces is measured character by character (a Range's line boxes); a line
# may end inside a run only just after a hyphen or a slash ("well- / being"), and never inside a short reference
# ("GZQV- / DT66" is hard to read out or copy). Text marked to break anywhere (.govuk-!-text-break-word: an email
# address, a long link) is left out: it must break somewhere rather than push the page sideways.
_BROKEN_WORDS = r"""() => {
  const broken = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const lineOf = (node, start, end) => {
    range.setStart(node, start);
    range.setEnd(node, end);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    return rects.length ? Math.round(rects[rects.length - 1].top) : null;
  };
  const reference = /^[A-Z0-9]{4}-[A-Z0-9]{4}[.,;:)]?$/;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const skipped = 'script, style, noscript, .govuk-visually-hidden, [hidden], .govuk-\\!-text-break-word';
    if (!parent || parent.closest(skipped)) continue;
    if (!parent.getClientRects().length) continue;  // not drawn (display: none)
    const run = /\S+/g;
    for (let match = run.exec(node.data); match; match = run.exec(node.data)) {
      const word = match[0];
      if (word.length < 2) continue;
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size < 2) continue;
      let previous = lineOf(node, match.index, match.index + 1);
      for (let i = 1; i < word.length; i++) {
        const line = lineOf(node, match.index + i, match.index + i + 1);
        if (line !== null && previous !== null && line !== previous) {
          const after = word[i - 1];
          if (!'-/\u2010\u2011\u2012\u2013\u2014'.includes(after) || reference.test(word)) {
            const where = `<${parent.tagName.toLowerCase()} class="${parent.className}">`;
            broken.push(`${word.slice(0, i)}/${word.slice(i)} (in ${where})`);
            break;
          }
        }
        if (line !== null) previous = line;
      }
    }
  }
  return broken;
}"""


def assert_words_whole(page: Any, where: str) -> None:
    """No word is broken across lines except after a hyphen or slash, and the page does not scroll sideways."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths[0]} px of content in {widths[1]} px"
    broken = page.evaluate(_BROKEN_WORDS)
    assert broken == [], f"{where} breaks words in the middle: {broken}"


# Journeys shared by several tests ------------------------------------------------------------------------------


def signed_in(url: str) -> bool:
    """The page a person lands on after signing in: anywhere but the sign-in pages."""
    return "/sign-in" not in url and "/staff/" not in url


def sign_in_staff(page: Any, staff: StaffMember) -> None:
    """Sign a staff member in with password and one-time code, ending where their work is."""
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password", exact=True).fill(staff.password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/enter-code")
    assert staff.totp is not None
    page.get_by_label("Enter the 6-number code from your authenticator app").fill(staff.totp.now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(signed_in)


def sign_in_resident(page: Any, live: LiveServer, email: str) -> None:
    """Sign a resident in by the emailed link, ending where their work is."""
    page.goto("/sign-in")
    page.get_by_label("What is your email address or mobile number?").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/check-your-email")
    page.goto(live.sign_in_email(email).link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(signed_in)


def today_plus(days: int) -> date:
    return date.today() + timedelta(days=days)


def follow_sign_in_link(page: Any, link: str) -> None:
    """Open an emailed sign-in link and press its one button, as a resident does (the link itself changes nothing)."""
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()


# The idea journey ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaAnswers:
    """What to put on each question page, by the labels the pages show."""

    idea_name: str
    who: str = "Just me"
    group_name: str | None = None
    description: str = "A street party so neighbours meet."
    brings_together: str = "Everyone on our street."
    helps_area: str = "People will know who lives next door."
    costs: tuple[tuple[str, str], ...] = (("Bunting and paper plates", "45"),)
    when: str = "June"
    contact_method: str = "By email"
    phone: str = ""


def answer_every_question(
    page: Any,
    idea: IdeaAnswers,
    on_page: Callable[[str], None] = lambda name: None,
    check_heading: str = "Check your answers before sending your idea",
) -> None:
    """From the first question page, answer each question and end on check your answers.

    on_page(name) runs on each page as it opens, before it is answered (for accessibility checks, screenshots …).
    check_heading is that last page's heading: a community builder's speaks of "their" idea.
    """
    from playwright.sync_api import expect

    def question(title: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        on_page(title)

    def answer(title: str, value: str) -> None:
        question(title)
        page.get_by_label(title, exact=True).fill(value)
        page.get_by_role("button", name="Continue", exact=True).click()

    question("Who is applying?")
    page.get_by_label(idea.who, exact=True).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    if idea.group_name is not None:
        answer("What is your group called?", idea.group_name)
    answer("What do you call your idea?", idea.idea_name)
    answer("What do you want to do?", idea.description)
    answer("Who will it bring together?", idea.brings_together)
    answer("How will it help your area?", idea.helps_area)
    question("What do you bring?")
    page.get_by_role("button", name="Continue", exact=True).click()
    question("Will anyone else help? (optional)")
    page.get_by_role("button", name="Continue", exact=True).click()
    question("What is the money for?")
    for item, amount in idea.costs:
        page.get_by_label("What is it for?").fill(item)
        page.get_by_label("How much does it cost?").fill(amount)
        page.get_by_role("button", name="Add this cost", exact=True).click()
        expect(page.get_by_role("button", name=f"Remove {item}")).to_be_visible()
    page.get_by_role("button", name="Continue", exact=True).click()
    question("When and where?")
    page.get_by_label("Roughly when will it happen?").fill(idea.when)
    page.get_by_role("button", name="Continue", exact=True).click()
    question("How can we reach you?")
    page.get_by_label(idea.contact_method).check()
    page.get_by_label("Phone number (if you chose phone)").fill(idea.phone)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(check_heading)


def download_pdf(page: Any, link_name: str) -> tuple[str, str]:
    """Follow a download link; return the file's suggested name and the text of the PDF (which must be one)."""
    import io

    from pypdf import PdfReader

    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    text = "".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(pdf)).pages)
    return download.value.suggested_filename, text
