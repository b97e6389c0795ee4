"""A neighbourhood's map, "What <neighbourhood> has": anyone reads it (by kind, without JavaScript); a signed-in
resident suggests an entry or a change; the neighbourhood's community builders and programme officers add, publish,
change, retire, restore, take or decline suggestions and undo a change."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.assetmap import keepers, services
from portal.assetmap.forms import KIND_HINTS, KIND_NAMES, KIND_PLURALS, BuildersForm, EntryForm
from portal.common.access import object_access, public_because, role_required, signed_in
from portal.common.forms import ButtonForm
from portal.domain.asset_map import Action, Kind, tile_origin
from portal.domain.roles import Role
from portal.programme.services import get_neighbourhood

bp = Blueprint("assetmap", __name__)

BASE = "/neighbourhoods/<string:slug>/whats-here"
KEEPERS = "the neighbourhood's community builders, and those who run the programme"
SHOWN = "an entry its keepers published (a person's gift only if they said everyone may see it)"

REFUSED = {
    "not_a_keeper": lambda: _("Only this neighbourhood's community builders can do that."),
    "gone": lambda: _("Someone changed this a moment ago. Here it is now."),
    "not_pending": lambda: _("Someone dealt with that suggestion a moment ago."),
    "not_undoable": lambda: _("Only the latest change can be undone."),
}


def _neighbourhood(slug: str) -> Any:
    return services.shown_neighbourhood(slug) or abort(404)


def _keeps(user: Any, kwargs: dict[str, Any]) -> bool:
    """They keep the neighbourhood's map, and the entry is on it."""
    neighbourhood = services.shown_neighbourhood(kwargs["slug"])
    if neighbourhood is None or not services.may_keep_map(user, neighbourhood.id):
        return False
    return services.get_entry(neighbourhood.id, kwargs["entry_id"]) is not None


keepers_only = object_access(_keeps, KEEPERS)


def _sees(user: Any, kwargs: dict[str, Any]) -> bool:
    neighbourhood = services.shown_neighbourhood(kwargs["slug"])
    entry = services.get_entry(neighbourhood.id, kwargs["entry_id"]) if neighbourhood is not None else None
    return entry is not None and services.may_see(user, entry)


seen_by_them = object_access(_sees, "anyone signed in who can see the entry (their own suggestion, or a public one)")


def _entry_or_404(neighbourhood: Any, entry_id: int) -> Any:
    entry = services.get_entry(neighbourhood.id, entry_id)
    if entry is None or not services.may_see(current_user, entry):
        abort(404)
    return entry


def _to_entry(slug: str, entry_id: int) -> Any:
    return redirect(url_for("assetmap.show_entry", slug=slug, entry_id=entry_id))


@bp.get(BASE)
@public_because("a neighbourhood's map is as public as its page")
def show_map(slug: str) -> str:
    neighbourhood = _neighbourhood(slug)
    chosen = request.args.get("kind", "")
    kind = Kind(chosen) if chosen in {k.value for k in Kind} else None
    keeper = services.may_keep_map(current_user, neighbourhood.id)
    entries = services.entries_for(neighbourhood.id, kind=kind, keeper=keeper)
    tiles = current_app.config["MAP_TILE_URL"]
    return render_template(
        "assetmap/map.html",
        neighbourhood=neighbourhood,
        entries=entries,
        tiles=tiles if tile_origin(tiles) and any(entry.point for entry in entries) else "",
        kind=kind.value if kind else "",
        keeper=keeper,
        mine=[] if keeper else services.suggested_by(current_user, neighbourhood.id),
        builder=services.is_builder_here(current_user, neighbourhood.id),
        kinds=KIND_PLURALS,
        kind_names=KIND_NAMES,
    )


@bp.route(f"{BASE}/suggest", methods=["GET", "POST"])
@signed_in
def add_entry(slug: str) -> Any:
    neighbourhood = _neighbourhood(slug)
    keeper = services.may_keep_map(current_user, neighbourhood.id)
    made_by = services.made_by_their_idea(current_user, neighbourhood.id, request.args.get("from_idea", type=int))
    form = EntryForm()
    if form.validate_on_submit():
        entry = services.add_entry(current_user, neighbourhood.id, form.words(), from_application_id=made_by)
        if keeper:
            flash(_("%(name)s is on the map.", name=entry.name), "success")
        else:
            flash(_("Thank you. A community builder will look at your suggestion soon."), "success")
        return _to_entry(slug, entry.id)
    return _render_form(form, neighbourhood, None, keeper)


def _render_form(form: EntryForm, neighbourhood: Any, entry: Any, keeper: bool) -> str:
    return render_template(
        "assetmap/entry_form.html",
        form=form,
        neighbourhood=neighbourhood,
        entry=entry,
        keeper=keeper,
        hints=KIND_HINTS,
    )


@bp.get(f"{BASE}/<int:entry_id>")
@public_because(SHOWN)
def show_entry(slug: str, entry_id: int) -> str:
    neighbourhood = _neighbourhood(slug)
    entry = _entry_or_404(neighbourhood, entry_id)
    keeper = services.may_keep_map(current_user, neighbourhood.id)
    return render_template(
        "assetmap/entry.html",
        neighbourhood=neighbourhood,
        entry=entry,
        keeper=keeper,
        kind_names=KIND_NAMES,
        public=services.is_public(entry),
        waiting=services.waiting_changes(entry) if keeper else [],
        undoable=services.undoable(entry) if keeper else None,
        form=ButtonForm(),
    )


@bp.route(f"{BASE}/<int:entry_id>/change", methods=["GET", "POST"])
@seen_by_them
def change_entry(slug: str, entry_id: int) -> Any:
    neighbourhood = _neighbourhood(slug)
    entry = _entry_or_404(neighbourhood, entry_id)
    keeper = services.may_keep_map(current_user, neighbourhood.id)
    form = EntryForm(obj=entry)
    if not form.is_submitted():
        form.show_other_languages(entry.other_languages or {})
        form.show_point(entry.latitude, entry.longitude)
    if form.validate_on_submit():
        try:
            applied = services.change_entry(current_user, neighbourhood.id, entry_id, form.words())
        except services.MapRefused as refused:
            flash(REFUSED[refused.reason]())
        else:
            flash(
                _("Your change has been saved.")
                if applied
                else _("Thank you. A community builder will look at your suggested change soon."),
                "success",
            )
        return _to_entry(slug, entry_id)
    return _render_form(form, neighbourhood, entry, keeper)


MOVES = {"publish": Action.PUBLISHED, "decline": Action.DECLINED, "retire": Action.RETIRED, "restore": Action.RESTORED}
MOVED = {
    Action.PUBLISHED: lambda name: _("%(name)s is on the map.", name=name),
    Action.DECLINED: lambda name: _("You declined the suggestion %(name)s.", name=name),
    Action.RETIRED: lambda name: _("%(name)s is no longer on the map. You can undo this.", name=name),
    Action.RESTORED: lambda name: _("%(name)s is back on the map.", name=name),
}


def _move(slug: str, entry_id: int, move: str) -> Any:
    neighbourhood = _neighbourhood(slug)
    if ButtonForm().validate_on_submit():
        try:
            entry = services.move_entry(current_user, neighbourhood.id, entry_id, MOVES[move])
        except services.MapRefused as refused:
            flash(REFUSED[refused.reason]())
        else:
            flash(MOVED[MOVES[move]](entry.name), "success")
    return _to_entry(slug, entry_id)


@bp.post(f"{BASE}/<int:entry_id>/publish")
@keepers_only
def publish_entry(slug: str, entry_id: int) -> Any:
    return _move(slug, entry_id, "publish")


@bp.post(f"{BASE}/<int:entry_id>/decline")
@keepers_only
def decline_entry(slug: str, entry_id: int) -> Any:
    return _move(slug, entry_id, "decline")


@bp.post(f"{BASE}/<int:entry_id>/retire")
@keepers_only
def retire_entry(slug: str, entry_id: int) -> Any:
    return _move(slug, entry_id, "retire")


@bp.post(f"{BASE}/<int:entry_id>/restore")
@keepers_only
def restore_entry(slug: str, entry_id: int) -> Any:
    return _move(slug, entry_id, "restore")


def _settle(slug: str, entry_id: int, change_id: int, *, take: bool) -> Any:
    neighbourhood = _neighbourhood(slug)
    if ButtonForm().validate_on_submit():
        try:
            services.settle_suggested_change(current_user, neighbourhood.id, change_id, take=take)
        except services.MapRefused as refused:
            flash(REFUSED[refused.reason]())
        else:
            flash(_("You took the suggested change.") if take else _("You declined the suggested change."), "success")
    return _to_entry(slug, entry_id)


@bp.post(f"{BASE}/<int:entry_id>/changes/<int:change_id>/take")
@keepers_only
def take_change(slug: str, entry_id: int, change_id: int) -> Any:
    return _settle(slug, entry_id, change_id, take=True)


@bp.post(f"{BASE}/<int:entry_id>/changes/<int:change_id>/decline")
@keepers_only
def decline_change(slug: str, entry_id: int, change_id: int) -> Any:
    return _settle(slug, entry_id, change_id, take=False)


@bp.post(f"{BASE}/<int:entry_id>/changes/<int:change_id>/undo")
@keepers_only
def undo_change(slug: str, entry_id: int, change_id: int) -> Any:
    neighbourhood = _neighbourhood(slug)
    if ButtonForm().validate_on_submit():
        try:
            services.undo_change(current_user, neighbourhood.id, change_id)
        except services.MapRefused as refused:
            flash(REFUSED[refused.reason]())
        else:
            flash(_("The change has been undone."), "success")
    return _to_entry(slug, entry_id)


# Which community builders work where ---------------------------------------------------------------------------------


@bp.route("/programme/neighbourhoods/<int:neighbourhood_id>/builders", methods=["GET", "POST"])
@role_required(Role.PROGRAMME_OFFICER, scope="programme officers say which builders work in any neighbourhood")
def choose_builders(neighbourhood_id: int) -> Any:
    neighbourhood = get_neighbourhood(neighbourhood_id) or abort(404)
    builders = keepers.community_builders()
    form = BuildersForm(builders=[b.id for b in keepers.builders_of(neighbourhood_id)])
    form.builders.choices = [(builder.id, builder.name or builder.email) for builder in builders]
    if form.validate_on_submit():
        keepers.set_builders(current_user, neighbourhood_id, form.builders.data or [])
        flash(_("The community builders of %(name)s have been saved.", name=neighbourhood.name), "success")
        return redirect(url_for("programme.list_neighbourhoods"))
    return render_template("assetmap/builders.html", form=form, neighbourhood=neighbourhood, builders=builders)
