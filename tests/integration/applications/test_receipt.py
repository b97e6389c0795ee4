"""The receipt is a PDF a resident can keep: tagged, titled, in their language, with the reference and costs."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from portal.extensions import db
from tests.conftest import login_as, post_form
from tests.factories import UserFactory
from tests.integration.applications.test_journey import answer_everything, start


def send(client):
    application, _ = start(client)
    answer_everything(client, application)
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    return application


def test_the_receipt_is_an_accessible_pdf_with_the_reference_and_costs(client):
    application = send(client)
    response = client.get(f"/ideas/{application.id}/receipt")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "rosa" not in response.headers["Content-Disposition"].lower()
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert application.reference in text
    assert "Saturday litter pick" in text and "£52.50" in text and "£12.50" in text
    assert reader.metadata.title == f"Receipt for your idea {application.reference}"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert "/StructTreeRoot" in catalog, "tagged PDF, so headings and tables reach screen readers"
    assert catalog["/MarkInfo"]["/Marked"]


def test_the_receipt_is_in_the_ideas_language_whoever_downloads_it(client):
    application = send(client)  # sent in English
    post_form(client, "/language", {"language": "cy", "next": "/"})  # now reading the site in Welsh
    reader = PdfReader(io.BytesIO(client.get(f"/ideas/{application.id}/receipt").data))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Receipt for your idea" in reader.pages[0].extract_text()

    application.language = "cy"
    db.session.commit()
    post_form(client, "/language", {"language": "en", "next": "/"})
    reader = PdfReader(io.BytesIO(client.get(f"/ideas/{application.id}/receipt").data))
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert "Receipt for your idea" not in reader.pages[0].extract_text()


def test_the_receipt_gives_the_uk_date_and_the_neighbourhoods_own_decision_time(client):
    application = send(client)
    application.submitted_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in UK summer time
    application.pot.neighbourhood.decision_weeks = 5
    db.session.commit()
    pdf = PdfReader(io.BytesIO(client.get(f"/ideas/{application.id}/receipt").data))
    text = " ".join(pdf.pages[0].extract_text().split())  # the same words however the lines wrap
    assert "Sent on 1 July 2026" in text
    assert "They usually decide within 5 weeks." in text and "2 weeks" not in text


def test_a_draft_has_no_receipt_yet(client):
    application, _ = start(client)
    response = client.get(f"/ideas/{application.id}/receipt")
    assert response.headers["Location"] == f"/ideas/{application.id}/check-your-answers"


def test_someone_else_cannot_download_the_receipt(client):
    application = send(client)
    login_as(client, UserFactory())
    assert client.get(f"/ideas/{application.id}/receipt").status_code == 404


def test_html_in_answers_is_printed_as_text_not_markup(client):
    application, _ = start(client)
    answer_everything(client, application)
    post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": "<b>Bold</b> & <script>x</script>"})
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    text = PdfReader(io.BytesIO(client.get(f"/ideas/{application.id}/receipt").data)).pages[0].extract_text()
    assert "<b>Bold</b> & <script>x</script>" in text


def test_an_arabic_receipt_is_laid_out_right_to_left_and_keeps_english_answers_left_to_right(client):
    from tests.integration.applications.test_letters import where_text_starts

    application = send(client)  # its answers were written in English
    application.language = "ar"
    db.session.commit()
    reader = PdfReader(io.BytesIO(client.get(f"/ideas/{application.id}/receipt").data))
    page = reader.pages[0]
    half = float(page.mediabox.width) / 2
    starts = where_text_starts(page)
    text = page.extract_text()
    assert "إيصال" in text  # the Arabic title, its letters whole and in reading order
    heading_x = next(x for run, x in starts if "إيصال" in run)
    assert heading_x > half, starts  # a short Arabic heading sits at the right
    answer_x = next(x for run, x in starts if "Saturday litter pick" in run)
    # An English answer starts at its cell's left edge, the page's 20 mm margin (57 points): laid out right to left,
    # it was pushed to the cell's right (234 points) and its full stop moved to its left.
    assert answer_x < 100, starts
