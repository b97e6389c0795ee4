"""A resident with neither email nor mobile, whose idea a community builder entered, gets letters: the decision and
the payment, drawn as A4 PDFs in the idea's language with the address where an envelope's window is, listed for the
builder and programme officers to print and mark as handed over."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from pypdf import PdfReader

from portal.applications.models import Application, CostLine, Letter
from portal.common.email import OutboxMessage
from portal.common.transactions import transactional
from portal.domain.decisions import DecisionKind
from portal.domain.roles import Role
from portal.extensions import db
from portal.panels import services as panels
from portal.stories.services import email_the_resident
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_chair, make_staff
from tests.integration.applications.test_assisted import fill_in

ADDRESS = "12 Chapel Street\nLeeds\nLS7 3AA"


def sent_without_email_or_mobile(client, pot, language="en", address=ADDRESS):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER, name="Bea Builder")
    login_as(client, builder)
    form = {"pot_id": pot.id, "resident_name": "Mo Resident", "resident_address": address}
    assert post_form(client, "/assisted/new", form).status_code == 302
    application = db.session.execute(
        sa.select(Application).where(Application.assisted_by_id == builder.id)
    ).scalar_one()
    application.language = language
    db.session.commit()
    fill_in(client, application)
    today = date.today()
    url = f"/ideas/{application.id}/check-your-answers"
    post_form(client, url, {"consent_given_on": [str(today.day), str(today.month), str(today.year)]})
    db.session.refresh(application)
    assert application.status == "submitted"
    return builder, application


def decide(pot, application, kind=DecisionKind.YES, reason="It brings the street together."):
    chair = make_chair(pot)
    panels.declare_interest(application.id, chair, has_interest=False, note="")
    panels.record_decision(application.id, chair, kind=kind, reason=reason)


def pdf_text(response) -> tuple[str, PdfReader]:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_a_decision_becomes_a_letter_for_the_builder_to_print_and_hand_over(client):
    pot = PotFactory()
    builder, application = sent_without_email_or_mobile(client, pot)
    assert application.applicant.postal_address.reveal() == ADDRESS
    decide(pot, application)
    [letter] = db.session.execute(sa.select(Letter)).scalars().all()
    assert (letter.kind, letter.handed_over_at) == ("decision", None)
    assert db.session.execute(sa.select(sa.func.count(OutboxMessage.id))).scalar() == 0
    login_as(client, builder)
    listing = client.get("/letters").get_data(as_text=True)
    assert "The panel has decided" in listing and "Mark as posted or handed over" in listing
    text, reader = pdf_text(client.get(f"/ideas/{letter.application_id}/letters/{letter.id}"))
    for expected in ("Mo Resident", "12 Chapel Street", "LS7 3AA", application.reference, "£30.00"):
        assert expected in text, expected
    assert "It brings the street together." in text and "tell your community builder" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert float(reader.pages[0].mediabox.height) > 840  # A4: 297 mm is 842 points
    post_form(client, f"/ideas/{letter.application_id}/letters/{letter.id}/handed-over", {}, token_from="/letters")
    db.session.refresh(letter)
    assert letter.handed_over_at is not None and letter.handed_over_by_id == builder.id


def test_the_payment_becomes_a_letter_too(client):
    pot = PotFactory()
    builder, application = sent_without_email_or_mobile(client, pot)
    decide(pot, application)
    transactional(lambda: email_the_resident(application, "invitation"))()
    kinds = db.session.execute(sa.select(Letter.kind).order_by(Letter.id)).scalars().all()
    assert kinds == ["decision", "paid"]
    login_as(client, builder)
    paid = db.session.execute(sa.select(Letter).where(Letter.kind == "paid")).scalar_one()
    text, _ = pdf_text(client.get(f"/ideas/{paid.application_id}/letters/{paid.id}"))
    assert "Your award has been paid" in text


def test_an_arabic_letter_is_in_arabic_shaped_and_laid_out_right_to_left(client):
    pot = PotFactory()
    builder, application = sent_without_email_or_mobile(client, pot, language="ar")
    decide(pot, application, DecisionKind.NOT_YET, reason="نرجو أن تخبرونا أين ستقام الحديقة.")
    letter = db.session.execute(sa.select(Letter)).scalar_one()
    login_as(client, builder)
    text, reader = pdf_text(client.get(f"/ideas/{letter.application_id}/letters/{letter.id}"))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert "The panel said not yet" not in text
    assert "قالت اللجنة" in text  # the Arabic words come out whole, in reading order: shaped, with their ToUnicode map
    # Laid out right to left: the panel's Arabic reason, a short line, starts at the right of the page, not the left.
    starts = where_text_starts(reader.pages[0])
    reason_x = next(x for run, x in starts if "نرجو أن تخبرونا" in run)
    assert reason_x > float(reader.pages[0].mediabox.width) / 2, starts


def where_text_starts(page) -> list[tuple[str, float]]:
    """Each run of text on the page and how far from the left edge it is drawn, in points."""
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text, tm[4] * cm[0] + cm[4]))

    page.extract_text(visitor_text=visit)
    return runs


def test_an_english_letter_starts_its_lines_at_the_left(client):
    pot = PotFactory()
    builder, application = sent_without_email_or_mobile(client, pot)
    decide(pot, application, DecisionKind.NOT_YET, reason="Please tell us where the garden will be.")
    letter = db.session.execute(sa.select(Letter)).scalar_one()
    login_as(client, builder)
    _, reader = pdf_text(client.get(f"/ideas/{letter.application_id}/letters/{letter.id}"))
    starts = where_text_starts(reader.pages[0])
    reason_x = next(x for run, x in starts if "Please tell us where" in run)
    assert reason_x < 100, starts  # the 20 mm margin is 57 points


def test_a_resident_we_can_email_gets_no_letter(client):
    pot = PotFactory()
    resident = UserFactory(email="rosa@example.org")
    application = Application(
        pot_id=pot.id,
        applicant_id=resident.id,
        status="submitted",
        reference="ABCD-EFGH",
        language="en",
        cost_lines=[CostLine(item="Paint", amount_pence=3_000)],
    )
    db.session.add(application)
    db.session.commit()
    decide(pot, application)
    assert db.session.execute(sa.select(sa.func.count(Letter.id))).scalar() == 0


def test_only_the_builder_who_entered_it_and_programme_officers_see_a_letter(client):
    pot = PotFactory()
    _, application = sent_without_email_or_mobile(client, pot)
    decide(pot, application)
    letter = db.session.execute(sa.select(Letter)).scalar_one()
    login_as(client, make_staff(Role.COMMUNITY_BUILDER, name="Other Builder")[0])
    assert "There are no letters to print." in client.get("/letters").get_data(as_text=True)
    assert client.get(f"/ideas/{letter.application_id}/letters/{letter.id}").status_code == 404
    assert (
        post_form(
            client, f"/ideas/{letter.application_id}/letters/{letter.id}/handed-over", {}, token_from="/letters"
        ).status_code
        == 404
    )
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert client.get(f"/ideas/{letter.application_id}/letters/{letter.id}").status_code == 200
    login_as(client, application.applicant)
    assert client.get("/letters").status_code == 403
