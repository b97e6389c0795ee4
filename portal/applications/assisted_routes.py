"""A community builder's own list of the ideas they entered with residents, and starting a new one; these pages join
the applications blueprint."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user
from wtforms import SelectChoice

from portal.applications import assisted, journey, services
from portal.applications.forms import AssistedStartForm
from portal.applications.routes import PROBLEM_TEXT, bp
from portal.assetmap.keepers import patch_maps
from portal.common.access import role_required
from portal.domain.roles import Role


@bp.get("/assisted")
@role_required(Role.COMMUNITY_BUILDER)
def list_assisted() -> str:
    return render_template(
        "applications/list_assisted.html",
        applications=assisted.list_assisted_by(current_user),
        maps=patch_maps(current_user),
    )


@bp.route("/assisted/new", methods=["GET", "POST"])
@role_required(Role.COMMUNITY_BUILDER)
def start_assisted() -> Any:
    pots = assisted.list_open_pots()
    form = AssistedStartForm()
    form.pot_id.choices = [SelectChoice(pot.id, f"{pot.neighbourhood.name}: {pot.name}") for pot in pots]
    if form.validate_on_submit():
        pot = next(p for p in pots if p.id == form.pot_id.data)
        try:
            application = assisted.start_assisted_application(
                current_user,
                pot,
                form.resident_name.data,
                form.resident_email.data or None,
                str(get_locale() or "en"),
                resident_mobile=form.mobile,
                resident_address=form.resident_address.data or None,
            )
        except services.ApplicationProblem as problem:
            form.resident_email.errors.append(PROBLEM_TEXT[problem.reason](problem.details))
        else:
            return redirect(
                url_for(
                    "applications.answer_question", application_id=application.id, question=journey.QUESTIONS[0].slug
                )
            )
    return render_template("applications/start_assisted.html", form=form, pots=pots)
