"""Panel members see the ideas for their neighbourhood, declare interests, give views; the chair records decisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.access import your_application, yours_only
from portal.applications.eligibility import WORDS
from portal.applications.forms import AnswerForm
from portal.applications.pot_questions import shown_answers
from portal.applications.services import get_application
from portal.assetmap.services import uses_of
from portal.awards.services import money_left_in_pots
from portal.common.access import object_access, role_required
from portal.common.forms import ButtonForm
from portal.common.languages import written
from portal.domain.budget import BudgetExceeded
from portal.domain.decisions import DecisionKind, DecisionRefused, ViewKind, decision_problems
from portal.domain.eligibility import Check, known_checks
from portal.domain.money import format_pence
from portal.domain.roles import Role
from portal.domain.states import ApplicationStatus, InvalidTransition
from portal.panels import services
from portal.panels.forms import DecisionForm, InterestForm, ViewForm
from portal.programme.services import get_neighbourhood, list_neighbourhoods
from portal.programme.texts import TextKind, texts_of

bp = Blueprint("panels", __name__, url_prefix="/panels")
# The resident's side of a panel's question lives beside the resident's other pages.
answers = Blueprint("answers", __name__)


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
    "not_enough_views": lambda: _(
        "The panel's rules ask for more views before a decision. Ask the members for their views, or ask the "
        "resident a question"
    ),
    "programme_officer_only": lambda: _("Only a programme officer can correct a declared interest"),
    "not_on_panel": lambda: _("Only members of this neighbourhood's panel can do this"),
    "not_decider": lambda: _("The panel's rules say someone else records decisions on this panel"),
    "own_idea": lambda: _("This is your idea, or you helped with it, so you cannot give a view or decide on it"),
    "interest_cannot_be_withdrawn": lambda: _(
        "You have declared an interest, so you cannot change it to no. Ask your programme officer if it was a mistake"
    ),
}


@bp.get("")
@role_required(Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER)
def list_panels() -> str:
    # A programme officer follows every panel (and approves small ideas on the fast track); a member sees theirs.
    everyone = current_user.has_role(Role.PROGRAMME_OFFICER)
    shown = [n for n in list_neighbourhoods() if everyone or n.id in current_user.panel_neighbourhood_ids]
    return render_template("panels/list_panels.html", neighbourhoods=shown)


@bp.get("/<int:neighbourhood_id>")
@panel_or_programme_officer
def show_panel(neighbourhood_id: int) -> Any:
    neighbourhood = get_neighbourhood(neighbourhood_id) or abort(404)
    page = request.args.get("page", 1, type=int)
    return render_template(
        "panels/show_panel.html",
        neighbourhood=neighbourhood,
        pots=money_left_in_pots(neighbourhood_id),
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


def panel_labels() -> dict[str, str]:
    """The resident's answers as the panel reads them: about the resident, not to them."""
    return {
        "group_name": _("Group name"),
        "idea_description": _("What they want to do"),
        "brings_together": _("Who it brings together"),
        "helps_area": _("How it helps the area"),
        "bring_head": _("What they know"),
        "bring_hands": _("What they can do"),
        "bring_heart": _("What they care about"),
        "help_from_others": _("Help from others"),
        "when_text": _("When"),
        "where_text": _("Where"),
    }


NOT_YET_REASON = TextKind.NOT_YET_REASON


def not_sure_about(idea: Any) -> list[str]:
    """What the resident was not sure about in the pot's questions before the form, for the panel."""
    return [str(WORDS[Check(value)].for_the_panel) for value in known_checks(idea.eligibility_unsure or [])]


def _render_idea(neighbourhood_id: int, idea: Any, **forms: Any) -> Any:
    neighbourhood = idea.pot.neighbourhood
    interest = services.interest_of(idea.id, current_user.id)
    view = services.view_of(idea.id, current_user.id)
    interest_form = forms.get("interest_form") or InterestForm(
        has_interest=None if interest is None else ("yes" if interest.has_interest else "no"),
        note=interest.note if interest else "",
    )
    view_form = forms.get("view_form") or ViewForm(
        view=view.view if view else None, comment=view.comment if view else ""
    )
    may_decide = services.may_record_decisions(current_user, neighbourhood)
    fast_track = not may_decide and current_user.has_role(Role.PROGRAMME_OFFICER)
    decision_form = forms.get("decision_form") or DecisionForm().offer_not_yet_reasons(texts_of(NOT_YET_REASON))
    if fast_track:
        decision_form.for_the_fast_track()
    return render_template(
        "panels/show_idea.html",
        labels=panel_labels(),
        neighbourhood=neighbourhood,
        idea=idea,
        interest=interest,
        interest_form=interest_form,
        view_form=view_form,
        decision_form=decision_form,
        may_decide=may_decide,
        fast_track=fast_track,
        within_fast_track=0 < idea.total_pence <= idea.pot.fast_track_limit_pence,
        is_member=neighbourhood_id in current_user.panel_neighbourhood_ids,
        may_declare=neighbourhood_id in current_user.panel_neighbourhood_ids
        or current_user.has_role(Role.PROGRAMME_OFFICER),
        own_idea=current_user.id in (idea.applicant_id, idea.assisted_by_id),
        tally=services.tally(idea.id),
        interests=services.interests_declared(idea.id) if current_user.has_role(Role.PROGRAMME_OFFICER) else [],
        correct_form=ButtonForm(prefix="correct"),
        decisions=services.decisions_on(idea.id),
        unsure=not_sure_about(idea),
        own=shown_answers(idea),
        uses=[written(entry, "name").text for entry in uses_of(idea.id)],
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
                idea.id, current_user, has_interest=form.has_interest.data == "yes", note=form.note.data or ""
            )
        except DecisionRefused as refused:
            form.note.errors.append(RULE_TEXT[refused.rule]())
        else:
            flash(_("Your declaration has been saved."), "success")
            return redirect(url_for("panels.show_idea", neighbourhood_id=neighbourhood_id, application_id=idea.id))
    return _render_idea(neighbourhood_id, idea, interest_form=form)


@bp.post("/<int:neighbourhood_id>/ideas/<int:application_id>/interests/<int:member_id>/correct")
@panel_or_programme_officer
def correct_interest(neighbourhood_id: int, application_id: int, member_id: int) -> Any:
    idea = _idea_or_404(neighbourhood_id, application_id)
    if ButtonForm(prefix="correct").validate_on_submit():
        try:
            services.correct_interest(idea.id, current_user, member_id)
        except DecisionRefused as refused:
            flash(RULE_TEXT[refused.rule]())
        else:
            flash(_("The declaration has been changed to no interest."), "success")
    return redirect(url_for("panels.show_idea", neighbourhood_id=neighbourhood_id, application_id=idea.id))


@bp.post("/<int:neighbourhood_id>/ideas/<int:application_id>/view")
@panel_or_programme_officer
def give_view(neighbourhood_id: int, application_id: int) -> Any:
    idea = _idea_or_404(neighbourhood_id, application_id)
    form = ViewForm()
    if form.validate_on_submit():
        try:
            services.give_view(idea.id, current_user, view=ViewKind(form.view.data), comment=form.comment.data or "")
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
    fast_track = request.form.get("fast_track") == "yes"
    form = DecisionForm().for_the_fast_track() if fast_track else DecisionForm()
    form.offer_not_yet_reasons(texts_of(NOT_YET_REASON))
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
                not_yet_reason_id=form.chosen_not_yet_reason(),
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
    elif form.is_submitted() and not form.kind.errors:
        _explain_decision_problems(form, idea.total_pence)
    return _render_idea(neighbourhood_id, idea, decision_form=form)


# Where each rule of a decision is explained: the amount's own rules by the amount, the rest by the choice.
DECISION_RULE_FIELD = {"reason_needed": "reason", "amount_positive": "amount", "amount_not_more_than_asked": "amount"}


def _explain_decision_problems(form: DecisionForm, asked_pence: int) -> None:
    """Beside the fields' own errors, every rule of the decision the answers typed right break, all at once."""
    problems = decision_problems(
        DecisionKind(form.kind.data),
        asked_pence,
        amount_pence=form.amount.data,
        condition=form.condition.data or "",
        reason=form.reason.data or "",
    )
    for rule in problems:
        if rule != "reason_needed" and (form.amount.errors or form.condition.errors):
            continue  # an amount or condition that could not be read is explained already
        field = getattr(form, DECISION_RULE_FIELD.get(rule, "kind"))
        if not field.errors:
            field.errors = [RULE_TEXT[rule]()]


@answers.route("/ideas/<int:application_id>/answer", methods=["GET", "POST"])
@your_application
def answer_question(application_id: int) -> Any:
    application = get_application(application_id) or abort(404)
    yours_only(application)
    question = services.latest_decision(application_id)
    if application.status != ApplicationStatus.QUESTION_ASKED or question is None:
        return redirect(url_for("applications.list_ideas"))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_question(application_id, current_user, form.answer.data)
        except DecisionRefused:
            flash(_("There is no question waiting for an answer on this idea."))
        else:
            flash(_("Thank you. Your answer has gone to the panel."), "success")
        return redirect(url_for("applications.list_ideas"))
    return render_template("panels/answer_question.html", form=form, application=application, question=question)
