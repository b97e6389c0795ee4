"""An append-only audit log, chained by HMAC: every meaningful action, and a check that finds any tampering.

Each event holds the MAC of the one before, made with AUDIT_HMAC_KEY, a key kept outside the database. So someone
who can change the database, but does not have the key, cannot delete or edit an event and then recompute the
chain: `flask audit verify` reports every edited, inserted or deleted event. What the chain alone cannot show is
events deleted from its end (what is left is still a whole chain); a checkpoint (the count and the MAC of the
newest event) written daily to the application log and to AUDIT_CHECKPOINT_FILE, outside the database, covers that:
`flask audit verify --checkpoint-file FILE` reports a log that no longer reaches the checkpoint. Neither can tell
what happened after the newest checkpoint to someone who also holds the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.jobs import job
from portal.common.time import UTCDateTime, utcnow
from portal.extensions import Model, db

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
LEGACY_SHA256 = 0  # events written before the chain had a key: plain SHA-256
HMAC_SHA256 = 1
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
    mac_version: Mapped[int] = mapped_column(sa.SmallInteger, default=HMAC_SHA256)


def _digest(
    version: int,
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
    if version == LEGACY_SHA256:
        return hashlib.sha256(payload.encode()).hexdigest()
    key = current_app.config["AUDIT_HMAC_KEY"].encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def record(
    action: str, *, actor_id: int | None = None, object_type: str = "", object_id: Any = "", **details: Any
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction. Never put personal data in details."""
    session = db.session
    # What the caller changed is written before the log's lock is taken: one lock every writer shares should be
    # held for as short a time as possible, and never while waiting for another row's lock.
    session.flush()
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
        hash=_digest(HMAC_SHA256, prev_hash, occurred_at, actor_id, action, object_type, str(object_id), details_json),
        mac_version=HMAC_SHA256,
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Problem:
    event_id: int
    kind: str  # "edited", "inserted or deleted before this one"
    message: str


@dataclass(frozen=True)
class Checkpoint:
    """How far the log reached at one moment: the number of events and the MAC of the newest, kept outside the
    database so that events deleted from the end are noticed."""

    count: int
    hash: str

    def __str__(self) -> str:
        return f"audit-checkpoint count={self.count} hash={self.hash}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a line written by str(); raises ValueError for anything else."""
        fields = dict(part.split("=", 1) for part in text.split() if "=" in part)
        count, digest = int(fields["count"]), fields["hash"]
        if len(digest) != 64 or count < 0:
            raise ValueError("not an audit checkpoint")
        return cls(count, digest)


def unkeyed_events() -> int:
    """How many events were written before the chain had a key (checked with plain SHA-256 only)."""
    return int(
        db.session.execute(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.mac_version == LEGACY_SHA256)
        ).scalar_one()
    )


def checkpoint() -> Checkpoint:
    """Where the log reaches now."""
    count = db.session.execute(sa.select(sa.func.count(AuditEvent.id))).scalar_one()
    last = db.session.execute(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    return Checkpoint(int(count), last or GENESIS_HASH)


def write_checkpoint() -> Checkpoint:
    """Write the checkpoint to the application log, and to AUDIT_CHECKPOINT_FILE when it is set (append-only)."""
    point = checkpoint()
    log.info("%s", point)
    path = current_app.config.get("AUDIT_CHECKPOINT_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{utcnow().isoformat(timespec='seconds')} {point}\n")
    return point


def verify(against: Checkpoint | None = None) -> list[Problem]:
    """Walk the chain in order; report every edited row and every break where a row was inserted or deleted, and,
    given a checkpoint, a log that no longer reaches it (events deleted from the end, or rewritten before it)."""
    problems: list[Problem] = []
    expected_prev = GENESIS_HASH
    count = 0
    reached_checkpoint = against is None or against.count == 0
    rows = db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars()
    keyed_seen = False
    for event in rows:
        count += 1
        if event.mac_version == LEGACY_SHA256 and keyed_seen:
            problems.append(
                Problem(event.id, "unkeyed", f"event {event.id} is unkeyed but follows keyed events: it was rewritten")
            )
        keyed_seen = keyed_seen or event.mac_version != LEGACY_SHA256
        if against is not None and count == against.count:
            reached_checkpoint = event.hash == against.hash
            if not reached_checkpoint:
                problems.append(
                    Problem(event.id, "checkpoint", f"event {event.id} is not the event the checkpoint recorded")
                )
                reached_checkpoint = True  # reported once
        if event.prev_hash != expected_prev:
            problems.append(
                Problem(
                    event.id,
                    "chain broken",
                    f"event {event.id} does not follow the one before it: a row was inserted or deleted before it",
                )
            )
        recomputed = _digest(
            event.mac_version,
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
    if not reached_checkpoint:
        assert against is not None
        problems.append(
            Problem(
                0,
                "checkpoint",
                f"the log has {count} events but the checkpoint recorded {against.count}: events were deleted",
            )
        )
    return problems


@job(retries=2, retry_delay=600, schedule={"hour": "2", "minute": "45"})
def write_checkpoint_daily() -> str:
    """Every night, write where the audit log reaches to the application log (and the checkpoint file)."""
    return str(write_checkpoint())
