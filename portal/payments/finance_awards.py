"""Finance officers' pages for awards due payment: preparing, authorising and recording one payment."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.forms import ButtonForm
from portal.common.paging import page_number
from portal.domain.payments import (
    ConfirmationOfPayee,
    PaymentRefused,
)
from portal.payments import runs, services, work
from portal.payments.finance import finance, finance_officers
from portal.payments.forms import (
    ConfirmationOfPayeeForm,
    FailedForm,
    PaidForm,
)
from portal.payments.refusals import REFUSAL_TEXT

# Finance -----------------------------------------------------------------------------------------------------------


@finance.get("")
@finance_officers
def list_payments() -> str:
    """Every list of payment work, each its oldest first; or, with ?show=<list>, one list a page at a time."""
    show = request.args.get("show")
    counts = work.count_payment_work()
    if show in work.WORK_LISTS:
        lists = {show: work.list_payment_work(show, page_number(), count=True)}
        return render_template("payments/list_payments.html", show=show, lists=lists, counts=counts, runs=[])
    lists = {name: work.list_payment_work(name, per_page=work.WORK_OVERVIEW, count=False) for name in work.WORK_LISTS}
    return render_template("payments/list_payments.html", show=None, lists=lists, counts=counts, runs=runs.list_runs())


def _award_or_404(award_id: int) -> work.AwardToPay:
    return work.get_award_to_pay(award_id) or abort(404)


def _render_award(item: work.AwardToPay, shown: Any = None, **forms: Any) -> str:
    payments = work.payment_history(item.award.id)
    names = work.people_named(
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
        action_form=ButtonForm(),
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
    if not ButtonForm().validate_on_submit():
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
    if ButtonForm().validate_on_submit():
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
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("finance.show_award", award_id=award_id))
    seen = request.form.get("details_version", type=int) or 0  # missing or made up: refused, never waved through
    return _payment_step(
        award_id, services.authorise_payment, _("The payment has been authorised."), details_version=seen
    )


@finance.post("/awards/<int:award_id>/cancel")
@finance_officers
def cancel_payment(award_id: int) -> Any:
    if not ButtonForm().validate_on_submit():
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
