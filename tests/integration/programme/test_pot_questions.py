"""Programme officers write up to three questions of their own for a pot: each checked for reading age and for the
words we never use as it is written, in English with optional Welsh and Arabic, and never changed once an idea has
answered it (a new version instead)."""

from __future__ import annotations

import html

import sqlalchemy as sa

from portal.applications.models import Application
from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import PotQuestion, QuestionAnswer
from tests.conftest import csrf_token, explained, login_as, post_form
from tests.factories import PotFactory, UserFactory, make_staff

TIME_OF_DAY = {
    "wording": "When can your group meet?",
    "wording_cy": "Pryd all eich grŵp gwrdd?",
    "wording_ar": "متى يمكن لمجموعتك أن تلتقي؟",
    "hint": "Pick the time that suits most of you.",
    "hint_cy": "",
    "hint_ar": "",
    "kind": "choice",
    "choices": "Morning\nAfternoon\n\nEvening\nmorning",
    "choices_cy": "Bore\r\n\r\nPrynhawn\r\nNoswaith\r\nbore",  # tidied as the English is
    "choices_ar": "",
}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def questions_url(pot) -> str:
    return f"/programme/neighbourhoods/{pot.neighbourhood_id}/pots/{pot.id}/questions"


def officer(client):
    return login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])


def test_an_officer_adds_a_choice_question_in_three_languages(client):
    pot = PotFactory()
    officer(client)
    assert "This pot has no questions of its own." in text(client.get(questions_url(pot)))
    response = post_form(client, f"{questions_url(pot)}/new", TIME_OF_DAY)
    assert response.headers["Location"] == questions_url(pot)
    question = db.session.execute(sa.select(PotQuestion)).scalar_one()
    assert (question.kind, question.position, question.version, question.optional) == ("choice", 1, 1, False)
    assert question.choices == "Morning\nAfternoon\nEvening"  # blank lines and repeats dropped
    assert question.other_languages == {
        "cy": {"wording": "Pryd all eich grŵp gwrdd?", "choices": "Bore\nPrynhawn\nNoswaith"},
        "ar": {"wording": "متى يمكن لمجموعتك أن تلتقي؟"},
    }
    listed = text(client.get(questions_url(pot)))
    assert "Your question has been added: “When can your group meet?”" in listed
    assert "Easy to read" in listed and "Evening" in listed
    assert db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "pot_question.added")).scalar_one()


def test_a_choice_question_needs_two_to_eight_options_and_as_many_in_each_language(client):
    pot = PotFactory()
    officer(client)
    few = post_form(client, f"{questions_url(pot)}/new", {**TIME_OF_DAY, "choices": "Morning", "choices_cy": ""})
    assert few.status_code == 200
    explained(few, "Enter at least 2 options, one on each line")
    assert "When can your group meet?" in text(few) and "Pryd all eich grŵp gwrdd?" in text(few)  # kept
    many = post_form(client, f"{questions_url(pot)}/new", {**TIME_OF_DAY, "choices": "\n".join("abcdefghi")})
    explained(many, "Enter 8 options or fewer")
    uneven = post_form(client, f"{questions_url(pot)}/new", {**TIME_OF_DAY, "choices_cy": "Bore\nPrynhawn"})
    explained(uneven, "Give as many options in Welsh as in English, in the same order")
    assert db.session.execute(sa.select(sa.func.count(PotQuestion.id))).scalar_one() == 0


def test_the_question_and_its_kind_are_required(client):
    pot = PotFactory()
    officer(client)
    response = post_form(client, f"{questions_url(pot)}/new", {"wording": "", "kind": ""})
    explained(response, "Enter the question")
    explained(response, "Choose what kind of answer")


def test_hard_words_are_named_with_the_reading_age_and_words_we_never_use(client):
    pot = PotFactory()
    officer(client)
    hard = {
        "wording": "Please demonstrate the anticipated participation outcomes for beneficiaries.",
        "kind": "long_text",
    }
    response = post_form(client, f"{questions_url(pot)}/new", hard)
    assert response.status_code == 302  # a warning, never a block
    listed = text(client.get(questions_url(pot)))
    assert "Hard to read" in listed and "Reading age" in listed
    assert "Long words to change: demonstrate, anticipated, participation, beneficiaries" in listed
    assert "Change these words: beneficiaries" in listed


def test_the_check_as_it_is_typed_answers_with_the_reading_age(client):
    officer(client)
    token = csrf_token(client, "/programme/neighbourhoods")
    plain = client.post("/programme/reading-age", data={"csrf_token": token, "wording": "Is it for a group?"})
    assert plain.status_code == 200 and plain.json["reading_age"] <= 9 and "Easy to read" in plain.json["message"]
    hard = client.post(
        "/programme/reading-age",
        data={"csrf_token": token, "wording": "Describe the organisational sustainability of your customers."},
    )
    assert hard.json["reading_age"] > 9
    assert "organisational" in hard.json["message"] and "customers" in hard.json["message"]
    assert client.post("/programme/reading-age", data={"wording": "No token"}).status_code == 400


def test_a_pot_has_at_most_three_questions(client):
    pot = PotFactory()
    officer(client)
    for n in range(3):
        post_form(client, f"{questions_url(pot)}/new", {"wording": f"Question {n}?", "kind": "short_text"})
    assert client.get(f"{questions_url(pot)}/new").headers["Location"] == questions_url(pot)
    refused = post_form(
        client, f"{questions_url(pot)}/new", {"wording": "A fourth?", "kind": "yes_no"}, token_from=questions_url(pot)
    )
    assert refused.status_code == 302
    assert "This pot has 3 questions already. Remove one to add another." in text(client.get(questions_url(pot)))
    assert db.session.execute(sa.select(sa.func.count(PotQuestion.id))).scalar_one() == 3


def _answered(question) -> None:
    idea = Application(pot_id=question.pot_id, applicant_id=UserFactory().id)
    db.session.add(idea)
    db.session.flush()
    db.session.add(QuestionAnswer(application_id=idea.id, question_id=question.id, answer="Mornings"))
    db.session.commit()


def test_a_question_nobody_answered_changes_in_place(client):
    pot = PotFactory()
    officer(client)
    post_form(client, f"{questions_url(pot)}/new", {"wording": "Where will you meet?", "kind": "short_text"})
    question = db.session.execute(sa.select(PotQuestion)).scalar_one()
    post_form(
        client, f"{questions_url(pot)}/{question.id}", {"wording": "Where will you all meet?", "kind": "short_text"}
    )
    db.session.refresh(question)
    assert (question.wording, question.version, question.retired_at) == ("Where will you all meet?", 1, None)


def test_a_question_ideas_answered_keeps_its_words_and_a_new_version_takes_its_place(client):
    pot = PotFactory()
    officer(client)
    post_form(client, f"{questions_url(pot)}/new", {"wording": "When do you meet?", "kind": "short_text"})
    old = db.session.execute(sa.select(PotQuestion)).scalar_one()
    _answered(old)
    form = text(client.get(f"{questions_url(pot)}/{old.id}"))
    assert "1 idea has answered this question." in form
    response = post_form(
        client, f"{questions_url(pot)}/{old.id}", {"wording": "When will you meet?", "kind": "short_text"}
    )
    assert response.headers["Location"] == questions_url(pot)
    db.session.refresh(old)
    assert old.wording == "When do you meet?" and old.retired_at is not None
    new = db.session.execute(sa.select(PotQuestion).where(PotQuestion.retired_at.is_(None))).scalar_one()
    assert (new.wording, new.version, new.position) == ("When will you meet?", 2, old.position)
    assert "Ideas had answered the question, so they keep the old wording." in text(client.get(questions_url(pot)))
    # The old version's page is gone: an old link says so and shows the list.
    assert client.get(f"{questions_url(pot)}/{old.id}").headers["Location"] == questions_url(pot)


def test_removing_asks_first_and_keeps_an_answered_question_for_its_ideas(client):
    pot = PotFactory()
    officer(client)
    post_form(client, f"{questions_url(pot)}/new", {"wording": "Do you need a room?", "kind": "yes_no"})
    question = db.session.execute(sa.select(PotQuestion)).scalar_one()
    _answered(question)
    remove = f"{questions_url(pot)}/{question.id}/remove"
    asked = text(client.get(remove))
    assert "Remove this question?" in asked and "Do you need a room?" in asked
    assert post_form(client, remove, {}).headers["Location"] == questions_url(pot)
    db.session.refresh(question)
    assert question.retired_at is not None  # kept: an idea answered it
    assert "This question has been removed: “Do you need a room?”" in text(client.get(questions_url(pot)))


def test_an_unanswered_question_is_removed_outright(client):
    pot = PotFactory()
    officer(client)
    post_form(client, f"{questions_url(pot)}/new", {"wording": "Do you need a room?", "kind": "yes_no"})
    question = db.session.execute(sa.select(PotQuestion)).scalar_one()
    post_form(client, f"{questions_url(pot)}/{question.id}/remove", {})
    assert db.session.execute(sa.select(sa.func.count(PotQuestion.id))).scalar_one() == 0


def test_only_programme_officers_write_a_pots_questions(client):
    pot = PotFactory()
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert client.get(questions_url(pot)).status_code == 403
    assert client.get(f"/programme/neighbourhoods/{pot.neighbourhood_id}/pots/999999/questions").status_code == 403
