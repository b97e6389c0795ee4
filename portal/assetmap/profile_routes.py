"""What a resident offers their neighbours (/account/what-you-offer), opt-in and private; and the people who shared
theirs with a neighbourhood's community builders (/neighbourhoods/<slug>/people), with the interests they share."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.services import get_user_by_email
from portal.assetmap import introductions, keepers, profiles, services
from portal.assetmap.forms import ConnectorForm, ProfileForm
from portal.assetmap.routes import bp
from portal.common.access import object_access, role_required
from portal.common.forms import ButtonForm
from portal.common.languages import written
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import Neighbourhood

BUILDERS = "the neighbourhood's community builders, and every programme officer"


def _shown_neighbourhoods() -> list[Any]:
    return list(
        db.session.execute(
            sa.select(Neighbourhood).where(Neighbourhood.is_active.is_(True)).order_by(Neighbourhood.name)
        ).scalars()
    )


@bp.route("/account/what-you-offer", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def edit_profile() -> Any:
    mine = profiles.profile_of(current_user.id)
    form = ProfileForm(obj=mine)
    form.neighbourhood_id.choices = [(n.id, written(n, "name").text) for n in _shown_neighbourhoods()]
    if mine is not None and not form.is_submitted():
        form.interests.data = ", ".join(mine.interests or [])
    if form.validate_on_submit():
        profiles.save_profile(
            current_user,
            form.neighbourhood_id.data,
            knows=form.knows.data or "",
            can_do=form.can_do.data or "",
            cares_about=form.cares_about.data or "",
            interests=profiles.interests_from(form.interests.data or ""),
        )
        flash(_("Thank you. Your community builders can see what you offer."), "success")
        return redirect(url_for("assetmap.edit_profile"))
    return render_template("assetmap/profile.html", form=form, profile=mine, stop_form=ButtonForm(prefix="stop"))


@bp.post("/account/what-you-offer/stop")
@role_required(Role.RESIDENT)
def stop_sharing() -> Any:
    if ButtonForm(prefix="stop").validate_on_submit() and profiles.stop_sharing(current_user):
        flash(_("You have stopped sharing what you offer. We no longer keep it."), "success")
    return redirect(url_for("accounts.account"))


def _keeps_place(user: Any, kwargs: dict[str, Any]) -> bool:
    """Builders of the neighbourhood and programme officers: residents' profiles are private to them (a connector,
    a resident too, keeps the map but never sees other residents' profiles)."""
    return services.builds_in(user, kwargs["slug"])


@bp.route("/neighbourhoods/<string:slug>/people", methods=["GET", "POST"])
@object_access(_keeps_place, BUILDERS)
def list_people(slug: str) -> Any:
    neighbourhood = services.shown_neighbourhood(slug) or abort(404)
    builder = True  # only builders (and programme officers) reach this page
    form = ConnectorForm()
    if form.validate_on_submit():
        resident = get_user_by_email(form.email.data)
        try:
            named = resident is not None and keepers.name_connector(current_user, neighbourhood.id, resident)
        except services.MapRefused:
            named = False
        if resident is None or (not named and resident.is_staff):
            form.email.errors = [_("We cannot find a resident with that email address")]
        else:
            flash(_("%(name)s is a connector for %(place)s.", name=resident.name, place=neighbourhood.name), "success")
            return redirect(url_for("assetmap.list_people", slug=slug))
    found = profiles.profiles_in(neighbourhood.id)
    return render_template(
        "assetmap/people.html",
        neighbourhood=neighbourhood,
        profiles=found,
        shared=profiles.shared_interests(found),
        builder=builder,
        form=form,
        connectors=keepers.connectors_of(neighbourhood.id),
        remove_form=ButtonForm(prefix="remove"),
        introductions=introductions.made_in(neighbourhood.id),
    )


def _named_here(user: Any, kwargs: dict[str, Any]) -> bool:
    neighbourhood = services.shown_neighbourhood(kwargs["slug"])
    if neighbourhood is None or not services.is_builder_here(user, neighbourhood.id):
        return False
    return any(c.user_id == kwargs["user_id"] for c in keepers.connectors_of(neighbourhood.id))


@bp.post("/neighbourhoods/<string:slug>/people/connectors/<int:user_id>/remove")
@object_access(_named_here, "the neighbourhood's community builders, for a connector named there")
def remove_connector(slug: str, user_id: int) -> Any:
    neighbourhood = services.shown_neighbourhood(slug) or abort(404)
    if ButtonForm(prefix="remove").validate_on_submit():
        keepers.unname_connector(current_user, neighbourhood.id, user_id)
        flash(_("They are no longer a connector here."), "success")
    return redirect(url_for("assetmap.list_people", slug=slug))
