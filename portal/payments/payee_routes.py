"""How the resident is paid: their pages (or their community builder's, with them)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.applications.access import your_application
from portal.applications.services import get_application
from portal.awards.services import award_for
from portal.domain.payments import (
    BankDetailsProblem,
    PaymentRefused,
    clean_account_number,
    clean_roll_number,
    clean_sort_code,
)
from portal.domain.roles import PaymentMethod
from portal.domain.states import AwardStatus
from portal.payments import services
from portal.payments.forms import (
    BankDetailsForm,
    OtherWayForm,
    PaymentMethodForm,
)
from portal.payments.refusals import REFUSAL_TEXT

bp = Blueprint("payments", __name__)

BANK_TEXT = {
    ("account_name", "missing"): lambda: _("Enter the name on the account"),
    ("sort_code", "missing"): lambda: _("Enter a sort code"),
    ("sort_code", "format"): lambda: _("Enter a valid sort code like 309430"),
    ("account_number", "missing"): lambda: _("Enter an account number"),
    ("account_number", "format"): lambda: _("Enter a valid account number like 00733445"),
    ("account_number", "length"): lambda: _("Account number must be between 6 and 8 digits"),
    ("roll_number", "length"): lambda: _("Building society roll number must be between 1 and 18 characters"),
    ("roll_number", "format"): lambda: _(
        "Building society roll number must only include letters a to z, numbers, hyphens, spaces, forward slashes "
        "and full stops"
    ),
}


def method_choices(application: Any) -> tuple[list[SelectChoice], list[dict[str, Any]]]:
    """The ways this pot pays, in the resident's words, and a hint for each (as GOV.UK radio items)."""
    host = application.pot.neighbourhood.host_organisation or _("the host organisation")
    words = {
        PaymentMethod.BANK_TRANSFER: (_("Into my bank account"), _("You will need the sort code and account number.")),
        PaymentMethod.PAID_TO_NAMED_PERSON: (
            _("Into someone else's bank account, for our group"),
            _("For a group without a bank account of its own."),
        ),
        PaymentMethod.PAID_TO_HOST_ORGANISATION: (
            _("Through %(host)s, for our group", host=host),
            _("They look after the money and pay for what you need."),
        ),
        PaymentMethod.OTHER_ARRANGEMENT: (
            _("Another way, such as a prepaid card"),
            _("If you do not have a bank account."),
        ),
    }
    offered = [
        (method, label, hint)
        for method, (label, hint) in words.items()
        if method.value in application.pot.payment_methods
    ]
    return [SelectChoice(m.value, label) for m, label, _hint in offered], [
        {"hint": {"text": h}} for _m, _l, h in offered
    ]


# The resident ------------------------------------------------------------------------------------------------------


def _award_page(application_id: int, *, changing: bool = True) -> tuple[Any, Any]:
    application = get_application(application_id) or abort(404)
    award = award_for(application_id) or abort(404)
    if award.status == AwardStatus.OFFERED:
        return application, redirect(url_for("awards.accept_award", application_id=application_id))
    if changing and award.status == AwardStatus.PAID:  # nothing left to change: say so before anything is filled in
        flash(REFUSAL_TEXT["not_open_for_details"]())
        return application, redirect(url_for("payments.payment_details", application_id=application_id))
    return application, None


def _is_builder(application: Any) -> bool:
    return bool(current_user.id == application.assisted_by_id)


@bp.route("/ideas/<int:application_id>/how-to-be-paid", methods=["GET", "POST"])
@your_application
def choose_method(application_id: int) -> Any:
    application, elsewhere = _award_page(application_id)
    if elsewhere is not None:
        return elsewhere
    details = services.payee_details_for(application.award.id)
    form = PaymentMethodForm(method=details.method if details else None)
    form.method.choices, hints = method_choices(application)
    if form.validate_on_submit():
        method = PaymentMethod(form.method.data)
        if method in services.BANK_METHODS:
            return redirect(url_for("payments.bank_details", application_id=application_id, method=method.value))
        if method is PaymentMethod.OTHER_ARRANGEMENT:
            return redirect(url_for("payments.other_way", application_id=application_id))
        if form.check_agreement(_is_builder(application)) and _save(form, application, method):
            return redirect(url_for("payments.payment_details", application_id=application_id))
    return render_template(
        "payments/choose_method.html", form=form, application=application, builder=_is_builder(application), hints=hints
    )


def _every_check(*passed: bool) -> bool:
    """Whether every check passed; each has run already, so the page shows every problem at once."""
    return all(passed)


def _check_bank_details(form: BankDetailsForm) -> bool:
    """Each bank detail typed that cannot be right gets its message now, beside the other fields' (the service
    checks them again when it saves)."""
    fine = True
    for cleaned, clean in (
        (form.sort_code, clean_sort_code),
        (form.account_number, clean_account_number),
        (form.roll_number, clean_roll_number),
    ):
        if cleaned.errors:
            continue
        try:
            clean(cleaned.data or "")
        except BankDetailsProblem as problem:
            cleaned.errors = [BANK_TEXT[(problem.field, problem.rule)]()]
            fine = False
    return fine


def _save(form: Any, application: Any, method: PaymentMethod, **details: Any) -> bool:
    """Save through the service; a refusal becomes an error on the form. Returns whether it was saved."""
    try:
        services.save_payee_details(application.id, current_user, method, agreed_on=form.agreed_on.data, **details)
    except BankDetailsProblem as problem:
        getattr(form, problem.field).errors.append(BANK_TEXT[(problem.field, problem.rule)]())
        return False
    except PaymentRefused as refused:
        field = form.agreed_on if refused.rule == "agreement_needed" else form.submit
        field.errors.append(REFUSAL_TEXT[refused.rule]())
        return False
    return True


@bp.route("/ideas/<int:application_id>/bank-details", methods=["GET", "POST"])
@your_application
def bank_details(application_id: int) -> Any:
    application, elsewhere = _award_page(application_id)
    if elsewhere is not None:
        return elsewhere
    wanted = request.args.get("method", PaymentMethod.BANK_TRANSFER.value)
    method = PaymentMethod(wanted) if wanted in services.BANK_METHODS else PaymentMethod.BANK_TRANSFER
    form = BankDetailsForm()
    if form.is_submitted() and _every_check(
        form.validate_on_submit(), _check_bank_details(form), form.check_agreement(_is_builder(application))
    ):
        bank = services.BankDetails(
            form.account_name.data, form.sort_code.data, form.account_number.data, form.roll_number.data or ""
        )
        if _save(form, application, method, bank=bank):
            flash(_("Your bank details have been saved."), "success")
            return redirect(url_for("payments.payment_details", application_id=application_id))
    return render_template(
        "payments/bank_details.html",
        form=form,
        application=application,
        method=method,
        builder=_is_builder(application),
    )


@bp.route("/ideas/<int:application_id>/another-way-to-be-paid", methods=["GET", "POST"])
@your_application
def other_way(application_id: int) -> Any:
    application, elsewhere = _award_page(application_id)
    if elsewhere is not None:
        return elsewhere
    form = OtherWayForm()
    if (
        form.is_submitted()
        and _every_check(form.validate_on_submit(), form.check_agreement(_is_builder(application)))
        and _save(form, application, PaymentMethod.OTHER_ARRANGEMENT, arrangement=form.arrangement.data or "")
    ):
        flash(_("How you want to be paid has been saved."), "success")
        return redirect(url_for("payments.payment_details", application_id=application_id))
    return render_template(
        "payments/other_way.html", form=form, application=application, builder=_is_builder(application)
    )


@bp.get("/ideas/<int:application_id>/payment-details")
@your_application
def payment_details(application_id: int) -> Any:
    application, elsewhere = _award_page(application_id, changing=False)
    if elsewhere is not None:
        return elsewhere
    details = services.payee_details_for(application.award.id)
    if details is None:
        return redirect(url_for("payments.choose_method", application_id=application_id))
    return render_template(
        "payments/payment_details.html",
        application=application,
        shown=services.show_details(details),
        award=application.award,
        failed=services.last_failed_payment(application.award.id),
    )
