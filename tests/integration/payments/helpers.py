"""An accepted award ready for payment, with the people around it, for the payments tests."""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.models import User
from portal.applications.models import Application, CostLine
from portal.awards.models import Award
from portal.awards.services import accept_award
from portal.common.time import utcnow
from portal.domain.decisions import DecisionKind
from portal.domain.references import new_reference
from portal.domain.roles import Role
from portal.extensions import db
from portal.panels import services as panels
from portal.payments.services import BankDetails
from tests.factories import PotFactory, UserFactory, make_chair, make_staff

GOOD_BANK = BankDetails(account_name="Rosa Resident", sort_code="30-94-30", account_number="00733445")


@dataclass
class Accepted:
    award: Award
    application: Application
    resident: User
    chair: User
    officer_a: User
    officer_b: User


def accepted_award(pence: int = 20_000, *, builder: User | None = None, methods: list[str] | None = None) -> Accepted:
    """A resident's idea decided yes by the panel's chair and accepted by the resident; two finance officers."""
    pot = PotFactory(**({"payment_methods": methods} if methods else {}))
    resident = UserFactory(name="Rosa Resident")
    idea = Application(
        pot_id=pot.id,
        applicant_id=resident.id,
        assisted_by_id=builder.id if builder else None,
        status="submitted",
        idea_name="Street party",
        reference=new_reference(),
        submitted_at=utcnow(),
        cost_lines=[CostLine(item="Food", amount_pence=pence)],
    )
    db.session.add(idea)
    db.session.commit()
    chair = make_chair(pot)
    panels.declare_interest(idea.id, chair, has_interest=False, note="")
    panels.record_decision(idea.id, chair, kind=DecisionKind.YES, reason="A lovely idea")
    award = accept_award(idea.id, resident)
    officer_a, _ = make_staff(Role.FINANCE_OFFICER, name="Fin A")
    officer_b, _ = make_staff(Role.FINANCE_OFFICER, name="Fin B")
    return Accepted(award, idea, resident, chair, officer_a, officer_b)
