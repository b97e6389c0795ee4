"""A resident turns an idea into an application, one question per page, saved on every Continue."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.applications.models import Application
from portal.common.audit import AuditEvent
from portal.domain.references import normalise_reference
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import login_as, outbox, post_form
from tests.factories import PotFactory, UserFactory, make_award

ANSWERS = [
    ("who-is-applying", {"applicant_type": "informal_group"}),
    ("group-name", {"group_name": "King Street Friends"}),
    ("idea-name", {"idea_name": "Saturday litter pick"}),
    ("what-you-want-to-do", {"idea_description": "Pick litter every Saturday, then tea."}),
    ("who-it-brings-together", {"brings_together": "Neighbours on King Street"}),
    ("how-it-helps", {"helps_area": "A cleaner street and new friends"}),
    ("what-you-bring", {"bring_head": "", "bring_hands": "I can make posters", "bring_heart": ""}),
    ("help-from-others", {"help_from_others": ""}),
]


def start(client, pot=None, user=None):
    pot = pot or PotFactory()
    user = login_as(client, user or UserFactory(email="rosa@example.org"))
    url = f"/neighbourhoods/{pot.neighbourhood.slug}/pots/{pot.id}/start"
    response = post_form(client, url, {})
    assert response.status_code == 302
    application = db.session.execute(sa.select(Application).where(Application.applicant_id == user.id)).scalar_one()
    return application, response.headers["Location"]


def answer_everything(client, application):
    base = f"/ideas/{application.id}"
    for slug, data in ANSWERS:
        assert post_form(client, f"{base}/{slug}", data).status_code == 302, slug
    post_form(client, f"{base}/costs", {"item": "Litter pickers", "amount": "40"})
    post_form(client, f"{base}/costs", {"item": "Tea and biscuits", "amount": "£12.50"})
    assert post_form(client, f"{base}/costs/done", {}, token_from=f"{base}/costs").status_code == 302
    post_form(client, f"{base}/when-and-where", {"when_text": "June", "where_text": "King Street"})
    post_form(client, f"{base}/contact", {"contact_name": "Rosa", "contact_method": "email"})


def test_the_whole_journey_sends_an_application_with_a_reference_and_an_email(client):
    application, first = start(client)
    assert first == f"/ideas/{application.id}/who-is-applying"
    answer_everything(client, application)
    check = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    assert "King Street Friends" in check and "£52.50" in check and "Change" in check
    response = post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    assert response.headers["Location"] == f"/ideas/{application.id}/sent"
    db.session.refresh(application)
    assert application.status == "submitted"
    assert normalise_reference(application.reference) == application.reference
    assert application.total_pence == 5250
    sent = client.get(f"/ideas/{application.id}/sent").get_data(as_text=True)
    assert application.reference in sent
    [email] = outbox("rosa@example.org")
    assert application.reference in email.subject and "£52.50" in email.body
    actions = db.session.execute(sa.select(AuditEvent.action).where(AuditEvent.object_type == "application")).all()
    assert [a for (a,) in actions] == ["application.started", "application.submitted"]


def test_sending_twice_makes_one_application_and_one_email(client):
    application, _ = start(client)
    answer_everything(client, application)
    url = f"/ideas/{application.id}/check-your-answers"
    from tests.conftest import csrf_token

    token = csrf_token(client, url)
    first = client.post(url, data={"csrf_token": token, "declaration": "y"})
    second = client.post(url, data={"csrf_token": token, "declaration": "y"})
    assert first.status_code == second.status_code == 302
    assert len(outbox("rosa@example.org")) == 1
    assert db.session.execute(sa.select(sa.func.count(Application.id))).scalar() == 1


def test_starting_twice_carries_on_the_same_draft(client):
    application, _ = start(client)
    pot = application.pot
    url = f"/neighbourhoods/{pot.neighbourhood.slug}/pots/{pot.id}/start"
    again = post_form(client, url, {})
    assert again.headers["Location"] == f"/ideas/{application.id}/who-is-applying"


def test_just_me_skips_the_group_name(client):
    application, _ = start(client)
    response = post_form(client, f"/ideas/{application.id}/who-is-applying", {"applicant_type": "just_me"})
    assert response.headers["Location"] == f"/ideas/{application.id}/idea-name"


def test_each_required_answer_is_explained_and_other_answers_are_kept(client):
    application, _ = start(client)
    for slug, field, message in [
        ("who-is-applying", "applicant_type", "Select who is applying"),
        ("idea-name", "idea_name", "Enter a name for your idea"),
        ("what-you-want-to-do", "idea_description", "Tell us what you want to do"),
        ("who-it-brings-together", "brings_together", "Tell us who it will bring together"),
        ("how-it-helps", "helps_area", "Tell us how it will help your area"),
        ("when-and-where", "when_text", "Tell us roughly when it will happen"),
    ]:
        html = post_form(client, f"/ideas/{application.id}/{slug}", {field: "  "}).get_data(as_text=True)
        assert message in html, slug
        assert "There is a problem" in html


def test_a_long_answer_over_the_limit_is_refused_and_kept(client):
    application, _ = start(client)
    text = "word " * 400
    html = post_form(client, f"/ideas/{application.id}/what-you-want-to-do", {"idea_description": text}).get_data(
        as_text=True
    )
    assert "Write 1500 characters or fewer" in html
    assert text.strip()[:200] in html


def test_a_phone_contact_needs_a_number_and_keeps_it_encrypted(client):
    application, _ = start(client)
    html = post_form(
        client, f"/ideas/{application.id}/contact", {"contact_name": "Rosa", "contact_method": "phone"}
    ).get_data(as_text=True)
    assert "Enter a phone number so we can call you" in html
    assert 'value="Rosa"' in html
    post_form(
        client,
        f"/ideas/{application.id}/contact",
        {"contact_name": "Rosa", "contact_method": "phone", "contact_phone": "07700 900 982"},
    )
    db.session.refresh(application)
    assert application.contact_phone_encrypted and "07700" not in application.contact_phone_encrypted


def test_costs_must_be_more_than_zero_and_within_the_maximum_award(client):
    pot = PotFactory(max_award_pence=10_000)
    application, _ = start(client, pot)
    base = f"/ideas/{application.id}"
    html = post_form(client, f"{base}/costs/done", {}, token_from=f"{base}/costs").get_data(as_text=True)
    assert "Add at least one cost" in html
    html = post_form(client, f"{base}/costs", {"item": "Marquee", "amount": "150"}).get_data(as_text=True)
    assert "The total must be £100 or less" in html and 'value="Marquee"' in html and 'value="150"' in html
    html = post_form(client, f"{base}/costs", {"item": "Paint", "amount": "0"}).get_data(as_text=True)
    assert "Enter an amount more than £0" in html
    html = post_form(client, f"{base}/costs", {"item": "", "amount": "abc"}).get_data(as_text=True)
    assert "Enter what the money is for" in html and "Enter an amount in pounds and pence" in html


def test_a_cost_can_be_removed(client):
    application, _ = start(client)
    base = f"/ideas/{application.id}"
    post_form(client, f"{base}/costs", {"item": "Paint", "amount": "20"})
    db.session.refresh(application)
    line = application.cost_lines[0]
    from tests.conftest import csrf_token

    token = csrf_token(client, f"{base}/costs")
    client.post(f"{base}/costs/{line.id}/remove", data={"remove-csrf_token": token})
    db.session.refresh(application)
    assert application.cost_lines == []


def test_a_closed_pot_gets_a_clear_message_not_an_error(client):
    pot = PotFactory(opens_on=date(2020, 1, 1), closes_on=date(2020, 2, 1))
    login_as(client, UserFactory())
    url = f"/neighbourhoods/{pot.neighbourhood.slug}/pots/{pot.id}/start"
    response = post_form(client, url, {})
    assert response.status_code == 302
    assert "not taking ideas" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_declaration_must_be_ticked(client):
    application, _ = start(client)
    answer_everything(client, application)
    html = post_form(client, f"/ideas/{application.id}/check-your-answers", {}).get_data(as_text=True)
    assert "Tick the box to say this is your idea" in html
    db.session.refresh(application)
    assert application.status == "draft"


def test_an_unfinished_application_cannot_be_sent(client):
    application, _ = start(client)
    html = post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"}).get_data(as_text=True)
    assert "Answer all the questions before you send your idea" in html
    assert "8 questions still need an answer." in html  # the 2 optional ones do not; no group name asked for yet
    post_form(client, f"/ideas/{application.id}/who-is-applying", {"applicant_type": "organised_group"})
    post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": "Repair cafe"})
    html = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    assert "7 questions still need an answer." in html  # group name now asked, and 2 more answered


def test_a_sent_application_cannot_be_changed(client):
    application, _ = start(client)
    answer_everything(client, application)
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    response = post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": "Changed"}, token_from="/ideas")
    assert response.headers["Location"] == "/ideas"
    db.session.refresh(application)
    assert application.idea_name == "Saturday litter pick"


def test_someone_elses_application_is_not_found(client):
    application, _ = start(client)
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    for url in (
        f"/ideas/{application.id}/idea-name",
        f"/ideas/{application.id}/check-your-answers",
        f"/ideas/{application.id}/costs",
    ):
        assert client.get(url).status_code == 404


def test_your_ideas_shows_each_idea_with_its_status_in_plain_words(client):
    application, _ = start(client)
    post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": "Street party"})
    html = client.get("/ideas").get_data(as_text=True)
    assert "Street party" in html and "Not sent yet" in html


@pytest.mark.parametrize(
    ("status", "award_status", "shown"),
    [
        ("submitted", None, "Sent"),
        ("in_review", None, "Being looked at"),
        ("question_asked", None, "Question for you"),
        ("not_yet", None, "Decided: not yet"),
        ("withdrawn", None, "Withdrawn"),
        ("approved", "offered", "Decided: yes"),
        ("approved", "paid", "Paid"),
    ],
)
def test_your_ideas_names_every_status_in_plain_words(client, status, award_status, shown):
    resident = login_as(client, UserFactory())
    pot = PotFactory()
    application = Application(pot_id=pot.id, applicant_id=resident.id, status=status, idea_name="Pop-up cinema")
    db.session.add(application)
    db.session.commit()
    if award_status:
        make_award(pot, 5_000, status=award_status, idea=application)
    page = client.get("/ideas").get_data(as_text=True)
    tag = page.split("govuk-summary-card__title-wrapper", 1)[1].split("</strong>", 1)[0].strip()
    assert tag.endswith(f">{shown}"), tag


def test_a_change_link_returns_to_check_your_answers(client):
    application, _ = start(client)
    response = post_form(client, f"/ideas/{application.id}/idea-name?from=check", {"idea_name": "New name"})
    assert response.headers["Location"] == f"/ideas/{application.id}/check-your-answers"


def test_control_characters_are_removed_from_answers(client):
    application, _ = start(client)
    post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": "Tea\x00 party\x07"})
    db.session.refresh(application)
    assert application.idea_name == "Tea party"


def test_the_sent_page_and_email_give_the_neighbourhoods_own_decision_time(client):
    pot = PotFactory()
    pot.neighbourhood.decision_weeks = 1
    db.session.commit()
    application, _ = start(client, pot)
    answer_everything(client, application)
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    page = client.get(f"/ideas/{application.id}/sent").get_data(as_text=True)
    assert "They usually decide within 1 week." in page
    [email] = outbox("rosa@example.org")
    assert "They usually decide within 1 week." in email.body and "2 weeks" not in email.body


def test_a_cost_typed_and_then_continue_is_added_not_lost(client):
    application, _ = start(client)
    base = f"/ideas/{application.id}"
    response = post_form(client, f"{base}/costs/done", {"item": "Bunting", "amount": "£25"}, token_from=f"{base}/costs")
    assert response.status_code == 302 and response.headers["Location"] == f"{base}/when-and-where"
    db.session.refresh(application)
    assert [(line.item, line.amount_pence) for line in application.cost_lines] == [("Bunting", 2_500)]


def test_a_half_typed_cost_and_continue_is_explained_with_what_was_typed_kept(client):
    from tests.conftest import explained

    application, _ = start(client)
    base = f"/ideas/{application.id}"
    response = post_form(client, f"{base}/costs/done", {"item": "Bunting", "amount": ""}, token_from=f"{base}/costs")
    explained(response, "Enter how much it costs", kept=['value="Bunting"'])
    response = post_form(client, f"{base}/costs/done", {"item": "", "amount": "12"}, token_from=f"{base}/costs")
    explained(response, "Enter what the money is for", kept=['value="12"'])
    db.session.refresh(application)
    assert application.cost_lines == []
