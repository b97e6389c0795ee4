"""A payment run's files at 360 px, in a real browser: every file name stays whole on one line (it is read out and
copied, so it must never break at a hyphen or anywhere else), on the run's page and on each file's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_staff
from tests.browser.test_payments import PHONE_360, awards_due

pytestmark = pytest.mark.browser

# Each file name on the page, and how many lines it takes up (the bottoms of its text's line boxes).
FILE_NAME_LINES = r"""() => [...document.querySelectorAll('main .app-file-name')].map((element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
  return [element.textContent.trim(), new Set(rects.map((r) => Math.round(r.bottom))).size];
})"""


def authorised_run_with_files(live, officer_a, officer_b):
    """A run of two payments, authorised, with each kind of file made; returns (run id, [(export id, filename)])."""
    from portal.accounts.services import get_user_by_email
    from portal.awards.services import award_for
    from portal.extensions import db
    from portal.payments import exports, runs
    from portal.payments.models import ExportKind

    ideas = awards_due(live, 2)
    with live.app.app_context():
        a, b = get_user_by_email(officer_a.email), get_user_by_email(officer_b.email)
        run = runs.create_run(a, [award_for(idea.id).id for idea in ideas])
        runs.authorise_run(run.id, b)
        made = []
        for kind, full in (
            (ExportKind.SCHEDULE, False),
            (ExportKind.SCHEDULE, True),
            (ExportKind.REMITTANCES, False),
            (ExportKind.CSV, True),
        ):
            export = exports.request_export(run.id, a, kind, full_details=full)
            exports.make_export(export.id)  # made now, whatever queue the live server uses
            made.append((export.id, export.filename))
        run_id = run.id
        db.session.remove()
    return run_id, made


def test_file_names_stay_whole_on_one_line_at_360_px(new_page, live_server):
    officer_a = live_server.add_staff(Role.FINANCE_OFFICER)
    officer_b = live_server.add_staff(Role.FINANCE_OFFICER)
    run_id, made = authorised_run_with_files(live_server, officer_a, officer_b)
    assert any(name.endswith("-schedule-full.pdf") for _, name in made)  # the longest name

    page = new_page(**PHONE_360)
    sign_in_staff(page, officer_a)
    page.goto(f"/finance/runs/{run_id}")
    expect(page.get_by_role("heading", name="Files made")).to_be_visible()
    lines = page.evaluate(FILE_NAME_LINES)
    assert sorted(name for name, _ in lines) == sorted(name for _, name in made)
    assert [name for name, count in lines if count != 1] == [], lines
    assert_fits_narrow_screen(page, "a run's files at 360 px")
    assert_accessible(page, "a run's files at 360 px")

    for export_id, name in made:
        page.goto(f"/finance/runs/{run_id}/exports/{export_id}")
        expect(page.locator("main")).to_contain_text("The file is ready.")
        assert page.evaluate(FILE_NAME_LINES) == [[name, 1]], name
        assert_fits_narrow_screen(page, f"the page of {name} at 360 px")
    assert_accessible(page, "a file's page at 360 px")
