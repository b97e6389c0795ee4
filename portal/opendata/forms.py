"""The programme officer's open-data settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput
from wtforms import SelectChoice, SelectMultipleField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.common.forms import Form, RadioField, TextField, strip, submit
from portal.domain.open_data import PURPOSES, REASONS


class OpenDataSettingsForm(Form):
    prefix = TextField(
        _l("Your 360Giving prefix"),
        filters=[strip],
        description=_l(
            "360Giving gives each publisher one, like 360G-smallsparks. Every grant's identifier starts with it."
        ),
        validators=[
            DataRequired(message=_l("Enter your 360Giving prefix")),
            Length(max=60, message=_l("Write 60 characters or fewer")),
        ],
    )
    funder_name = TextField(
        _l("Who funds the grants"),
        filters=[strip],
        description=_l("The council or foundation, as it is usually named"),
        validators=[
            DataRequired(message=_l("Enter who funds the grants")),
            Length(max=200, message=_l("Write 200 characters or fewer")),
        ],
    )
    funder_id = TextField(
        _l("The funder's organisation identifier"),
        filters=[strip],
        description=_l("From org-id.guide, like GB-LAE-LDS for a council or GB-CHC-1234567 for a charity"),
        validators=[
            DataRequired(message=_l("Enter the funder's organisation identifier")),
            Length(max=80, message=_l("Write 80 characters or fewer")),
        ],
    )
    reason = RadioField(
        _l("Why the programme gives grants to individuals"),
        choices=[SelectChoice(code, f"{title} ({code})") for code, title in REASONS.items()],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select why the programme gives grants to individuals"))],
    )
    purposes = SelectMultipleField(
        _l("What grants to individuals are for"),
        choices=[SelectChoice(code, f"{title} ({code})") for code, title in PURPOSES.items()],
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message=_l("Select at least one purpose"))],
    )
    submit = submit(_l("Save"))
