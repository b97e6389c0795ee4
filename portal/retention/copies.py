"""A copy of everything the portal holds about a resident, for them to download from "Your account": made by a
background job as a JSON file (for other systems) and a readable PDF (for people), bank details masked. Each copy is
the resident's own, and is removed a few days after it is made."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.applications.journey import FIELD_LABELS
from portal.applications.models import Application
from portal.applications.pot_questions import shown_answers
from portal.applications.services import ANSWER_FIELDS, contact_phone
from portal.awards.models import Award
from portal.common import audit
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.pdf import render_pdf
from portal.common.rendering import rendering_context
from portal.common.stalled import requeue_stalled_files
from portal.common.status import claim_status
from portal.common.time import utcnow
from portal.common.transactions import finish_reading, transactional
from portal.domain.background import FileStatus
from portal.domain.money import format_pence
from portal.extensions import db
from portal.panels.models import Decision, Interest, PanelView
from portal.payments.models import PayeeDetails, Payment
from portal.programme.models import Neighbourhood
from portal.retention.models import DataCopy
from portal.stories.models import Story

KEEP_DAYS = 7


@dataclass(frozen=True)
class Row:
    key: str
    label: Any  # translated when the PDF is drawn
    value: Any


@dataclass
class Section:
    key: str
    title: Any
    records: list[list[Row]] = field(default_factory=list)


# Asking for it and reading it back ---------------------------------------------------------------------------------


@transactional
def request_copy(person: User, language: str) -> DataCopy:
    """Queue a copy of the person's data (the one being made, if they asked a moment ago); a job makes it."""
    waiting = db.session.execute(
        sa.select(DataCopy).where(
            DataCopy.user_id == person.id,
            DataCopy.status.in_((FileStatus.QUEUED.value, FileStatus.RUNNING.value)),
        )
    ).scalar()
    if waiting is not None:
        return waiting
    copy = DataCopy(user_id=person.id, language=language)
    db.session.add(copy)
    db.session.flush()
    audit.record("data_copy.requested", actor_id=person.id, object_type="data_copy", object_id=copy.id)
    enqueue_after_commit(make_data_copy, copy.id)
    return copy


def copy_for(copy_id: int, person: User) -> DataCopy | None:
    """A copy, to the person it is about only."""
    copy = db.session.get(DataCopy, copy_id)
    return copy if copy is not None and copy.user_id == person.id else None


def copies_of(person: User) -> list[DataCopy]:
    return list(
        db.session.execute(
            sa.select(DataCopy).where(DataCopy.user_id == person.id).order_by(DataCopy.id.desc()).limit(5)
        ).scalars()
    )


@transactional
def note_download(person: User, copy_id: int, kind: str) -> None:
    audit.record("data_copy.downloaded", actor_id=person.id, object_type="data_copy", object_id=copy_id, kind=kind)


def content_of(copy_id: int, kind: str) -> bytes | None:
    column = DataCopy.json_content if kind == "json" else DataCopy.pdf_content
    return db.session.execute(sa.select(column).where(DataCopy.id == copy_id)).scalar()


def remove_old_copies(now: datetime) -> int:
    """Copies made more than KEEP_DAYS ago. Runs in the caller's transaction (the nightly retention run)."""
    gone = db.session.execute(
        sa.delete(DataCopy)
        .where(DataCopy.requested_at < now - timedelta(days=KEEP_DAYS))
        .execution_options(synchronize_session=False)
    )
    return int(gone.rowcount)  # type: ignore[attr-defined]


# What the portal holds about someone --------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _account(person: User) -> Section:
    section = Section("account", _l("Your account"))
    section.records.append(
        [
            Row("name", _l("Name"), person.name),
            Row("email", _l("Email address"), person.email or ""),
            Row("mobile", _l("Mobile number"), person.mobile.reveal() if person.mobile else ""),
            Row("postal_address", _l("Address"), person.postal_address.reveal() if person.postal_address else ""),
            Row("language", _l("Language"), person.language or ""),
            Row("news_by", _l("News about your ideas"), person.hear_by),
            Row("roles", _l("What you can do"), ", ".join(sorted(role.value for role in person.roles))),
            Row("created_at", _l("Account made"), _plain(person.created_at)),
            Row("last_sign_in_at", _l("Last signed in"), _plain(person.last_sign_in_at)),
        ]
    )
    return section


def _bank(details: PayeeDetails | None) -> list[Row]:
    """How the resident asked to be paid, masked: never the whole account number or sort code."""
    if details is None:
        return []
    ending = details.account_number_last2 or ""
    return [
        Row("paid_how", _l("How to be paid"), details.method),
        Row("account_ending", _l("Account ending"), ending),
    ]


def _idea(application: Application) -> list[Row]:
    rows = [
        Row("reference", _l("Reference"), application.reference or ""),
        Row("status", _l("Status"), application.status),
        Row("neighbourhood", _l("Neighbourhood"), application.pot.neighbourhood.name),
        Row("pot", _l("Pot"), application.pot.name),
        Row("started_at", _l("Started"), _plain(application.created_at)),
        Row("sent_at", _l("Sent on"), _plain(application.submitted_at)),
    ]
    rows += [
        Row(name, FIELD_LABELS.get(name, name), getattr(application, name) or "") for name in sorted(ANSWER_FIELDS)
    ]
    rows.append(Row("contact_phone", _l("Phone number"), contact_phone(application)))
    rows += [
        Row(f"cost_{n}", _l("Cost"), f"{line.item}: {format_pence(line.amount_pence)}")
        for n, line in enumerate(application.cost_lines, 1)
    ]
    rows += [
        Row(f"pot_question_{n}", shown.wording.text, shown.answer)
        for n, shown in enumerate(shown_answers(application), 1)
    ]
    for decision in application.decisions:
        rows.append(
            Row("decision", _l("Decision"), f"{_plain(decision.decided_at)}: {decision.kind}. {decision.reason}")
        )
    return rows


def _ideas(person: User) -> tuple[Section, Section]:
    ideas = Section("ideas", _l("Your ideas"))
    money = Section("awards_and_payments", _l("Awards and payments"))
    found = db.session.execute(
        sa.select(Application)
        .where(Application.applicant_id == person.id)
        .order_by(Application.id)
        .options(selectinload(Application.cost_lines), selectinload(Application.question_answers))
    ).scalars()
    for application in found:
        ideas.records.append(_idea(application))
        award = db.session.execute(sa.select(Award).where(Award.application_id == application.id)).scalar()
        if award is None:
            continue
        details = db.session.execute(sa.select(PayeeDetails).where(PayeeDetails.award_id == award.id)).scalar()
        record = [
            Row("reference", _l("Reference"), application.reference or ""),
            Row("amount", _l("Amount"), format_pence(award.amount_pence)),
            Row("status", _l("Status"), award.status),
            *_bank(details),
        ]
        for payment in db.session.execute(sa.select(Payment).where(Payment.award_id == award.id)).scalars():
            record.append(
                Row(
                    "payment",
                    _l("Payment"),
                    f"{format_pence(payment.amount_pence)}, {payment.status}, {_plain(payment.paid_on) or ''}",
                )
            )
        money.records.append(record)
    return ideas, money


def _stories(person: User) -> Section:
    section = Section("stories", _l("Your stories"))
    found = db.session.execute(
        sa.select(Story)
        .join(Application, Application.id == Story.application_id)
        .where(Application.applicant_id == person.id)
    ).scalars()
    for story in found:
        section.records.append(
            [
                Row("idea", _l("Reference"), story.application.reference or ""),
                Row("who_may_see", _l("Who may see it"), story.consent or ""),
                Row("what_happened", _l("What happened"), story.what_happened or ""),
                Row("learned", _l("What you learned"), story.learned or ""),
                Row("people", _l("How many took part"), story.people_count or ""),
                Row("photos", _l("Photos"), len(story.photos)),
            ]
        )
    return section


def _panel(person: User) -> Section:
    section = Section("panel", _l("On a panel"))
    for membership in person.panel_memberships:
        place = db.session.get(Neighbourhood, membership.neighbourhood_id)
        section.records.append(
            [
                Row("neighbourhood", _l("Neighbourhood"), place.name if place else ""),
                Row("chair", _l("Chair"), membership.is_chair),
            ]
        )
    for view in db.session.execute(sa.select(PanelView).where(PanelView.user_id == person.id)).scalars():
        section.records.append([Row("view", _l("Your view"), view.view), Row("comment", _l("Comment"), view.comment)])
    for interest in db.session.execute(sa.select(Interest).where(Interest.user_id == person.id)).scalars():
        section.records.append(
            [Row("interest", _l("Interest"), interest.has_interest), Row("note", _l("Note"), interest.note)]
        )
    decided = db.session.execute(
        sa.select(sa.func.count(Decision.id)).where(Decision.decided_by_id == person.id)
    ).scalar()
    if decided:
        section.records.append([Row("decisions_recorded", _l("Decisions you recorded"), decided)])
    return section


def gather(person: User) -> list[Section]:
    """Everything the portal holds about the person, section by section (empty sections left out)."""
    ideas, money = _ideas(person)
    sections = [_account(person), ideas, money, _stories(person), _panel(person)]
    return [section for section in sections if section.records]


def as_json(sections: list[Section], made_at: datetime) -> bytes:
    data = {
        "made_at": made_at.isoformat(),
        **{section.key: [{row.key: row.value for row in record} for record in section.records] for section in sections},
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


# Making it ----------------------------------------------------------------------------------------------------------


@transactional
def _claim(copy_id: int) -> bool:
    return claim_status(
        DataCopy, copy_id, (FileStatus.QUEUED, FileStatus.FAILED), FileStatus.RUNNING, progress=5, worked_at=utcnow()
    )


@transactional
def _finish(copy_id: int, json_content: bytes, pdf_content: bytes) -> None:
    claim_status(
        DataCopy,
        copy_id,
        FileStatus.RUNNING,
        FileStatus.READY,
        progress=100,
        json_content=json_content,
        pdf_content=pdf_content,
        finished_at=utcnow(),
    )


@transactional
def _fail(copy_id: int, error: str) -> None:
    claim_status(DataCopy, copy_id, FileStatus.RUNNING, FileStatus.FAILED, error=error, finished_at=utcnow())


@job(retries=2, retry_delay=30)
def make_data_copy(copy_id: int) -> None:
    """Make one copy (safe to run twice: a finished one is left alone). Read in one transaction, drawn after it."""
    if not _claim(copy_id):
        return
    try:
        copy = db.session.get(DataCopy, copy_id)
        assert copy is not None
        person, language, made_at = db.session.get(User, copy.user_id), copy.language, utcnow()
        assert person is not None
        with rendering_context():
            sections = gather(person)
            json_content = as_json(sections, made_at)
            finish_reading()
            pdf_content = render_pdf("pdf/your_data.html", language=language, sections=sections, made_at=made_at)
        _finish(copy_id, json_content, pdf_content)
    except Exception as error:
        db.session.rollback()
        _fail(copy_id, describe(error))
        raise


@job(retries=1, retry_delay=60, schedule={"minute": "*/5"}, at_start=True)
def recover_stalled_copies() -> int:
    """Queue again every copy a stopped worker left half-made, or whose job the queue lost (common/stalled.py)."""
    return requeue_stalled_files(DataCopy, make_data_copy)
