"""factory_boy factories for the portal's models, writing through the test's session."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
import pyotp

from portal.accounts.models import PanelMembership, User, UserRole
from portal.accounts.services import password_hasher
from portal.applications.models import Application, CostLine
from portal.awards.models import Award
from portal.common.crypto import encrypt
from portal.common.time import utcnow
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.panels.models import Decision
from portal.programme.models import Neighbourhood, Pot

STAFF_PASSWORD = "correct horse battery staple"
_hashed_password = None


class Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"  # a savepoint in tests: rolled back after each test


class NeighbourhoodFactory(Base):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"Neighbourhood {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    description = "A friendly place."
    host_organisation = "Community Hub"
    is_active = True
    views_needed = 0  # no minimum: tests that are about views set one


class PotFactory(Base):
    class Meta:
        model = Pot

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    name = factory.Sequence(lambda n: f"Pot {n}")
    budget_pence = 500_000
    max_award_pence = 50_000
    fast_track_limit_pence = 10_000
    opens_on = date(2020, 1, 1)
    closes_on = date(2099, 12, 31)
    is_rolling = False
    payment_methods = factory.LazyFunction(lambda: [m.value for m in PaymentMethod])


def _staff_hash() -> str:
    global _hashed_password
    if _hashed_password is None:
        _hashed_password = password_hasher.hash(STAFF_PASSWORD)
    return _hashed_password


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or [Role.RESIDENT]:
            self.role_rows.append(UserRole(role=role))
        db.session.commit()

    @factory.post_generation
    def panels(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for neighbourhood in extracted or []:
            self.panel_memberships.append(PanelMembership(neighbourhood_id=neighbourhood.id))
        db.session.commit()

    @factory.post_generation
    def chairs(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Neighbourhoods whose panel this person sits on as its chair."""
        for neighbourhood in extracted or []:
            self.panel_memberships.append(PanelMembership(neighbourhood_id=neighbourhood.id, is_chair=True))
        db.session.commit()


def make_chair(pot: Pot) -> User:
    """A resident who chairs the panel of the pot's neighbourhood."""
    return UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], chairs=[pot.neighbourhood])


def make_staff(*roles: Role, with_code: bool = True, **kwargs: Any) -> tuple[User, pyotp.TOTP | None]:
    """A staff member with the test password and, unless with_code is False, a confirmed authenticator."""
    secret = pyotp.random_base32()
    user = UserFactory(roles=list(roles), password_hash=_staff_hash(), **kwargs)
    if with_code:
        user.totp_secret_encrypted = encrypt(secret)
        user.totp_confirmed_at = utcnow()
        db.session.commit()
        return user, pyotp.TOTP(secret)
    return user, None


_references = iter(range(1, 10**6))


def sent_idea(
    pot: Pot, applicant: User | None = None, costs: dict[str, int] | None = None, **fields: Any
) -> Application:
    """An idea sent to the pot's panel, as a resident's "Send" leaves it: named "Street party", written in English by
    Rosa, £200 of food, unless `fields` (any Application column) and `costs` ({item: pence}) say otherwise."""
    values: dict[str, Any] = {
        "status": "submitted",
        "idea_name": "Street party",
        "reference": f"SENT-{next(_references):04d}",
        "submitted_at": utcnow(),
        "contact_name": "Rosa",
        "language": "en",
        **fields,
    }
    lines = [CostLine(item=item, amount_pence=pence) for item, pence in (costs or {"Food": 20_000}).items()]
    idea = Application(pot_id=pot.id, applicant_id=(applicant or UserFactory()).id, cost_lines=lines, **values)
    db.session.add(idea)
    db.session.commit()
    return idea


def make_award(pot: Pot, pence: int, status: str = "offered", idea: Application | None = None) -> Award:
    """An award made from the pot, with the decision behind it: to the given idea, or to someone else's."""
    if idea is None:
        idea = Application(pot_id=pot.id, applicant_id=UserFactory().id, status="approved")
        db.session.add(idea)
        db.session.flush()
    decision = Decision(application_id=idea.id, decided_by_id=idea.applicant_id, kind="yes", reason="Lovely idea")
    db.session.add(decision)
    db.session.flush()
    award = Award(application_id=idea.id, pot_id=pot.id, decision_id=decision.id, amount_pence=pence, status=status)
    db.session.add(award)
    db.session.commit()
    return award
