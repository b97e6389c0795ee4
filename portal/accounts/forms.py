"""Sign-in forms, with GOV.UK-style error messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, Regexp

from portal.common.forms import EmailField, Form, strip, submit


class SignInEmailForm(Form):
    email = EmailField(
        _l("What is your email address?"),
        required_message=_l("Enter your email address"),
        description=_l("We will email you a link to sign in. You do not need a password."),
    )
    submit = submit(_l("Send me a link"))


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
