"""A pot's own questions come in the resident's journey as a page each, after the portal's questions and before how
to reach them: in the resident's language where the programme wrote one, required unless optional, on check your
answers, and sent with the idea in the words it answered."""

from __future__ import annotations

import html

import sqlalchemy as sa

from portal.applications.models import Application
from portal.domain.pot_questions import QuestionKind
from portal.extensions import db
from portal.programme import questions
from portal.programme.models import PotQuestion
from tests.conftest import count_queries, explained, post_form
from tests.factories import PotFactory
from tests.integration.applications.test_journey import answer_everything, start


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def pot_with_questions():
    pot = PotFactory()
    when = PotQuestion(
        pot_id=pot.id,
        position=1,
        kind="choice",
        wording="When can your group meet?",
        hint="Pick the time that suits most of you.",
        choices="Morning\nAfternoon\nEvening",
        other_languages={"cy": {"wording": "Pryd all eich grŵp gwrdd?", "choices": "Bore\nPrynhawn\nNoswaith"}},
    )
    room = PotQuestion(pot_id=pot.id, position=2, kind="yes_no", wording="Do you need a room?", optional=True)
    story = PotQuestion(pot_id=pot.id, position=3, kind="long_text", wording="What have you done before?")
    db.session.add_all([when, room, story])
    db.session.commit()
    return pot, when, room, story


def test_the_pots_questions_come_after_when_and_where_and_before_how_to_reach_you(client):
    pot, when, room, story = pot_with_questions()
    application, _ = start(client, pot)
    base = f"/ideas/{application.id}"
    after_where = post_form(client, f"{base}/when-and-where", {"when_text": "June", "where_text": "King Street"})
    assert after_where.headers["Location"] == f"{base}/pot-questions/1"
    page = text(client.get(f"{base}/pot-questions/1"))
    assert "When can your group meet?" in page and "Pick the time that suits most of you." in page
    assert f'href="{base}/when-and-where"' in page  # back
    assert (
        post_form(client, f"{base}/pot-questions/1", {"answer": "2"}).headers["Location"] == f"{base}/pot-questions/2"
    )
    second = text(client.get(f"{base}/pot-questions/2"))
    assert "Do you need a room? (optional)" in second and f'href="{base}/pot-questions/1"' in second
    assert post_form(client, f"{base}/pot-questions/2", {}).headers["Location"] == f"{base}/pot-questions/3"
    last = post_form(client, f"{base}/pot-questions/3", {"answer": "We ran a street party last year."})
    assert last.headers["Location"] == f"{base}/contact"
    contact = text(client.get(f"{base}/contact"))
    assert f'href="{base}/pot-questions/3"' in contact  # back from how to reach you


def test_a_required_question_is_explained_and_an_optional_one_may_be_left(client):
    pot, when, room, story = pot_with_questions()
    application, _ = start(client, pot)
    base = f"/ideas/{application.id}"
    explained(post_form(client, f"{base}/pot-questions/1", {}), "Select an answer")
    explained(post_form(client, f"{base}/pot-questions/3", {"answer": "   "}), "Enter an answer")
    too_long = "x" * 1501
    explained(post_form(client, f"{base}/pot-questions/3", {"answer": too_long}), "Write 1500 characters or fewer")
    assert post_form(client, f"{base}/pot-questions/1", {"answer": "9"}).status_code == 200  # not an option
    assert client.get(f"{base}/pot-questions/4").status_code == 404


def test_check_your_answers_shows_the_answers_and_asks_for_the_one_missing(client):
    pot, when, room, story = pot_with_questions()
    application, _ = start(client, pot)
    base = f"/ideas/{application.id}"
    answer_everything(client, application)
    post_form(client, f"{base}/pot-questions/1", {"answer": "3"})
    check = text(client.get(f"{base}/check-your-answers"))
    assert "1 question still needs an answer." in check
    assert "When can your group meet?" in check and "Evening" in check
    assert f'href="{base}/pot-questions/1?from=check"' in check
    # "Answer the next question" leads to the pot's third question.
    assert client.get(f"{base}/pot-questions-3").status_code == 404
    missing_link = client.get(f"{base}/pot-question-3")
    assert missing_link.headers["Location"] == f"{base}/pot-questions/3"
    refused = post_form(client, f"{base}/check-your-answers", {"declaration": "y"})
    assert "Answer all the questions before you send your idea" in text(refused)
    post_form(client, f"{base}/pot-questions/3?from=check", {"answer": "A street party."})
    sent = post_form(client, f"{base}/check-your-answers", {"declaration": "y"})
    assert sent.headers["Location"] == f"{base}/sent"
    db.session.refresh(application)
    answers = {a.question_id: a.answer for a in application.question_answers}
    assert answers == {when.id: "3", story.id: "A street party."}


def test_a_welsh_reader_sees_the_welsh_question_and_options(client):
    pot, when, room, story = pot_with_questions()
    application, _ = start(client, pot)
    post_form(client, "/language", {"language": "cy", "next": "/"})
    page = text(client.get(f"/ideas/{application.id}/pot-questions/1"))
    assert "Pryd all eich grŵp gwrdd?" in page and "Prynhawn" in page and "Afternoon" not in page
    # No Welsh for the second: the English, marked as English.
    second = text(client.get(f"/ideas/{application.id}/pot-questions/2"))
    assert 'lang="en"' in second and "Do you need a room?" in second


def _required_ones_answered(client):
    """A draft with every answer but the pot's optional question: the first option, and a few words."""
    pot, when, room, story = pot_with_questions()
    application, _ = start(client, pot)
    base = f"/ideas/{application.id}"
    answer_everything(client, application)
    post_form(client, f"{base}/pot-questions/1", {"answer": "1"})
    post_form(client, f"{base}/pot-questions/3", {"answer": "A street party."})
    return pot, when, application, base


def _replace(pot, question, kind, wording: str) -> None:
    """The programme changes a question (as its officer would, through the service)."""
    words = questions.QuestionWords(kind, wording, hint="", choices="", optional=False, other_languages={})
    questions.change_question(1, pot.id, question.id, words)


def test_a_sent_idea_keeps_the_words_it_answered_after_the_programme_changes_them(app, client):
    pot, when, application, base = _required_ones_answered(client)
    post_form(client, f"{base}/check-your-answers", {"declaration": "y"})
    _replace(pot, when, QuestionKind.SHORT_TEXT, "Anything else?")
    db.session.refresh(when)
    assert when.retired_at is not None
    from portal.applications.pot_questions import shown_answers

    db.session.expire_all()
    with app.test_request_context():
        shown = shown_answers(db.session.get(Application, application.id))
    assert [(str(s.wording), s.answer) for s in shown] == [
        ("When can your group meet?", "Morning"),
        ("What have you done before?", "A street party."),
    ]


def test_a_draft_answer_to_a_replaced_question_is_not_sent_and_the_new_one_is_asked(client):
    pot, when, application, base = _required_ones_answered(client)
    _replace(pot, when, QuestionKind.YES_NO, "Is it free to join?")
    check = text(client.get(f"{base}/check-your-answers"))
    assert "1 question still needs an answer." in check and "Is it free to join?" in check
    post_form(client, f"{base}/pot-questions/1", {"answer": "yes"})
    assert post_form(client, f"{base}/check-your-answers", {"declaration": "y"}).status_code == 302
    db.session.expire_all()
    sent = db.session.get(Application, application.id)
    assert sorted(a.answer for a in sent.question_answers) == ["A street party.", "yes"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(PotQuestion)).scalar_one() == 4


def _sent_with_answers(client):
    pot, when, room, story = pot_with_questions()
    application, _ = start(client, pot)
    base = f"/ideas/{application.id}"
    answer_everything(client, application)
    post_form(client, f"{base}/pot-questions/1", {"answer": "2"})
    post_form(client, f"{base}/pot-questions/2", {"answer": "no"})
    post_form(client, f"{base}/pot-questions/3", {"answer": "We ran a street party."})
    assert post_form(client, f"{base}/check-your-answers", {"declaration": "y"}).status_code == 302
    return pot, application


def test_the_receipt_gives_the_pots_questions_and_the_answers(client):
    import io

    from pypdf import PdfReader

    pot, application = _sent_with_answers(client)
    response = client.get(f"/ideas/{application.id}/receipt")
    assert response.mimetype == "application/pdf"
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    words = " ".join(words.split())
    for expected in ("When can your group meet?", "Afternoon", "Do you need a room?", "We ran a street party."):
        assert expected in words, expected


def test_the_panel_sees_the_pots_questions_and_the_answers(client):
    from tests.conftest import login_as
    from tests.factories import make_chair

    pot, application = _sent_with_answers(client)
    login_as(client, make_chair(pot))
    page = text(client.get(f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"))
    assert "When can your group meet?" in page and "Afternoon" in page
    assert "Do you need a room?" in page and "What have you done before?" in page and "We ran a street party." in page


def test_trying_again_copies_the_answers_to_the_pots_questions(client):
    pot, application = _sent_with_answers(client)
    application.status = "not_yet"
    db.session.commit()
    response = post_form(
        client, f"/ideas/{application.id}/try-again", {}, token_from=f"/ideas/{application.id}/not-yet"
    )
    assert response.status_code == 302
    copy = db.session.execute(sa.select(Application).where(Application.copied_from_id == application.id)).scalar_one()
    assert sorted(a.answer for a in copy.question_answers) == ["2", "We ran a street party.", "no"]


def test_a_question_page_reads_the_person_and_the_idea_with_its_pots_questions_at_once(client):
    """Every resident spends their time on these pages (issue 24): the person, then the idea with its pot, its
    neighbourhood and the pot's own questions (the back link counts them), and on a pot's own question its answer."""
    pot, *_ = pot_with_questions()
    application, _ = start(client, pot)
    for page, queries in (("idea-name", 2), ("when-and-where", 2), ("pot-questions/2", 3)):
        db.session.close()  # an empty session, as a request starts with
        with count_queries() as statements:
            response = client.get(f"/ideas/{application.id}/{page}")
        assert response.status_code == 200, page
        assert len(statements) == queries, (page, statements)
