"""Creating and changing neighbourhoods and pots, each change audited."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import PanelMembership, User, UserRole
from portal.accounts.services import get_user_by_email, normalise_email
from portal.awards.services import awarded_pence
from portal.common import audit
from portal.common.transactions import locked, transactional
from portal.domain.eligibility import MOST_CHECKS, known_checks
from portal.domain.pots import PotLimits, PotRuleBroken, check_budget_covers_awards, is_open, pot_limit_problems
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import Neighbourhood, Pot


class NameTaken(ValueError):
    """Another neighbourhood (or pot in the same neighbourhood) already has this name."""


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "neighbourhood"


def list_neighbourhoods() -> list[Neighbourhood]:
    return list(
        db.session.execute(
            sa.select(Neighbourhood)
            .options(selectinload(Neighbourhood.pots).selectinload(Pot.questions))
            .order_by(Neighbourhood.name)
        ).scalars()
    )


def list_open_neighbourhoods(today: date | None = None) -> list[Neighbourhood]:
    """Active neighbourhoods with at least one open pot; each keeps only its open pots in `.pots`."""
    today = today or date.today()
    result = []
    for neighbourhood in list_neighbourhoods():
        if not neighbourhood.is_active:
            continue
        open_pots = [pot for pot in neighbourhood.pots if is_open(pot.limits, today)]
        if open_pots:
            result.append(_OpenNeighbourhood(neighbourhood, open_pots))
    return result  # type: ignore[return-value]


class _OpenNeighbourhood:
    def __init__(self, neighbourhood: Neighbourhood, pots: list[Pot]) -> None:
        self.id = neighbourhood.id
        self.name = neighbourhood.name
        self.slug = neighbourhood.slug
        self.description = neighbourhood.description
        self.host_organisation = neighbourhood.host_organisation
        self.builder_contact = neighbourhood.builder_contact
        self.decision_weeks = neighbourhood.decision_weeks
        self.pots = pots


def get_neighbourhood(neighbourhood_id: int) -> Neighbourhood | None:
    return db.session.get(Neighbourhood, neighbourhood_id)


def get_pot(neighbourhood_id: int, pot_id: int) -> Pot | None:
    pot = db.session.get(Pot, pot_id)
    return pot if pot is not None and pot.neighbourhood_id == neighbourhood_id else None


def neighbourhood_name_taken(name: str, neighbourhood: Neighbourhood | None) -> bool:
    """Whether another neighbourhood has this name (or one that makes the same web address)."""
    return _name_taken(name, neighbourhood.id if neighbourhood else None)


def _name_taken(name: str, except_id: int | None) -> bool:
    query = sa.select(Neighbourhood.id).where(
        sa.or_(sa.func.lower(Neighbourhood.name) == name.lower(), Neighbourhood.slug == slugify(name))
    )
    if except_id is not None:
        query = query.where(Neighbourhood.id != except_id)
    return db.session.execute(query).first() is not None


@transactional
def save_neighbourhood(
    actor_id: int | None,
    neighbourhood: Neighbourhood | None,
    *,
    name: str,
    description: str,
    host_organisation: str,
    is_active: bool,
    builder_contact: str = "",
    decision_weeks: int = 2,
    geo_code: str = "",
    geo_code_type: str = "",
    other_languages: dict[str, dict[str, str]] | None = None,
) -> Neighbourhood:
    """Create (neighbourhood=None) or change a neighbourhood; raises NameTaken."""
    if _name_taken(name, neighbourhood.id if neighbourhood else None):
        raise NameTaken(name)
    created = neighbourhood is None
    if neighbourhood is None:
        neighbourhood = Neighbourhood()
        db.session.add(neighbourhood)
    neighbourhood.name = name
    neighbourhood.slug = slugify(name)
    neighbourhood.description = description
    neighbourhood.host_organisation = host_organisation
    neighbourhood.is_active = is_active
    neighbourhood.builder_contact = builder_contact
    neighbourhood.decision_weeks = decision_weeks
    neighbourhood.geo_code = geo_code
    neighbourhood.geo_code_type = geo_code_type if geo_code else ""
    if other_languages is not None:
        neighbourhood.other_languages = other_languages
    db.session.flush()
    audit.record(
        "neighbourhood.created" if created else "neighbourhood.changed",
        actor_id=actor_id,
        object_type="neighbourhood",
        object_id=neighbourhood.id,
        is_active=is_active,
    )
    return neighbourhood


def pot_problems(
    neighbourhood: Neighbourhood,
    pot: Pot | None,
    *,
    name: str | None,
    budget_pence: int | None,
    max_award_pence: int | None,
    fast_track_limit_pence: int | None,
    opens_on: date | None,
    closes_on: date | None,
    is_rolling: bool,
) -> list[PotRuleBroken]:
    """Every rule a pot's settings break, so a page can explain them all at once: the limits' own rules, a budget
    below what the pot has already awarded, and a name another pot in the neighbourhood has. A setting given as None
    (not typed, or typed wrong) is left out of the rules that need it."""
    problems = pot_limit_problems(
        budget_pence=budget_pence,
        max_award_pence=max_award_pence,
        fast_track_limit_pence=fast_track_limit_pence,
        opens_on=opens_on,
        closes_on=closes_on,
        is_rolling=is_rolling,
    )
    if pot is not None and budget_pence is not None and not any(p.field == "budget" for p in problems):
        try:
            check_budget_covers_awards(budget_pence, awarded_pence(pot.id))
        except PotRuleBroken as below:
            problems.append(below)
    if name:
        clash = db.session.execute(
            sa.select(Pot.id).where(
                Pot.neighbourhood_id == neighbourhood.id,
                sa.func.lower(Pot.name) == name.lower(),
                Pot.id != (pot.id if pot else -1),
            )
        ).first()
        if clash:
            problems.insert(0, PotRuleBroken("name", "name_taken"))
    return problems


@transactional
def save_pot(
    actor_id: int | None,
    neighbourhood: Neighbourhood,
    pot: Pot | None,
    *,
    name: str,
    limits: PotLimits,
    payment_methods: list[str],
    description: str = "",
    eligibility_checks: list[str] | None = None,
    other_languages: dict[str, dict[str, str]] | None = None,
) -> Pot:
    """Create or change a pot; raises PotRuleBroken, listing every problem, if its limits contradict each other, the
    budget would fall below what is already awarded, or another pot in the neighbourhood has the name.

    A change locks the pot's row, the lock a decision takes while it makes an award, so a budget is never lowered
    below the awards made at the same moment.
    """
    if pot is not None:
        pot = db.session.execute(locked(sa.select(Pot).where(Pot.id == pot.id))).scalar_one()
    problems = pot_problems(neighbourhood, pot, name=name, **asdict(limits))
    if problems:
        raise PotRuleBroken.all_of(problems)
    created = pot is None
    if pot is None:
        pot = Pot(neighbourhood_id=neighbourhood.id)
        db.session.add(pot)
    pot.name = name
    pot.description = description
    if other_languages is not None:
        pot.other_languages = other_languages
    pot.budget_pence = limits.budget_pence
    pot.max_award_pence = limits.max_award_pence
    pot.fast_track_limit_pence = limits.fast_track_limit_pence
    pot.is_rolling = limits.is_rolling
    pot.opens_on = None if limits.is_rolling else limits.opens_on
    pot.closes_on = None if limits.is_rolling else limits.closes_on
    pot.payment_methods = sorted(payment_methods)
    if eligibility_checks is not None:
        pot.eligibility_checks = known_checks(eligibility_checks)[:MOST_CHECKS]
    db.session.flush()
    audit.record(
        "pot.created" if created else "pot.changed",
        actor_id=actor_id,
        object_type="pot",
        object_id=pot.id,
        budget_pence=pot.budget_pence,
        max_award_pence=pot.max_award_pence,
        fast_track_limit_pence=pot.fast_track_limit_pence,
    )
    return pot


# Panels: members and rules --------------------------------------------------------------------------------------------


def list_panel_members(neighbourhood_id: int) -> list[Any]:
    return list(
        db.session.execute(
            sa.select(User, PanelMembership.is_chair)
            .join(PanelMembership, PanelMembership.user_id == User.id)
            .where(PanelMembership.neighbourhood_id == neighbourhood_id)
            .order_by(User.name)
        ).all()
    )


@dataclass(frozen=True)
class PanelChange:
    """What putting a person on a panel did, for the page to say exactly: their name as their account has it (an
    existing account keeps its own), whether they were on it already, and whose chair they took."""

    name: str
    account_existed: bool
    name_differs: bool  # the account's name is not the one typed
    already_member: bool
    is_chair: bool
    was_chair: bool
    chair_before: str | None  # who chaired the panel until now, if it was someone else


@transactional
def add_panel_member(
    actor_id: int, neighbourhood: Neighbourhood, *, email: str, name: str, is_chair: bool
) -> PanelChange:
    """Put a person on the neighbourhood's panel (making a resident account if they are new); idempotent. A panel has
    one chair: making this person chair makes the chair before them a member."""
    user = get_user_by_email(email)
    existed = user is not None
    if user is None:
        user = User(email=normalise_email(email), name=name, role_rows=[UserRole(role=Role.RESIDENT)])
        db.session.add(user)
        db.session.flush()
        audit.record("user.created", actor_id=actor_id, object_type="user", object_id=user.id, via="panel")
    if not user.has_role(Role.PANEL_MEMBER):
        user.role_rows.append(UserRole(role=Role.PANEL_MEMBER))
    membership = db.session.get(PanelMembership, (user.id, neighbourhood.id))
    already = membership is not None
    if membership is None:
        membership = PanelMembership(user_id=user.id, neighbourhood_id=neighbourhood.id)
        db.session.add(membership)
    was_chair = bool(membership.is_chair)
    chair_before = _hand_over_the_chair(neighbourhood.id, user.id) if is_chair else None
    membership.is_chair = is_chair
    db.session.flush()
    audit.record(
        "panel.member_added",
        actor_id=actor_id,
        object_type="neighbourhood",
        object_id=neighbourhood.id,
        user_id=user.id,
        is_chair=is_chair,
    )
    shown = user.name or name
    return PanelChange(shown, existed, existed and shown != name, already, is_chair, was_chair, chair_before)


def _hand_over_the_chair(neighbourhood_id: int, new_chair_id: int) -> str | None:
    """Make whoever else chairs the panel a member; their name, if there was one."""
    before = db.session.execute(
        locked(
            sa.select(PanelMembership).where(
                PanelMembership.neighbourhood_id == neighbourhood_id,
                PanelMembership.is_chair.is_(True),
                PanelMembership.user_id != new_chair_id,
            )
        )
    ).scalar()
    if before is None:
        return None
    before.is_chair = False
    chair = db.session.get(User, before.user_id)
    return chair.name if chair is not None else None


def panel_member(neighbourhood_id: int, user_id: int) -> tuple[User, bool] | None:
    """A member of this panel and whether they chair it; None if they are not on it."""
    row = db.session.execute(
        sa.select(User, PanelMembership.is_chair)
        .join(PanelMembership, PanelMembership.user_id == User.id)
        .where(PanelMembership.neighbourhood_id == neighbourhood_id, PanelMembership.user_id == user_id)
    ).first()
    return (row[0], bool(row[1])) if row is not None else None


@transactional
def remove_panel_member(actor_id: int, neighbourhood: Neighbourhood, user_id: int) -> None:
    membership = db.session.get(PanelMembership, (user_id, neighbourhood.id))
    if membership is None:
        return
    db.session.delete(membership)
    db.session.flush()
    still_on_a_panel = db.session.execute(
        sa.select(PanelMembership.user_id).where(PanelMembership.user_id == user_id)
    ).first()
    if not still_on_a_panel:
        db.session.execute(
            sa.delete(UserRole).where(UserRole.user_id == user_id, UserRole.role == Role.PANEL_MEMBER.value)
        )
    audit.record(
        "panel.member_removed",
        actor_id=actor_id,
        object_type="neighbourhood",
        object_id=neighbourhood.id,
        user_id=user_id,
    )


@transactional
def save_panel_rules(
    actor_id: int | None, neighbourhood: Neighbourhood, *, views_needed: int, decisions_by: str
) -> None:
    if decisions_by not in ("chair", "programme_officer") or not 0 <= views_needed <= 20:
        raise ValueError("not a panel rule")
    neighbourhood.views_needed = views_needed
    neighbourhood.decisions_by = decisions_by
    audit.record(
        "panel.rules_changed",
        actor_id=actor_id,
        object_type="neighbourhood",
        object_id=neighbourhood.id,
        views_needed=views_needed,
        decisions_by=decisions_by,
    )
