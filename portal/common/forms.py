"""Form fields shared across features: money in pence, trimmed text, GOV.UK-style messages."""

from __future__ import annotations

from typing import Any

import wtforms
from babel import Locale
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovDateInput, GovSubmitInput, GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import Field, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, StopValidation, ValidationError

from portal.domain.money import AmountTooLarge, MoneyError, NegativeAmount, parse_pounds, pence_to_input

# C0 control characters other than tab, newline and carriage return: never meaningful in an answer, and
# PostgreSQL refuses NUL in text, so they are removed from everything a form receives.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


class Form(FlaskForm):
    """Every portal form: submitted text is cleaned of control characters before any field sees it."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)
            if data is None:
                return None
            cleaned: MultiDict[str, Any] = MultiDict()
            for key, value in data.items(multi=True):
                cleaned.add(key, value.translate(_CONTROL) if isinstance(value, str) else value)
            return cleaned


def plural_texts(singular: str, plural: str) -> dict[str, str]:
    """A plural message for GOV.UK Frontend's script, in the page's language: one text for each of the language's
    plural categories (CLDR: Arabic has six, Welsh six, English two), with %{count} where the number goes. Each
    category's text is the catalogue's form for a number of that category. (`make extract-messages` collects the
    messages given to it.)"""
    locale = Locale.parse(str(get_locale() or "en"))
    translations = get_translations()
    texts: dict[str, str] = {}
    for number in range(0, 201):
        category = locale.plural_form(number)
        if category not in texts:
            texts[category] = translations.ngettext(singular, plural, number).replace("%(num)d", "%{count}")
    return texts


def character_count_texts() -> dict[str, Any]:
    """The words of GOV.UK Frontend's character count, translated (its own are English only)."""
    return {
        "textareaDescriptionText": str(_l("You can enter up to %{count} characters")),
        "charactersUnderLimitText": plural_texts(
            "You have %(num)d character remaining", "You have %(num)d characters remaining"
        ),
        "charactersAtLimitText": str(_l("You have 0 characters remaining")),
        "charactersOverLimitText": plural_texts(
            "You have %(num)d character too many", "You have %(num)d characters too many"
        ),
    }


class CharacterCount(GovCharacterCount):
    """GOV.UK Frontend's character count, saying what it says in the page's language."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        for name, text in character_count_texts().items():
            params.setdefault(name, text)
        return params  # type: ignore[no-any-return]


class RadioField(wtforms.RadioField):
    """Radios. An answer that is not one of the choices (an old page, a tampered form) is explained in the field's own
    words, as if nothing were chosen, rather than with WTForms' "Not a valid choice."."""

    def pre_validate(self, form: Any) -> None:
        if self.data is None and any(isinstance(v, Optional) for v in self.validators):
            return  # an optional question left unanswered (WTForms refuses "no choice" before Optional is asked)
        try:
            super().pre_validate(form)
        except ValidationError as error:
            required = (v for v in self.validators if isinstance(v, DataRequired | InputRequired) and v.message)
            raise StopValidation(next((v.message for v in required), _l("Select an answer"))) from error


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# Line breaks have no place in a one-line answer (an idea's name becomes an email subject), and Unicode's bidi
# embeddings, overrides and isolates can make text read differently from what is stored.
_ONE_LINE = {ord("\r"): " ", ord("\n"): " ", **dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])}


def one_line(value: Any) -> Any:
    """Line breaks become spaces, bidi controls are removed, and spaces around the text are trimmed."""
    return value.translate(_ONE_LINE).strip() if isinstance(value, str) else value


class TextField(StringField):
    """A one-line text input: line breaks and bidi controls taken out, spaces around what was typed trimmed."""

    widget = GovTextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("filters", []).append(one_line)
        super().__init__(*args, **kwargs)


EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")


class EmailField(TextField):
    """An email address, trimmed and checked for format; required unless required_message is None."""

    def __init__(self, label: Any, required_message: Any = None, **kwargs: Any) -> None:
        first = DataRequired(message=required_message) if required_message else Optional()
        validators = [
            first,
            Length(max=320, message=EMAIL_FORMAT),
            Email(message=EMAIL_FORMAT, check_deliverability=False),
        ]
        super().__init__(label, validators=validators, **kwargs)


class WholeNumberField(IntegerField):
    """A small whole number. Very long input is refused before conversion, so no validator meets a giant int."""

    widget = GovTextInput()

    def __init__(self, *args: Any, max_digits: int = 6, invalid_message: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_digits = max_digits
        self.invalid_message = invalid_message or _l("Enter a whole number, like 2")

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        text = text.strip()
        if not text:
            self.data = None
            return
        if not text.isascii() or not text.isdigit() or len(text) > self.max_digits:
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = int(text)


class MoneyField(Field):
    """Pounds and pence as people type them ('£1,250.50'); `data` is integer pence. What was typed is kept on error."""

    widget = GovTextInput()

    def __init__(self, *args: Any, required_message: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required_message = required_message or _l("Enter an amount")
        self.raw_text = ""

    def _value(self) -> str:
        if self.raw_text:
            return self.raw_text
        return pence_to_input(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if not self.raw_text.strip():
            return
        try:
            self.data = parse_pounds(self.raw_text)
        except NegativeAmount as error:
            raise ValueError(_l("Enter an amount of £0 or more")) from error
        except AmountTooLarge as error:
            raise ValueError(_l("Enter a smaller amount")) from error
        except MoneyError as error:
            raise ValueError(_l("Enter an amount in pounds and pence, like 250 or 1,250.50")) from error

    def pre_validate(self, form: Any) -> None:
        if self.data is None and not self.process_errors and self.flags.required:
            raise StopValidation(self.required_message)


class DateField(wtforms.DateField):
    """A date typed as day, month and year (GOV.UK's three boxes). A date that does not exist is explained plainly."""

    data: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not any(str(value).strip() for value in valuelist):
            self.data = None  # nothing typed: the field's own "Enter…" message (or Optional) applies
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a real date, like 27 3 2026")) from error

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        # A date that does not exist (31 2 2026) is explained as that, not as a missing date.
        if self.process_errors:
            self.errors = list(self.process_errors)


class DateInput(GovDateInput):
    """GOV.UK's day, month and year boxes, with their labels translated, and safe when a box is not sent at all
    (the packaged widget fails unless exactly three values arrive). The packaged widget puts `required` on the
    boxes' wrapping <div>, where it means nothing (and is invalid HTML): a required date says so in its error."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = (list(field.raw_data) + ["", "", ""])[:3]
        params = super().map_gov_params(field, **kwargs)
        params["attributes"].pop("required", None)
        for item, label in zip(params["items"], (_l("Day"), _l("Month"), _l("Year")), strict=True):
            item["label"] = label
        return params


def error_summary(form: Any, params: dict[str, Any]) -> dict[str, Any]:
    """GOV.UK's error summary for a form. A date's problem links to its Day box, as GOV.UK asks: the packaged
    summary links to the boxes' wrapper, which cannot take the focus, so following the link put the cursor nowhere."""
    summary: dict[str, Any] = wtforms_errors(form, params)
    days = {f"#{field.id}": f"#{field.name}-day" for field in form if isinstance(field, wtforms.DateField)}
    for item in summary["errorList"]:
        item["href"] = days.get(item["href"], item["href"])
    return summary


def submit(text: Any) -> SubmitField:
    return SubmitField(text, widget=GovSubmitInput())


class ButtonForm(Form):
    """A form that is only a button (continue, accept, prepare, authorise, show the full details): its CSRF token and
    nothing else. The page gives the button its own words."""

    submit = submit(_l("Continue"))
