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
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.panels import services as panels
from portal.payments import runs, services
from portal.payments.models import ExportKind, PaymentExport, PaymentRun
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


def authorised_run(n: int = 3, names: dict[int, str] | None = None, language: str = "en"):
    """A run of n payments, each to its own pot and bank account (account number 00733440 + i), prepared by Fin Alpha
    and authorised by Faye Beta. Returns (run, cases, officer a, officer b)."""
    cases = [accepted_award(pence=10_000 * (i + 1) + 50) for i in range(n)]
    for i, case in enumerate(cases):
        case.application.language = language
        bank = BankDetails((names or {}).get(i, f"Payee {i}"), "30-94-30", f"{733440 + i:08d}")
        services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=bank)
    a, _ = make_staff(Role.FINANCE_OFFICER, name="Fin Alpha")
    b, _ = make_staff(Role.FINANCE_OFFICER, name="Faye Beta")
    run = runs.create_run(a, [case.award.id for case in cases])
    runs.authorise_run(run.id, b)
    return run, cases, a, b


def queued_export(run: PaymentRun, officer: User, kind: ExportKind, *, full: bool = False) -> int:
    """An export waiting for its job, as request_export leaves it (without running the job): its id."""
    export = PaymentExport(
        run_id=run.id,
        kind=kind.value,
        full_details=full,
        filename=f"{run.reference.lower()}-{kind.value}.bin",
        requested_by_id=officer.id,
    )
    db.session.add(export)
    db.session.commit()
    return export.id
