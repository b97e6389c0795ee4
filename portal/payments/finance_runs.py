"""Finance officers' pages for payment runs, the files made from them, and the ledger of each pot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from portal.common.forms import ButtonForm
from portal.common.progress import Progress, progress_response
from portal.domain.background import FileStatus
from portal.domain.money import format_pence
from portal.domain.payments import (
    PaymentRefused,
    PaymentStatus,
)
from portal.payments import downloads, exports, ledger, runs, work
from portal.payments.finance import finance, finance_officers
from portal.payments.forms import (
    ExportForm,
    NewRunForm,
    PotStatementForm,
    RunPaidForm,
)
from portal.payments.models import ExportKind
from portal.payments.refusals import refusal_text

# Payment runs and their exports --------------------------------------------------------------------------------------


def _run_or_404(run_id: int) -> Any:
    return runs.get_run(run_id) or abort(404)


def _due_label(item: work.AwardToPay) -> str:
    application = item.application
    return f"{application.reference} {application.idea_name} ({format_pence(item.award.amount_pence)})"


@finance.route("/runs/new", methods=["GET", "POST"])
@finance_officers
def new_run() -> Any:
    found = work.list_payment_work("due", per_page=runs.MOST_IN_A_RUN)
    due = found.items
    form = NewRunForm()
    form.awards.choices = [SelectChoice(item.award.id, _due_label(item)) for item in due]
    if form.validate_on_submit():
        try:
            run = runs.create_run(current_user, form.awards.data)
        except runs.RunRefused as refused:
            for reference, rule in refused.problems:
                form.awards.errors.append(f"{reference}: {refusal_text(rule)}")
        except PaymentRefused as refused:
            form.awards.errors.append(refusal_text(refused.rule))
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
    names = work.people_named(
        {run.created_by_id, run.authorised_by_id} | {line.payment.prepared_by_id for line in lines}
    )
    return render_template(
        "payments/show_run.html",
        run=run,
        lines=lines,
        names=names,
        total_pence=sum(line.payment.amount_pence for line in lines if line.payment.status != PaymentStatus.FAILED),
        failed_pence=sum(line.payment.amount_pence for line in lines if line.payment.status == PaymentStatus.FAILED),
        files=downloads.run_files(run),
        failed=downloads.failed_references(lines),
        action_form=ButtonForm(),
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
    if ButtonForm().validate_on_submit():
        try:
            runs.authorise_run(run_id, current_user, seen=request.form.get("seen", ""))
        except runs.RunRefused as refused:
            for reference, rule in refused.problems:
                flash(f"{reference}: {refusal_text(rule)}", "error")
        except PaymentRefused as refused:
            flash(refusal_text(refused.rule), "error")
        else:
            flash(_("The run has been authorised."), "success")
    return redirect(url_for("finance.show_run", run_id=run_id))


@finance.post("/runs/<int:run_id>/payments/<int:payment_id>/take-out")
@finance_officers
def take_out_of_run(run_id: int, payment_id: int) -> Any:
    return _run_button(
        run_id,
        lambda: runs.take_out_of_run(run_id, payment_id, current_user),
        _("The payment has been taken out of the run. Its award is due again."),
    )


def _run_button(run_id: int, act: Callable[[], Any], done: str) -> Any:
    """A button on the run's page: do it, say what happened (or why not), and go back to the run."""
    _run_or_404(run_id)
    if ButtonForm().validate_on_submit():
        try:
            act()
        except PaymentRefused as refused:
            flash(refusal_text(refused.rule), "error")
        else:
            flash(done, "success")
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
        flash(refusal_text(refused.rule), "error")
    else:
        failed = downloads.failed_references(runs.run_lines(run_id))
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
    return _run_button(
        run_id,
        lambda: exports.email_remittances(run_id, current_user),
        _("Each resident with an email address is being sent their remittance advice."),
    )


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
        flash(refusal_text(refused.rule), "error")
        return redirect(url_for("finance.show_run", run_id=run_id))
    return redirect(url_for("finance.show_export", run_id=run_id, export_id=made.id))


@finance.get("/runs/<int:run_id>/exports/<int:export_id>")
@finance_officers
def show_export(run_id: int, export_id: int) -> str:
    made = downloads.get_export(run_id, export_id) or abort(404)
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
            withdrawn=downloads.file_withdrawn(made, run),
            failed_since=downloads.failed_since(made, run),
        ),
        status_url=url_for("finance.export_status", run_id=run_id, export_id=export_id),
        withdrawn=downloads.file_withdrawn(made, run),
        failed_since=downloads.failed_since(made, run),
        failed=downloads.failed_references(runs.run_lines(run_id)),
    )


@finance.get("/runs/<int:run_id>/exports/<int:export_id>/status")
@finance_officers
def export_status(run_id: int, export_id: int) -> Response:
    made = downloads.get_export(run_id, export_id) or abort(404)
    download_url = url_for("finance.download_export", run_id=run_id, export_id=export_id)
    run = _run_or_404(run_id)
    return progress_response(
        _export_progress(
            made,
            download_url,
            withdrawn=downloads.file_withdrawn(made, run),
            failed_since=downloads.failed_since(made, run),
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
        got = downloads.download(made, current_user)
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
    made = downloads.get_export(run_id, export_id) or abort(404)
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
    made = downloads.get_pot_export(pot_id, export_id) or abort(404)
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
    made = downloads.get_pot_export(pot_id, export_id) or abort(404)
    return progress_response(
        _export_progress(made, url_for("finance.download_pot_export", pot_id=pot_id, export_id=export_id))
    )


@finance.get("/ledger/pots/<int:pot_id>/exports/<int:export_id>/download")
@finance_officers
def download_pot_export(pot_id: int, export_id: int) -> Any:
    made = downloads.get_pot_export(pot_id, export_id) or abort(404)
    return _send_export(made, url_for("finance.show_pot_export", pot_id=pot_id, export_id=export_id))
