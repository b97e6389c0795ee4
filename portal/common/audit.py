"""An append-only, hash-chained audit log: every meaningful action, and a check that finds any tampering."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.time import UTCDateTime, utcnow
from portal.extensions import Model, db

GENESIS_HASH = "0" * 64
# Any constant works: it names the one advisory lock that serialises appends on PostgreSQL.
_AUDIT_LOCK_KEY = 0x5350_4B41


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[str] = mapped_column(sa.String(40), default="")
    details: Mapped[str] = mapped_column(sa.Text, default="{}")
    # Unique: each event can be followed by only one, so the chain cannot fork.
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64))


def _digest(
    prev_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    details: str,
) -> str:
    payload = json.dumps(
        [prev_hash, occurred_at.isoformat(timespec="microseconds"), actor_id, action, object_type, object_id, details],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    action: str, *, actor_id: int | None = None, object_type: str = "", object_id: Any = "", **details: Any
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction. Never put personal data in details."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})
    last = session.execute(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    prev_hash = last or GENESIS_HASH
    occurred_at = utcnow()
    details_json = json.dumps(details, sort_keys=True, separators=(",", ":"), default=str)
    event = AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details_json,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, occurred_at, actor_id, action, object_type, str(object_id), details_json),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Problem:
    event_id: int
    kind: str  # "edited", "inserted or deleted before this one"
    message: str


def verify() -> list[Problem]:
    """Walk the chain in order; report every edited row and every break where a row was inserted or deleted."""
    problems: list[Problem] = []
    expected_prev = GENESIS_HASH
    rows = db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars()
    for event in rows:
        if event.prev_hash != expected_prev:
            problems.append(
                Problem(
                    event.id,
                    "chain broken",
                    f"event {event.id} does not follow the one before it: a row was inserted or deleted before it",
                )
            )
        recomputed = _digest(
            event.prev_hash,
            event.occurred_at,
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id,
            event.details,
        )
        if recomputed != event.hash:
            problems.append(Problem(event.id, "edited", f"event {event.id} was changed after it was written"))
        expected_prev = event.hash
    return problems
