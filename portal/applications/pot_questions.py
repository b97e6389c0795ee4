"""A pot's own questions in the resident's journey (portal/programme/questions.py keeps them): a page each, after the
portal's questions and before "How can we reach you?", and the answers as check your answers, the panel, the
receipt and the officers' spreadsheet show them, in the reader's language where the programme wrote one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import Field, SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.applications.forms import long_answer
from portal.applications.models import Application
from portal.common.forms import Form, RadioField, TextField, strip, submit
from portal.common.languages import ENGLISH, Written, page_language, written
from portal.domain.pot_questions import NO, SHORT_ANSWER, YES, QuestionKind, choices_from
from portal.programme.models import PotQuestion, QuestionAnswer

SLUG = "pot-question-"


@dataclass(frozen=True)
class OwnQuestionPage:
    """The page of the pot's `number`th question (from 1)."""

    number: int
    question: PotQuestion

    @property
    def slug(self) -> str:
        return f"{SLUG}{self.number}"

    def applies(self, application: Application) -> bool:
        return True

    def is_answered(self, application: Application) -> bool:
        return self.question.optional or bool(answer_to(application, self.question.id))


def pages_for(application: Application) -> list[OwnQuestionPage]:
    return [OwnQuestionPage(number, question) for number, question in enumerate(application.pot.questions, 1)]


def page_number(slug: str) -> int | None:
    """The number in a page's slug ('pot-question-2' is 2), or None for another page."""
    if slug.startswith(SLUG) and slug[len(SLUG) :].isdigit():
        return int(slug[len(SLUG) :])
    return None


def answer_to(application: Application, question_id: int) -> str:
    found = next((a for a in application.question_answers if a.question_id == question_id), None)
    return found.answer if found is not None else ""


def options(question: PotQuestion) -> list[Written]:
    """A choice question's options in the page's language where the programme wrote them all, else in English."""
    english = choices_from(question.choices)
    language = page_language()
    translated = choices_from(((question.other_languages or {}).get(language) or {}).get("choices", ""))
    if language != ENGLISH and len(translated) == len(english):
        return [Written(option, language, language) for option in translated]
    return [Written(option, ENGLISH, language) for option in english]


def answer_form(question: PotQuestion, **kwargs: Any) -> Form:
    """The form of one question's page: its answer field is built from the question (kind, wording, optional). The
    page draws the label and hint itself, each marked with the language it is in."""
    label = str(written(question, "wording"))
    kind = question.kind_enum
    field: Field
    if kind in (QuestionKind.YES_NO, QuestionKind.CHOICE):
        choices = (
            [SelectChoice(YES, _l("Yes")), SelectChoice(NO, _l("No"))]
            if kind is QuestionKind.YES_NO
            else [SelectChoice(str(n), str(option)) for n, option in enumerate(options(question), 1)]
        )
        required = InputRequired(message=_l("Select an answer")) if not question.optional else Optional()
        field = RadioField(label, choices=choices, widget=GovRadioInput(), validators=[required])
    elif kind is QuestionKind.LONG_TEXT:
        field = long_answer(label, _l("Enter an answer"), optional=question.optional)
    else:
        first = Optional() if question.optional else DataRequired(message=_l("Enter an answer"))
        too_long = Length(max=SHORT_ANSWER, message=_l("Write %(max)s characters or fewer", max=SHORT_ANSWER))
        field = TextField(label, widget=GovTextInput(), filters=[strip], validators=[first, too_long])

    class AnswerForm(Form):
        answer = field
        submit = submit(_l("Continue"))

    return AnswerForm(**kwargs)


@dataclass(frozen=True)
class ShownAnswer:
    """One question and its answer, as a reader sees them."""

    wording: Written
    answer: str  # empty: not given
    written_by_resident: bool  # typed by the resident (shown in its own language), not chosen from a list
    page: OwnQuestionPage | None  # where to change it, on a draft


def _answer_words(question: PotQuestion, answer: str) -> tuple[str, bool]:
    kind = question.kind_enum
    if not answer:
        return "", False
    if kind is QuestionKind.YES_NO:
        return (_("Yes") if answer == YES else _("No")), False
    if kind is QuestionKind.CHOICE:
        chosen = options(question)
        index = int(answer) - 1 if answer.isdigit() else -1
        return (str(chosen[index]) if 0 <= index < len(chosen) else answer), False
    return answer, True


def shown_answers(application: Application) -> list[ShownAnswer]:
    """A draft shows the pot's questions now (answered or not); a sent idea shows the questions it answered, in the
    words it answered them in."""
    if application.status == "draft":
        return [
            ShownAnswer(written(page.question, "wording"), *_answer_words(page.question, answer), page)
            for page in pages_for(application)
            for answer in [answer_to(application, page.question.id)]
        ]
    given: list[QuestionAnswer] = sorted(
        application.question_answers, key=lambda a: (a.question.position, a.question.id)
    )
    return [ShownAnswer(written(a.question, "wording"), *_answer_words(a.question, a.answer), None) for a in given]
