"""The pages shown while a file is made (an export, a commissioner report) never reload themselves (axe: WCAG 2.2.1,
timing adjustable): they show the state with a "Check again" button, and a status route, guarded like the page,
tells the page's script how far the file has got."""

from __future__ import annotations

import hashlib
import re

import pytest

from portal.domain.roles import Role
from portal.extensions import db
from portal.insight.models import Report
from portal.payments.models import PaymentExport, PaymentRun
from tests.conftest import login_as
from tests.factories import PotFactory, make_staff

STATES = [
    ("queued", 0, None, "The file is waiting to be made.", False),
    ("running", 40, None, "The file is being made: 40% done.", False),
    ("ready", 100, None, "The file is ready.", True),
    ("failed", 10, "ExportProblem: it changed", "The file could not be made: ExportProblem: it changed", True),
]


def a_run_export(status="queued", progress=0, error=None):
    officer, _ = make_staff(Role.FINANCE_OFFICER)
    run = PaymentRun(reference="RUN-2026-0042", created_by_id=officer.id, status="authorised", content_hash="a" * 64)
    db.session.add(run)
    db.session.flush()
    made = PaymentExport(
        run_id=run.id,
        kind="schedule",
        filename="run-2026-0042-schedule.pdf",
        requested_by_id=officer.id,
        status=status,
        progress=progress,
        error=error,
        content=b"%PDF-1.7" if status == "ready" else None,
        content_sha256=hashlib.sha256(b"%PDF-1.7").hexdigest() if status == "ready" else None,
        run_hash=run.content_hash,  # made from the authorisation that stands
    )
    db.session.add(made)
    db.session.commit()
    return officer, run, made


def a_report(owner, status="queued", progress=0, error=None):
    report = Report(
        period="all", filename="report.pdf", requested_by_id=owner.id, status=status, progress=progress, error=error
    )
    db.session.add(report)
    db.session.commit()
    return report


def live_region(page: str) -> str:
    region = r'<div class="app-progress__status" role="status" aria-live="polite"[^>]*>(.*?)</div>'
    match = re.search(region, page, re.S)
    assert match, "no polite live region"
    return match.group(1)


def test_a_file_being_made_shows_its_state_and_a_check_again_button_and_never_refreshes(client):
    officer, run, made = a_run_export("running", 40)
    login_as(client, officer)
    page = client.get(f"/finance/runs/{run.id}/exports/{made.id}").get_data(as_text=True)
    assert "http-equiv" not in page.lower() and "refresh" not in page.lower()
    assert "The file is being made: 40% done." in live_region(page)
    button = r'<form method="get" class="app-progress__check"[^>]*>\s*<button type="submit"[^>]*>([^<]*)<'
    check = re.search(button, page)
    assert check and check.group(1).strip() == "Check again"
    assert f'data-app-progress="/finance/runs/{run.id}/exports/{made.id}/status"' in page


@pytest.mark.parametrize(("status", "progress", "error", "message", "done"), STATES, ids=[s[0] for s in STATES])
def test_the_status_route_says_what_the_page_would(client, status, progress, error, message, done):
    officer, run, made = a_run_export(status, progress, error)
    login_as(client, officer)
    response = client.get(f"/finance/runs/{run.id}/exports/{made.id}/status")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "no-store" in response.headers["Cache-Control"]
    state = response.get_json()
    assert (state["status"], state["done"], state["message"]) == (status, done, message)
    download = f"/finance/runs/{run.id}/exports/{made.id}/download"
    assert state["link"] == ({"href": download, "text": "Download the file"} if status == "ready" else None)
    # What the ready page shows under its link, the script shows too (it was missing after a page's own update).
    sha = f"SHA-256 of the file: {hashlib.sha256(b'%PDF-1.7').hexdigest()}"
    assert state["detail"] == (sha if status == "ready" else None)
    page = client.get(f"/finance/runs/{run.id}/exports/{made.id}").get_data(as_text=True)
    assert message in page
    assert ("Check again" in page) is not done


def test_a_file_whose_authorisation_was_withdrawn_offers_no_download_on_its_status_route(client):
    officer, run, made = a_run_export("ready", 100)
    made.run_hash = "b" * 64  # made from an earlier authorisation
    db.session.commit()
    login_as(client, officer)
    state = client.get(f"/finance/runs/{run.id}/exports/{made.id}/status").get_json()
    assert state["done"] and state["link"] is None
    assert "authorisation was withdrawn" in state["message"]


def test_a_pots_statement_has_its_own_status_route(client):
    officer, _ = make_staff(Role.FINANCE_OFFICER)
    pot = PotFactory()
    made = PaymentExport(
        pot_id=pot.id, kind="pot_csv", filename="s.csv", requested_by_id=officer.id, status="running", progress=5
    )
    db.session.add(made)
    db.session.commit()
    login_as(client, officer)
    page = client.get(f"/finance/ledger/pots/{pot.id}/exports/{made.id}").get_data(as_text=True)
    assert f'data-app-progress="/finance/ledger/pots/{pot.id}/exports/{made.id}/status"' in page
    state = client.get(f"/finance/ledger/pots/{pot.id}/exports/{made.id}/status").get_json()
    assert state["message"] == "The file is being made: 5% done."
    assert client.get(f"/finance/ledger/pots/{pot.id + 1}/exports/{made.id}/status").status_code == 404


def test_the_export_status_route_is_guarded_like_its_page(client):
    officer, run, made = a_run_export("running", 40)
    other_run = PaymentRun(reference="RUN-2026-0043", created_by_id=officer.id, status="authorised")
    db.session.add(other_run)
    db.session.commit()
    url = f"/finance/runs/{run.id}/exports/{made.id}/status"
    assert "/sign-in" in client.get(url).headers["Location"]
    for role in (Role.PROGRAMME_OFFICER, Role.VIEWER, Role.COMMUNITY_BUILDER):
        login_as(client, make_staff(role)[0])
        assert client.get(url).status_code == 403, role
    login_as(client, officer)
    assert client.get(f"/finance/runs/{other_run.id}/exports/{made.id}/status").status_code == 404  # not this run's


@pytest.mark.parametrize(
    ("status", "progress", "error", "message", "link"),
    [
        ("queued", 0, None, "The report is waiting to be made.", None),
        ("running", 70, None, "The report is being made: 70% done.", None),
        ("ready", 100, None, "The report is ready.", "Download the report (PDF)"),
        ("failed", 0, "Boom", "The report could not be made. Try again, or tell the programme team: Boom", "Try again"),
    ],
)
def test_a_report_being_made_has_the_same_component_and_status_route(client, status, progress, error, message, link):
    viewer, _ = make_staff(Role.VIEWER)
    report = a_report(viewer, status, progress, error)
    login_as(client, viewer)
    page = client.get(f"/insight/reports/{report.id}").get_data(as_text=True)
    assert "http-equiv" not in page.lower() and message in page
    if status in ("queued", "running"):
        assert message in live_region(page) and "Check again" in page
        assert f'data-app-progress="/insight/reports/{report.id}/status"' in page
    state = client.get(f"/insight/reports/{report.id}/status").get_json()
    assert (state["status"], state["message"]) == (status, message)
    assert (state["link"] or {}).get("text") == link


def test_the_report_status_route_is_guarded_like_its_page(client):
    viewer, _ = make_staff(Role.VIEWER)
    report = a_report(viewer, "running", 50)
    url = f"/insight/reports/{report.id}/status"
    login_as(client, make_staff(Role.VIEWER)[0])  # another viewer: not theirs
    assert client.get(url).status_code == 404
    assert client.get(f"/insight/reports/{report.id}").status_code == 404
    login_as(client, make_staff(Role.FINANCE_OFFICER)[0])
    assert client.get(url).status_code == 404
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert client.get(url).get_json()["message"] == "The report is being made: 50% done."


def test_a_report_taken_down_offers_no_download_on_its_status_route(client):
    from portal.common.time import utcnow

    viewer, _ = make_staff(Role.VIEWER)
    report = a_report(viewer, "ready", 100)
    report.content, report.withdrawn_at = b"%PDF-1.7", utcnow()
    db.session.commit()
    login_as(client, viewer)
    state = client.get(f"/insight/reports/{report.id}/status").get_json()
    assert state["done"] and "taken down" in state["message"]
    assert state["link"]["href"] == f"/insight/reports/{report.id}"  # the page that says what happens next
    assert client.get(f"/insight/reports/{report.id}/download").status_code == 302
