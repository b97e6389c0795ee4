"""Data kept only as long as needed: programme officers set the retention rules (/programme/keeping-data) and handle
a request to erase a resident (/programme/erase-a-resident); anyone signed in downloads a copy of everything the
portal holds about them (/account/your-data)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.access import object_access, role_required, signed_in
from portal.common.forms import ButtonForm
from portal.common.progress import Progress, progress_response
from portal.domain.background import FileStatus
from portal.domain.roles import Role
from portal.retention import copies, erasure, rules
from portal.retention.forms import EraseForm, FindResidentForm, RulesForm

bp = Blueprint("retention", __name__)

ANY_RESIDENT = "programme officers handle requests to erase any resident"
officer = role_required(Role.PROGRAMME_OFFICER)
yours = object_access(
    lambda user, kwargs: copies.copy_for(kwargs["copy_id"], user) is not None, "the person the copy is about"
)

REFUSED = {
    "staff": lambda: _("This is a staff account. Whoever runs the portal closes staff accounts."),
    "award_not_settled": lambda: _(
        "They have an award still being offered or paid. Finish or cancel it first, then erase them."
    ),
    "already_erased": lambda: _("This resident has already been erased."),
}


# The rules --------------------------------------------------------------------------------------------------------


@bp.route("/programme/keeping-data", methods=["GET", "POST"])
@officer
def edit_rules() -> Any:
    form = RulesForm(obj=rules.current_rules())
    if form.validate_on_submit():
        rules.save_rules(current_user.id, form.rules())
        flash(_("The rules have been saved. Tonight's run uses them."), "success")
        return redirect(url_for("retention.edit_rules"))
    return render_template(
        "retention/rules.html", form=form, draft_days=rules.draft_keep_days(), last_run=rules.last_run()
    )


# A copy of your data ----------------------------------------------------------------------------------------------


@bp.route("/account/your-data", methods=["GET", "POST"])
@signed_in
def your_data() -> Any:
    form = ButtonForm()
    if form.validate_on_submit():
        copy = copies.request_copy(current_user, str(get_locale() or "en"))
        return redirect(url_for("retention.show_copy", copy_id=copy.id))
    return render_template("retention/your_data.html", form=form, copies=copies.copies_of(current_user))


def _progress(copy: Any) -> Progress:
    if copy.status == FileStatus.READY:
        return Progress(
            copy.status,
            _("Your copy is ready."),
            url_for("retention.download_copy", copy_id=copy.id, kind="pdf"),
            _("Download it to read (PDF)"),
        )
    if copy.status == FileStatus.FAILED:
        return Progress(
            copy.status,
            _("We could not make your copy. Try again, or tell the programme team."),
            url_for("retention.your_data"),
            _("Try again"),
        )
    if copy.status == FileStatus.RUNNING:
        return Progress(copy.status, _("Your copy is being made: %(percent)s%% done.", percent=copy.progress))
    return Progress(copy.status, _("Your copy is waiting to be made."))


@bp.get("/account/your-data/<int:copy_id>")
@yours
def show_copy(copy_id: int) -> Any:
    copy = copies.copy_for(copy_id, current_user) or abort(404)
    return render_template("retention/show_copy.html", copy=copy, progress=_progress(copy))


@bp.get("/account/your-data/<int:copy_id>/status")
@yours
def copy_status(copy_id: int) -> Response:
    copy = copies.copy_for(copy_id, current_user) or abort(404)
    return progress_response(_progress(copy))


@bp.get("/account/your-data/<int:copy_id>/download/<string:kind>")
@yours
def download_copy(copy_id: int, kind: str) -> Any:
    copy = copies.copy_for(copy_id, current_user) or abort(404)
    if kind not in ("pdf", "json") or copy.status != FileStatus.READY:
        return redirect(url_for("retention.show_copy", copy_id=copy_id))
    content = copies.content_of(copy_id, kind) or b""
    copies.note_download(current_user, copy_id, kind)
    mimetype = "application/pdf" if kind == "pdf" else "application/json"
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="your-small-sparks-data.{kind}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# Erasing a resident -----------------------------------------------------------------------------------------------


@bp.route("/programme/erase-a-resident", methods=["GET", "POST"])
@officer
def find_resident() -> Any:
    form = FindResidentForm()
    if form.validate_on_submit():
        person = erasure.find_resident(form.who.data)
        if person is not None:
            return redirect(url_for("retention.erase_resident", user_id=person.id))
        form.who.errors = [_("We cannot find a resident with that email address or mobile number")]
    return render_template("retention/find_resident.html", form=form)


@bp.route("/programme/erase-a-resident/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.PROGRAMME_OFFICER, scope=ANY_RESIDENT)
def erase_resident(user_id: int) -> Any:
    plan = erasure.erasure_plan(user_id)
    if plan is None or (plan.refused == "already_erased"):
        flash(REFUSED["already_erased"]())
        return redirect(url_for("retention.find_resident"))
    form = EraseForm()
    if form.validate_on_submit():
        try:
            done = erasure.erase_resident(current_user, user_id)
        except erasure.ErasureRefused as refused:
            form.confirmed.errors = [REFUSED[refused.reason]()]
        else:
            flash(_erased_message(done), "success")
            return redirect(url_for("retention.find_resident"))
    return render_template("retention/erase_resident.html", form=form, plan=plan, refused=REFUSED)


def _erased_message(done: erasure.ErasurePlan) -> str:
    told = (
        _("We have told them what we kept and why.")
        if done.can_be_told
        else _("We could not tell them: they have no email address or mobile number. Tell them what we kept and why.")
    )
    return " ".join([_("The resident has been erased."), told])
