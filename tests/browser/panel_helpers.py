"""Seeding and reading helpers for the panel tests: a neighbourhood with a panel, sent ideas, and what was recorded.

Everything goes through the portal's own services (or its models, for sent ideas) in the live server's app
context, and is committed, so the live server sees it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from portal.domain.roles import PaymentMethod, Role
from tests.browser.conftest import LiveServer

BUDGET_PENCE = 500_000  # £5,000


@dataclass(frozen=True)
class Panel:
    """A neighbourhood with one rolling pot, whose panel the tests fill."""

    neighbourhood_id: int
    name: str
    pot_id: int
    pot_name: str
    budget_pence: int


@dataclass(frozen=True)
class Idea:
    id: int
    name: str
    reference: str
    total_pence: int


def _officer_id(live: LiveServer) -> int:
    """A programme officer of this helper's own, for the audit log of seeded data."""
    from portal.accounts.services import create_user

    return create_user(live.new_email("panel-seeder"), "Pat Seeder", {Role.PROGRAMME_OFFICER}).id


def add_panel(
    live: LiveServer, *, fast_track_limit_pence: int = 0, max_award_pence: int = 50_000, views_needed: int = 0
) -> Panel:
    """A neighbourhood shown to residents, with one rolling pot of £5,000 and an empty panel (needing views_needed
    views before a decision)."""
    from portal.domain.pots import PotLimits
    from portal.programme.services import save_neighbourhood, save_panel_rules, save_pot

    name = live.unique("Harehills")
    pot_name = live.unique("Autumn sparks")
    with live.app.app_context():
        actor = _officer_id(live)
        neighbourhood = save_neighbourhood(
            actor,
            None,
            name=name,
            description=f"{name} is a friendly place.",
            host_organisation="Harehills Community Hub",
            is_active=True,
            builder_contact="Bea at the library, 0113 496 0000",
        )
        limits = PotLimits(
            budget_pence=BUDGET_PENCE,
            max_award_pence=max_award_pence,
            fast_track_limit_pence=fast_track_limit_pence,
            opens_on=None,
            closes_on=None,
            is_rolling=True,
        )
        pot = save_pot(actor, neighbourhood, None, name=pot_name, limits=limits, payment_methods=list(PaymentMethod))
        save_panel_rules(actor, neighbourhood, views_needed=views_needed, decisions_by="chair")
        return Panel(neighbourhood.id, name, pot.id, pot_name, BUDGET_PENCE)


def add_member(live: LiveServer, panel: Panel, name: str, *, chair: bool = False) -> str:
    """Put a new person on the panel (as a programme officer would); returns their email address."""
    from portal.extensions import db
    from portal.programme.models import Neighbourhood
    from portal.programme.services import add_panel_member

    email = live.new_email("panel")
    with live.app.app_context():
        neighbourhood = db.session.get(Neighbourhood, panel.neighbourhood_id)
        assert neighbourhood is not None
        add_panel_member(_officer_id(live), neighbourhood, email=email, name=name, is_chair=chair)
    return email


def _unused_reference() -> str:
    from portal.applications.models import Application
    from portal.domain.references import new_reference
    from portal.extensions import db

    while True:
        reference = new_reference()
        if db.session.execute(sa.select(Application.id).where(Application.reference == reference)).first() is None:
            return reference


def add_sent_idea(
    live: LiveServer, resident_email: str, panel: Panel, name: str, costs: dict[str, int], *, days_ago: int
) -> Idea:
    """An idea the resident sent `days_ago` days ago, waiting for the panel (status "submitted")."""
    from portal.accounts.services import get_user_by_email
    from portal.applications.models import Application, CostLine
    from portal.common.time import utcnow
    from portal.extensions import db

    with live.app.app_context():
        resident = get_user_by_email(resident_email)
        assert resident is not None, f"no account for {resident_email}"
        reference = _unused_reference()
        application = Application(
            pot_id=panel.pot_id,
            applicant_id=resident.id,
            status="submitted",
            language="en",
            applicant_type="just_me",
            idea_name=name,
            idea_description=f"{name}, for everyone on the street.",
            brings_together="Neighbours who have not met yet.",
            helps_area="It makes the street friendlier.",
            when_text="Next month",
            where_text="The community garden",
            contact_name="Rae Resident",
            contact_method="email",
            reference=reference,
            submitted_at=utcnow() - timedelta(days=days_ago),
            cost_lines=[CostLine(item=item, amount_pence=pence) for item, pence in costs.items()],
        )
        db.session.add(application)
        db.session.commit()
        return Idea(application.id, name, reference, sum(costs.values()))


# Reading what was recorded ---------------------------------------------------------------------------------------


def status_of(live: LiveServer, idea: Idea) -> str:
    from portal.applications.models import Application
    from portal.extensions import db

    with live.app.app_context():
        application = db.session.get(Application, idea.id)
        assert application is not None
        return application.status


def interest_of(live: LiveServer, idea: Idea, email: str) -> tuple[bool, str] | None:
    """(has_interest, note) the person with this email declared on the idea, or None."""
    from portal.accounts.services import get_user_by_email
    from portal.panels.services import interest_of as find

    with live.app.app_context():
        user = get_user_by_email(email)
        assert user is not None
        interest = find(idea.id, user.id)
        return None if interest is None else (interest.has_interest, interest.note)


def view_of(live: LiveServer, idea: Idea, email: str) -> tuple[str, str] | None:
    """(view, comment) the person with this email gave on the idea, or None."""
    from portal.accounts.services import get_user_by_email
    from portal.panels.services import view_of as find

    with live.app.app_context():
        user = get_user_by_email(email)
        assert user is not None
        view = find(idea.id, user.id)
        return None if view is None else (view.view, view.comment)


def decisions_on(live: LiveServer, idea: Idea) -> list[dict[str, Any]]:
    """Every decision on the idea, oldest first, as plain values."""
    from portal.panels.services import decisions_on as find

    with live.app.app_context():
        return [
            {
                "kind": d.kind,
                "amount_pence": d.amount_pence,
                "condition": d.condition,
                "reason": d.reason,
                "fast_track": d.fast_track,
                "answer": d.answer,
            }
            for d in find(idea.id)
        ]


def award_of(live: LiveServer, idea: Idea) -> tuple[int, str] | None:
    """(amount_pence, status) of the idea's award, or None."""
    from portal.awards.services import award_for

    with live.app.app_context():
        award = award_for(idea.id)
        return None if award is None else (award.amount_pence, award.status)


def panel_members(live: LiveServer, panel: Panel) -> dict[str, bool]:
    """{email: is_chair} for everyone on the panel now."""
    from portal.programme.services import list_panel_members

    with live.app.app_context():
        return {user.email: is_chair for user, is_chair in list_panel_members(panel.neighbourhood_id)}


def roles_of(live: LiveServer, email: str) -> set[str]:
    from portal.accounts.services import get_user_by_email

    with live.app.app_context():
        user = get_user_by_email(email)
        assert user is not None
        return {row.role for row in user.role_rows}


def panel_rules(live: LiveServer, panel: Panel) -> tuple[int, str]:
    """(views_needed, decisions_by) of the panel."""
    from portal.programme.services import get_neighbourhood

    with live.app.app_context():
        neighbourhood = get_neighbourhood(panel.neighbourhood_id)
        assert neighbourhood is not None
        return neighbourhood.views_needed, neighbourhood.decisions_by
