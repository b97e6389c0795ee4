"""The commissioner report: asked for on a page, made by a background job after commit, shown with its progress,
downloaded as a tagged PDF with the figures, charts and published stories (with photos, never a name)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from pypdf import PdfReader

from portal.domain.roles import Role
from portal.extensions import db
from portal.insight import reports
from portal.insight.models import Report
from tests.conftest import login_as, post_form
from tests.factories import make_staff
from tests.integration.insight.helpers import published_story


def test_a_viewer_asks_for_a_report_and_downloads_it(client):
    case, _ = published_story("We planted 200 bulbs by the school.")
    viewer, _ = make_staff(Role.VIEWER)
    login_as(client, viewer)
    form = client.get("/insight/report").get_data(as_text=True)
    assert case.application.pot.neighbourhood.name in form
    response = post_form(
        client, "/insight/report", {"period": "all", "neighbourhoods": [case.application.pot.neighbourhood_id]}
    )
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report).order_by(Report.id.desc()))
    # The job ran after the commit (the test queue runs jobs at once): the page offers the file.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert report.status == "ready", report.error
    assert "Download the report (PDF)" in page and 'http-equiv="refresh"' not in page
    pdf = client.get(f"/insight/reports/{report.id}/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    words = " ".join(page.extract_text() for page in reader.pages)
    assert "We planted 200 bulbs by the school." in words and "Five Ways to Wellbeing" in words
    assert case.resident.name not in words and case.resident.email not in words
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en" and "/StructTreeRoot" in catalog  # tagged, with its language
    assert reader.metadata.title.startswith("What the small sparks did")
    images = [image for page in reader.pages for image in page.images]
    assert images, "the story's photo is in the report"


def test_a_report_in_progress_says_so_and_offers_to_check_again(client, monkeypatch):
    monkeypatch.setattr(reports, "enqueue_after_commit", lambda *args: None)  # the worker has not picked it up yet
    viewer, _ = make_staff(Role.VIEWER)
    login_as(client, viewer)
    response = post_form(client, "/insight/report", {"period": "last-12-months"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The report is waiting to be made." in page and "Check again" in page
    assert 'http-equiv="refresh"' not in page
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/insight/reports/{report_id}/download").status_code == 302  # not ready: back to the page


def test_only_the_person_who_asked_or_a_programme_officer_sees_a_report(client, monkeypatch):
    monkeypatch.setattr(reports, "enqueue_after_commit", lambda *args: None)
    viewer, _ = make_staff(Role.VIEWER)
    login_as(client, viewer)
    location = post_form(client, "/insight/report", {"period": "all"}).headers["Location"]
    login_as(client, make_staff(Role.VIEWER)[0])
    assert client.get(location).status_code == 404
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert client.get(location).status_code == 200
    login_as(client, make_staff(Role.FINANCE_OFFICER)[0])
    assert client.get("/insight/report").status_code == 403


def test_a_report_asks_for_a_period(client):
    login_as(client, make_staff(Role.VIEWER)[0])
    response = post_form(client, "/insight/report", {})
    assert response.status_code == 200 and "Select a period" in response.get_data(as_text=True)
