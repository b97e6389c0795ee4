"""What a refused payment action says, in plain words, on the page it came from."""

from __future__ import annotations

from flask_babel import gettext as _

REFUSAL_TEXT = {
    "no_award": lambda: _("There is no award to pay for this idea."),
    "agreement_needed": lambda: _("Enter the date the resident agreed to these details"),
    "not_the_applicant": lambda: _("Only the resident whose idea it is can do this."),
    "not_open_for_details": lambda: _("This award has been paid, so how it is paid cannot change now."),
    "method_not_offered": lambda: _("Choose one of the ways this pot can pay"),
    "details_changed_meanwhile": lambda: _(
        "The payee's details changed while you were looking at them. Check them again, then authorise the payment."
    ),
    "finance_only": lambda: _("Only finance officers can do this."),
    "no_details": lambda: _("The resident has not said how to be paid yet."),
    "no_bank_details": lambda: _("This payment is not to a bank account, so there is nothing to confirm."),
    "not_due": lambda: _("This award is not due payment: it may have been prepared a moment ago."),
    "not_waiting_for_authorisation": lambda: _("This payment is not waiting to be authorised."),
    "not_authorised": lambda: _("This payment has not been authorised yet."),
    "decided_the_award": lambda: _("You decided this award, so another finance officer must pay it."),
    "prepared_the_payment": lambda: _("You prepared this payment, so another finance officer must authorise it."),
    "entered_the_details": lambda: _(
        "You entered or changed these payment details, so another finance officer must authorise it."
    ),
    "payee_not_confirmed": lambda: _(
        "Confirmation of payee said the name does not match, so this payment cannot be authorised. "
        "Ask the resident to check their details."
    ),
}

RUN_REFUSAL_TEXT = {
    "nothing_chosen": lambda: _("Select at least one payment for the run"),
    "run_not_open": lambda: _("This run is not waiting to be authorised."),
    "run_empty": lambda: _("This run has no payments to authorise."),
    "run_not_authorised": lambda: _("This run has not been authorised yet."),
    "run_closed": lambda: _("This run has been paid, so it cannot change."),
    "not_in_run": lambda: _("That payment is not in this run."),
    "payment_ended": lambda: _("That payment has failed or been paid, so it stays in the run as it was authorised."),
    "run_changed_meanwhile": lambda: _(
        "The run changed while you were looking at it: a payment or a payee's details. "
        "Check it again, then authorise it."
    ),
    "export_not_ready": lambda: _("This file is not ready yet."),
    "no_such_statement": lambda: _("There is no such file to make."),
}


def refusal_text(rule: str) -> str:
    return (RUN_REFUSAL_TEXT.get(rule) or REFUSAL_TEXT.get(rule) or (lambda: rule))()
