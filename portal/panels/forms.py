"""Forms a panel member uses: declare an interest, give a view, record a decision."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.common.forms import Form, MoneyField, RadioField, strip, submit


class InterestForm(Form):
    has_interest = RadioField(
        _l("Do you have an interest in this idea?"),
        description=_l("For example, it is your family's idea, or you would be paid from it."),
        choices=[SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select yes if you have an interest in this idea"))],
    )
    note = TextAreaField(
        _l("If yes, what is your interest?"),
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("Write 500 characters or fewer"))],
    )
    submit = submit(_l("Save"))


class ViewForm(Form):
    view = RadioField(
        _l("What do you think?"),
        choices=[
            SelectChoice("support", _l("I support it")),
            SelectChoice("not_yet", _l("Not yet")),
            SelectChoice("question", _l("I have a question")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select what you think"))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=1000, message=_l("Write 1000 characters or fewer"))],
    )
    submit = submit(_l("Save your view"))


class DecisionForm(Form):
    kind = RadioField(
        _l("What has the panel decided?"),
        choices=[
            SelectChoice("yes", _l("Yes")),
            SelectChoice("yes_with_change", _l("Yes, with a change")),
            SelectChoice("not_yet", _l("Not yet")),
            SelectChoice("question", _l("Ask the resident a question")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select what the panel has decided"))],
    )
    amount = MoneyField(_l("Amount, if it is less than they asked for (optional)"), validators=[Optional()])
    condition = TextAreaField(
        _l("Condition or change (optional)"),
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=1000, message=_l("Write 1000 characters or fewer"))],
    )
    reason = TextAreaField(
        _l("Your reason, in plain words"),
        description=_l("The resident will read this. For a question, write the question here."),
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the reason for the decision")),
            Length(max=2000, message=_l("Write 2000 characters or fewer")),
        ],
    )
    not_yet_reason = RadioField(
        _l("If the panel says not yet: the reason"),
        description=_l("The resident reads it with what would help. Add the panel's own words below."),
        choices=[],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    submit = submit(_l("Record the decision"))

    def offer_not_yet_reasons(self, reasons: list[Any]) -> DecisionForm:
        """The programme's reasons for "not yet", to choose from (none: the panel's own words are enough)."""
        self.not_yet_reason.choices = [SelectChoice(str(reason.id), reason.title) for reason in reasons]
        return self

    def validate(self, extra_validators: Any = None) -> bool:
        """A "not yet" names one of the programme's reasons, when it has some (the field alone is optional)."""
        valid = bool(super().validate(extra_validators))
        reason = self.not_yet_reason
        if self.kind.data == "not_yet" and reason.choices and not reason.data and not reason.errors:
            reason.errors = [str(_l("Select the reason for not yet"))]
            return False
        return valid

    def chosen_not_yet_reason(self) -> int | None:
        return int(self.not_yet_reason.data) if self.kind.data == "not_yet" and self.not_yet_reason.data else None

    def for_the_fast_track(self) -> DecisionForm:
        """The fast track only says yes: the other choices are the panel's."""
        self.kind.choices = [c for c in self.kind.choices if c.value in ("yes", "yes_with_change")]  # type: ignore[union-attr]
        self.kind.label.text = _l("Approve on the fast track")
        return self
