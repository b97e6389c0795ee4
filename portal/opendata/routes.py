"""Open data pages: the public files, and the programme officer's settings for them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.access import public, role_required
from portal.common.page_cache import cached_for_visitors
from portal.common.urls import absolute_url, base_url
from portal.domain.roles import Role
from portal.extensions import limiter
from portal.opendata import services
from portal.opendata.forms import OpenDataSettingsForm

bp = Blueprint("opendata", __name__)

SETTINGS_TEXT = {
    "prefix_format": (
        "prefix",
        lambda: _("Enter a 360Giving prefix like 360G-smallsparks: 360G- and then letters or numbers"),
    ),
    "org_id_format": (
        "funder_id",
        lambda: _("Enter an identifier like GB-LAE-LDS: a country, a list and the organisation's id"),
    ),
    "unknown_reason": ("reason", lambda: _("Select why the programme gives grants to individuals")),
    "unknown_purpose": ("purposes", lambda: _("Select at least one purpose")),
}


@bp.get("/open-data")
@public
@cached_for_visitors
def show_open_data() -> str:
    return render_template(
        "opendata/open_data.html", settings=services.get_settings(), api_url=absolute_url("api.index")
    )


def _not_published(text: str | None = None) -> Response:
    return Response(text or _("The programme has not published its grants yet."), status=404, mimetype="text/plain")


# A full file takes seconds to write at scale (36,000 grants: 30 MB, about 3 s): a few a minute per address.
FILE_LIMIT = "10 per minute"


@bp.get("/open-data/grants.json")
@public
@limiter.limit(FILE_LIMIT)
def grants_json() -> Response:
    if not services.get_settings().is_ready:
        return _not_published()
    if not services.has_grants():
        return _not_published(_("No grants have been awarded yet."))
    return Response(
        stream_with_context(services.package_json(base_url())),
        mimetype="application/json",
        headers={"Content-Disposition": 'inline; filename="grants.json"', "Access-Control-Allow-Origin": "*"},
    )


@bp.get("/open-data/grants.csv")
@public
@limiter.limit(FILE_LIMIT)
def grants_csv() -> Response:
    if not services.get_settings().is_ready:
        return _not_published()
    return Response(
        stream_with_context(services.grants_csv()),
        mimetype="text/csv",  # Werkzeug adds "; charset=utf-8" to text types
        headers={"Content-Disposition": 'attachment; filename="grants.csv"', "Access-Control-Allow-Origin": "*"},
    )


@bp.route("/programme/open-data", methods=["GET", "POST"])
@role_required(Role.PROGRAMME_OFFICER)
def edit_settings() -> Any:
    settings = services.get_settings()
    form = OpenDataSettingsForm(
        data=None
        if request.method == "POST"
        else {
            "prefix": settings.prefix,
            "funder_name": settings.funder_name,
            "funder_id": settings.funder_id,
            "reason": settings.individual_reason,
            "purposes": settings.purposes,
        }
    )
    if form.validate_on_submit():
        try:
            services.save_settings(
                current_user,
                prefix=form.prefix.data,
                funder_name=form.funder_name.data,
                funder_id=form.funder_id.data,
                reason=form.reason.data,
                purposes=form.purposes.data,
            )
        except services.SettingsProblem as problem:
            _explain_settings_problems(form, problem.problems)
        else:
            flash(_("The open data settings have been saved."), "success")
            return redirect(url_for("opendata.edit_settings"))
    elif form.is_submitted():  # every problem at once: the 360Giving rules too, for the settings typed right

        def read(field: Any) -> Any:
            return None if field.errors else field.data

        _explain_settings_problems(
            form,
            services.settings_problems(
                prefix=read(form.prefix), funder_id=read(form.funder_id), reason=None, purposes=None
            ),
        )
    return render_template("opendata/settings.html", form=form, settings=settings)


def _explain_settings_problems(form: OpenDataSettingsForm, problems: list[services.SettingsProblem]) -> None:
    for problem in problems:
        field, text = SETTINGS_TEXT[problem.rule]
        if not getattr(form, field).errors:
            getattr(form, field).errors = [text()]
