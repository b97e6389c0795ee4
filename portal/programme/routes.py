"""Programme officers set up neighbourhoods and their pots."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.access import role_required
from portal.common.forms import ButtonForm
from portal.domain.money import format_pence
from portal.domain.open_data import check_geo_code
from portal.domain.pots import PotRuleBroken
from portal.domain.roles import Role
from portal.programme import services
from portal.programme.forms import NeighbourhoodForm, PanelMemberForm, PanelRulesForm, PotForm

bp = Blueprint("programme", __name__, url_prefix="/programme")

ALL_NEIGHBOURHOODS = "programme officers run the whole programme, so they manage every neighbourhood"
programme_officer = role_required(Role.PROGRAMME_OFFICER)
programme_officer_any_neighbourhood = role_required(Role.PROGRAMME_OFFICER, scope=ALL_NEIGHBOURHOODS)

POT_RULE_TEXT = {
    "name_taken": lambda broken: _("This neighbourhood already has a pot with this name"),
    "budget_positive": lambda broken: _("The budget must be more than £0"),
    "budget_below_awarded": lambda broken: _(
        "The budget cannot be less than the %(awarded)s already awarded from this pot",
        awarded=format_pence(broken.limit_pence),
    ),
    "max_award_positive": lambda broken: _("The most one idea can get must be more than £0"),
    "max_award_within_budget": lambda broken: _("The most one idea can get must not be more than the budget"),
    "fast_track_not_negative": lambda broken: _("The fast-track limit must be £0 or more"),
    "fast_track_within_max_award": lambda broken: _(
        "The fast-track limit must not be more than the most one idea can get"
    ),
    "opens_on_needed": lambda broken: _("Enter the date the pot opens, or say it is rolling"),
    "closes_on_needed": lambda broken: _("Enter the date the pot closes, or say it is rolling"),
    "closes_after_opens": lambda broken: _("The closing date must be the same as or after the opening date"),
}


def _neighbourhood_or_404(neighbourhood_id: int) -> Any:
    return services.get_neighbourhood(neighbourhood_id) or abort(404)


@bp.get("/neighbourhoods")
@programme_officer
def list_neighbourhoods() -> str:
    return render_template("programme/list_neighbourhoods.html", neighbourhoods=services.list_neighbourhoods())


@bp.route("/neighbourhoods/new", methods=["GET", "POST"])
@programme_officer
def create_neighbourhood() -> Any:
    form = NeighbourhoodForm(is_active=True, decision_weeks=2)
    return _save_neighbourhood(form, None)


@bp.route("/neighbourhoods/<int:neighbourhood_id>", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def edit_neighbourhood(neighbourhood_id: int) -> Any:
    neighbourhood = _neighbourhood_or_404(neighbourhood_id)
    form = NeighbourhoodForm(obj=neighbourhood)
    if not form.is_submitted():
        form.show_other_languages(neighbourhood.other_languages or {})
    return _save_neighbourhood(form, neighbourhood)


GEO_CODE_TEXT = {
    "geo_code_missing": ("geo_code", lambda: _("Enter the code of the area, or choose No code")),
    "geo_code_type_missing": ("geo_code_type", lambda: _("Select what kind of area the code is for")),
    "geo_code_format": ("geo_code", lambda: _("Enter an ONS code: a letter and 8 numbers, like E05011111")),
    "geo_code_kind": (
        "geo_code_type",
        lambda: _("The code is not for this kind of area: a ward's code starts E05, a county's E10"),
    ),
}


def _save_neighbourhood(form: NeighbourhoodForm, neighbourhood: Any) -> Any:
    valid, problem = form.validate_on_submit(), None
    if form.is_submitted():  # every problem at once: the place code's and the name's rules beside the fields' own
        problem = check_geo_code(form.geo_code.data or "", form.geo_code_type.data or "")
        if problem:
            field, text = GEO_CODE_TEXT[problem]
            getattr(form, field).errors = [*getattr(form, field).errors, text()]
        if not valid and not form.name.errors and services.neighbourhood_name_taken(form.name.data, neighbourhood):
            form.name.errors = [_("There is already a neighbourhood with this name")]
    if valid and not problem:
        try:
            saved = services.save_neighbourhood(
                current_user.id,
                neighbourhood,
                name=form.name.data,
                description=form.description.data,
                host_organisation=form.host_organisation.data,
                is_active=form.is_active.data,
                builder_contact=form.builder_contact.data,
                decision_weeks=form.decision_weeks.data or 2,  # required and 1-26 once validated
                geo_code=form.geo_code.data or "",
                geo_code_type=form.geo_code_type.data or "",
                other_languages=form.other_languages(),
            )
        except services.NameTaken:
            form.name.errors.append(_("There is already a neighbourhood with this name"))
        else:
            flash(_("%(name)s has been saved.", name=saved.name), "success")
            return redirect(url_for("programme.list_neighbourhoods"))
    return render_template("programme/neighbourhood_form.html", form=form, neighbourhood=neighbourhood)


@bp.route("/neighbourhoods/<int:neighbourhood_id>/pots/new", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def create_pot(neighbourhood_id: int) -> Any:
    neighbourhood = _neighbourhood_or_404(neighbourhood_id)
    return _save_pot(PotForm(fast_track_limit=0), neighbourhood, None)


@bp.route("/neighbourhoods/<int:neighbourhood_id>/pots/<int:pot_id>", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def edit_pot(neighbourhood_id: int, pot_id: int) -> Any:
    neighbourhood = _neighbourhood_or_404(neighbourhood_id)
    pot = services.get_pot(neighbourhood_id, pot_id) or abort(404)
    form = PotForm(
        obj=pot, budget=pot.budget_pence, max_award=pot.max_award_pence, fast_track_limit=pot.fast_track_limit_pence
    )
    if not form.is_submitted():
        form.show_other_languages(pot.other_languages or {})
    return _save_pot(form, neighbourhood, pot)


def _save_pot(form: PotForm, neighbourhood: Any, pot: Any) -> Any:
    if form.validate_on_submit():
        try:
            saved = services.save_pot(
                current_user.id,
                neighbourhood,
                pot,
                name=form.name.data,
                description=form.description.data or "",
                eligibility_checks=form.eligibility_checks.data or [],
                limits=form.limits(),
                payment_methods=form.payment_methods.data,
                other_languages=form.other_languages(),
            )
        except PotRuleBroken as broken:
            _explain_pot_problems(form, broken.problems)
        else:
            flash(_("%(name)s has been saved.", name=saved.name), "success")
            return redirect(url_for("programme.list_neighbourhoods"))
    elif form.is_submitted():  # every problem at once: the pot's rules too, for the settings typed right
        _explain_pot_problems(form, services.pot_problems(neighbourhood, pot, **form.settings_as_typed()))
    return render_template("programme/pot_form.html", form=form, neighbourhood=neighbourhood, pot=pot)


def _explain_pot_problems(form: PotForm, problems: list[PotRuleBroken]) -> None:
    for broken in problems:
        field = getattr(form, broken.field)
        if not field.errors:  # one message a field: its own first
            field.errors = [POT_RULE_TEXT[broken.rule](broken)]


@bp.route("/neighbourhoods/<int:neighbourhood_id>/panel", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def manage_panel(neighbourhood_id: int) -> Any:
    neighbourhood = _neighbourhood_or_404(neighbourhood_id)
    rules = PanelRulesForm(
        prefix="rules", views_needed=neighbourhood.views_needed, decisions_by=neighbourhood.decisions_by
    )
    member = PanelMemberForm(prefix="member")
    if rules.submit.data and rules.validate_on_submit():
        services.save_panel_rules(
            current_user.id,
            neighbourhood,
            views_needed=rules.views_needed.data or 3,
            decisions_by=rules.decisions_by.data,
        )
        flash(_("The panel's rules have been saved."), "success")
        return redirect(url_for("programme.manage_panel", neighbourhood_id=neighbourhood_id))
    if member.add.data and member.validate_on_submit():
        change = services.add_panel_member(
            current_user.id,
            neighbourhood,
            email=member.email.data,
            name=member.name.data,
            is_chair=member.is_chair.data,
        )
        for said in what_changed(change, member.email.data):
            flash(said, "success")
        return redirect(url_for("programme.manage_panel", neighbourhood_id=neighbourhood_id))
    form = member if member.errors else rules if rules.errors else None
    return render_template(
        "programme/manage_panel.html",
        neighbourhood=neighbourhood,
        rules=rules,
        member=member,
        members=services.list_panel_members(neighbourhood_id),
        form=form,
    )


@bp.route("/neighbourhoods/<int:neighbourhood_id>/panel/members/<int:user_id>/remove", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def remove_panel_member(neighbourhood_id: int, user_id: int) -> Any:
    """Asks first, naming the person; then removes them and says who was removed."""
    neighbourhood = _neighbourhood_or_404(neighbourhood_id)
    back = redirect(url_for("programme.manage_panel", neighbourhood_id=neighbourhood_id))
    found = services.panel_member(neighbourhood_id, user_id)
    if found is None:
        return back  # removed already (another tab, another officer)
    person, is_chair = found
    form = ButtonForm()
    if form.validate_on_submit():
        services.remove_panel_member(current_user.id, neighbourhood, user_id)
        flash(_("%(name)s is no longer on the panel.", name=person.name), "success")
        if is_chair:
            flash(_("The panel has no chair now. Add a member as chair, or tick the box for someone already on it."))
        return back
    return render_template(
        "programme/remove_panel_member.html", neighbourhood=neighbourhood, person=person, is_chair=is_chair, form=form
    )


def what_changed(change: services.PanelChange, email: str) -> list[str]:
    """Each thing adding a panel member did, in plain words."""
    said = []
    if change.name_differs:
        said.append(
            _("%(email)s already has an account, as %(name)s. We have kept that name.", email=email, name=change.name)
        )
    if change.already_member:
        said.append(_("%(name)s was already on the panel.", name=change.name))
    else:
        said.append(_("%(name)s has been added to the panel.", name=change.name))
    if change.is_chair and change.chair_before:
        said.append(
            _("%(name)s now chairs the panel, instead of %(before)s.", name=change.name, before=change.chair_before)
        )
    elif change.is_chair and not change.was_chair:
        said.append(_("%(name)s now chairs the panel.", name=change.name))
    elif change.was_chair and not change.is_chair:
        said.append(_("%(name)s no longer chairs the panel.", name=change.name))
    return said
