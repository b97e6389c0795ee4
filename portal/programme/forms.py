"""Forms programme officers use to set up neighbourhoods and pots."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovRadioInput, GovTextArea
from wtforms import BooleanField, Field, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.common.forms import (
    DateField,
    EmailField,
    Form,
    MoneyField,
    RadioField,
    TextField,
    WholeNumberField,
    strip,
    submit,
)
from portal.common.languages import other_language_versions
from portal.domain.eligibility import MOST_CHECKS, Check
from portal.domain.pots import PotLimits
from portal.domain.roles import PaymentMethod

OTHER_LANGUAGES = ("cy", "ar")


def optional_long_text(label: Any, most: int) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=most, message=_l("Write %(max)s characters or fewer", max=most))],
    )


def short_text(label: Any, most: int, too_long: Any, required: Any = None, **kwargs: Any) -> TextField:
    """A one-line text of at most `most` characters: required (with that message) or optional."""
    first = DataRequired(message=required) if required else Optional()
    return TextField(label, validators=[first, Length(max=most, message=too_long)], **kwargs)


class InOtherLanguages:
    """A form whose fields in TRANSLATED also have `<name>_cy` and `<name>_ar` fields: the Welsh and Arabic versions,
    each optional, edited beside the English."""

    TRANSLATED: tuple[str, ...] = ()

    def other_languages(self) -> dict[str, dict[str, str]]:
        return other_language_versions(
            {lang: {name: getattr(self, f"{name}_{lang}").data for name in self.TRANSLATED} for lang in OTHER_LANGUAGES}
        )

    def show_other_languages(self, versions: dict[str, dict[str, str]]) -> None:
        for lang in OTHER_LANGUAGES:
            for name in self.TRANSLATED:
                getattr(self, f"{name}_{lang}").data = (versions.get(lang) or {}).get(name, "")


PAYMENT_METHOD_CHOICES = [
    SelectChoice(PaymentMethod.BANK_TRANSFER.value, _l("Into a bank account")),
    SelectChoice(PaymentMethod.PAID_TO_NAMED_PERSON.value, _l("To a named person on a group's behalf")),
    SelectChoice(PaymentMethod.PAID_TO_HOST_ORGANISATION.value, _l("To the host organisation on a group's behalf")),
    SelectChoice(PaymentMethod.OTHER_ARRANGEMENT.value, _l("Another way the host organisation offers")),
]


class NeighbourhoodForm(InOtherLanguages, Form):
    TRANSLATED = ("description", "builder_contact")

    name = TextField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter the neighbourhood's name")),
            Length(max=120, message=_l("Name must be 120 characters or fewer")),
        ],
    )
    description = TextAreaField(
        _l("Short description"),
        widget=GovTextArea(),
        filters=[strip],
        description=_l("A sentence or two residents will see"),
        validators=[
            DataRequired(message=_l("Enter a short description")),
            Length(max=1000, message=_l("Description must be 1,000 characters or fewer")),
        ],
    )
    description_cy = optional_long_text(_l("Short description in Welsh (optional)"), 1000)
    description_ar = optional_long_text(_l("Short description in Arabic (optional)"), 1000)
    host_organisation = TextField(
        _l("Host organisation"),
        validators=[
            DataRequired(message=_l("Enter the host organisation")),
            Length(max=200, message=_l("Host organisation must be 200 characters or fewer")),
        ],
    )
    builder_contact = TextAreaField(
        _l("How residents can reach the community builder"),
        widget=GovTextArea(),
        filters=[strip],
        description=_l("For example: Sam, 0113 496 0000, or at the library on Tuesday mornings"),
        validators=[
            DataRequired(message=_l("Enter how residents can reach the community builder")),
            Length(max=500, message=_l("Write 500 characters or fewer")),
        ],
    )
    builder_contact_cy = optional_long_text(
        _l("How residents can reach the community builder, in Welsh (optional)"), 500
    )
    builder_contact_ar = optional_long_text(
        _l("How residents can reach the community builder, in Arabic (optional)"), 500
    )
    decision_weeks = WholeNumberField(
        _l("How many weeks does the panel usually take to decide?"),
        max_digits=2,
        invalid_message=_l("Enter a number of weeks between 1 and 26"),
        validators=[
            InputRequired(message=_l("Enter a number of weeks, like 2")),
            NumberRange(min=1, max=26, message=_l("Enter a number of weeks between 1 and 26")),
        ],
    )
    geo_code = TextField(
        _l("Ward or local authority code (optional)"),
        filters=[lambda value: (value or "").strip().upper()],
        description=_l(
            "The ONS code of the ward or council area, like E05011111. Open data names no place smaller than this."
        ),
        validators=[Optional(), Length(max=12, message=_l("Enter a code like E05011111"))],
    )
    geo_code_type = RadioField(
        _l("What kind of area is it?"),
        choices=[
            SelectChoice("", _l("No code")),
            SelectChoice("WD", _l("An electoral ward")),
            SelectChoice("UA", _l("A unitary authority")),
            SelectChoice("NMD", _l("A district council")),
            SelectChoice("MD", _l("A metropolitan district")),
            SelectChoice("LONB", _l("A London borough")),
            SelectChoice("CTY", _l("A county")),
        ],
        widget=GovRadioInput(),
        default="",
    )
    is_active = BooleanField(_l("Show this neighbourhood to residents"), widget=GovCheckboxInput())
    submit = submit(_l("Save"))


# The questions a pot may ask before the form, as the programme officer chooses them.
ELIGIBILITY_CHOICES = [
    SelectChoice(Check.LIVES_HERE.value, _l("Do they live, work or volunteer in the neighbourhood?")),
    SelectChoice(Check.NOT_FOR_PROFIT.value, _l("Is the idea not for profit?")),
    SelectChoice(Check.NOT_ALREADY_PAID.value, _l("Is the money for something not already paid for?")),
    SelectChoice(Check.AGED_16_OR_OVER.value, _l("Are they 16 or older?")),
]


class PotForm(InOtherLanguages, Form):
    TRANSLATED = ("name", "description")

    name = short_text(
        _l("Name of the pot"), 120, _l("Name must be 120 characters or fewer"), _l("Enter the name of the pot")
    )
    name_cy = short_text(_l("Name of the pot in Welsh (optional)"), 120, _l("Name must be 120 characters or fewer"))
    name_ar = short_text(_l("Name of the pot in Arabic (optional)"), 120, _l("Name must be 120 characters or fewer"))
    description = optional_long_text(_l("Short description (optional)"), 500)
    description_cy = optional_long_text(_l("Short description in Welsh (optional)"), 500)
    description_ar = optional_long_text(_l("Short description in Arabic (optional)"), 500)
    budget = MoneyField(
        _l("Budget"),
        required_message=_l("Enter the budget"),
        validators=[InputRequired(message=_l("Enter the budget"))],
    )
    max_award = MoneyField(
        _l("Most one idea can get"),
        required_message=_l("Enter the most one idea can get"),
        validators=[InputRequired(message=_l("Enter the most one idea can get"))],
    )
    fast_track_limit = MoneyField(
        _l("Fast-track limit"),
        description=_l("A programme officer may approve ideas up to this amount alone. Enter 0 for no fast track."),
        required_message=_l("Enter the fast-track limit"),
        validators=[InputRequired(message=_l("Enter the fast-track limit"))],
    )
    is_rolling = BooleanField(_l("This pot is rolling: it has no opening or closing date"), widget=GovCheckboxInput())
    opens_on = DateField(
        _l("Opens on"),
        validators=[Optional()],
        description=_l("For example, 1 4 2026"),
    )
    closes_on = DateField(
        _l("Closes on"),
        validators=[Optional()],
        description=_l("For example, 31 3 2027"),
    )
    payment_methods = SelectMultipleField(
        _l("How can people be paid?"),
        choices=PAYMENT_METHOD_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message=_l("Select at least one way to pay people"))],
    )
    eligibility_checks = SelectMultipleField(
        _l("Questions to ask before the form (optional)"),
        description=_l(
            "Up to 3. Someone who answers no is told why and where else to go. Someone who is not sure can always "
            "go on, and the panel sees a note."
        ),
        choices=ELIGIBILITY_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    submit = submit(_l("Save"))

    def validate_eligibility_checks(self, field: Field) -> None:
        if len(field.data or []) > MOST_CHECKS:
            raise ValidationError(str(_l("Choose up to 3 questions")))

    def settings_as_typed(self) -> dict[str, Any]:
        """The name and limits as typed, None for any the form could not read, so the pot's own rules can be checked
        beside each field's errors and every problem shown at once."""

        def read(field: Field) -> Any:
            return None if field.errors else field.data

        return {
            "name": read(self.name),
            "budget_pence": read(self.budget),
            "max_award_pence": read(self.max_award),
            "fast_track_limit_pence": read(self.fast_track_limit),
            "opens_on": read(self.opens_on),
            "closes_on": read(self.closes_on),
            "is_rolling": bool(self.is_rolling.data),
        }

    def limits(self) -> PotLimits:
        """The pot's limits as typed; call only after validate_on_submit()."""
        assert self.budget.data is not None and self.max_award.data is not None
        assert self.fast_track_limit.data is not None
        return PotLimits(
            budget_pence=self.budget.data,
            max_award_pence=self.max_award.data,
            fast_track_limit_pence=self.fast_track_limit.data,
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            is_rolling=bool(self.is_rolling.data),
        )


class PanelRulesForm(Form):
    views_needed = WholeNumberField(
        _l("How many views are needed before a decision?"),
        description=_l("Asking the resident a question does not wait for views. 0 means no minimum."),
        max_digits=2,
        invalid_message=_l("Enter a number of views between 0 and 20"),
        validators=[
            InputRequired(message=_l("Enter how many views are needed")),
            NumberRange(min=0, max=20, message=_l("Enter a number of views between 0 and 20")),
        ],
    )
    decisions_by = RadioField(
        _l("Who records the panel's decisions?"),
        choices=[
            SelectChoice("chair", _l("The panel's chair")),
            SelectChoice("programme_officer", _l("A programme officer")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select who records the panel's decisions"))],
    )
    submit = submit(_l("Save the panel's rules"))


class PanelMemberForm(Form):
    email = EmailField(
        _l("Email address of the new panel member"),
        required_message=_l("Enter their email address"),
        description=_l("They sign in with this address. If they are new, we make them an account."),
    )
    name = TextField(
        _l("Their name"),
        validators=[
            DataRequired(message=_l("Enter their name")),
            Length(max=200, message=_l("Write 200 characters or fewer")),
        ],
    )
    is_chair = BooleanField(_l("They chair the panel"), widget=GovCheckboxInput())
    add = submit(_l("Add to the panel"))


def web_address(form: Any, field: Field) -> None:
    """A link for residents to follow: https (or http) and a host, nothing that runs in the page."""
    value = (field.data or "").strip()
    if value and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value, flags=re.IGNORECASE):
        raise ValidationError(str(_l("Enter a web address starting with https://, like https://www.leeds.gov.uk")))


class ProgrammeTextForm(InOtherLanguages, Form):
    """One entry of a programme's short list (portal/programme/text_routes.py): its labels come from the list."""

    TRANSLATED = ("title", "text")

    title = short_text(
        _l("Title"), 120, _l("Title must be 120 characters or fewer"), _l("Enter the words residents will read")
    )
    title_cy = short_text(_l("In Welsh (optional)"), 120, _l("Title must be 120 characters or fewer"))
    title_ar = short_text(_l("In Arabic (optional)"), 120, _l("Title must be 120 characters or fewer"))
    text = optional_long_text(_l("A sentence about it (optional)"), 500)
    text_cy = optional_long_text(_l("In Welsh (optional)"), 500)
    text_ar = optional_long_text(_l("In Arabic (optional)"), 500)
    url = TextField(
        _l("Web address (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=500, message=_l("Web address must be 500 characters or fewer")),
            web_address,
        ],
    )
    submit = submit(_l("Save"))

    def __init__(self, words: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title.label.text = words.title
        self.text.label.text = words.text
        if not words.with_link:
            self.url.data = ""
