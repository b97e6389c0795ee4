"""The eligibility check's pages, on the applications blueprint: one yes/no question a page, before sign-in, and
the exit page for someone the answer rules out (portal/applications/eligibility.py)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, url_for

from portal.applications import eligibility, services
from portal.applications.routes import bp, neighbourhood_and_pot
from portal.common.access import public_because
from portal.domain.eligibility import CheckAnswer, rules_out
from portal.programme.texts import other_help

# The questions of any active neighbourhood's pot are as public as the neighbourhood's page, which links to them.
any_pot_shown = public_because("a shown neighbourhood's pots and their questions are public")


def _check_url(neighbourhood: Any, pot: Any, number: int) -> str:
    return url_for("applications.eligibility_check", slug=neighbourhood.slug, pot_id=pot.id, number=number)


@bp.route("/neighbourhoods/<string:slug>/pots/<int:pot_id>/check/<int:number>", methods=["GET", "POST"])
@any_pot_shown
def eligibility_check(slug: str, pot_id: int, number: int) -> Any:
    neighbourhood, pot = neighbourhood_and_pot(slug, pot_id)
    checks = eligibility.checks_of(pot)
    if not services.pot_is_taking_ideas(pot) or not checks:
        return redirect(url_for("applications.start_application", slug=slug, pot_id=pot_id))
    if not 1 <= number <= len(checks):
        abort(404)
    if number > eligibility.answered(pot) + 1:  # no skipping ahead: the first unanswered question
        return redirect(_check_url(neighbourhood, pot, eligibility.answered(pot) + 1))
    check = checks[number - 1]
    form = eligibility.CheckForm(data={"answer": eligibility.previous_answer(pot, number, check)})
    if form.validate_on_submit():
        answer = CheckAnswer(form.answer.data)
        if rules_out(answer):
            eligibility.forget(pot)
            return redirect(url_for("applications.not_eligible", slug=slug, pot_id=pot_id, number=number))
        eligibility.remember(pot, number, check, answer)
        if number < len(checks):
            return redirect(_check_url(neighbourhood, pot, number + 1))
        return redirect(url_for("applications.start_application", slug=slug, pot_id=pot_id))
    back = (
        _check_url(neighbourhood, pot, number - 1)
        if number > 1
        else url_for("applications.show_neighbourhood", slug=slug)
    )
    return render_template(
        "applications/eligibility_check.html",
        form=form,
        neighbourhood=neighbourhood,
        pot=pot,
        words=eligibility.WORDS[check],
        number=number,
        count=len(checks),
        back=back,
    )


@bp.get("/neighbourhoods/<string:slug>/pots/<int:pot_id>/check/<int:number>/other-help")
@any_pot_shown
def not_eligible(slug: str, pot_id: int, number: int) -> Any:
    """Why this pot is not for them, in one sentence; who to talk to if they are not sure; where else to go. Nothing
    about the person is kept."""
    neighbourhood, pot = neighbourhood_and_pot(slug, pot_id)
    checks = eligibility.checks_of(pot)
    if not 1 <= number <= len(checks):
        abort(404)
    return render_template(
        "applications/not_eligible.html",
        neighbourhood=neighbourhood,
        pot=pot,
        words=eligibility.WORDS[checks[number - 1]],
        again=_check_url(neighbourhood, pot, number),
        other_help=other_help(),
    )
