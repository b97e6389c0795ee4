"""How the resident is paid (their pages), and finance officers preparing, authorising and recording payments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.applications.access import your_application
from portal.applications.services import get_application
from portal.awards.services import award_for
from portal.common.access import role_required
from portal.domain.payments import BankDetailsProblem, ConfirmationOfPayee, PaymentRefused
from portal.domain.roles import PaymentMethod, Role
from portal.payments import services
from portal.payments.forms import (
    ActionForm,
    BankDetailsForm,
    ConfirmationOfPayeeForm,
    FailedForm,
    OtherWayForm,
    PaidForm,
    PaymentMethodForm,
)

bp = Blueprint("payments", __name__)
finance = Blueprint("finance", __name__, url_prefix="/finance")
finance_officers = role_required(Role.FINANCE_OFFICER, scope="finance officers pay awards from every pot")

REFUSAL_TEXT = {
    "no_award": lambda: _("There is no award to pay for this idea."),
    "agreement_needed": lambda: _("Enter the date the resident agreed to these details"),
    "not_the_applicant": lambda: _("Only the resident whose idea it is can do this."),
    "not_open_for_details": lambda: _("This award has been paid, so how it is paid cannot change now."),
    "method_not_offered": lambda: _("Choose one of the ways this pot can pay"),
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


def _award_page(application_id: int) -> tuple[Any, Any]:
    application = get_application(application_id) or abort(404)
    award = award_for(application_id) or abort(404)
    if award.status == "offered":
        return application, redirect(url_for("awards.accept_award", application_id=application_id))
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
    if form.validate_on_submit() and form.check_agreement(_is_builder(application)):
        bank = services.BankDetails(
            form.account_name.data, form.sort_code.data, form.account_number.data, form.roll_number.data or ""
        )
        if _save(form, application, method, bank=bank):
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
        form.validate_on_submit()
        and form.check_agreement(_is_builder(application))
        and _save(form, application, PaymentMethod.OTHER_ARRANGEMENT, arrangement=form.arrangement.data or "")
    ):
        return redirect(url_for("payments.payment_details", application_id=application_id))
    return render_template(
        "payments/other_way.html", form=form, application=application, builder=_is_builder(application)
    )


@bp.get("/ideas/<int:application_id>/payment-details")
@your_application
def payment_details(application_id: int) -> Any:
    application, elsewhere = _award_page(application_id)
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
    )


# Finance -----------------------------------------------------------------------------------------------------------


@finance.get("")
@finance_officers
def list_payments() -> str:
    return render_template("payments/list_payments.html", work=services.list_payment_work())


def _award_or_404(award_id: int) -> services.AwardToPay:
    return services.get_award_to_pay(award_id) or abort(404)


def _render_award(item: services.AwardToPay, shown: Any = None, **forms: Any) -> str:
    payments = services.payment_history(item.award.id)
    names = services.people_named(
        {p.prepared_by_id for p in payments}
        | {p.authorised_by_id for p in payments}
        | {p.recorded_by_id for p in payments}
        | {item.award.decision.decided_by_id}
    )
    details = item.details
    cop = ConfirmationOfPayee(details.confirmation_of_payee) if details else ConfirmationOfPayee.NOT_CHECKED
    return render_template(
        "payments/show_award.html",
        item=item,
        shown=shown or services.show_details(details),
        payments=payments,
        names=names,
        action_form=ActionForm(),
        cop_form=forms.get("cop_form") or ConfirmationOfPayeeForm(result=cop.value),
        paid_form=forms.get("paid_form") or PaidForm(),
        failed_form=forms.get("failed_form") or FailedForm(),
        form=next(iter(forms.values()), None),
    )


@finance.get("/awards/<int:award_id>")
@finance_officers
def show_award(award_id: int) -> str:
    return _render_award(_award_or_404(award_id))


def _refused_back(award_id: int, refused: PaymentRefused) -> Any:
    flash(REFUSAL_TEXT[refused.rule](), "error")
    return redirect(url_for("finance.show_award", award_id=award_id))


@finance.post("/awards/<int:award_id>/full-details")
@finance_officers
def reveal_details(award_id: int) -> Any:
    item = _award_or_404(award_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("finance.show_award", award_id=award_id))
    try:
        shown = services.reveal_details(award_id, current_user)
    except PaymentRefused as refused:
        return _refused_back(award_id, refused)
    return _render_award(item, shown=shown)


@finance.post("/awards/<int:award_id>/confirmation-of-payee")
@finance_officers
def record_confirmation(award_id: int) -> Any:
    item = _award_or_404(award_id)
    form = ConfirmationOfPayeeForm()
    if not form.validate_on_submit():
        return _render_award(item, cop_form=form)
    try:
        services.record_confirmation_of_payee(award_id, current_user, ConfirmationOfPayee(form.result.data))
    except PaymentRefused as refused:
        return _refused_back(award_id, refused)
    flash(_("What confirmation of payee said has been saved."), "success")
    return redirect(url_for("finance.show_award", award_id=award_id))


@finance.post("/awards/<int:award_id>/prepare")
@finance_officers
def prepare_payment(award_id: int) -> Any:
    _award_or_404(award_id)
    if ActionForm().validate_on_submit():
        try:
            services.prepare_payment(award_id, current_user)
        except PaymentRefused as refused:
            return _refused_back(award_id, refused)
        flash(_("The payment has been prepared. Another finance officer must now authorise it."), "success")
    return redirect(url_for("finance.show_award", award_id=award_id))


def _payment_step(award_id: int, step: Any, done: str, **kwargs: Any) -> Any:
    item = _award_or_404(award_id)
    if item.payment is None:
        flash(REFUSAL_TEXT["not_due"](), "error")
        return redirect(url_for("finance.show_award", award_id=award_id))
    try:
        step(item.payment.id, current_user, **kwargs)
    except PaymentRefused as refused:
        return _refused_back(award_id, refused)
    flash(done, "success")
    return redirect(url_for("finance.show_award", award_id=award_id))


@finance.post("/awards/<int:award_id>/authorise")
@finance_officers
def authorise_payment(award_id: int) -> Any:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("finance.show_award", award_id=award_id))
    return _payment_step(award_id, services.authorise_payment, _("The payment has been authorised."))


@finance.post("/awards/<int:award_id>/cancel")
@finance_officers
def cancel_payment(award_id: int) -> Any:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("finance.show_award", award_id=award_id))
    return _payment_step(
        award_id, services.cancel_payment, _("The payment has been cancelled. The award is due again.")
    )


@finance.post("/awards/<int:award_id>/paid")
@finance_officers
def record_paid(award_id: int) -> Any:
    item = _award_or_404(award_id)
    form = PaidForm()
    if not form.validate_on_submit():
        return _render_award(item, paid_form=form)
    return _payment_step(
        award_id,
        services.record_paid,
        _("The payment has been recorded as paid."),
        paid_on=form.paid_on.data,
        finance_reference=form.finance_reference.data,
    )


@finance.post("/awards/<int:award_id>/failed")
@finance_officers
def record_failed(award_id: int) -> Any:
    item = _award_or_404(award_id)
    form = FailedForm()
    if not form.validate_on_submit():
        return _render_award(item, failed_form=form)
    return _payment_step(
        award_id,
        services.record_failed,
        _("The payment has been recorded as failed. The award is due again."),
        reason=form.reason.data,
    )
