"""How the resident is paid (their pages), and finance officers preparing, authorising and recording payments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from wtforms import SelectChoice

from portal.applications.access import your_application
from portal.applications.services import get_application
from portal.awards.services import award_for
from portal.common.access import role_required
from portal.common.paging import page_number
from portal.common.progress import Progress, progress_response
from portal.domain.background import FileStatus
from portal.domain.money import format_pence
from portal.domain.payments import (
    BankDetailsProblem,
    ConfirmationOfPayee,
    PaymentRefused,
    clean_account_number,
    clean_roll_number,
    clean_sort_code,
)
from portal.domain.roles import PaymentMethod, Role
from portal.payments import exports, ledger, runs, services
from portal.payments.forms import (
    ActionForm,
    BankDetailsForm,
    ConfirmationOfPayeeForm,
    ExportForm,
    FailedForm,
    NewRunForm,
    OtherWayForm,
    PaidForm,
    PaymentMethodForm,
    PotStatementForm,
    RunPaidForm,
)
from portal.payments.models import ExportKind
from portal.payments.states import payment_state_text

bp = Blueprint("payments", __name__)


# Where an award is on its way to being paid, named the same on every page and file: {{ state | payment_state }}.
@pass_context
def _payment_state_filter(context: Any, state: str) -> str:
    # pass_context stops Jinja folding `'due' | payment_state` into the template once, in the first language used.
    return payment_state_text(state)


bp.add_app_template_filter(_payment_state_filter, "payment_state")


@bp.app_template_filter("file_name")
def file_name(name: str) -> Markup:
    """A file's name kept whole on one line, however narrow the screen: it is read out and copied, and breaking it at
    a hyphen ('run-2026-0007-' / 'schedule.pdf') makes it look like two names."""
    return Markup('<span class="app-nowrap app-file-name">%s</span>') % name


finance = Blueprint("finance", __name__, url_prefix="/finance")
finance_officers = role_required(Role.FINANCE_OFFICER, scope="finance officers pay awards from every pot")

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
    if award.status == "offered":
        return application, redirect(url_for("awards.accept_award", application_id=application_id))
    if changing and award.status == "paid":  # nothing left to change: say so before anything is filled in
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


# Finance -----------------------------------------------------------------------------------------------------------


@finance.get("")
@finance_officers
def list_payments() -> str:
    """Every list of payment work, each its oldest first; or, with ?show=<list>, one list a page at a time."""
    show = request.args.get("show")
    counts = services.count_payment_work()
    if show in services.WORK_LISTS:
        lists = {show: services.list_payment_work(show, page_number(), count=True)}
        return render_template("payments/list_payments.html", show=show, lists=lists, counts=counts, runs=[])
    lists = {
        name: services.list_payment_work(name, per_page=services.WORK_OVERVIEW, count=False)
        for name in services.WORK_LISTS
    }
    return render_template("payments/list_payments.html", show=None, lists=lists, counts=counts, runs=runs.list_runs())


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
    seen = request.form.get("details_version", type=int) or 0  # missing or made up: refused, never waved through
    return _payment_step(
        award_id, services.authorise_payment, _("The payment has been authorised."), details_version=seen
    )


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


# Payment runs and their exports --------------------------------------------------------------------------------------

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


def _refusal_text(rule: str) -> str:
    return (RUN_REFUSAL_TEXT.get(rule) or REFUSAL_TEXT.get(rule) or (lambda: rule))()


def _run_or_404(run_id: int) -> Any:
    return runs.get_run(run_id) or abort(404)


def _due_label(item: services.AwardToPay) -> str:
    application = item.application
    return f"{application.reference} {application.idea_name} ({format_pence(item.award.amount_pence)})"


@finance.route("/runs/new", methods=["GET", "POST"])
@finance_officers
def new_run() -> Any:
    found = services.list_payment_work("due", per_page=runs.MOST_IN_A_RUN)
    due = found.items
    form = NewRunForm()
    form.awards.choices = [SelectChoice(item.award.id, _due_label(item)) for item in due]
    if form.validate_on_submit():
        try:
            run = runs.create_run(current_user, form.awards.data)
        except runs.RunRefused as refused:
            for reference, rule in refused.problems:
                form.awards.errors.append(f"{reference}: {_refusal_text(rule)}")
        except PaymentRefused as refused:
            form.awards.errors.append(_refusal_text(refused.rule))
        else:
            flash(
                _(
                    "Run %(reference)s is ready. Another finance officer must now authorise it.",
                    reference=run.reference,
                ),
                "success",
            )
            return redirect(url_for("finance.show_run", run_id=run.id))
    return render_template("payments/new_run.html", form=form, due=due, due_total=found.total)


def _render_run(run: Any, **forms: Any) -> str:
    lines = runs.run_lines(run.id)
    names = services.people_named(
        {run.created_by_id, run.authorised_by_id} | {line.payment.prepared_by_id for line in lines}
    )
    return render_template(
        "payments/show_run.html",
        run=run,
        lines=lines,
        names=names,
        total_pence=sum(line.payment.amount_pence for line in lines if line.payment.status != "failed"),
        failed_pence=sum(line.payment.amount_pence for line in lines if line.payment.status == "failed"),
        files=exports.run_files(run),
        failed=exports.failed_references(lines),
        action_form=ActionForm(),
        seen=runs.seen_hash_of_lines(run, lines),
        paid_form=forms.get("paid_form") or RunPaidForm(),
        export_form=forms.get("export_form") or ExportForm(),
        form=next((f for f in forms.values() if hasattr(f, "errors")), None),
    )


@finance.get("/runs/<int:run_id>")
@finance_officers
def show_run(run_id: int) -> str:
    return _render_run(_run_or_404(run_id))


@finance.post("/runs/<int:run_id>/authorise")
@finance_officers
def authorise_run(run_id: int) -> Any:
    _run_or_404(run_id)
    if ActionForm().validate_on_submit():
        try:
            runs.authorise_run(run_id, current_user, seen=request.form.get("seen", ""))
        except runs.RunRefused as refused:
            for reference, rule in refused.problems:
                flash(f"{reference}: {_refusal_text(rule)}", "error")
        except PaymentRefused as refused:
            flash(_refusal_text(refused.rule), "error")
        else:
            flash(_("The run has been authorised."), "success")
    return redirect(url_for("finance.show_run", run_id=run_id))


@finance.post("/runs/<int:run_id>/payments/<int:payment_id>/take-out")
@finance_officers
def take_out_of_run(run_id: int, payment_id: int) -> Any:
    _run_or_404(run_id)
    if ActionForm().validate_on_submit():
        try:
            runs.take_out_of_run(run_id, payment_id, current_user)
        except PaymentRefused as refused:
            flash(_refusal_text(refused.rule), "error")
        else:
            flash(_("The payment has been taken out of the run. Its award is due again."), "success")
    return redirect(url_for("finance.show_run", run_id=run_id))


@finance.post("/runs/<int:run_id>/paid")
@finance_officers
def record_run_paid(run_id: int) -> Any:
    run = _run_or_404(run_id)
    form = RunPaidForm()
    if not form.validate_on_submit():
        return _render_run(run, paid_form=form)
    try:
        runs.record_run_paid(
            run_id, current_user, paid_on=form.paid_on.data, finance_reference=form.finance_reference.data
        )
    except PaymentRefused as refused:
        flash(_refusal_text(refused.rule), "error")
    else:
        failed = exports.failed_references(runs.run_lines(run_id))
        if failed:
            flash(
                ngettext(
                    "The run has been recorded as paid, except %(references)s, which failed and was not paid.",
                    "The run has been recorded as paid, except %(references)s, which failed and were not paid.",
                    len(failed),
                    references=", ".join(failed),
                ),
                "success",
            )
        else:
            flash(_("Every payment in the run has been recorded as paid."), "success")
    return redirect(url_for("finance.show_run", run_id=run_id))


@finance.post("/runs/<int:run_id>/email-remittances")
@finance_officers
def email_remittances(run_id: int) -> Any:
    _run_or_404(run_id)
    if ActionForm().validate_on_submit():
        try:
            exports.email_remittances(run_id, current_user)
        except PaymentRefused as refused:
            flash(_refusal_text(refused.rule), "error")
        else:
            flash(_("Each resident with an email address is being sent their remittance advice."), "success")
    return redirect(url_for("finance.show_run", run_id=run_id))


@finance.post("/runs/<int:run_id>/exports")
@finance_officers
def request_export(run_id: int) -> Any:
    run = _run_or_404(run_id)
    form = ExportForm()
    if not form.validate_on_submit():
        return _render_run(run, export_form=form)
    kind = ExportKind.SCHEDULE if form.kind.data == "schedule_full" else ExportKind(form.kind.data)
    try:
        made = exports.request_export(run_id, current_user, kind, full_details=form.kind.data == "schedule_full")
    except PaymentRefused as refused:
        flash(_refusal_text(refused.rule), "error")
        return redirect(url_for("finance.show_run", run_id=run_id))
    return redirect(url_for("finance.show_export", run_id=run_id, export_id=made.id))


@finance.get("/runs/<int:run_id>/exports/<int:export_id>")
@finance_officers
def show_export(run_id: int, export_id: int) -> str:
    made = exports.get_export(run_id, export_id) or abort(404)
    run = _run_or_404(run_id)
    download_url = url_for("finance.download_export", run_id=run_id, export_id=export_id)
    return render_template(
        "payments/show_export.html",
        export=made,
        caption=_("Payment run %(reference)s", reference=run.reference),
        back_url=url_for("finance.show_run", run_id=run_id),
        download_url=download_url,
        progress=_export_progress(
            made,
            download_url,
            withdrawn=exports.file_withdrawn(made, run),
            failed_since=exports.failed_since(made, run),
        ),
        status_url=url_for("finance.export_status", run_id=run_id, export_id=export_id),
        withdrawn=exports.file_withdrawn(made, run),
        failed_since=exports.failed_since(made, run),
        failed=exports.failed_references(runs.run_lines(run_id)),
    )


@finance.get("/runs/<int:run_id>/exports/<int:export_id>/status")
@finance_officers
def export_status(run_id: int, export_id: int) -> Response:
    made = exports.get_export(run_id, export_id) or abort(404)
    download_url = url_for("finance.download_export", run_id=run_id, export_id=export_id)
    run = _run_or_404(run_id)
    return progress_response(
        _export_progress(
            made,
            download_url,
            withdrawn=exports.file_withdrawn(made, run),
            failed_since=exports.failed_since(made, run),
        )
    )


def _export_progress(made: Any, download_url: str, *, withdrawn: bool = False, failed_since: bool = False) -> Progress:
    """What the export's page (and its status route, for the page's script) says about the file now."""
    if made.status == FileStatus.READY and withdrawn:
        return Progress(
            FileStatus.FAILED.value,  # done, and nothing to download
            _(
                "This file was made before the run's authorisation was withdrawn, so it cannot be downloaded. "
                "Once the run is authorised again, make a new file."
            ),
        )
    if made.status == FileStatus.READY and failed_since:
        return Progress(
            FileStatus.FAILED.value,  # done, and nothing to download
            _("A payment in this run failed after this file was made, so the file still shows it as a payment to make.")
            + " "
            + _("Make a new file: it marks the payment that failed."),
        )
    if made.status == FileStatus.READY:
        return Progress(
            made.status,
            _("The file is ready."),
            download_url,
            _("Download the file"),
            _("SHA-256 of the file: %(hash)s", hash=made.content_sha256),
        )
    if made.status == FileStatus.FAILED:
        return Progress(made.status, _("The file could not be made: %(reason)s", reason=made.error))
    if made.status == FileStatus.RUNNING:
        return Progress(made.status, _("The file is being made: %(percent)s%% done.", percent=made.progress))
    return Progress(made.status, _("The file is waiting to be made."))


MIMETYPES = {
    "schedule": "application/pdf",
    "remittances": "application/zip",
    "csv": "text/csv",
    "pot_statement": "application/pdf",
    "pot_csv": "text/csv",
}


def _send_export(made: Any, not_ready_url: str) -> Any:
    try:
        got = exports.download(made, current_user)
    except PaymentRefused:
        return redirect(not_ready_url)
    if got.content is None:
        page = render_template("payments/download_refused.html", export=made, back_url=not_ready_url, why=got.refused)
        return page, 409
    response = Response(got.content, mimetype=MIMETYPES[made.kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@finance.get("/runs/<int:run_id>/exports/<int:export_id>/download")
@finance_officers
def download_export(run_id: int, export_id: int) -> Any:
    made = exports.get_export(run_id, export_id) or abort(404)
    return _send_export(made, url_for("finance.show_export", run_id=run_id, export_id=export_id))


# The ledger ------------------------------------------------------------------------------------------------------


@finance.get("/ledger")
@finance_officers
def show_ledger() -> str:
    return render_template("payments/ledger.html", rows=ledger.ledger())


def _pot_ledger_or_404(pot_id: int) -> ledger.PotLedger:
    return ledger.ledger_for(pot_id) or abort(404)


@finance.get("/ledger/pots/<int:pot_id>")
@finance_officers
def show_pot_statement(pot_id: int) -> str:
    return render_template(
        "payments/pot_statement.html",
        row=_pot_ledger_or_404(pot_id),
        lines=ledger.statement_lines(pot_id),
        form=PotStatementForm(),
    )


@finance.post("/ledger/pots/<int:pot_id>/exports")
@finance_officers
def request_pot_export(pot_id: int) -> Any:
    row = _pot_ledger_or_404(pot_id)
    form = PotStatementForm()
    if not form.validate_on_submit():
        return render_template("payments/pot_statement.html", row=row, lines=ledger.statement_lines(pot_id), form=form)
    made = exports.request_pot_export(pot_id, current_user, ExportKind(form.kind.data))
    return redirect(url_for("finance.show_pot_export", pot_id=pot_id, export_id=made.id))


@finance.get("/ledger/pots/<int:pot_id>/exports/<int:export_id>")
@finance_officers
def show_pot_export(pot_id: int, export_id: int) -> str:
    made = exports.get_pot_export(pot_id, export_id) or abort(404)
    row = _pot_ledger_or_404(pot_id)
    download_url = url_for("finance.download_pot_export", pot_id=pot_id, export_id=export_id)
    return render_template(
        "payments/show_export.html",
        export=made,
        caption=f"{row.pot.neighbourhood.name}: {row.pot.name}",
        back_url=url_for("finance.show_pot_statement", pot_id=pot_id),
        download_url=download_url,
        progress=_export_progress(made, download_url),
        status_url=url_for("finance.pot_export_status", pot_id=pot_id, export_id=export_id),
        withdrawn=False,  # a pot's statement is not made from an authorisation
        failed_since=False,
        failed=[],
    )


@finance.get("/ledger/pots/<int:pot_id>/exports/<int:export_id>/status")
@finance_officers
def pot_export_status(pot_id: int, export_id: int) -> Response:
    made = exports.get_pot_export(pot_id, export_id) or abort(404)
    return progress_response(
        _export_progress(made, url_for("finance.download_pot_export", pot_id=pot_id, export_id=export_id))
    )


@finance.get("/ledger/pots/<int:pot_id>/exports/<int:export_id>/download")
@finance_officers
def download_pot_export(pot_id: int, export_id: int) -> Any:
    made = exports.get_pot_export(pot_id, export_id) or abort(404)
    return _send_export(made, url_for("finance.show_pot_export", pot_id=pot_id, export_id=export_id))
