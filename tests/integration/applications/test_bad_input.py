"""Every bad input on every resident page: a GOV.UK-style message on the same page, and what was typed still there.

Each case posts one kind of bad answer to one page. The page must come back (not redirect, not fail) with the error
summary, the message both in the summary and beside its field, and every value the resident typed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.applications.models import Application
from portal.domain.roles import Role
from portal.extensions import db
from portal.panels.models import Decision
from tests.conftest import explained, login_as, post_form
from tests.factories import PotFactory, UserFactory, make_award
from tests.integration.applications.test_journey import answer_everything, start

TOO_LONG = "x" * 1_501


QUESTION_CASES = [
    ("who-is-applying", {}, "Select who is applying", ()),
    ("who-is-applying", {"applicant_type": "a club from the moon"}, "Select who is applying", ()),
    ("group-name", {"group_name": " "}, "Enter your group's name", ()),
    ("group-name", {"group_name": "G" * 201}, "Write 200 characters or fewer", ("G" * 201,)),
    ("idea-name", {"idea_name": ""}, "Enter a name for your idea", ()),
    ("idea-name", {"idea_name": "N" * 201}, "Write 200 characters or fewer", ("N" * 201,)),
    ("what-you-want-to-do", {"idea_description": "\t"}, "Tell us what you want to do", ()),
    ("what-you-want-to-do", {"idea_description": TOO_LONG}, "Write 1500 characters or fewer", (TOO_LONG,)),
    ("who-it-brings-together", {"brings_together": ""}, "Tell us who it will bring together", ()),
    ("who-it-brings-together", {"brings_together": TOO_LONG}, "Write 1500 characters or fewer", (TOO_LONG,)),
    ("how-it-helps", {"helps_area": ""}, "Tell us how it will help your area", ()),
    ("how-it-helps", {"helps_area": TOO_LONG}, "Write 1500 characters or fewer", (TOO_LONG,)),
    (
        "what-you-bring",
        {"bring_head": "I know about gardens", "bring_hands": TOO_LONG, "bring_heart": "Old trees"},
        "Write 1500 characters or fewer",
        ("I know about gardens", TOO_LONG, "Old trees"),
    ),
    ("help-from-others", {"help_from_others": TOO_LONG}, "Write 1500 characters or fewer", (TOO_LONG,)),
    ("costs", {"item": "", "amount": "12.50"}, "Enter what the money is for", ("12.50",)),
    ("costs", {"item": "Paint", "amount": ""}, "Enter how much it costs", ("Paint",)),
    ("costs", {"item": "Paint", "amount": "twelve pounds"}, "Enter an amount in pounds and pence", ("twelve pounds",)),
    ("costs", {"item": "Paint", "amount": "-5"}, "Enter an amount of £0 or more", ("Paint", "-5")),
    ("costs", {"item": "Paint", "amount": "0"}, "Enter an amount more than £0", ("Paint",)),
    ("costs", {"item": "Marquee", "amount": "£600"}, "The total must be £500 or less", ("Marquee", "£600")),
    (
        "when-and-where",
        {"when_text": "", "where_text": "Mill Lane"},
        "Tell us roughly when it will happen",
        ("Mill Lane",),
    ),
    ("when-and-where", {"when_text": "W" * 101}, "Write 100 characters or fewer", ("W" * 101,)),
    ("contact", {"contact_name": "", "contact_method": "email"}, "Enter your name", ()),
    ("contact", {"contact_name": "Rosa"}, "Select how you would like to hear from us", ("Rosa",)),
    (
        "contact",
        {"contact_name": "Rosa", "contact_method": "phone", "contact_phone": "call me maybe"},
        "Enter a phone number, like 07700 900 982",
        ("Rosa", "call me maybe"),
    ),
    (
        "contact",
        {"contact_name": "Rosa", "contact_method": "phone", "contact_phone": ""},
        "Enter a phone number so we can call you",
        ("Rosa",),
    ),
]


@pytest.mark.parametrize(
    ("question", "data", "message", "kept"),
    QUESTION_CASES,
    ids=[f"{case[0]}:{case[2]}" for case in QUESTION_CASES],
)
def test_each_question_page_explains_bad_answers_and_keeps_them(client, question, data, message, kept):
    application, _ = start(client, PotFactory(max_award_pence=50_000))
    if question != "who-is-applying":  # a radio left unticked keeps an earlier answer, so answer it only for others
        post_form(client, f"/ideas/{application.id}/who-is-applying", {"applicant_type": "informal_group"})
    explained(post_form(client, f"/ideas/{application.id}/{question}", data), message, kept)
    db.session.refresh(application)
    assert application.status == "draft"


def test_check_your_answers_asks_for_the_tick(client):
    application, _ = start(client)
    answer_everything(client, application)
    explained(
        post_form(client, f"/ideas/{application.id}/check-your-answers", {}),
        "Tick the box to say this is your idea and what you said is true",
    )


def test_a_pot_with_no_money_left_is_explained_when_sending(client):
    pot = PotFactory(budget_pence=6_000, max_award_pence=6_000, fast_track_limit_pence=1_000)
    make_award(pot, 5_000)
    application, _ = start(client, pot)
    answer_everything(client, application)  # asks for £52.50: more than the £10 left
    page = explained(
        post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"}),
        "This pot has no money left for an idea this size. Talk to your community builder.",
    )
    assert "Saturday litter pick" in page  # the answers are still there to read
    db.session.refresh(application)
    assert (application.status, application.reference) == ("draft", None)


def test_an_empty_answer_to_the_panels_question_is_explained(client):
    application, _ = start(client)
    answer_everything(client, application)
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    db.session.refresh(application)
    decision = Decision(
        application_id=application.id,
        decided_by_id=UserFactory().id,
        kind="question",
        reason="Who will tidy up afterwards?",
    )
    application.status = "question_asked"
    db.session.add(decision)
    db.session.commit()
    explained(post_form(client, f"/ideas/{application.id}/answer", {"answer": " "}), "Write your answer")
    page = explained(
        post_form(client, f"/ideas/{application.id}/answer", {"answer": TOO_LONG}),
        "Write 1500 characters or fewer",
        (TOO_LONG,),
    )
    assert "Who will tidy up afterwards?" in page


ASSISTED_CASES = [
    ({"resident_name": "Ada", "resident_email": ""}, "Select a pot", ("Ada",)),
    ({"pot_id": "POT", "resident_name": "", "resident_email": "ada@example.org"}, "Enter the resident's name", ()),
    (
        {"pot_id": "POT", "resident_name": "Ada", "resident_email": "ada at home"},
        "Enter an email address in the correct format, like name@example.com",
        ("Ada", "ada at home"),
    ),
    ({"pot_id": "999999", "resident_name": "Ada"}, "Select a pot", ("Ada",)),
]


@pytest.mark.parametrize(("data", "message", "kept"), ASSISTED_CASES, ids=[case[1] for case in ASSISTED_CASES])
def test_the_builders_start_page_explains_bad_answers_and_keeps_them(client, data, message, kept):
    pot = PotFactory()
    login_as(client, UserFactory(roles=[Role.COMMUNITY_BUILDER]))
    data = {name: str(pot.id) if value == "POT" else value for name, value in data.items()}
    explained(post_form(client, "/assisted/new", data), message, kept)
    assert db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one() == 0


def _assisted_draft(client):
    pot = PotFactory()
    builder = login_as(client, UserFactory(roles=[Role.COMMUNITY_BUILDER]))
    response = post_form(client, "/assisted/new", {"pot_id": str(pot.id), "resident_name": "Ada"})
    assert response.status_code == 302
    application = db.session.execute(
        sa.select(Application).where(Application.assisted_by_id == builder.id)
    ).scalar_one()
    answer_everything(client, application)
    return application


def _day(when: date) -> dict[str, list[str]]:
    return {"consent_given_on": [str(when.day), str(when.month), str(when.year)]}


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({}, "Enter the date they told you they agree", ()),
        (_day(date.today() + timedelta(days=3)), "The date they agreed must be today or in the past", ()),
        (
            {"consent_given_on": ["31", "2", "2026"]},
            "Enter a real date, like 27 3 2026",
            ('value="31"', 'value="2"', 'value="2026"'),
        ),
        # An old page's choice of an emailed link, for a resident with no email address, asks for the date instead.
        ({"consent_method": "email"}, "Enter the date they told you they agree", ()),
    ],
    ids=["no date", "future date", "impossible date", "email without an address"],
)
def test_recording_the_residents_agreement_explains_bad_answers(client, data, message, kept):
    application = _assisted_draft(client)
    explained(post_form(client, f"/ideas/{application.id}/check-your-answers", data), message, kept)
    db.session.refresh(application)
    assert (application.status, application.consent_method) == ("draft", None)
