"""Panel members see the ideas for their neighbourhood, declare interests, give views; the chair records decisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.access import object_access, role_required
from portal.domain.budget import BudgetExceeded
from portal.domain.decisions import DecisionKind, DecisionRefused, ViewKind
from portal.domain.money import format_pence
from portal.domain.roles import Role
from portal.domain.states import InvalidTransition
from portal.panels import services
from portal.panels.forms import DecisionForm, InterestForm, ViewForm
from portal.programme.services import get_neighbourhood, list_neighbourhoods

bp = Blueprint("panels", __name__, url_prefix="/panels")


def _on_panel_or_programme_officer(user: Any, kwargs: dict[str, Any]) -> bool:
    return kwargs.get("neighbourhood_id") in user.panel_neighbourhood_ids or user.has_role(Role.PROGRAMME_OFFICER)


panel_or_programme_officer = object_access(
    _on_panel_or_programme_officer, "this neighbourhood is on your panel, or you are a programme officer"
)

RULE_TEXT = {
    "reason_needed": lambda: _("Enter the reason for the decision"),
    "amount_positive": lambda: _("The amount must be more than £0"),
    "amount_not_more_than_asked": lambda: _("A change can lower the amount, not raise it"),
    "change_needed": lambda: _("For 'Yes, with a change', enter a lower amount or a condition"),
    "has_interest": lambda: _("You declared an interest in this idea, so you cannot give a view or decide on it"),
    "declare_first": lambda: _("Say whether you have an interest in this idea first"),
    "already_decided": lambda: _("This idea has been decided, so views can no longer change"),
    "interest_note_needed": lambda: _("Say what your interest is"),
    "fast_track_programme_officer_only": lambda: _("Only a programme officer can approve on the fast track"),
    "over_fast_track_limit": lambda: _("This idea is over the pot's fast-track limit, so the panel must decide"),
}


@bp.get("")
@role_required(Role.PANEL_MEMBER)
def list_panels() -> str:
    mine = [n for n in list_neighbourhoods() if n.id in current_user.panel_neighbourhood_ids]
    return render_template("panels/list_panels.html", neighbourhoods=mine)


@bp.get("/<int:neighbourhood_id>")
@panel_or_programme_officer
def show_panel(neighbourhood_id: int) -> Any:
    neighbourhood = get_neighbourhood(neighbourhood_id) or abort(404)
    page = request.args.get("page", 1, type=int)
    return render_template(
        "panels/show_panel.html",
        neighbourhood=neighbourhood,
        pots=services.pots_with_money_left(neighbourhood_id),
        waiting=services.list_queue(neighbourhood_id, services.WAITING, page, oldest_first=True),
        decided=services.list_queue(
            neighbourhood_id, services.DECIDED, request.args.get("decided", 1, type=int), oldest_first=False
        ),
    )


def _idea_or_404(neighbourhood_id: int, application_id: int) -> Any:
    return services.get_idea_on_panel(neighbourhood_id, application_id) or abort(404)


@bp.get("/<int:neighbourhood_id>/ideas/<int:application_id>")
@panel_or_programme_officer
def show_idea(neighbourhood_id: int, application_id: int) -> Any:
    return _render_idea(neighbourhood_id, _idea_or_404(neighbourhood_id, application_id))


def _render_idea(neighbourhood_id: int, idea: Any, **forms: Any) -> Any:
    neighbourhood = get_neighbourhood(neighbourhood_id)
    interest = services.interest_of(idea.id, current_user.id)
    view = services.view_of(idea.id, current_user.id)
    interest_form = forms.get("interest_form") or InterestForm(
        has_interest=None if interest is None else ("yes" if interest.has_interest else "no"),
        note=interest.note if interest else "",
    )
    view_form = forms.get("view_form") or ViewForm(
        view=view.view if view else None, comment=view.comment if view else ""
    )
    return render_template(
        "panels/show_idea.html",
        neighbourhood=neighbourhood,
        idea=idea,
        interest=interest,
        interest_form=interest_form,
        view_form=view_form,
        decision_form=forms.get("decision_form") or DecisionForm(),
        may_decide=services.may_record_decisions(current_user, neighbourhood),
        is_member=neighbourhood_id in current_user.panel_neighbourhood_ids,
        tally=services.tally(idea.id),
        decisions=services.decisions_on(idea.id),
        form=next(iter(forms.values()), None),
    )


@bp.post("/<int:neighbourhood_id>/ideas/<int:application_id>/interest")
@panel_or_programme_officer
def declare_interest(neighbourhood_id: int, application_id: int) -> Any:
    idea = _idea_or_404(neighbourhood_id, application_id)
    form = InterestForm()
    if form.validate_on_submit():
        try:
            services.declare_interest(
                idea, current_user, has_interest=form.has_interest.data == "yes", note=form.note.data or ""
            )
        except DecisionRefused as refused:
            form.note.errors.append(RULE_TEXT[refused.rule]())
        else:
            flash(_("Your declaration has been saved."), "success")
            return redirect(url_for("panels.show_idea", neighbourhood_id=neighbourhood_id, application_id=idea.id))
    return _render_idea(neighbourhood_id, idea, interest_form=form)


@bp.post("/<int:neighbourhood_id>/ideas/<int:application_id>/view")
@panel_or_programme_officer
def give_view(neighbourhood_id: int, application_id: int) -> Any:
    idea = _idea_or_404(neighbourhood_id, application_id)
    form = ViewForm()
    if form.validate_on_submit():
        try:
            services.give_view(idea, current_user, view=ViewKind(form.view.data), comment=form.comment.data or "")
        except DecisionRefused as refused:
            form.view.errors.append(RULE_TEXT[refused.rule]())
        else:
            flash(_("Your view has been saved."), "success")
            return redirect(url_for("panels.show_idea", neighbourhood_id=neighbourhood_id, application_id=idea.id))
    return _render_idea(neighbourhood_id, idea, view_form=form)


@bp.post("/<int:neighbourhood_id>/ideas/<int:application_id>/decision")
@panel_or_programme_officer
def record_decision(neighbourhood_id: int, application_id: int) -> Any:
    idea = _idea_or_404(neighbourhood_id, application_id)
    neighbourhood = get_neighbourhood(neighbourhood_id)
    fast_track = request.form.get("fast_track") == "yes"
    if not fast_track and not services.may_record_decisions(current_user, neighbourhood):
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.record_decision(
                idea.id,
                current_user,
                kind=DecisionKind(form.kind.data),
                reason=form.reason.data,
                amount_pence=form.amount.data,
                condition=form.condition.data or "",
                fast_track=fast_track,
            )
        except DecisionRefused as refused:
            form.kind.errors.append(RULE_TEXT[refused.rule]())
        except BudgetExceeded as refused:
            form.kind.errors.append(
                _(
                    "There is not enough money left in the pot: %(left)s is left",
                    left=format_pence(refused.remaining_pence),
                )
            )
        except InvalidTransition:
            flash(_("This idea has already been decided."))
            return redirect(url_for("panels.show_idea", neighbourhood_id=neighbourhood_id, application_id=idea.id))
        else:
            flash(_("The decision has been recorded."), "success")
            return redirect(url_for("panels.show_panel", neighbourhood_id=neighbourhood_id))
    return _render_idea(neighbourhood_id, idea, decision_form=form)
