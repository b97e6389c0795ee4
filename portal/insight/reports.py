"""The commissioner report: the programme's figures and charts for a period and a set of neighbourhoods, with a
selection of published stories and their photos ("every story has a number, and every number has a story").
A tagged PDF made by a background job after the request commits; its page shows the progress.

Nothing slow runs while the database is held: the job claims the report (a short transaction), reads the figures,
stories and photo keys into plain values and ends its reading transaction, fetches the photos from storage and
draws the PDF with nothing open, then records the file and the stories it holds in one short transaction. That
transaction writes first (on SQLite it takes the write lock before reading anything) and then checks, under the
stories' row locks, that each story and photo may still be shared; one withdrawn meanwhile makes the job draw again.

Later, when a story a report holds is unpublished, its consent withdrawn, or it or a photo in the report removed
(stories send `story_shown_less`), the report is withdrawn (its file deleted) and made again without it, and its page
says so; a timetabled check catches any change that came another way, and a report is never downloaded while it
holds something that may no longer be shared."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common import audit
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.pdf import draw_pdf, only_embedded, pdf_html
from portal.common.stalled import requeue_stalled_files
from portal.common.status import claim_status
from portal.common.storage import StoredFileMissing, get_storage
from portal.common.time import utcnow
from portal.common.transactions import finish_reading, locked, transactional
from portal.domain.background import FileStatus
from portal.domain.roles import Role
from portal.domain.stories import PUBLIC_CONSENTS, Consent, StoryStatus, story_is_public
from portal.extensions import db
from portal.insight import outcomes, services
from portal.insight.models import Report, ReportStory
from portal.programme.models import Pot
from portal.stories.models import Story
from portal.stories.photo_services import public_photos
from portal.stories.services import story_shown_less

STORIES_IN_A_REPORT = 6
PHOTOS_PER_STORY = 2
DRAWS = 3  # a story withdrawn while the report is drawn makes it draw again, at most this many times in all
WITHDRAWN_STORY = "story_withdrawn"


class ReportRefused(Exception):
    pass


class StoriesChangedMeanwhile(Exception):
    """A story or photo the report was drawn with may no longer be shared: it is drawn again without it."""


@dataclass(frozen=True)
class HeldPhoto:
    id: int
    key: str
    alt: str


@dataclass(frozen=True)
class HeldStory:
    """A published story as the report shows it: plain values, read before the transaction ends."""

    id: int
    title: str
    neighbourhood: str
    language: str
    text: str
    photos: tuple[HeldPhoto, ...]


@dataclass(frozen=True)
class Gathered:
    board: services.Dashboard
    period: str
    language: str
    stories: tuple[HeldStory, ...]
    made_again: bool
    outcomes: outcomes.Outcomes


@dataclass(frozen=True)
class EmbeddedPhoto:
    """A photo inside the PDF itself, as a data: address, with the resident's description as its alt text."""

    id: int
    src: str
    alt: str


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


def replacement_of(report: Report) -> Report | None:
    """The report made again in place of this withdrawn one, if there is one."""
    return db.session.scalar(
        sa.select(Report).where(Report.replaces_id == report.id).order_by(Report.id.desc()).limit(1)
    )


def shareable(report: Report) -> bool:
    """Whether a ready report may be downloaded: not withdrawn, and every story and photo it holds may still be shared,
    checked against the stories themselves (whatever changed them)."""
    if report.status != FileStatus.READY.value or report.withdrawn_at is not None:
        return False
    held = _held_by(report.id)
    return not held or not _no_longer_shareable(held, _stories_by_id(held))


def _held_by(report_id: int) -> dict[int, tuple[int, ...]]:
    rows = db.session.scalars(sa.select(ReportStory).where(ReportStory.report_id == report_id))
    return {row.story_id: row.photos for row in rows}


def _stories_by_id(story_ids: Iterable[int], *, lock: bool = False) -> dict[int, Story]:
    query = (
        sa.select(Story)
        .where(Story.id.in_(sorted(story_ids)))
        .order_by(Story.id)  # locked in id order, so two reports holding the same stories never deadlock
        .options(selectinload(Story.photos))
    )
    return {story.id: story for story in db.session.scalars(locked(query) if lock else query)}


def _no_longer_shareable(held: Mapping[int, Iterable[int]], stories: Mapping[int, Story]) -> bool:
    """Whether any story held (by id, with the ids of the photos held) is gone, or no longer public, or any photo
    held is gone or no longer public."""
    for story_id, photo_ids in held.items():
        story = stories.get(story_id)
        consent = Consent(story.consent) if story is not None and story.consent else None
        if story is None or not story_is_public(StoryStatus(story.status), consent):
            return True
        if not set(photo_ids) <= {photo.id for photo in public_photos(story)}:
            return True
    return False


# Making it -------------------------------------------------------------------------------------------------------


@transactional
def _claim(report_id: int) -> bool:
    return claim_status(
        Report,
        report_id,
        (FileStatus.QUEUED, FileStatus.FAILED),
        FileStatus.RUNNING,
        progress=5,
        error=None,
        worked_at=utcnow(),
    )


@transactional
def _set_progress(report_id: int, percent: int) -> None:
    db.session.execute(
        sa.update(Report)
        .where(Report.id == report_id, Report.status == FileStatus.RUNNING.value)
        .values(progress=percent, worked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@transactional
def _fail(report_id: int, error: str) -> None:
    """Running → failed, with why. A report this worker no longer holds is left alone."""
    claim_status(Report, report_id, FileStatus.RUNNING, FileStatus.FAILED, error=error, finished_at=utcnow())


@transactional
def _finish(report_id: int, content: bytes, held: dict[int, tuple[int, ...]]) -> None:
    """Running → ready, with the file and the stories (and photos) it holds. The report's row is written first; then
    the stories are locked in id order and checked, so a resident withdrawing consent at this moment either goes
    first (this raises StoriesChangedMeanwhile, and the job draws again) or waits, and then finds this report to
    withdraw. A report this worker no longer holds is left alone."""
    if not claim_status(
        Report, report_id, FileStatus.RUNNING, FileStatus.READY, progress=100, content=content, finished_at=utcnow()
    ):
        return
    if held and _no_longer_shareable(held, _stories_by_id(held, lock=True)):
        raise StoriesChangedMeanwhile
    for story_id, photo_ids in held.items():
        db.session.add(ReportStory(report_id=report_id, story_id=story_id, photo_ids=",".join(map(str, photo_ids))))


@job(retries=2, retry_delay=30)
def make_report(report_id: int) -> None:
    """Make one report (safe to run twice: a finished one is left alone), saving its progress as it goes."""
    if not _claim(report_id):
        return
    try:
        for _ in range(DRAWS):
            gathered = _gather(report_id)
            _set_progress(report_id, 30)
            photos = _fetch_photos(gathered.stories)
            _set_progress(report_id, 60)
            content = _draw(gathered, photos)
            held = {story.id: tuple(photo.id for photo in photos[story.id]) for story in gathered.stories}
            try:
                _finish(report_id, content, held)
                return
            except StoriesChangedMeanwhile:
                continue
        raise StoriesChangedMeanwhile(f"the stories changed each of the {DRAWS} times the report was drawn")
    except Exception as error:
        db.session.rollback()
        _fail(report_id, describe(error))
        raise


@job(retries=1, retry_delay=60, schedule={"minute": "*/5"}, at_start=True)
def recover_stalled_reports() -> int:
    """Queue again every report a stopped worker left half-made, or whose job the queue lost (common/stalled.py)."""
    return requeue_stalled_files(Report, make_report)


def _gather(report_id: int) -> Gathered:
    """Everything the report shows, as plain values; the reading transaction is over when this returns."""
    report = db.session.get(Report, report_id)
    assert report is not None
    filters = services.Filters(start=report.starts_on, end=report.ends_on, neighbourhood_ids=report.neighbourhoods)
    gathered = Gathered(
        board=services.build(filters),
        period=report.period,
        language=report.language,
        stories=tuple(_held(story) for story in _stories(filters)),
        made_again=report.replaces_id is not None,
        outcomes=outcomes.build(filters),
    )
    finish_reading()
    return gathered


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


def _held(story: Story) -> HeldStory:
    application = story.application
    return HeldStory(
        id=story.id,
        title=story.shown_title,
        neighbourhood=application.pot.neighbourhood.name,
        language=application.language,
        text=story.shown_text,
        photos=tuple(
            HeldPhoto(photo.id, photo.small_key or "", photo.alt_text)
            for photo in public_photos(story)[:PHOTOS_PER_STORY]
        ),
    )


def _fetch_photos(stories: Iterable[HeldStory]) -> dict[int, tuple[EmbeddedPhoto, ...]]:
    """Each story's public photos (the small size) from storage, with no transaction open. A photo whose file is
    gone is left out (and not recorded as held)."""
    storage = get_storage()
    found: dict[int, tuple[EmbeddedPhoto, ...]] = {}
    for story in stories:
        embedded = []
        for photo in story.photos:
            try:
                data = storage.get(photo.key)
            except (StoredFileMissing, ValueError):
                continue
            embedded.append(
                EmbeddedPhoto(photo.id, "data:image/jpeg;base64," + base64.b64encode(data).decode(), photo.alt)
            )
        found[story.id] = tuple(embedded)
    return found


def _draw(gathered: Gathered, photos: dict[int, tuple[EmbeddedPhoto, ...]]) -> bytes:
    """The PDF, drawn with no transaction open. Photos travel inside the HTML; nothing is fetched from elsewhere."""

    html = pdf_html(
        "pdf/commissioner_report.html",
        language=gathered.language,
        board=gathered.board,
        period_name=services.PERIOD_NAMES.get(gathered.period, gathered.period),  # translated as the template is drawn
        stories=gathered.stories,
        photos=photos,
        made_again=gathered.made_again,
        outcomes=gathered.outcomes,
    )
    return draw_pdf(html, url_fetcher=only_embedded)


# Taking a report down when a story it holds may no longer be shared -------------------------------------------------


@story_shown_less.connect
def _check_reports_holding(story_id: int) -> None:
    """In the unit of work that made a story less public: once it commits, check the reports that hold it."""
    enqueue_after_commit(withdraw_reports_holding, story_id)


@job(retries=3, retry_delay=60)
def withdraw_reports_holding(story_id: int) -> int:
    """Withdraw, and make again without it, each made report holding this story if the story, or a photo of it the
    report holds, may no longer be shared. Safe to run twice. Returns how many were withdrawn."""
    report_ids = list(
        db.session.scalars(
            sa.select(ReportStory.report_id)
            .join(Report, Report.id == ReportStory.report_id)
            .where(ReportStory.story_id == story_id, Report.withdrawn_at.is_(None))
            .order_by(ReportStory.report_id)
        )
    )
    finish_reading()
    return sum(_withdraw_if_unshareable(report_id) for report_id in report_ids)


@job(retries=1, retry_delay=300, schedule={"minute": "*/10"})
def check_reports() -> int:
    """Every ten minutes, whatever changed a story: withdraw, and make again, each made report holding a story or
    photo that may no longer be shared. Safe to run on every worker. Returns how many were withdrawn."""
    rows = db.session.execute(
        sa.select(ReportStory.report_id, ReportStory.story_id, ReportStory.photo_ids)
        .join(Report, Report.id == ReportStory.report_id)
        .where(Report.status == FileStatus.READY.value, Report.withdrawn_at.is_(None))
    ).all()
    held: dict[int, dict[int, tuple[int, ...]]] = {}
    for report_id, story_id, photo_ids in rows:
        held.setdefault(report_id, {})[story_id] = tuple(int(n) for n in photo_ids.split(",") if n)
    stories = _stories_by_id({story_id for stories in held.values() for story_id in stories})
    stale = sorted(report_id for report_id, its in held.items() if _no_longer_shareable(its, stories))
    finish_reading()
    return sum(_withdraw_if_unshareable(report_id) for report_id in stale)


class _StillShareable(Exception):
    pass


def _withdraw_if_unshareable(report_id: int) -> bool:
    try:
        _withdraw(report_id)
    except _StillShareable:
        return False
    return True


@transactional
def _withdraw(report_id: int) -> None:
    """Withdraw a made report (its file deleted) and queue a new one for the same period, neighbourhoods, language
    and person, made without what may no longer be shared. The row is written first (on SQLite the write lock is
    taken before anything is read); raises _StillShareable, undoing it, if the report was withdrawn already or all
    it holds may still be shared."""
    withdrawn = db.session.execute(
        sa.update(Report)
        .where(Report.id == report_id, Report.status == FileStatus.READY.value, Report.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawn_reason=WITHDRAWN_STORY, content=None)
        .execution_options(synchronize_session=False)
    )
    held = _held_by(report_id)
    if withdrawn.rowcount != 1 or not _no_longer_shareable(held, _stories_by_id(held)):  # type: ignore[attr-defined]
        raise _StillShareable
    old = db.session.get(Report, report_id, populate_existing=True)
    assert old is not None
    remade = Report(
        period=old.period,
        starts_on=old.starts_on,
        ends_on=old.ends_on,
        neighbourhood_ids=old.neighbourhood_ids,
        language=old.language,
        filename=f"small-sparks-report-{utcnow():%Y-%m-%d}.pdf",
        requested_by_id=old.requested_by_id,
        replaces_id=old.id,
    )
    db.session.add(remade)
    db.session.flush()
    audit.record(
        "report.withdrawn", object_type="report", object_id=report_id, reason=WITHDRAWN_STORY, made_again_as=remade.id
    )
    enqueue_after_commit(make_report, remade.id)
