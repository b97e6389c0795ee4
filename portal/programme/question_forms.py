"""The form a programme officer writes one of a pot's own questions with (portal/programme/question_routes.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovTextArea
from wtforms import BooleanField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired

from portal.common.forms import Form, RadioField, strip, submit
from portal.domain.pot_questions import MOST_CHOICES, QuestionKind, choice_problem, choices_from
from portal.programme.forms import InOtherLanguages, optional_long_text, short_text
from portal.programme.questions import QuestionWords

KIND_CHOICES = [
    SelectChoice(QuestionKind.SHORT_TEXT.value, _l("A short answer, on one line")),
    SelectChoice(QuestionKind.LONG_TEXT.value, _l("A longer answer, a few sentences")),
    SelectChoice(QuestionKind.YES_NO.value, _l("Yes or no")),
    SelectChoice(QuestionKind.CHOICE.value, _l("One choice from a list")),
]

CHOICE_PROBLEMS = {
    "too_few": _l("Enter at least 2 options, one on each line"),
    "too_many": _l("Enter %(most)s options or fewer", most=MOST_CHOICES),
}


def options(label: Any) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), filters=[strip])


class PotQuestionForm(InOtherLanguages, Form):
    TRANSLATED = ("wording", "hint", "choices")

    wording = short_text(
        _l("The question"),
        300,
        _l("The question must be 300 characters or fewer"),
        _l("Enter the question"),
        description=_l("Short words and short sentences. Ask about what people will do, not what is wrong."),
    )
    hint = optional_long_text(_l("A hint under the question (optional)"), 500)
    kind = RadioField(
        _l("What kind of answer?"),
        choices=KIND_CHOICES,
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Choose what kind of answer"))],
    )
    choices = options(_l("The options, one on each line (only for one choice from a list)"))
    optional = BooleanField(_l("Residents may leave this question out"), widget=GovCheckboxInput())
    wording_cy = short_text(_l("The question, in Welsh (optional)"), 300, _l("Write 300 characters or fewer"))
    hint_cy = optional_long_text(_l("The hint, in Welsh (optional)"), 500)
    choices_cy = options(_l("The options, in Welsh (optional)"))
    wording_ar = short_text(_l("The question, in Arabic (optional)"), 300, _l("Write 300 characters or fewer"))
    hint_ar = optional_long_text(_l("The hint, in Arabic (optional)"), 500)
    choices_ar = options(_l("The options, in Arabic (optional)"))
    submit = submit(_l("Save"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data not in [kind.value for kind in QuestionKind]:
            return False
        kind = QuestionKind(self.kind.data)
        problem = choice_problem(kind, self.choices.data or "")
        if problem is not None:
            self.choices.errors = [*self.choices.errors, CHOICE_PROBLEMS[problem]]
            return False
        if kind is QuestionKind.CHOICE:
            wanted = len(choices_from(self.choices.data or ""))
            for language, field in (("cy", self.choices_cy), ("ar", self.choices_ar)):
                given = choices_from(field.data or "")
                if given and len(given) != wanted:
                    field.errors = [*field.errors, SAME_NUMBER[language]]
                    valid = False
        return valid

    def words(self) -> QuestionWords:
        kind = QuestionKind(self.kind.data)
        versions = self.other_languages()
        for texts in versions.values():
            if kind is QuestionKind.CHOICE and "choices" in texts:
                texts["choices"] = "\n".join(choices_from(texts["choices"]))  # tidied as the English is
            else:
                texts.pop("choices", None)
        return QuestionWords(
            kind=kind,
            wording=self.wording.data,
            hint=self.hint.data or "",
            choices="\n".join(choices_from(self.choices.data or "")),
            optional=bool(self.optional.data),
            other_languages={language: texts for language, texts in versions.items() if texts},
        )


SAME_NUMBER = {
    "cy": _l("Give as many options in Welsh as in English, in the same order"),
    "ar": _l("Give as many options in Arabic as in English, in the same order"),
}
