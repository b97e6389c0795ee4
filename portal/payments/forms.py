"""Forms for how a resident is paid (the GOV.UK bank details pattern) and for finance officers' steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovTextArea
from wtforms import SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.common.forms import CharacterCount, DateField, Form, RadioField, TextField, strip, submit
from portal.domain.payments import ConfirmationOfPayee


def agreement_date() -> Any:
    """The question a builder answers below the details they enter: declared after a form's other fields, so its
    error is listed in the error summary where the page shows it."""
    return DateField(
        _l("When did the resident agree to these details?"),
        validators=[Optional()],
        description=_l("For example, 27 3 2026"),
    )


class AgreementMixin:
    """For a community builder entering details with the resident: the day the resident agreed to them."""

    agreed_on = agreement_date()

    def check_agreement(self, builder: bool) -> bool:
        """A builder must give a real date, today or before; a resident never sees the question."""
        if not builder:
            return True
        field = self.agreed_on  # type: ignore[attr-defined]
        if field.data is None:
            if not field.errors:
                field.errors.append(_l("Enter the date the resident agreed to these details"))
            return False
        if field.data > date.today():
            field.errors.append(_l("The date they agreed must be today or in the past"))
            return False
        return True


class PaymentMethodForm(AgreementMixin, Form):
    method = RadioField(
        _l("How do you want to be paid?"),
        choices=[],  # the ways this pot offers, set by the page
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select how you want to be paid"))],
    )
    agreed_on = agreement_date()
    submit = submit(_l("Continue"))


class BankDetailsForm(AgreementMixin, Form):
    account_name = TextField(
        _l("Name on the account"),
        validators=[
            DataRequired(message=_l("Enter the name on the account")),
            Length(max=100, message=_l("Name on the account must be 100 characters or fewer")),
        ],
    )
    sort_code = TextField(
        _l("Sort code"),
        description=_l("Must be 6 digits long"),
        validators=[
            DataRequired(message=_l("Enter a sort code")),
            Length(max=20, message=_l("Enter a valid sort code like 309430")),
        ],
    )
    account_number = TextField(
        _l("Account number"),
        description=_l("Must be between 6 and 8 digits long"),
        validators=[
            DataRequired(message=_l("Enter an account number")),
            Length(max=20, message=_l("Account number must be between 6 and 8 digits")),
        ],
    )
    roll_number = TextField(
        _l("Building society roll number (if you have one)"),
        description=_l("You can find it on your card, statement or passbook"),
        validators=[Optional()],
    )
    agreed_on = agreement_date()
    submit = submit(_l("Continue"))


class OtherWayForm(AgreementMixin, Form):
    arrangement = TextAreaField(
        _l("What would work for you? (optional)"),
        description=_l(
            "For example, a prepaid card or a voucher. The host organisation will tell you what they can offer."
        ),
        widget=CharacterCount(),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("Write 500 characters or fewer"))],
    )
    agreed_on = agreement_date()
    submit = submit(_l("Continue"))


# Finance ----------------------------------------------------------------------------------------------------------


class ConfirmationOfPayeeForm(Form):
    result = RadioField(
        _l("What did confirmation of payee say?"),
        choices=[
            SelectChoice(ConfirmationOfPayee.MATCH.value, _l("The name matches")),
            SelectChoice(ConfirmationOfPayee.CLOSE_MATCH.value, _l("The name is a close match")),
            SelectChoice(ConfirmationOfPayee.NO_MATCH.value, _l("The name does not match")),
            SelectChoice(ConfirmationOfPayee.NOT_CHECKED.value, _l("Not checked")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select what confirmation of payee said"))],
    )
    submit = submit(_l("Save"))


class PaidForm(Form):
    paid_on = DateField(
        _l("When was it paid?"),
        validators=[DataRequired(message=_l("Enter the date it was paid"))],
        description=_l("For example, 27 3 2026"),
    )
    finance_reference = TextField(
        _l("Reference in the finance system"),
        validators=[
            DataRequired(message=_l("Enter the reference from the finance system")),
            Length(max=60, message=_l("The reference must be 60 characters or fewer")),
        ],
    )
    submit = submit(_l("Record as paid"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.paid_on.errors and self.paid_on.data and self.paid_on.data > date.today():
            self.paid_on.errors.append(_l("The date it was paid must be today or in the past"))
            return False
        return valid


class FailedForm(Form):
    reason = TextAreaField(
        _l("Why did the payment fail?"),
        description=_l(
            "The resident is told this by email, so write it for them: for example, the bank says the account is"
            " closed."
        ),
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter why the payment failed")),
            Length(max=500, message=_l("Write 500 characters or fewer")),
        ],
    )
    submit = submit(_l("Record as failed"))


class NewRunForm(Form):
    awards = SelectMultipleField(
        _l("Which payments go in this run?"),
        choices=[],  # the awards due payment, set by the page
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[DataRequired(message=_l("Select at least one payment for the run"))],
    )
    submit = submit(_l("Prepare these payments as a run"))


class RunPaidForm(PaidForm):
    submit = submit(_l("Record the run as paid"))


class ExportForm(Form):
    kind = RadioField(
        _l("What do you want to download?"),
        choices=[
            SelectChoice("schedule", _l("The payment schedule (PDF), bank details masked")),
            SelectChoice("schedule_full", _l("The payment schedule (PDF), bank details in full")),
            SelectChoice("remittances", _l("Remittance advices for each payee (PDFs in a zip file)")),
            SelectChoice("csv", _l("A CSV file for the finance system, bank details in full")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select what you want to download"))],
    )
    submit = submit(_l("Make the file"))


class PotStatementForm(Form):
    kind = RadioField(
        _l("What do you want to download?"),
        choices=[
            SelectChoice("pot_statement", _l("The pot's statement (PDF)")),
            SelectChoice("pot_csv", _l("The pot's statement as a CSV file")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select what you want to download"))],
    )
    submit = submit(_l("Make the file"))
