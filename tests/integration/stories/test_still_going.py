"""Is it still going? Six and twelve months after an award is paid, its resident is asked once, by the way they
chose, and answers through a single-use link without signing in; a community builder records an answer from a
conversation; the programme counts the answers."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import sqlalchemy as sa

from portal.assetmap.models import BuilderPatch
from portal.domain.roles import Role
from portal.domain.stories import months_after
from portal.extensions import db
from portal.stories import still_going
from portal.stories.models import StillGoingCheck, Story
from tests.conftest import explained, login_as, outbox, post_form
from tests.factories import make_staff
from tests.integration.stories.helpers import paid_award

PAID = date(2026, 11, 20)  # paid_award's day
LINK = re.compile(r"http://[^/\s]+(/still-going/[\w-]+)")


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def asked_link(case) -> str:
    [message] = [m for m in outbox(case.resident.email) if "still going" in m.subject]
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def test_months_after_keeps_the_day_or_the_months_last():
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert months_after(date(2026, 11, 20), 12) == date(2027, 11, 20)
    assert months_after(date(2027, 5, 20), -6) == date(2026, 11, 20)


def test_a_resident_is_asked_once_at_six_and_once_at_twelve_months(client):
    case = paid_award()
    assert still_going.ask_due(months_after(PAID, 6) - timedelta(days=1)) == 0
    assert still_going.ask_due(months_after(PAID, 6)) == 1
    assert still_going.ask_due(months_after(PAID, 6)) == 0  # never twice
    link = asked_link(case)
    assert case.application.reference in outbox(case.resident.email)[-1].body
    assert still_going.ask_due(months_after(PAID, 12)) == 1
    checks = db.session.execute(sa.select(StillGoingCheck.months, StillGoingCheck.told)).all()
    assert sorted(checks) == [(6, True), (12, True)]
    assert "Is it still going?" in page(client.get(link))


def test_the_link_answers_once_without_signing_in_and_keeps_what_was_typed(client):
    case = paid_award()
    still_going.ask_due(months_after(PAID, 6))
    link = asked_link(case)
    missing = post_form(client, link, {"words": "We meet on Tuesdays"})
    explained(missing, "Choose yes, no, or that it turned into something else", kept=["We meet on Tuesdays"])
    done = post_form(client, link, {"answer": "changed", "words": "It became a choir"})
    assert done.status_code == 200 and "We have your answer" in page(done)
    post_form(client, link, {"answer": "no", "words": "Changed my mind"})  # used: nothing changes
    check = db.session.execute(sa.select(StillGoingCheck)).scalar_one()
    assert (check.answer, check.words, check.recorded_by_id) == ("changed", "It became a choir", None)
    wrong = client.get("/still-going/not-a-real-link")
    assert wrong.status_code == 404 and "This link does not work" in page(wrong)


def test_a_builder_records_an_answer_from_a_conversation_and_nobody_else_can(client):
    case = paid_award()
    neighbourhood_id = case.application.pot.neighbourhood_id
    builder = make_staff(Role.COMMUNITY_BUILDER)[0]
    db.session.add(BuilderPatch(user_id=builder.id, neighbourhood_id=neighbourhood_id))
    db.session.commit()
    url = f"/ideas/{case.application.id}/still-going"
    for person in (make_staff(Role.COMMUNITY_BUILDER)[0], case.resident, case.officer_a):
        login_as(client, person)
        assert client.get(url).status_code == 404
        assert client.get(f"{url}/6").status_code == 404
    login_as(client, builder)
    shown = page(client.get(url))
    assert "We will ask on 20 May 2027" in shown and "Write down their answer" in shown
    assert client.get(f"{url}/7").status_code == 404
    post_form(client, f"{url}/6", {"answer": "yes", "words": "Still every Tuesday"})
    check = db.session.execute(sa.select(StillGoingCheck)).scalar_one()
    assert (check.months, check.answer, check.recorded_by_id) == (6, "yes", builder.id)
    assert "recorded by a community builder" in page(client.get(url))
    assert still_going.ask_due(months_after(PAID, 6)) == 0  # answered already: the resident is not asked
    again = post_form(client, f"{url}/6", {"answer": "no"}, token_from=f"{url}/12")
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.execute(sa.select(StillGoingCheck.answer)).scalar_one() == "yes"
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert client.get(url).status_code == 200


def test_a_resident_we_cannot_reach_is_left_to_their_builder(client):
    case = paid_award()
    case.resident.email = None
    db.session.commit()
    still_going.ask_due(months_after(PAID, 6))
    assert db.session.execute(sa.select(StillGoingCheck.told)).scalar_one() is False
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert "We could not reach them" in page(client.get(f"/ideas/{case.application.id}/still-going"))


def test_answers_are_counted_and_groups_counted_apart(client):
    grew = paid_award()
    stopped = paid_award()
    db.session.add(Story(application_id=grew.application.id, status="draft", group_formed="yes"))
    db.session.commit()
    still_going.ask_due(months_after(PAID, 6))
    post_form(client, asked_link(grew), {"answer": "yes"})
    post_form(client, asked_link(stopped), {"answer": "no"})
    assert still_going.answers()[6] == {"asked": 2, "yes": 1, "no": 1, "changed": 0}
    assert still_going.answers(groups_only=True)[6] == {"asked": 1, "yes": 1, "no": 0, "changed": 0}
    assert still_going.answers(grew.application.pot.neighbourhood_id)[6]["asked"] == 1
    assert still_going.answers()[12]["asked"] == 0


def test_an_answer_is_in_the_residents_copy_and_its_words_go_when_they_are_erased(client):
    import json

    from portal.retention.models import DataCopy

    case = paid_award()
    still_going.ask_due(months_after(PAID, 6))
    post_form(client, asked_link(case), {"answer": "yes", "words": "Every Tuesday at the library"})
    login_as(client, case.resident)
    post_form(client, "/account/your-data", {})
    copy = db.session.execute(sa.select(DataCopy)).scalar_one()
    data = json.loads(client.get(f"/account/your-data/{copy.id}/download/json").get_data())
    [answered] = [record for record in data["stories"] if "still_going" in record]
    assert answered["still_going"] == "yes" and answered["still_going_words"] == "Every Tuesday at the library"
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    post_form(client, f"/programme/erase-a-resident/{case.resident.id}", {"confirmed": "y"})
    db.session.expire_all()
    check = db.session.execute(sa.select(StillGoingCheck)).scalar_one()
    assert (check.answer, check.words) == ("yes", "")  # still counted; their words gone
