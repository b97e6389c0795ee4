"""A realistic dataset of any size for measuring speed: N applications across 20 neighbourhoods in every state, with
decisions, awards, payments and stories, written with bulk inserts (never the ORM a row at a time).

Synthetic and unaudited: it is for benchmarks, and refused in production like the demo data.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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


@dataclass
class _Scale:
    """What one build has made so far: the steps below fill it in, in order."""

    applications: int
    rng: random.Random
    now: Any
    run_tag: str
    resident_ids: list[int] = field(default_factory=list)
    panel_ids: list[int] = field(default_factory=list)
    finance: tuple[int, int] = (0, 0)
    programme: int = 0
    pot_ids: list[int] = field(default_factory=list)
    application_ids: list[int] = field(default_factory=list)
    # One plan per application: its neighbourhood's index, its status, the amount asked for, when it was begun.
    plans: list[tuple[int, str, int, Any]] = field(default_factory=list)


def build(applications: int, seed: int = 2026) -> ScaleSummary:
    """Add `applications` applications (and everything around them) to the database, in one transaction."""
    started = utcnow()
    now = utcnow()
    scale = _Scale(
        applications=applications,
        rng=random.Random(seed),  # noqa: S311 - seeded: the same dataset each time, nothing secret # nosec B311
        now=now,
        run_tag=now.strftime("%Y%m%d%H%M%S%f"),  # two builds in one second stay apart
    )
    _add_people(scale)
    _add_places_and_pots(scale)
    _add_applications(scale)
    award_ids, awarded = _add_decisions_and_awards(scale)
    payments, paid = _add_payments(scale, award_ids, awarded)
    stories = _add_stories(scale, paid)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics, as a database that grew over years has: without them the planner guesses at empty tables.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    seconds = (utcnow() - started).total_seconds()
    return ScaleSummary(len(scale.application_ids), len(award_ids), payments, stories, seconds)


def _add_people(scale: _Scale) -> None:
    """Residents with about three ideas each, a panel of three per neighbourhood, two finance officers."""
    tag = scale.run_tag
    residents = max(1, scale.applications // 3)
    user_rows = [
        {"email": f"scale-{tag}-resident-{i}@scale.example", "name": f"Resident {i}"} for i in range(residents)
    ]
    staff_rows = [
        {"email": f"scale-{tag}-{kind}@scale.example", "name": kind.title()}
        for kind in ("finance-a", "finance-b", "programme")
    ]
    panel_rows = [
        {"email": f"scale-{tag}-panel-{n}-{m}@scale.example", "name": f"Panel {n}.{m}"}
        for n in range(NEIGHBOURHOODS)
        for m in range(3)
    ]
    scale.resident_ids = _insert(User, user_rows, returning=True)
    finance_a, finance_b, scale.programme = _insert(User, staff_rows, returning=True)
    scale.finance = (finance_a, finance_b)
    scale.panel_ids = _insert(User, panel_rows, returning=True)
    _insert(
        UserRole,
        [{"user_id": i, "role": Role.RESIDENT.value} for i in scale.resident_ids + scale.panel_ids]
        + [{"user_id": i, "role": Role.PANEL_MEMBER.value} for i in scale.panel_ids]
        + [{"user_id": i, "role": Role.FINANCE_OFFICER.value} for i in scale.finance]
        + [{"user_id": scale.programme, "role": Role.PROGRAMME_OFFICER.value}],
    )


def _add_places_and_pots(scale: _Scale) -> None:
    """Twenty neighbourhoods, each with its panel and one pot with room for every award."""
    now, tag = scale.now, scale.run_tag
    neighbourhood_ids = _insert(
        Neighbourhood,
        [
            {
                "name": f"Scale {tag} {n + 1:02d}",
                "slug": f"scale-{tag}-{n + 1:02d}",
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
            {"user_id": scale.panel_ids[n * 3 + m], "neighbourhood_id": neighbourhood_ids[n], "is_chair": m == 0}
            for n in range(NEIGHBOURHOODS)
            for m in range(3)
        ],
    )
    per_pot_budget = max(1, scale.applications // NEIGHBOURHOODS) * 50_000
    scale.pot_ids = _insert(
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


def _add_applications(scale: _Scale) -> None:
    """Applications over ten years, each with one cost line; the first MANY_IDEAS belong to one resident."""
    rng, residents = scale.rng, scale.resident_ids
    rows: list[dict[str, Any]] = []
    for i in range(scale.applications):
        n = rng.randrange(NEIGHBOURHOODS)
        status = _shares(STATUS_SHARES, rng)
        created = scale.now - timedelta(days=rng.randrange(3650), minutes=rng.randrange(1440))
        total = rng.randrange(20, 500) * 100
        sent = status != "draft"
        rows.append(
            {
                "reference": new_reference() if sent else None,
                "pot_id": scale.pot_ids[n],
                "applicant_id": residents[0] if i < MANY_IDEAS else residents[rng.randrange(len(residents))],
                "status": status,
                "language": rng.choice(("en", "en", "en", "cy", "ar")),
                "applicant_type": rng.choice(("just_me", "informal_group", "organised_group")),
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
        scale.plans.append((n, status, total, created))
    _draw_repeated_references_again(rows)
    scale.application_ids = _insert(Application, rows, returning=True)
    _insert(
        CostLine,
        [
            {"application_id": scale.application_ids[i], "item": "Everything we need", "amount_pence": total}
            for i, (_n, _status, total, _created) in enumerate(scale.plans)
        ],
    )


def _draw_repeated_references_again(rows: list[dict[str, Any]]) -> None:
    """References are random: in a large dataset two may collide, and the later one is drawn again."""
    seen: set[str] = set()
    for row in rows:
        while row["reference"] and row["reference"] in seen:
            row["reference"] = new_reference()
        if row["reference"]:
            seen.add(row["reference"])


def _add_decisions_and_awards(scale: _Scale) -> tuple[list[int], list[tuple[int, str, int, Any]]]:
    """The panel's decision on every decided idea, and an award for each yes; returns the awards' ids and plans."""
    rng = scale.rng
    decision_rows, decided = [], []
    kinds = {"approved": "yes", "not_yet": "not_yet", "question_asked": "question"}
    for i, (n, status, total, created) in enumerate(scale.plans):
        if status in kinds:
            decision_rows.append(
                {
                    "application_id": scale.application_ids[i],
                    "kind": kinds[status],
                    "amount_pence": total if status == "approved" else None,
                    "condition": "",
                    "reason": "A clear idea the street will enjoy." if status == "approved" else "Tell us more.",
                    "decided_by_id": scale.panel_ids[n * 3],
                    "fast_track": False,
                    "decided_at": created + timedelta(days=rng.randrange(3, 20)),
                }
            )
            decided.append(i)
    decision_ids = _insert(Decision, decision_rows, returning=True)
    award_rows, awarded = [], []
    for decision_id, i in zip(decision_ids, decided, strict=True):
        n, status, total, created = scale.plans[i]
        if status != "approved":
            continue
        award_status = _shares(AWARD_SHARES, rng)
        award_rows.append(
            {
                "application_id": scale.application_ids[i],
                "pot_id": scale.pot_ids[n],
                "decision_id": decision_id,
                "amount_pence": total,
                "status": award_status,
                "created_at": created + timedelta(days=20),
                "accepted_at": None if award_status in ("offered", "declined") else created + timedelta(days=22),
                "has_payee_details": award_status not in ("offered", "declined"),  # _add_payments gives them
            }
        )
        awarded.append((i, award_status, total, created))
    return _insert(Award, award_rows, returning=True), awarded


def _add_payments(
    scale: _Scale, award_ids: list[int], awarded: list[tuple[int, str, int, Any]]
) -> tuple[int, list[tuple[int, Any]]]:
    """How each accepted award is paid, and its payment; returns how many payments and the paid ideas."""
    details_rows, payment_rows, paid = [], [], []
    for award_id, (i, award_status, total, created) in zip(award_ids, awarded, strict=True):
        if award_status in ("offered", "declined"):
            continue
        details_rows.append(_payee_details_row(scale.rng, award_id, i, created))
        payment = _payment_row(scale, award_id, award_status, total, created, details_rows[-1]["method"])
        if payment is not None:
            payment_rows.append(payment)
            if payment["status"] == "paid":
                paid.append((i, payment["prepared_at"]))
    _insert(PayeeDetails, details_rows)
    _insert(Payment, payment_rows)
    return len(payment_rows), paid


def _payee_details_row(rng: random.Random, award_id: int, i: int, created: Any) -> dict[str, Any]:
    bank = rng.random() < 0.3
    return {
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


PAYMENT_STATES = {"payment_prepared": "prepared", "payment_authorised": "authorised", "paid": "paid"}


def _payment_row(
    scale: _Scale, award_id: int, award_status: str, total: int, created: Any, method: str
) -> dict[str, Any] | None:
    """The award's payment, prepared by one finance officer and authorised by the other; None before one exists."""
    if award_status not in PAYMENT_STATES:
        return None
    state = PAYMENT_STATES[award_status]
    finance_a, finance_b = scale.finance
    prepared_at = created + timedelta(days=30)
    return {
        "award_id": award_id,
        "amount_pence": total,
        "method": method,
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


def _add_stories(scale: _Scale, paid: list[tuple[int, Any]]) -> int:
    """Invitations for every paid award, and stories for about half of them; returns how many stories."""
    rng = scale.rng
    _insert(
        StoryInvitation,
        [{"application_id": scale.application_ids[i], "invited_at": when, "reminders_off": False} for i, when in paid],
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
                "application_id": scale.application_ids[i],
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
                "published_by_id": scale.programme if status == "published" else None,
            }
        )
    _insert(Story, story_rows)
    return len(story_rows)


def many_ideas_resident_email() -> str | None:
    """The scale resident with MANY_IDEAS ideas (the newest scale dataset's), for the benchmark to sign in as."""
    return db.session.scalar(
        sa.select(User.email).where(User.email.like("scale-%-resident-0@scale.example")).order_by(User.id.desc())
    )
