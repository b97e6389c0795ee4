"""Sign-in and account forms, with GOV.UK-style error messages."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovTextInput
from wtforms import Field, PasswordField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp, ValidationError

from portal.common.forms import EMAIL_FORMAT, EmailField, Form, RadioField, TextField, strip, submit
from portal.domain.mobiles import HearBy, MobileRefused, NotAMobile, looks_like_email, uk_mobile

MOBILE_REFUSAL_TEXT = {
    NotAMobile.NOT_A_NUMBER: _l("Enter a UK mobile number, like 07700 900123, or an email address"),
    NotAMobile.NOT_UK: _l("We can only send texts to UK mobile numbers. Enter one, or an email address"),
    NotAMobile.NOT_MOBILE: _l("That looks like a landline. Enter a mobile number, like 07700 900123"),
}


class SignInEmailForm(Form):
    """One box for an email address or, where texts are offered, a UK mobile number (the field keeps the name
    `email` its first form gave it; `mobile` holds the number in E.164 form when one was typed)."""

    email = TextField(
        _l("What is your email address or mobile number?"),
        description=_l("We will send you a code to sign in. You do not need a password."),
        validators=[
            DataRequired(message=_l("Enter your email address or mobile number")),
            Length(max=320, message=EMAIL_FORMAT),
        ],
    )
    submit = submit(_l("Continue"))
    mobile: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current_app.config["TEXT_BACKEND"] == "off":
            self.email.label.text = _l("What is your email address?")
            self.email.description = _l("We will email you a link to sign in. You do not need a password.")

    def validate_email(self, field: Field) -> None:
        typed = field.data or ""
        if looks_like_email(typed) or current_app.config["TEXT_BACKEND"] == "off":
            Email(message=EMAIL_FORMAT, check_deliverability=False)(self, field)
            return
        try:
            self.mobile = uk_mobile(typed)
        except MobileRefused as refused:
            raise ValidationError(str(MOBILE_REFUSAL_TEXT[refused.reason])) from refused


def _code_filter(value: object) -> object:
    return value.replace(" ", "").replace("-", "").strip() if isinstance(value, str) else value


class SignInCodeForm(Form):
    code = StringField(
        _l("Enter the code from the email"),
        description=_l("It is 6 numbers, for example 123456"),
        widget=GovTextInput(),
        filters=[_code_filter],
        validators=[
            InputRequired(message=_l("Enter the code from the email")),
            Regexp(r"^\d{6}$", message=_l("The code is 6 numbers, for example 123456")),
        ],
    )
    submit = submit(_l("Sign in"))


class SignInTextCodeForm(SignInCodeForm):
    code = StringField(
        _l("Enter the code from the text"),
        description=_l("It is 6 numbers, for example 123456"),
        widget=GovTextInput(),
        filters=[_code_filter],
        validators=[
            InputRequired(message=_l("Enter the code from the text")),
            Regexp(r"^\d{6}$", message=_l("The code is 6 numbers, for example 123456")),
        ],
    )


class ConfirmSignInForm(Form):
    submit = submit(_l("Sign in"))


class StaffSignInForm(Form):
    email = EmailField(_l("Email address"), required_message=_l("Enter your email address"))
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=200, message=_l("Enter your password")),
        ],
    )
    submit = submit(_l("Continue"))


class OneTimeCodeForm(Form):
    code = StringField(
        _l("Enter the 6-number code from your authenticator app"),
        widget=GovTextInput(),
        filters=[_code_filter, strip],
        validators=[
            InputRequired(message=_l("Enter the code from your authenticator app")),
            Regexp(r"^\d{6}$", message=_l("The code is 6 numbers, for example 123456")),
        ],
    )
    submit = submit(_l("Continue"))


class SignOutForm(Form):
    pass


class MobileForm(Form):
    """A UK mobile number to add to your account; `mobile` holds it in E.164 form once it is valid."""

    number = TextField(
        _l("What is your mobile number?"),
        description=_l("A UK mobile number. We will text it a code to check it is yours."),
        validators=[
            DataRequired(message=_l("Enter your mobile number")),
            Length(max=40, message=_l("Enter a UK mobile number, like 07700 900123")),
        ],
    )
    submit = submit(_l("Continue"))
    mobile: str | None = None

    def validate_number(self, field: Field) -> None:
        try:
            self.mobile = uk_mobile(field.data or "")
        except MobileRefused as refused:
            text = (
                _l("Enter a UK mobile number, like 07700 900123")
                if refused.reason is NotAMobile.NOT_A_NUMBER
                else MOBILE_REFUSAL_TEXT[refused.reason]
            )
            raise ValidationError(str(text)) from refused


class CheckMobileForm(SignInTextCodeForm):
    submit = submit(_l("Add this number"))


class AddEmailForm(Form):
    address = EmailField(
        _l("What is your email address?"),
        required_message=_l("Enter your email address"),
        description=_l("We will email it a code to check it is yours."),
    )
    submit = submit(_l("Continue"))


class CheckEmailForm(SignInCodeForm):
    submit = submit(_l("Add this email address"))


class HearByForm(Form):
    hear_by = RadioField(
        _l("How do you want to hear from us?"),
        description=_l("About your ideas, awards, payments and stories."),
        choices=[
            SelectChoice(HearBy.EMAIL.value, _l("By email")),
            SelectChoice(HearBy.TEXT.value, _l("By text message")),
            SelectChoice(HearBy.BOTH.value, _l("By email and text message")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select how you want to hear from us"))],
    )
    submit = submit(_l("Save"))
