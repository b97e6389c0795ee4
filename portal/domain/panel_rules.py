"""Who may declare, give a view on, and decide an idea: the panel's rules, with no Flask and no database.

Services gather the facts (who is acting, their panels, their declared interest) and call these; each refusal names
its rule in DecisionRefused, so no route, command or future API can step round them.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.decisions import DecisionRefused, may_fast_track


@dataclass(frozen=True)
class Person:
    """The acting person, as the panel rules see them."""

    id: int
    is_programme_officer: bool
    panels: frozenset[int]  # neighbourhoods whose panel they sit on
    chairs: frozenset[int]  # neighbourhoods whose panel they chair


@dataclass(frozen=True)
class Idea:
    """The idea being decided, as the panel rules see it."""

    neighbourhood_id: int
    applicant_id: int
    assisted_by_id: int | None


def check_may_declare(person: Person, idea: Idea, *, had_interest: bool | None, has_interest: bool) -> None:
    """Panel members of the idea's neighbourhood and programme officers declare; a declared interest stays declared
    (only a programme officer may correct it). Raises DecisionRefused."""
    if idea.neighbourhood_id not in person.panels and not person.is_programme_officer:
        raise DecisionRefused("not_on_panel")
    if had_interest and not has_interest:
        raise DecisionRefused("interest_cannot_be_withdrawn")


def check_free_to_judge(person: Person, idea: Idea, has_interest: bool | None) -> None:
    """Nobody judges their own idea, or one they helped a resident with, or one they declared an interest in, or
    one they have not yet said they have no interest in. Raises DecisionRefused."""
    if person.id in (idea.applicant_id, idea.assisted_by_id):
        raise DecisionRefused("own_idea")
    if has_interest is None:
        raise DecisionRefused("declare_first")
    if has_interest:
        raise DecisionRefused("has_interest")


def check_may_give_view(person: Person, idea: Idea, has_interest: bool | None) -> None:
    """Views come from members of the idea's panel who are free to judge it. Raises DecisionRefused."""
    if idea.neighbourhood_id not in person.panels:
        raise DecisionRefused("not_on_panel")
    check_free_to_judge(person, idea, has_interest)


def check_may_decide(
    person: Person,
    idea: Idea,
    has_interest: bool | None,
    *,
    decisions_by: str,
    fast_track: bool,
    award_pence: int | None,
    fast_track_limit_pence: int,
    settles: bool = True,
    views_given: int = 0,
    views_needed: int = 0,
) -> None:
    """A decision is recorded by whom the panel's rule names (its chair, or a programme officer), once the panel has
    given the views its rule asks for (asking the resident a question does not wait; `settles` is false for it); a
    programme officer alone approves on the fast track, up to the pot's limit. The interest rules hold for every
    way of deciding. Raises DecisionRefused."""
    if fast_track:
        if not person.is_programme_officer:
            raise DecisionRefused("fast_track_programme_officer_only")
    elif decisions_by == "programme_officer":
        if not person.is_programme_officer:
            raise DecisionRefused("not_decider")
    elif idea.neighbourhood_id not in person.chairs:
        raise DecisionRefused("not_decider")
    check_free_to_judge(person, idea, has_interest)
    if fast_track and (award_pence is None or not may_fast_track(award_pence, fast_track_limit_pence)):
        raise DecisionRefused("over_fast_track_limit")
    if not fast_track and settles and views_given < views_needed:
        raise DecisionRefused("not_enough_views")
