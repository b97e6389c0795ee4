"""The programme's retention rules, and the nightly run that applies them: contact details of ideas not funded,
bank details of payments made long enough ago (the last two digits and the payment's finance record kept), the words
and photos of stories only the programme may see, and sign-in links. The audit log records how many of each kind
went, never whose."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import SignInToken
from portal.applications.models import Application
from portal.common import audit
from portal.common.jobs import enqueue_after_commit, job
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.payments import PaymentStatus
from portal.domain.retention import DEFAULTS, Kind, Rules, before, before_day
from portal.domain.states import ApplicationStatus
from portal.domain.stories import Consent
from portal.extensions import db
from portal.payments.models import PayeeDetailChange, PayeeDetails, Payment
from portal.retention.copies import remove_old_copies
from portal.retention.models import RetentionRules
from portal.stories.models import Story, StoryPhoto
from portal.stories.services import delete_stored_files, keys_of

NOT_FUNDED = (ApplicationStatus.NOT_YET.value, ApplicationStatus.WITHDRAWN.value)
BANK_FIELDS = ("account_name", "sort_code", "account_number", "roll_number", "arrangement")
STORY_WORDS = ("what_happened", "learned", "first_name", "public_text", "edit_note", "public_name")


def current_rules() -> Rules:
    row = db.session.execute(sa.select(RetentionRules).order_by(RetentionRules.id).limit(1)).scalar()
    if row is None:
        return DEFAULTS
    return Rules(
        not_funded_months=row.not_funded_months,
        bank_details_months=row.bank_details_months,
        private_story_months=row.private_story_months,
        sign_in_months=row.sign_in_months,
    )


def last_run() -> tuple[datetime, dict[str, int]] | None:
    """When the nightly run last applied the rules, and how many of each kind it removed."""
    event = db.session.execute(
        sa.select(audit.AuditEvent)
        .where(audit.AuditEvent.action == "retention.applied")
        .order_by(audit.AuditEvent.id.desc())
        .limit(1)
    ).scalar()
    return (event.occurred_at, json.loads(event.details)) if event is not None else None


def draft_keep_days() -> int:
    return int(current_app.config["DRAFT_KEEP_DAYS"])


@transactional
def save_rules(actor_id: int, rules: Rules) -> None:
    row = db.session.execute(locked(sa.select(RetentionRules).order_by(RetentionRules.id).limit(1))).scalar()
    if row is None:
        row = RetentionRules()
        db.session.add(row)
    for name, months in asdict(rules).items():
        setattr(row, name, months)
    row.updated_at, row.updated_by_id = utcnow(), actor_id
    audit.record(
        "retention.rules_changed", actor_id=actor_id, object_type="retention", object_id="rules", **asdict(rules)
    )


def _ideas_not_funded(rules: Rules, now: datetime) -> int:
    """Contact details of ideas the panel said not yet to, or that were withdrawn, untouched for the rule's months."""
    removed = db.session.execute(
        sa.update(Application)
        .where(
            Application.status.in_(NOT_FUNDED),
            Application.personal_details_removed_at.is_(None),
            Application.updated_at < before(now, rules.not_funded_months),
        )
        .values(
            contact_name=None,
            contact_phone_encrypted=None,
            personal_details_removed_at=now,
            updated_at=Application.updated_at,  # removal is not the resident touching it
        )
        .execution_options(synchronize_session=False)
    )
    return int(removed.rowcount)  # type: ignore[attr-defined]


def clear_bank_details(payee_details_ids: list[int], now: datetime) -> None:
    """Bank details and their earlier versions removed, the last two digits kept for the masked record. In the
    caller's transaction (the nightly run, or erasing a resident)."""
    if not payee_details_ids:
        return
    cleared = dict.fromkeys(BANK_FIELDS)
    db.session.execute(
        sa.update(PayeeDetails)
        .where(PayeeDetails.id.in_(payee_details_ids))
        .values(**cleared, removed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(PayeeDetailChange)
        .where(PayeeDetailChange.payee_details_id.in_(payee_details_ids))
        .values(**cleared)
        .execution_options(synchronize_session=False)
    )


def _bank_details(rules: Rules, now: datetime) -> int:
    """Bank details of awards paid long enough ago: removed (the last two digits stay, for the masked record), and
    their earlier versions with them. The payment keeps its amount, date and finance reference."""
    paid_long_ago = (
        sa.select(Payment.award_id)
        .where(
            Payment.status == PaymentStatus.PAID.value,
            Payment.paid_on < before_day(now.date(), rules.bank_details_months),
        )
        .scalar_subquery()
    )
    due = list(
        db.session.execute(
            sa.select(PayeeDetails.id).where(
                PayeeDetails.removed_at.is_(None), PayeeDetails.award_id.in_(paid_long_ago)
            )
        ).scalars()
    )
    clear_bank_details(due, now)
    return len(due)


def _private_stories(rules: Rules, now: datetime) -> int:
    """The words and photos of stories only the programme may see (or never sent), untouched for the rule's months.
    Their counts (people, group formed, the Five Ways) stay for the programme's figures."""
    stories = list(
        db.session.execute(
            sa.select(Story).where(
                Story.words_removed_at.is_(None),
                sa.or_(Story.consent.is_(None), Story.consent == Consent.PROGRAMME.value),
                Story.updated_at < before(now, rules.private_story_months),
            )
        ).scalars()
    )
    keys: list[str] = []
    for story in stories:
        keys += [key for photo in story.photos for key in keys_of(photo)]
        db.session.execute(sa.delete(StoryPhoto).where(StoryPhoto.story_id == story.id))
        db.session.execute(
            sa.update(Story)
            .where(Story.id == story.id)
            .values(**dict.fromkeys(STORY_WORDS), words_removed_at=now, updated_at=Story.updated_at)
            .execution_options(synchronize_session=False)
        )
    if keys:
        enqueue_after_commit(delete_stored_files, keys)
    return len(stories)


def _sign_in_records(rules: Rules, now: datetime) -> int:
    gone = db.session.execute(
        sa.delete(SignInToken)
        .where(SignInToken.created_at < before(now, rules.sign_in_months))
        .execution_options(synchronize_session=False)
    )
    return int(gone.rowcount)  # type: ignore[attr-defined]


@transactional
def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Apply the programme's rules once; returns how many of each kind went. Safe to run twice: what is gone is not
    counted again."""
    now = now or utcnow()
    rules = current_rules()
    removed = {
        Kind.NOT_FUNDED.value: _ideas_not_funded(rules, now),
        Kind.BANK_DETAILS.value: _bank_details(rules, now),
        Kind.PRIVATE_STORIES.value: _private_stories(rules, now),
        Kind.SIGN_IN_RECORDS.value: _sign_in_records(rules, now),
        Kind.DATA_COPIES.value: remove_old_copies(now),
    }
    audit.record("retention.applied", object_type="retention", object_id="nightly", **removed)
    return removed


@job(retries=2, retry_delay=600, schedule={"hour": "3", "minute": "45"})
def apply_retention_nightly() -> dict[str, int]:
    """Every night: the programme's retention rules, applied."""
    return apply_retention()
