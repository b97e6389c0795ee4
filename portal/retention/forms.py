"""The forms of keeping data only as long as needed: the programme's rules, and erasing a resident."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput
from wtforms import BooleanField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from portal.common.forms import Form, TextField, WholeNumberField, submit
from portal.domain.retention import FEWEST_MONTHS, MOST_MONTHS, Rules


def months(label: Any, hint: Any) -> WholeNumberField:
    between = _l("Enter a number of months between %(few)s and %(most)s", few=FEWEST_MONTHS, most=MOST_MONTHS)
    return WholeNumberField(
        label,
        description=hint,
        max_digits=3,
        invalid_message=_l("Enter a number of months, like 12"),
        validators=[
            InputRequired(message=_l("Enter a number of months, like 12")),
            NumberRange(min=FEWEST_MONTHS, max=MOST_MONTHS, message=between),
        ],
    )


class RulesForm(Form):
    not_funded_months = months(
        _l("Ideas not funded: months before the contact details go"),
        _l("After a not yet, or a withdrawal. The idea itself stays for the programme's learning, with no name."),
    )
    bank_details_months = months(
        _l("Bank details: months after the payment before they go"),
        _l("The payment's amount, date, finance reference and the account's last two digits stay."),
    )
    private_story_months = months(
        _l("Stories only the programme may see: months before their words and photos go"),
        _l("Stories residents chose to share with everyone stay as they chose. Counts, like how many took part, stay."),
    )
    sign_in_months = months(
        _l("Sign-in links and codes: months before they go"),
        _l("Each link works for a short time only. This is how long the record of it is kept."),
    )
    submit = submit(_l("Save"))

    def rules(self) -> Rules:
        """The rules as typed; call after validation (every field then holds a whole number of months)."""
        chosen = {name: getattr(self, name).data for name in Rules.__dataclass_fields__}
        assert all(isinstance(value, int) for value in chosen.values())
        return Rules(**chosen)


class FindResidentForm(Form):
    who = TextField(
        _l("Their email address or mobile number"),
        validators=[DataRequired(message=_l("Enter their email address or mobile number"))],
    )
    submit = submit(_l("Find them"))


class EraseForm(Form):
    confirmed = BooleanField(
        _l("They asked us to erase them, and we have checked it is them"),
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=_l("Confirm they asked, and that you checked it is them"))],
    )
    submit = submit(_l("Erase this resident"))
