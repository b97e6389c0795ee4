"""A copy of everything the portal holds about a resident, for them to download from "Your account": made by a
background job as a JSON file (for other systems) and a readable PDF (for people), bank details masked. Each copy is
the resident's own, and is removed a few days after it is made."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.applications.journey import FIELD_LABELS
from portal.applications.models import Application
from portal.applications.pot_questions import shown_answers
from portal.applications.services import ANSWER_FIELDS, contact_phone
from portal.assetmap.models import Introduction, ResidentProfile
from portal.awards.models import Award
from portal.common import audit, words
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.navigation import role_names
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
from portal.payments.states import award_payment_text
from portal.programme.models import Neighbourhood
from portal.retention.models import DataCopy
from portal.stories.models import StillGoingCheck, Story

KEEP_DAYS = 7
VIEWS: dict[str, Any] = {
    "support": lambda: _("Support"),
    "not_yet": lambda: _("Not yet"),
    "question": lambda: _("A question"),
}


@dataclass(frozen=True)
class Row:
    """One thing held: its key and value for the JSON file (plain values, codes, ISO dates, lists), its label and
    words for the PDF (in the reader's language; the value itself when None)."""

    key: str
    label: Any  # translated when the PDF is drawn
    value: Any
    words: Any = None

    @property
    def shown(self) -> Any:
        return self.value if self.words is None else self.words


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


def _when(value: datetime | date | None) -> str:
    """A moment or a day as the reader writes it, in their language (the copy is gathered in it)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM y, HH:mm")
    return format_date(value, "d MMMM y")


def _moment(key: str, label: Any, value: datetime | date | None) -> Row:
    return Row(key, label, _plain(value), _when(value))


def _coded(key: str, label: Any, code: str | None, table: dict[str, Any]) -> Row:
    return Row(key, label, code or "", words.said(table, code))


def _account(person: User) -> Section:
    section = Section("account", _l("Your account"))
    section.records.append(
        [
            Row("name", _l("Name"), person.name),
            Row("email", _l("Email address"), person.email or ""),
            Row("mobile", _l("Mobile number"), person.mobile.reveal() if person.mobile else ""),
            Row("postal_address", _l("Address"), person.postal_address.reveal() if person.postal_address else ""),
            _coded("language", _l("Language"), person.language, words.LANGUAGE),
            _coded("news_by", _l("News about your ideas"), person.hear_by, words.HEAR_BY),
            Row(
                "roles",
                _l("Your roles"),
                sorted(role.value for role in person.roles),
                ", ".join(role_names()[role] for role in sorted(person.roles)),
            ),
            _moment("created_at", _l("Account made"), person.created_at),
            _moment("last_sign_in_at", _l("Last signed in"), person.last_sign_in_at),
        ]
    )
    return section


def _bank(details: PayeeDetails | None) -> list[Row]:
    """How the resident asked to be paid, masked: never the whole account number or sort code."""
    if details is None:
        return []
    return [
        _coded("paid_how", _l("How to be paid"), details.method, words.PAYMENT_METHOD),
        Row("account_ending", _l("Account ending"), details.account_number_last2 or ""),
    ]


# The idea's answers in the order they are asked.
ANSWERS_IN_ORDER = [name for name in FIELD_LABELS if name in ANSWER_FIELDS]


def _decisions(application: Application) -> Row:
    decided = list(application.decisions)
    return Row(
        "decisions",
        _l("Decisions"),
        [{"decided_at": _plain(d.decided_at), "decision": d.kind, "reason": d.reason} for d in decided],
        [f"{_when(d.decided_at)}: {words.said(words.DECISION, d.kind)}. {d.reason}" for d in decided],
    )


def _idea(application: Application) -> list[Row]:
    status = "paid" if application.award is not None and application.award.status == "paid" else application.status
    rows = [
        Row("reference", _l("Reference"), application.reference or ""),
        _coded("status", _l("Status"), status, words.IDEA_STATUS),
        Row("neighbourhood", _l("Neighbourhood"), application.pot.neighbourhood.name),
        Row("pot", _l("Pot"), application.pot.name),
        _moment("started_at", _l("Started"), application.created_at),
        _moment("sent_at", _l("Sent on"), application.submitted_at),
    ]
    for name in ANSWERS_IN_ORDER:
        value = getattr(application, name) or ""
        table = {"applicant_type": words.WHO_IS_APPLYING, "contact_method": words.CONTACT_METHOD}.get(name)
        rows.append(_coded(name, FIELD_LABELS[name], value, table) if table else Row(name, FIELD_LABELS[name], value))
    rows.append(Row("contact_phone", _l("Phone number"), contact_phone(application)))
    lines = application.cost_lines
    rows.append(
        Row(
            "costs",
            _l("What the money is for"),
            [{"item": line.item, "amount_pence": line.amount_pence} for line in lines],
            [f"{line.item}: {format_pence(line.amount_pence)}" for line in lines],
        )
    )
    rows += [
        Row(f"pot_question_{n}", shown.wording.text, shown.answer)
        for n, shown in enumerate(shown_answers(application), 1)
    ]
    rows.append(_decisions(application))
    return rows


def _payments(award_id: int) -> Row:
    made = list(db.session.execute(sa.select(Payment).where(Payment.award_id == award_id)).scalars())
    return Row(
        "payments",
        _l("Payments"),
        [{"amount_pence": p.amount_pence, "status": p.status, "paid_on": _plain(p.paid_on)} for p in made],
        [
            f"{format_pence(p.amount_pence)}: {words.said(words.PAYMENT_STATUS, p.status)} {_when(p.paid_on)}".strip()
            for p in made
        ],
    )


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
        money.records.append(
            [
                Row("reference", _l("Reference"), application.reference or ""),
                Row("amount_pence", _l("Amount"), award.amount_pence, format_pence(award.amount_pence)),
                Row("status", _l("Status"), award.status, award_payment_text(award.status, details is not None)),
                *_bank(details),
                _payments(award.id),
            ]
        )
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
                _coded("who_may_see", _l("Who may see it"), story.consent, words.CONSENT),
                Row("what_happened", _l("What happened"), story.what_happened or ""),
                Row("learned", _l("What you learned"), story.learned or ""),
                Row("people", _l("How many took part"), story.people_count or ""),
                Row("photos", _l("Photos"), len(story.photos)),
            ]
        )
    checks = db.session.execute(
        sa.select(StillGoingCheck)
        .join(Application, Application.id == StillGoingCheck.application_id)
        .where(Application.applicant_id == person.id, StillGoingCheck.answer.is_not(None))
        .order_by(StillGoingCheck.id)
    ).scalars()
    for check in checks:
        section.records.append(
            [
                Row("idea", _l("Reference"), check.application.reference or ""),
                Row("still_going_after_months", _l("Is it still going? Months after payment"), check.months),
                _coded("still_going", _l("Is it still going?"), check.answer, words.STILL_GOING),
                Row("still_going_words", _l("In your words"), check.words),
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
                Row("chair", _l("Chair"), membership.is_chair, words.yes_no(membership.is_chair)),
            ]
        )
    for view in db.session.execute(sa.select(PanelView).where(PanelView.user_id == person.id)).scalars():
        section.records.append(
            [_coded("view", _l("Your view"), view.view, VIEWS), Row("comment", _l("Comment"), view.comment)]
        )
    for interest in db.session.execute(sa.select(Interest).where(Interest.user_id == person.id)).scalars():
        section.records.append(
            [
                Row("interest", _l("Interest"), interest.has_interest, words.yes_no(interest.has_interest)),
                Row("note", _l("Note"), interest.note),
            ]
        )
    decided = db.session.execute(
        sa.select(sa.func.count(Decision.id)).where(Decision.decided_by_id == person.id)
    ).scalar()
    if decided:
        section.records.append([Row("decisions_recorded", _l("Decisions you recorded"), decided)])
    return section


def _offer(person: User) -> Section:
    section = Section("what_you_offer", _l("What you can offer your neighbours"))
    profile = db.session.get(ResidentProfile, person.id)
    if profile is not None:
        place = db.session.get(Neighbourhood, profile.neighbourhood_id)
        section.records.append(
            [
                Row("neighbourhood", _l("Neighbourhood"), place.name if place else ""),
                Row("knows", _l("What you know"), profile.knows),
                Row("can_do", _l("What you can do"), profile.can_do),
                Row("cares_about", _l("What you care about"), profile.cares_about),
                Row("interests", _l("Interests"), list(profile.interests or []), ", ".join(profile.interests or [])),
            ]
        )
    asked = db.session.execute(
        sa.select(sa.func.count(Introduction.id)).where(
            sa.or_(Introduction.first_id == person.id, Introduction.second_id == person.id)
        )
    ).scalar_one()
    if asked:
        section.records.append(
            [Row("introductions", _l("Times a community builder asked if you would like to meet a neighbour"), asked)]
        )
    return section


def gather(person: User) -> list[Section]:
    """Everything the portal holds about the person, section by section (empty sections left out)."""
    ideas, money = _ideas(person)
    sections = [_account(person), ideas, money, _stories(person), _panel(person), _offer(person)]
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
        with rendering_context(), force_locale(language):
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
