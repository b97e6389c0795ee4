"""The page shown while a file is made (an export, a commissioner report) never reloads itself: axe reported the old
2-second <meta http-equiv="refresh"> as critical (WCAG 2.2.1, timing adjustable) on every export and report.

These tests see the page while the job is really still waiting: the live server's jobs go to a queue no worker
serves (a SQLite file of the test's own) until the test runs them. Without JavaScript the page shows the state and a
"Check again" button; with JavaScript it asks the status route and announces what it says in a polite live region,
then shows the link when the file is ready. At 360 px, with axe on every state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import LiveServer, assert_accessible, assert_fits_narrow_screen, sign_in_staff

pytestmark = pytest.mark.browser

PHONE_360 = {"viewport": {"width": 360, "height": 740}}
SLOW_ENOUGH_MS = 3_000  # longer than the old refresh: nothing may move on its own in this time
ANNOUNCED_WITHIN_MS = 15_000  # the script's checks slow from every 2 seconds to every 10


class HeldJobs:
    """The live server's queue while a test runs: jobs wait in it until the test runs them."""

    def __init__(self, jobs: Any) -> None:
        self.jobs = jobs

    def waiting(self) -> int:
        return int(self.jobs.huey.pending_count())

    def run_all(self) -> int:
        """Run every waiting job here, as a worker would; returns how many ran."""
        ran = 0
        while (task := self.jobs.huey.dequeue()) is not None:
            self.jobs.huey.execute(task)
            ran += 1
        return ran


@pytest.fixture
def held_jobs(live_server: LiveServer, tmp_path: Any) -> Iterator[HeldJobs]:
    """Give the live server a job queue no worker serves, and put its own back afterwards."""
    from portal.common.jobs import Jobs

    app = live_server.app
    running = app.extensions["jobs"]
    before = {name: app.config.get(name) for name in ("JOBS_BACKEND", "JOBS_SQLITE_PATH")}
    app.config.update(JOBS_BACKEND="sqlite", JOBS_SQLITE_PATH=str(tmp_path / "held-jobs.db"))
    try:
        held = Jobs(app)
    finally:
        app.config.update(before)
    app.extensions["jobs"] = held
    try:
        yield HeldJobs(held)
    finally:
        app.extensions["jobs"] = running


def watch_navigation(page: Any) -> list[str]:
    """Every navigation of the page's main frame from now on (a reload included)."""
    seen: list[str] = []
    page.on("framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None)
    return seen


def watch_status_checks(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if request.url.endswith("/status") else None)
    return seen


def ask_for_a_pot_statement(page: Any, live: LiveServer) -> None:
    """A finance officer asks for a pot's statement as CSV and lands on the page that waits for it."""
    pot = live.add_open_pot()
    sign_in_staff(page, live.add_staff(Role.FINANCE_OFFICER))
    page.goto(f"/finance/ledger/pots/{pot.pot_id}")
    page.get_by_label("The pot's statement as a CSV file").check()
    page.get_by_role("button", name="Make the file").click()
    page.wait_for_url(re.compile(r"/finance/ledger/pots/\d+/exports/\d+$"))


def ask_for_a_report(page: Any, live: LiveServer) -> int:
    """A viewer asks for a commissioner report and lands on the page that waits for it; returns its id."""
    sign_in_staff(page, live.add_staff(Role.VIEWER))
    page.goto("/insight/report")
    page.get_by_label("Since the programme began").check()
    page.get_by_role("button", name="Make the report").click()
    page.wait_for_url(re.compile(r"/insight/reports/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def report_finished_as(live: LiveServer, report_id: int) -> tuple[str, str]:
    """The report's status once its job ran, and what its page says in that state."""
    from portal.extensions import db
    from portal.insight.models import Report

    with live.app.app_context():
        report = db.session.get(Report, report_id)
        assert report is not None
        if report.status == "ready":
            return "ready", "The report is ready."
        assert report.status == "failed", report.status
        return "failed", f"The report could not be made. Try again, or tell the programme team: {report.error}"


def expect_waiting(page: Any, message: str, *, javascript: bool) -> None:
    region = page.locator(".app-progress__status")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_text(message)
    expect(page.locator("meta[http-equiv]")).to_have_count(0)
    check_again = page.get_by_role("button", name="Check again")
    if javascript:
        expect(check_again).to_be_hidden()
        expect(page.locator(".app-progress__hint")).to_have_text(
            "This page will tell you when it is ready. You can leave it and come back."
        )
    else:
        expect(check_again).to_be_visible()
        expect(page.locator(".app-progress__hint")).to_have_text(
            "It can take a minute or two. Press Check again to see if it is ready."
        )


# Exports ---------------------------------------------------------------------------------------------------------


def test_without_javascript_an_export_being_made_shows_its_state_and_a_check_again_button(
    new_page, live_server, held_jobs
):
    page = new_page(java_script_enabled=False, **PHONE_360)
    ask_for_a_pot_statement(page, live_server)
    assert held_jobs.waiting() == 1, "the job is held: the file is still to be made"
    expect_waiting(page, "The file is waiting to be made.", javascript=False)
    assert_accessible(page, "an export being made, without JavaScript, at 360 px")
    assert_fits_narrow_screen(page, "an export being made, at 360 px")

    navigations = watch_navigation(page)
    page.wait_for_timeout(SLOW_ENOUGH_MS)
    assert navigations == [], "the page reloaded itself"
    page.get_by_role("button", name="Check again").click()
    expect_waiting(page, "The file is waiting to be made.", javascript=False)  # still held: the same state

    assert held_jobs.run_all() == 1
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("main")).to_contain_text("The file is ready.")
    expect(page.get_by_role("link", name="Download the file")).to_be_visible()
    expect(page.get_by_role("button", name="Check again")).to_have_count(0)
    assert_accessible(page, "a finished export, without JavaScript, at 360 px")


def test_with_javascript_an_export_being_made_announces_it_is_ready_without_reloading(new_page, live_server, held_jobs):
    page = new_page(**PHONE_360)
    checks = watch_status_checks(page)
    ask_for_a_pot_statement(page, live_server)
    navigations = watch_navigation(page)
    expect_waiting(page, "The file is waiting to be made.", javascript=True)
    assert_accessible(page, "an export being made, with JavaScript, at 360 px")
    page.wait_for_timeout(SLOW_ENOUGH_MS)
    assert checks, "the page did not ask how the file is getting on"
    assert held_jobs.waiting() == 1
    expect(page.locator(".app-progress__status")).to_have_text("The file is waiting to be made.")

    assert held_jobs.run_all() == 1
    region = page.locator(".app-progress__status")
    expect(region).to_contain_text("The file is ready.", timeout=ANNOUNCED_WITHIN_MS)
    link = region.get_by_role("link", name="Download the file")
    expect(link).to_be_visible()
    # Found on a new user's walk: the file's SHA-256, shown when the page is loaded ready, was missing here.
    expect(region).to_contain_text(re.compile(r"SHA-256 of the file: [0-9a-f]{64}"))
    expect(page.locator(".app-progress__check")).to_have_count(0)
    expect(page.locator(".app-progress__hint")).to_have_count(0)
    assert navigations == [], "the page reloaded itself"
    assert_accessible(page, "a finished export, announced, with JavaScript, at 360 px")
    assert_fits_narrow_screen(page, "a finished export, at 360 px")

    asked = len(checks)
    page.wait_for_timeout(SLOW_ENOUGH_MS)
    assert len(checks) == asked, "the page kept asking after the file was ready"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".csv")


# Reports ---------------------------------------------------------------------------------------------------------


def test_without_javascript_a_report_being_made_shows_its_state_and_a_check_again_button(
    new_page, live_server, held_jobs
):
    page = new_page(java_script_enabled=False, **PHONE_360)
    report_id = ask_for_a_report(page, live_server)
    assert held_jobs.waiting() == 1
    expect_waiting(page, "The report is waiting to be made.", javascript=False)
    assert_accessible(page, "a report being made, without JavaScript, at 360 px")
    assert_fits_narrow_screen(page, "a report being made, at 360 px")
    navigations = watch_navigation(page)
    page.wait_for_timeout(SLOW_ENOUGH_MS)
    assert navigations == [], "the page reloaded itself"

    assert held_jobs.run_all() == 1
    _, message = report_finished_as(live_server, report_id)
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("main")).to_contain_text(message)
    expect(page.get_by_role("button", name="Check again")).to_have_count(0)
    assert_accessible(page, "a finished report, without JavaScript, at 360 px")


def test_with_javascript_a_report_being_made_announces_when_it_is_done(new_page, live_server, held_jobs):
    page = new_page(**PHONE_360)
    checks = watch_status_checks(page)
    report_id = ask_for_a_report(page, live_server)
    navigations = watch_navigation(page)
    expect_waiting(page, "The report is waiting to be made.", javascript=True)
    assert_accessible(page, "a report being made, with JavaScript, at 360 px")
    page.wait_for_timeout(SLOW_ENOUGH_MS)
    assert checks, "the page did not ask how the report is getting on"

    assert held_jobs.run_all() == 1
    status, message = report_finished_as(live_server, report_id)
    region = page.locator(".app-progress__status")
    expect(region).to_contain_text(message, timeout=ANNOUNCED_WITHIN_MS)
    link = "Download the report (PDF)" if status == "ready" else "Try again"
    expect(region.get_by_role("link", name=link)).to_be_visible()
    assert navigations == [], "the page reloaded itself"
    assert_accessible(page, "a finished report, announced, with JavaScript, at 360 px")
