"""A resident's outcome story, its photos, and the invitation to tell it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.common.constraints import one_of
from portal.common.page_cache import shown_on_public_pages
from portal.common.time import UTCDateTime, utcnow
from portal.domain.stories import Consent, PhotoStatus, StillGoing, StoryStatus, WentToPlan, YesNoNotSure
from portal.extensions import Model

if TYPE_CHECKING:
    from portal.applications.models import Application


class StoryInvitation(Model):
    """The one invitation to tell a story about an idea, and the one gentle reminder (which the resident can turn
    off). Kept apart from the story, which exists only once the resident starts one and goes when they delete it."""

    __tablename__ = "story_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_off: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class Story(Model):
    """What happened with a small spark, in the resident's words, and who they allow to see it."""

    __tablename__ = "stories"
    __table_args__ = (
        one_of("status", StoryStatus),
        one_of("consent", Consent),
        one_of("went_to_plan", WentToPlan),
        one_of("group_formed", YesNoNotSure),
        one_of("still_going", YesNoNotSure),
        one_of("agreement", ("resident", "spoken")),
        # Stories waiting to be read (oldest first) and published ones (newest first).
        sa.Index("ix_stories_status_sent_at", "status", "sent_at", "id"),
        sa.Index("ix_stories_status_published_at", "status", "published_at", "id"),
        sa.CheckConstraint("people_count IS NULL OR people_count >= 0", name="people_count_not_negative"),
        sa.Index("ix_stories_published", "status", "published_at"),
        # Published stories with a resident's change waiting for review (oldest first).
        sa.Index("ix_stories_review_requested_at", "review_requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=StoryStatus.DRAFT.value)
    what_happened: Mapped[str | None] = mapped_column(sa.Text)
    went_to_plan: Mapped[str | None] = mapped_column(sa.String(10))
    learned: Mapped[str | None] = mapped_column(sa.Text)
    people_count: Mapped[int | None] = mapped_column(sa.Integer)
    group_formed: Mapped[str | None] = mapped_column(sa.String(10))
    still_going: Mapped[str | None] = mapped_column(sa.String(10))
    way_connect: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    way_be_active: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    way_take_notice: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    way_keep_learning: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    way_give: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    consent: Mapped[str | None] = mapped_column(sa.String(20))
    # The first name the resident asked to be shown with their story (only when they chose to be named).
    first_name: Mapped[str | None] = mapped_column(sa.String(40))
    # Sent by the resident, or by a community builder with and for them, with the day the resident agreed.
    agreement: Mapped[str] = mapped_column(sa.String(10), default="resident")
    agreed_on: Mapped[date | None] = mapped_column(sa.Date)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The words the public reads when an officer took personal details out; None means the resident's own words.
    public_text: Mapped[str | None] = mapped_column(sa.Text)
    edit_note: Mapped[str | None] = mapped_column(sa.Text)
    # What a programme officer reviewed and the public sees: the title and the first name shown (None: no name). A
    # resident's later change that makes anything more public waits here until an officer accepts it
    # (review_requested_at); one that makes anything more private changes these at once.
    public_title: Mapped[str | None] = mapped_column(sa.String(200))
    public_name: Mapped[str | None] = mapped_column(sa.String(40))
    review_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # When its words and photos were removed (kept only for the programme, and kept long enough); its counts stay.
    words_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    photos: Mapped[list[StoryPhoto]] = relationship(
        back_populates="story", order_by="StoryPhoto.id", cascade="all, delete-orphan"
    )

    @property
    def shown_text(self) -> str:
        return self.public_text if self.public_text is not None else (self.what_happened or "")

    @property
    def shown_title(self) -> str:
        """The title as reviewed when it was published (the idea's name, unless an officer changed it)."""
        return self.public_title if self.public_title is not None else (self.application.idea_name or "")


class StoryPhoto(Model):
    """One photo of a story: stored under generated names, a large and a small version once processed."""

    __tablename__ = "story_photos"
    __table_args__ = (one_of("status", PhotoStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=PhotoStatus.PROCESSING.value)
    # The upload as it came, kept only until it is processed (it may hold location data); then removed.
    original_key: Mapped[str | None] = mapped_column(sa.String(120))
    large_key: Mapped[str | None] = mapped_column(sa.String(120))
    small_key: Mapped[str | None] = mapped_column(sa.String(120))
    large_width: Mapped[int | None] = mapped_column(sa.Integer)
    large_height: Mapped[int | None] = mapped_column(sa.Integer)
    small_width: Mapped[int | None] = mapped_column(sa.Integer)
    small_height: Mapped[int | None] = mapped_column(sa.Integer)
    alt_text: Mapped[str] = mapped_column(sa.String(250), default="")
    # The description a programme officer reviewed, shown to the public; None while the photo is not public.
    public_alt_text: Mapped[str | None] = mapped_column(sa.String(250))
    # The resident changed this photo's answers since its review, in a way that waits for an officer.
    review_requested: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    may_share: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    shows_children: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    refused_reason: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a worker was last handed it or showed it was working on it, and how often it was queued again after a
    # worker stopped mid-way (portal/common/stalled.py).
    worked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requeued: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")

    story: Mapped[Story] = relationship(back_populates="photos")


shown_on_public_pages(Story)
shown_on_public_pages(StoryPhoto)


class StillGoingCheck(Model):
    """ "Is it still going?", asked once six and once twelve months after an idea's award was paid: by the way the
    resident chose, through a single-use link (only its hash is kept), or recorded by a community builder from a
    conversation (`recorded_by_id`)."""

    __tablename__ = "still_going_checks"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "months"),
        sa.CheckConstraint("months IN (6, 12)", name="months_known"),
        one_of("answer", StillGoing),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    months: Mapped[int] = mapped_column(sa.SmallInteger)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    told: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # False: we could not reach them; a builder asks
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    answer: Mapped[str | None] = mapped_column(sa.String(10))
    words: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship()
