"""The resident hears the decision in plain words, accepts an award, keeps a letter, and answers a question."""

from __future__ import annotations

import io

import sqlalchemy as sa
from pypdf import PdfReader

from portal.awards.models import Award
from portal.domain.decisions import DecisionKind
from portal.extensions import db
from portal.panels import services
from tests.conftest import login_as, outbox, post_form
from tests.factories import PotFactory, UserFactory, make_chair, sent_idea


def decided(kind, *, language="en", **extra):
    pot = PotFactory()
    resident = UserFactory(email="rosa@example.org")
    idea = sent_idea(pot, resident, reference="ABCD-EFGH", language=language)
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    services.record_decision(idea.id, chair, kind=kind, reason="It brings the street together.", **extra)
    return idea, resident


def test_a_yes_is_emailed_with_the_reason_and_shown_on_your_ideas(client):
    idea, resident = decided(DecisionKind.YES)
    [email] = outbox("rosa@example.org")
    assert "Street party" in email.subject
    assert "the panel said yes" in email.body and "£200" in email.body
    assert "It brings the street together." in email.body
    login_as(client, resident)
    html = client.get("/ideas").get_data(as_text=True)
    assert "Decided: yes" in html and "It brings the street together." in html and "Accept your award of £200" in html


def test_the_decision_email_is_in_the_residents_language(client):
    decided(DecisionKind.YES, language="cy")
    [email] = outbox("rosa@example.org")
    assert "the panel said yes" not in email.body
    assert "It brings the street together." in email.body


def test_english_words_in_an_arabic_email_are_isolated_so_they_keep_their_own_order(client):
    """A plain-text email has no dir attribute: what the resident and panel wrote in English is wrapped in Unicode's
    first-strong isolate (U+2068 … U+2069) inside an Arabic email, and left alone in an English one."""
    decided(DecisionKind.YES, language="ar")
    [email] = outbox("rosa@example.org")
    assert "\u2068Street party\u2069" in email.subject and "\u2068Street party\u2069" in email.body
    assert "\u2068It brings the street together.\u2069" in email.body
    assert "\u2068Rosa\u2069" in email.body


def test_an_english_email_has_no_isolates_around_english_words(client):
    decided(DecisionKind.YES)
    [email] = outbox("rosa@example.org")
    assert "\u2068" not in email.body + email.subject and "\u2069" not in email.body + email.subject


def test_accepting_the_award_moves_it_on_to_payment_once(client):
    idea, resident = decided(DecisionKind.YES_WITH_CHANGE, amount_pence=15_000, condition="Invite the school")
    login_as(client, resident)
    url = f"/ideas/{idea.id}/award"
    page = client.get(url).get_data(as_text=True)
    assert "You can have £150" in page and "Invite the school" in page
    assert post_form(client, url, {}).headers["Location"] == f"/ideas/{idea.id}/how-to-be-paid"  # straight on
    assert post_form(client, url, {}).status_code in (200, 302)
    award = db.session.execute(sa.select(Award)).scalar_one()
    assert award.status == "accepted" and award.accepted_at is not None


def test_the_award_letter_is_a_pdf_to_keep(client):
    idea, resident = decided(DecisionKind.YES)
    login_as(client, resident)
    response = client.get(f"/ideas/{idea.id}/award-letter")
    reader = PdfReader(io.BytesIO(response.data))
    text = reader.pages[0].extract_text()
    assert "ABCD-EFGH" in text and "£200.00" in text
    assert reader.metadata.title == "Award letter for ABCD-EFGH"


def test_the_award_letter_is_in_the_ideas_language_whoever_downloads_it(client):
    idea, resident = decided(DecisionKind.YES, language="ar")
    login_as(client, resident)
    post_form(client, "/language", {"language": "en", "next": "/"})
    reader = PdfReader(io.BytesIO(client.get(f"/ideas/{idea.id}/award-letter").data))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert "Your small spark award" not in reader.pages[0].extract_text()


def test_someone_else_cannot_accept_or_see_the_award(client):
    idea, _ = decided(DecisionKind.YES)
    login_as(client, UserFactory())
    assert client.get(f"/ideas/{idea.id}/award").status_code == 404
    assert client.get(f"/ideas/{idea.id}/award-letter").status_code == 404


def test_not_yet_offers_a_talk_with_the_community_builder(client):
    idea, resident = decided(DecisionKind.NOT_YET)
    [email] = outbox("rosa@example.org")
    assert "not yet" in email.body and "community builder" in email.body


def test_answering_a_question_puts_the_idea_back_in_the_queue(client):
    idea, resident = decided(DecisionKind.QUESTION)
    login_as(client, resident)
    assert f'href="/ideas/{idea.id}/answer"' in client.get("/ideas").get_data(as_text=True)
    url = f"/ideas/{idea.id}/answer"
    html = post_form(client, url, {"answer": " "}).get_data(as_text=True)
    assert "Write your answer to the panel" in html
    assert post_form(client, url, {"answer": "We will use the church hall."}).headers["Location"] == "/ideas"
    db.session.refresh(idea)
    assert idea.status == "submitted"
    assert services.latest_decision(idea.id).answer == "We will use the church hall."


def test_an_arabic_award_letter_is_laid_out_right_to_left_with_the_english_reason_left_to_right(client):
    from tests.integration.applications.test_letters import where_text_starts

    idea, resident = decided(DecisionKind.YES, language="ar")
    login_as(client, resident)
    page = PdfReader(io.BytesIO(client.get(f"/ideas/{idea.id}/award-letter").data)).pages[0]
    starts = where_text_starts(page)
    half = float(page.mediabox.width) / 2
    assert next(x for run, x in starts if "رقمك المرجعي" in run) > half, starts  # a short Arabic line, at the right
    assert next(x for run, x in starts if "It brings the street" in run) < 100, starts  # the panel's English words
