"""Feedback that invites back, on the applications blueprint: a resident the panel said "not yet" to reads why (the
panel's words and the programme's reason, with what would help), who would talk it through, and other funds, and
can try again with a copy of their idea."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import services
from portal.applications.access import your_application
from portal.applications.routes import PROBLEM_TEXT, bp
from portal.common.forms import ButtonForm
from portal.domain.states import ApplicationStatus
from portal.programme.texts import other_help


@bp.get("/ideas/<int:application_id>/not-yet")
@your_application
def not_yet(application_id: int) -> Any:
    application = services.get_application(application_id) or abort(404)
    if application.status != ApplicationStatus.NOT_YET:
        return redirect(url_for("applications.list_ideas"))
    return render_template(
        "applications/not_yet.html",
        application=application,
        decision=application.latest_decision,
        may_try_again=services.pot_is_taking_ideas(application.pot),
        other_help=other_help(),
        form=ButtonForm(),
    )


@bp.post("/ideas/<int:application_id>/try-again")
@your_application
def try_again(application_id: int) -> Any:
    application = services.get_application(application_id) or abort(404)
    form = ButtonForm()
    if not form.validate_on_submit():
        return redirect(url_for("applications.not_yet", application_id=application_id))
    try:
        copy = services.try_again(application, current_user)
    except services.ApplicationProblem as problem:
        flash(PROBLEM_TEXT[problem.reason](problem.details))
        return redirect(url_for("applications.list_ideas"))
    flash(_("This is a copy of your idea. Change what would help, then send it."), "success")
    return redirect(url_for("applications.check_answers", application_id=copy.id))
