"""The commissioner report: the programme's figures and charts for a period and a set of neighbourhoods, with a
selection of published stories and their photos ("every story has a number, and every number has a story").
A tagged PDF made by a background job after the request commits; its page shows the progress."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common import audit
from portal.common.email import rendering_context
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.status import claim_status
from portal.common.storage import StoredFileMissing, get_storage
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.background import FileStatus
from portal.domain.roles import Role
from portal.domain.stories import StoryStatus
from portal.extensions import db
from portal.insight import services
from portal.insight.models import Report
from portal.programme.models import Pot
from portal.stories.models import Story
from portal.stories.services import PUBLIC_CONSENTS, public_photos

STORIES_IN_A_REPORT = 6


class ReportRefused(Exception):
    pass


@transactional
def request_report(
    person: User,
    *,
    period: str,
    starts_on: date | None,
    ends_on: date | None,
    neighbourhood_ids: list[int],
    language: str,
) -> Report:
    """Queue a report; a job makes it after commit."""
    if not person.has_role(Role.PROGRAMME_OFFICER, Role.VIEWER):
        raise ReportRefused("officers_and_viewers_only")
    report = Report(
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
        neighbourhood_ids=",".join(str(n) for n in sorted(set(neighbourhood_ids))),
        language=language,
        filename=f"small-sparks-report-{utcnow():%Y-%m-%d}.pdf",
        requested_by_id=person.id,
    )
    db.session.add(report)
    db.session.flush()
    audit.record("report.requested", actor_id=person.id, object_type="report", object_id=report.id)
    enqueue_after_commit(make_report, report.id)
    return report


def report_for(report_id: int, person: User) -> Report | None:
    """A report, to the person who asked for it or a programme officer."""
    report = db.session.get(Report, report_id)
    if report is None or not (report.requested_by_id == person.id or person.has_role(Role.PROGRAMME_OFFICER)):
        return None
    return report


def reports_of(person: User, limit: int = 10) -> list[Report]:
    return list(
        db.session.scalars(
            sa.select(Report).where(Report.requested_by_id == person.id).order_by(Report.id.desc()).limit(limit)
        )
    )


@transactional
def _set_progress(report_id: int, percent: int) -> None:
    db.session.execute(
        sa.update(Report)
        .where(Report.id == report_id, Report.status == FileStatus.RUNNING.value)
        .values(progress=percent)
        .execution_options(synchronize_session=False)
    )


@transactional
def _claim(report_id: int) -> bool:
    return claim_status(
        Report, report_id, (FileStatus.QUEUED, FileStatus.FAILED), FileStatus.RUNNING, progress=5, error=None
    )


@transactional
def _finish(report_id: int, content: bytes | None, error: str | None = None) -> None:
    """Running → ready (with the PDF) or failed (with why). A report this worker no longer holds is left alone."""
    if content is None:
        claim_status(Report, report_id, FileStatus.RUNNING, FileStatus.FAILED, error=error, finished_at=utcnow())
    else:
        claim_status(
            Report, report_id, FileStatus.RUNNING, FileStatus.READY, progress=100, content=content, finished_at=utcnow()
        )


@job(retries=2, retry_delay=30)
def make_report(report_id: int) -> None:
    """Make one report (safe to run twice: a finished one is left alone), saving its progress as it goes."""
    if not _claim(report_id):
        return
    try:
        report = db.session.get(Report, report_id)
        assert report is not None
        filters = services.Filters(start=report.starts_on, end=report.ends_on, neighbourhood_ids=report.neighbourhoods)
        board = services.build(filters)
        _set_progress(report_id, 30)
        chosen = _stories(filters)
        photos = {story.id: [_embedded(photo) for photo in public_photos(story)][:2] for story in chosen}
        _set_progress(report_id, 60)
        language, period = report.language, report.period
        db.session.commit()  # nothing held open while the PDF is drawn
        with rendering_context():
            from flask import render_template
            from flask_babel import force_locale

            from portal.insight.routes import PERIODS

            with force_locale(language):
                html = render_template(
                    "pdf/commissioner_report.html",
                    board=board,
                    period_name=str(PERIODS.get(period, period)),
                    stories=chosen,
                    photos=photos,
                    language=language,
                )
        # Photos travel inside the HTML as data: addresses; nothing is fetched from anywhere else.
        only_embedded = URLFetcher(allowed_protocols={"data"})
        content = HTML(string=html, url_fetcher=only_embedded).write_pdf(pdf_variant="pdf/ua-1")
    except Exception as error:
        db.session.rollback()
        _finish(report_id, None, describe(error))
        raise
    _finish(report_id, content)


def _stories(filters: services.Filters) -> list[Story]:
    """The newest published stories the public may read, from the report's neighbourhoods and period."""
    query = (
        sa.select(Story)
        .join(Application, Application.id == Story.application_id)
        .join(Pot, Pot.id == Application.pot_id)
        .where(Story.status == StoryStatus.PUBLISHED.value, Story.consent.in_([c.value for c in PUBLIC_CONSENTS]))
        .where(*filters.between(Story.published_at))
        .options(
            joinedload(Story.application).joinedload(Application.pot).joinedload(Pot.neighbourhood),
            selectinload(Story.photos),
        )
        .order_by(Story.published_at.desc(), Story.id.desc())
        .limit(STORIES_IN_A_REPORT)
    )
    if filters.neighbourhood_ids:
        query = query.where(Pot.neighbourhood_id.in_(filters.neighbourhood_ids))
    return list(db.session.scalars(query).unique())


def _embedded(photo: Any) -> dict[str, Any]:
    """A public photo (the small size) inside the PDF itself, with the resident's description as its alt text."""
    try:
        data = get_storage().get(photo.small_key or "")
    except (StoredFileMissing, ValueError):
        return {"src": None, "alt": photo.alt_text}
    return {"src": "data:image/jpeg;base64," + base64.b64encode(data).decode(), "alt": photo.alt_text}
