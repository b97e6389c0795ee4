"""A realistic dataset of any size for measuring speed: N applications across 20 neighbourhoods in every state, with
decisions, awards, payments and stories, written with bulk inserts (never the ORM a row at a time).

Synthetic and unaudited: it is for benchmarks, and refused in production like the demo data.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import PanelMembership, User, UserRole
from portal.applications.models import Application, CostLine
from portal.awards.models import Award
from portal.common.time import utcnow
from portal.domain.references import new_reference
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.panels.models import Decision
from portal.payments.models import PayeeDetails, Payment
from portal.programme.models import Neighbourhood, Pot
from portal.stories.models import Story, StoryInvitation

NEIGHBOURHOODS = 20
BATCH = 5_000
# How an application's life ends up, out of 100: every state appears.
STATUS_SHARES = {
    "draft": 10,
    "submitted": 12,
    "in_review": 5,
    "question_asked": 3,
    "approved": 50,
    "not_yet": 13,
    "withdrawn": 4,
    "expired": 3,
}
AWARD_SHARES = {"offered": 8, "accepted": 20, "payment_prepared": 4, "payment_authorised": 3, "paid": 60, "declined": 5}
STORY_SHARES = {"draft": 20, "sent": 35, "published": 45}
MANY_IDEAS = 200  # the ideas of the one resident the benchmark signs in as


@dataclass(frozen=True)
class ScaleSummary:
    applications: int
    awards: int
    payments: int
    stories: int
    seconds: float


def _shares(shares: dict[str, int], rng: random.Random) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: Any, rows: list[dict[str, Any]], returning: bool = False) -> list[int]:
    """Insert many rows in batches; with returning, their ids in the order given."""
    ids: list[int] = []
    for batch in _batches(rows):
        if returning:
            result = db.session.execute(sa.insert(model).returning(model.id, sort_by_parameter_order=True), batch)
            ids.extend(result.scalars())
        else:
            db.session.execute(sa.insert(model), batch)
    return ids


def build(applications: int, seed: int = 2026) -> ScaleSummary:
    """Add `applications` applications (and everything around them) to the database, in one transaction."""
    started = utcnow()
    rng = random.Random(seed)  # noqa: S311 - seeded, so the dataset is the same each time; nothing here is secret
    now = utcnow()
    run_tag = now.strftime("%Y%m%d%H%M%S%f")  # two builds in one second stay apart

    # People: residents with about three ideas each, a panel of three per neighbourhood, two finance officers.
    residents = max(1, applications // 3)
    user_rows = [
        {"email": f"scale-{run_tag}-resident-{i}@scale.example", "name": f"Resident {i}"} for i in range(residents)
    ]
    staff_rows = [
        {"email": f"scale-{run_tag}-{kind}@scale.example", "name": kind.title()}
        for kind in ("finance-a", "finance-b", "programme")
    ]
    panel_rows = [
        {"email": f"scale-{run_tag}-panel-{n}-{m}@scale.example", "name": f"Panel {n}.{m}"}
        for n in range(NEIGHBOURHOODS)
        for m in range(3)
    ]
    resident_ids = _insert(User, user_rows, returning=True)
    finance_a, finance_b, programme = _insert(User, staff_rows, returning=True)
    panel_ids = _insert(User, panel_rows, returning=True)
    _insert(
        UserRole,
        [{"user_id": i, "role": Role.RESIDENT.value} for i in resident_ids + panel_ids]
        + [{"user_id": i, "role": Role.PANEL_MEMBER.value} for i in panel_ids]
        + [
            {"user_id": finance_a, "role": Role.FINANCE_OFFICER.value},
            {"user_id": finance_b, "role": Role.FINANCE_OFFICER.value},
        ]
        + [{"user_id": programme, "role": Role.PROGRAMME_OFFICER.value}],
    )

    # Places and money: one pot per neighbourhood, with room for every award.
    neighbourhood_ids = _insert(
        Neighbourhood,
        [
            {
                "name": f"Scale {run_tag} {n + 1:02d}",
                "slug": f"scale-{run_tag}-{n + 1:02d}",
                "description": "A neighbourhood of the scale dataset.",
                "host_organisation": "Scale Hub",
                "is_active": True,
                "builder_contact": "",
                "decision_weeks": 2,
                "views_needed": 3,
                "decisions_by": "chair",
                "created_at": now,
            }
            for n in range(NEIGHBOURHOODS)
        ],
        returning=True,
    )
    _insert(
        PanelMembership,
        [
            {"user_id": panel_ids[n * 3 + m], "neighbourhood_id": neighbourhood_ids[n], "is_chair": m == 0}
            for n in range(NEIGHBOURHOODS)
            for m in range(3)
        ],
    )
    per_pot_budget = max(1, applications // NEIGHBOURHOODS) * 50_000
    pot_ids = _insert(
        Pot,
        [
            {
                "neighbourhood_id": neighbourhood_ids[n],
                "name": "Small sparks",
                "budget_pence": per_pot_budget,
                "max_award_pence": 50_000,
                "fast_track_limit_pence": 10_000,
                "opens_on": date(now.year - 10, 1, 1),
                "closes_on": date(now.year + 1, 12, 31),
                "is_rolling": False,
                "payment_methods": [m.value for m in PaymentMethod],
                "created_at": now,
            }
            for n in range(NEIGHBOURHOODS)
        ],
        returning=True,
    )

    # Applications, over ten years; the first MANY_IDEAS belong to one resident.
    rows: list[dict[str, Any]] = []
    plans: list[tuple[int, str, int, Any]] = []
    for i in range(applications):
        n = rng.randrange(NEIGHBOURHOODS)
        status = _shares(STATUS_SHARES, rng)
        created = now - timedelta(days=rng.randrange(3650), minutes=rng.randrange(1440))
        total = rng.randrange(20, 500) * 100
        sent = status not in ("draft",)
        rows.append(
            {
                "reference": new_reference() if sent else None,
                "pot_id": pot_ids[n],
                "applicant_id": resident_ids[0] if i < MANY_IDEAS else resident_ids[rng.randrange(residents)],
                "status": status,
                "language": rng.choice(("en", "en", "en", "cy", "ar")),
                "applicant_type": rng.choice(("individual", "informal_group", "organised_group")),
                "idea_name": f"Idea {i}",
                "idea_description": "Bring neighbours together for an afternoon of food and games.",
                "when_text": "In the spring",
                "where_text": "The green",
                "contact_name": f"Resident {i}",
                "created_at": created,
                "updated_at": created,
                "submitted_at": created + timedelta(hours=2) if sent else None,
            }
        )
        plans.append((n, status, total, created))
    references = {row["reference"] for row in rows if row["reference"]}
    if len(references) != sum(1 for row in rows if row["reference"]):  # a collision: draw again for the repeats
        seen: set[str] = set()
        for row in rows:
            while row["reference"] and row["reference"] in seen:
                row["reference"] = new_reference()
            if row["reference"]:
                seen.add(row["reference"])
    application_ids = _insert(Application, rows, returning=True)
    _insert(
        CostLine,
        [
            {"application_id": application_ids[i], "item": "Everything we need", "amount_pence": total}
            for i, (_n, _status, total, _created) in enumerate(plans)
        ],
    )

    # Decisions and awards.
    decision_rows, decided = [], []
    kinds = {"approved": "yes", "not_yet": "not_yet", "question_asked": "question"}
    for i, (n, status, total, created) in enumerate(plans):
        if status in kinds:
            decision_rows.append(
                {
                    "application_id": application_ids[i],
                    "kind": kinds[status],
                    "amount_pence": total if status == "approved" else None,
                    "condition": "",
                    "reason": "A clear idea the street will enjoy." if status == "approved" else "Tell us more.",
                    "decided_by_id": panel_ids[n * 3],
                    "fast_track": False,
                    "decided_at": created + timedelta(days=rng.randrange(3, 20)),
                }
            )
            decided.append(i)
    decision_ids = _insert(Decision, decision_rows, returning=True)
    award_rows, awarded = [], []
    for decision_id, i in zip(decision_ids, decided, strict=True):
        n, status, total, created = plans[i]
        if status != "approved":
            continue
        award_status = _shares(AWARD_SHARES, rng)
        award_rows.append(
            {
                "application_id": application_ids[i],
                "pot_id": pot_ids[n],
                "decision_id": decision_id,
                "amount_pence": total,
                "status": award_status,
                "created_at": created + timedelta(days=20),
                "accepted_at": None if award_status in ("offered", "declined") else created + timedelta(days=22),
            }
        )
        awarded.append((i, award_status, total, created))
    award_ids = _insert(Award, award_rows, returning=True)

    # How each accepted award is paid, and its payment.
    details_rows, payment_rows, paid = [], [], []
    payment_states = {"payment_prepared": "prepared", "payment_authorised": "authorised", "paid": "paid"}
    for award_id, (i, award_status, total, created) in zip(award_ids, awarded, strict=True):
        if award_status in ("offered", "declined"):
            continue
        bank = rng.random() < 0.3
        details_rows.append(
            {
                "award_id": award_id,
                "method": PaymentMethod.BANK_TRANSFER.value if bank else PaymentMethod.OTHER_ARRANGEMENT.value,
                "account_name": f"Resident {i}" if bank else None,
                "sort_code": "309430" if bank else None,
                "account_number": f"{rng.randrange(10**7, 10**8)}" if bank else None,
                "account_number_last2": f"{rng.randrange(100):02d}" if bank else None,
                "arrangement": None if bank else "A prepaid card",
                "agreement": "resident",
                "version": 1,
                "confirmation_of_payee": "not_checked",
                "updated_at": created + timedelta(days=23),
            }
        )
        if award_status in payment_states:
            state = payment_states[award_status]
            prepared_at = created + timedelta(days=30)
            payment_rows.append(
                {
                    "award_id": award_id,
                    "amount_pence": total,
                    "method": details_rows[-1]["method"],
                    "payee_details_version": 1,
                    "status": state,
                    "prepared_by_id": finance_a,
                    "prepared_at": prepared_at,
                    "authorised_by_id": finance_b if state != "prepared" else None,
                    "authorised_at": prepared_at + timedelta(days=1) if state != "prepared" else None,
                    "paid_on": (prepared_at + timedelta(days=3)).date() if state == "paid" else None,
                    "finance_reference": f"FIN-{award_id}" if state == "paid" else None,
                    "recorded_by_id": finance_a if state == "paid" else None,
                    "ended_at": prepared_at + timedelta(days=3) if state == "paid" else None,
                }
            )
            if state == "paid":
                paid.append((i, prepared_at))
    _insert(PayeeDetails, details_rows)
    _insert(Payment, payment_rows)

    # Invitations for every paid award, and stories for about half of them.
    _insert(
        StoryInvitation,
        [{"application_id": application_ids[i], "invited_at": when, "reminders_off": False} for i, when in paid],
    )
    story_rows = []
    for i, when in paid:
        if rng.random() >= 0.5:
            continue
        status = _shares(STORY_SHARES, rng)
        ways = {
            column: rng.random() < 0.4
            for column in ("way_connect", "way_be_active", "way_take_notice", "way_keep_learning", "way_give")
        }
        story_rows.append(
            {
                "application_id": application_ids[i],
                "status": status,
                "what_happened": "Forty neighbours came, and we are meeting again next month.",
                "went_to_plan": rng.choice(("yes", "partly", "no")),
                "people_count": rng.randrange(5, 200),
                "group_formed": rng.choice(("yes", "no", "not_sure")),
                "still_going": rng.choice(("yes", "no", "not_sure")),
                **ways,
                "consent": rng.choice(("programme", "public_named", "public_anonymous"))
                if status != "published"
                else rng.choice(("public_named", "public_anonymous")),
                "agreement": "resident",
                "created_at": when + timedelta(days=40),
                "updated_at": when + timedelta(days=40),
                "sent_at": when + timedelta(days=41) if status != "draft" else None,
                "published_at": when + timedelta(days=45) if status == "published" else None,
                "published_by_id": programme if status == "published" else None,
            }
        )
    _insert(Story, story_rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics, as a database that grew over years has: without them the planner guesses at empty tables.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    seconds = (utcnow() - started).total_seconds()
    return ScaleSummary(len(application_ids), len(award_ids), len(payment_rows), len(story_rows), seconds)


def many_ideas_resident_email() -> str | None:
    """The scale resident with MANY_IDEAS ideas (the newest scale dataset's), for the benchmark to sign in as."""
    return db.session.scalar(
        sa.select(User.email).where(User.email.like("scale-%-resident-0@scale.example")).order_by(User.id.desc())
    )
