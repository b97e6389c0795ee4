"""Is it still going? The resident answers through their single-use link (/still-going/<token>) without signing in;
a community builder of the idea's neighbourhood, or a programme officer, records an answer from a conversation
(/ideas/<id>/still-going). These pages join the stories blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.services import get_application
from portal.common.access import object_access, public_because
from portal.domain.stories import STILL_GOING_MONTHS, StillGoing, months_after
from portal.extensions import limiter
from portal.stories import still_going
from portal.stories.forms import StillGoingForm
from portal.stories.routes import bp

BUILDERS = "for a funded idea: the community builders of its neighbourhood, and every programme officer"


@bp.route("/still-going/<string:token>", methods=["GET", "POST"])
@public_because("a single-use link sent to one resident about their own idea")
@limiter.limit("20 per minute", methods=["POST"])
def answer_still_going(token: str) -> Any:
    check = still_going.check_for(token)
    if check is None:
        return render_template("errors/link_gone.html"), 404
    form = StillGoingForm()
    if check.answer is None and form.validate_on_submit():
        try:
            check = still_going.answer_by_link(token, StillGoing(form.answer.data), form.words.data or "")
        except still_going.StillGoingRefused:
            check = still_going.check_for(token) or abort(404)
    return render_template("stories/still_going.html", check=check, form=form)


def _builds_there(user: Any, kwargs: dict[str, Any]) -> bool:
    """A funded idea (others have nothing to ask), in a neighbourhood this person builds in or runs."""
    application = get_application(kwargs["application_id"])
    return application is not None and application.award is not None and still_going.may_record(user, application)


@bp.get("/ideas/<int:application_id>/still-going")
@object_access(_builds_there, BUILDERS)
def show_still_going(application_id: int) -> str:
    application = get_application(application_id) or abort(404)
    paid = still_going.paid_on(application_id)
    due = {months: months_after(paid, months) for months in STILL_GOING_MONTHS} if paid else {}
    return render_template(
        "stories/still_going_checks.html",
        application=application,
        paid=paid,
        due=due,
        checks=still_going.checks_of(application_id),
        months=STILL_GOING_MONTHS,
    )


@bp.route("/ideas/<int:application_id>/still-going/<int:months>", methods=["GET", "POST"])
@object_access(_builds_there, BUILDERS)
def record_still_going(application_id: int, months: int) -> Any:
    application = get_application(application_id) or abort(404)
    if months not in STILL_GOING_MONTHS or still_going.paid_on(application_id) is None:
        abort(404)
    form = StillGoingForm()
    if form.validate_on_submit():
        try:
            still_going.record(current_user, application_id, months, StillGoing(form.answer.data), form.words.data)
        except still_going.StillGoingRefused:
            flash(_("Someone recorded an answer a moment ago. Here it is."), "error")
        else:
            flash(_("Thank you. The answer is recorded."), "success")
        return redirect(url_for("stories.show_still_going", application_id=application_id))
    return render_template("stories/still_going_record.html", application=application, months=months, form=form)
