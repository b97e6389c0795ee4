"""Email and texts through an outbox: a message is written in the caller's transaction, and a job delivers it after
commit.

So a slow mail server never holds up a request or a lock, and a change that is rolled back sends nothing. Email
goes to SMTP or GOV.UK Notify (MAIL_BACKEND), texts to Notify (TEXT_BACKEND), or nowhere further in development and
tests, where /dev/outbox shows the messages; each message records whether it was sent or why it failed. Delivery is
safe to run twice: a message is claimed before it is sent, and a sent message is never sent again.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from portal.common import notify
from portal.common.constraints import one_of
from portal.common.jobs import describe, enqueue_after_commit, job
from portal.common.pence import sum_whole
from portal.common.sealed import EncryptedText, Sealed
from portal.common.status import claim_status, set_status_where
from portal.common.time import UTCDateTime, utcnow
from portal.common.transactions import transactional
from portal.domain.background import Channel, MailStatus
from portal.domain.mobiles import fragments
from portal.extensions import Model, db

__all__ = ["Channel", "MailStatus", "OutboxMessage", "send_email", "send_text"]


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("status", MailStatus),
        one_of("channel", Channel),
        sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(8), default=Channel.EMAIL.value, server_default=Channel.EMAIL.value)
    # An email's address; a text's number is kept encrypted in to_mobile, and to_address is empty.
    to_address: Mapped[str] = mapped_column(sa.String(320), index=True)
    to_mobile: Mapped[Sealed | None] = mapped_column(EncryptedText)
    # A text's fragments, what Notify charges by (portal.domain.mobiles.fragments).
    fragments: Mapped[int | None] = mapped_column(sa.SmallInteger)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(10), default=MailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # A PDF sent with the message (a remittance advice); loaded only when the message is sent.
    attachment: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(120))


def send_email(
    to: str, subject: str, body: str, *, attachment: bytes | None = None, attachment_name: str | None = None
) -> OutboxMessage:
    """Queue one plain-text email in the current unit of work; it is delivered after commit, never before.

    The subject is made one line (an idea's name saved before one-line fields were cleaned could hold a line break,
    which would stop the message at the mail library); an address with a line break is refused outright."""
    if "\r" in to or "\n" in to:
        raise ValueError("an email address cannot hold a line break")
    message = OutboxMessage(
        to_address=to,
        subject=" ".join(subject.split())[:300],
        body=body,
        attachment=attachment,
        attachment_name=attachment_name if attachment else None,
    )
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit(deliver_email, message.id)
    return message


def send_text(to_mobile: str, body: str) -> OutboxMessage:
    """Queue one text message (to a number in E.164 form) in the current unit of work; sent after commit."""
    message = OutboxMessage(
        channel=Channel.TEXT.value, to_address="", to_mobile=to_mobile, subject="", body=body, fragments=fragments(body)
    )
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit(deliver_email, message.id)
    return message


def _smtp_send(to: str, subject: str, body: str, attachment: bytes | None, attachment_name: str | None) -> None:
    config = current_app.config
    mail = EmailMessage()
    mail["From"] = config["MAIL_SENDER"]
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    if attachment:
        mail.add_attachment(attachment, maintype="application", subtype="pdf", filename=attachment_name or "file.pdf")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(mail)


@dataclass(frozen=True)
class _Claimed:
    channel: Channel
    to: str
    subject: str
    body: str
    attempts: int
    attachment: bytes | None
    attachment_name: str | None


@transactional
def _claim(message_id: int) -> _Claimed | None:
    """Compare-and-set queued → sending, so two workers given the same message never both send it."""
    if not claim_status(
        OutboxMessage,
        message_id,
        MailStatus.QUEUED,
        MailStatus.SENDING,
        claimed_at=utcnow(),
        attempts=OutboxMessage.attempts + 1,
    ):
        return None
    row = db.session.execute(
        sa.select(
            OutboxMessage.channel,
            OutboxMessage.to_address,
            OutboxMessage.to_mobile,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.attempts,
            OutboxMessage.attachment,
            OutboxMessage.attachment_name,
        ).where(OutboxMessage.id == message_id)
    ).one()
    # Plain values, read inside the transaction: nothing is loaded (or held open) while the mail server is called.
    channel, to_address, to_mobile, *rest = row
    to = to_mobile.reveal() if isinstance(to_mobile, Sealed) else to_address
    return _Claimed(Channel(channel), to, *rest)


@transactional
def _finish(message_id: int, status: MailStatus, error: str | None = None, retry_in: float = 0) -> None:
    values: dict[str, Any] = {"last_error": error}
    if status is MailStatus.SENT:
        values["sent_at"] = utcnow()
    if status is MailStatus.QUEUED:
        values["next_attempt_at"] = utcnow() + timedelta(seconds=retry_in)
    claim_status(OutboxMessage, message_id, MailStatus.SENDING, status, **values)


DELIVERY_RETRIES = 5


def _backend(channel: Channel) -> str:
    config = current_app.config
    return str(config["TEXT_BACKEND"] if channel is Channel.TEXT else config["MAIL_BACKEND"])


def _hand_over(message_id: int, message: _Claimed, backend: str) -> None:
    """Give one message to the service that delivers it; raises what that service raised."""
    reference = f"outbox-{message_id}"  # Notify keeps it with the message: no personal data
    if message.channel is Channel.TEXT:
        notify.send_text(message.to, message.body, reference)
    elif backend == "notify":
        notify.send_email(
            message.to, message.subject, message.body, reference, message.attachment, message.attachment_name
        )
    else:
        _smtp_send(message.to, message.subject, message.body, message.attachment, message.attachment_name)


@job(retries=DELIVERY_RETRIES, retry_delay=30, retry_backoff=3.0)
def deliver_email(message_id: int) -> None:
    """Send one queued message (an email or a text); a message already sent, or being sent by another worker, is
    left alone.

    The mail server or Notify is called outside any transaction and holds no lock. A failure is recorded on the
    message and raised, so the queue tries again later; after the last try the message is marked failed. A message
    Notify refuses outright (a number it cannot text) is marked failed at once: trying again would not help.
    """
    message = _claim(message_id)
    if message is None:
        return
    backend = _backend(message.channel)
    if backend not in ("smtp", "notify"):
        _finish(message_id, MailStatus.SENT)  # development and tests: the outbox page is the mailbox
        return
    try:
        _hand_over(message_id, message, backend)
    except notify.NotifyRefused as refused:
        _finish(message_id, MailStatus.FAILED, describe(refused))
        return
    except Exception as error:
        last_try = message.attempts > DELIVERY_RETRIES
        _finish(
            message_id,
            MailStatus.FAILED if last_try else MailStatus.QUEUED,
            describe(error),
            retry_in=30 * 3 ** (message.attempts - 1),
        )
        raise
    _finish(message_id, MailStatus.SENT)


@job(retries=0, schedule={"minute": "*/5"}, at_start=True)
def sweep_outbox() -> int:
    """Every five minutes, queue again mail whose job was lost: a queue that was down at commit, or a worker that
    stopped while sending. Returns how many messages were queued again."""
    return _sweep(utcnow())


@transactional
def _sweep(now: datetime) -> int:
    # As for files and photos (common/stalled.py): no sign of life for STALLED_WORK_SECONDS means the job was lost.
    stale = now - timedelta(seconds=current_app.config["STALLED_WORK_SECONDS"])
    set_status_where(
        OutboxMessage, [OutboxMessage.claimed_at < stale], MailStatus.SENDING, MailStatus.QUEUED, next_attempt_at=now
    )
    due = list(
        db.session.execute(
            sa.select(OutboxMessage.id)
            .where(OutboxMessage.status == MailStatus.QUEUED.value, OutboxMessage.next_attempt_at < stale)
            .order_by(OutboxMessage.id)
            .limit(500)
        ).scalars()
    )
    for message_id in due:
        enqueue_after_commit(deliver_email, message_id)
    return len(due)


@dataclass(frozen=True)
class TextsSent:
    texts: int
    fragments: int
    estimated_pence: int


def texts_sent_since(start: datetime) -> TextsSent:
    """Texts sent since `start`, the fragments Notify charges for, and their cost at TEXT_FRAGMENT_PENCE each."""
    texts, sent_fragments = db.session.execute(
        sa.select(sa.func.count(OutboxMessage.id), sum_whole(OutboxMessage.fragments)).where(
            OutboxMessage.channel == Channel.TEXT.value,
            OutboxMessage.status == MailStatus.SENT.value,
            OutboxMessage.sent_at >= start,
        )
    ).one()
    return TextsSent(int(texts), int(sent_fragments), int(sent_fragments) * current_app.config["TEXT_FRAGMENT_PENCE"])


def list_outbox(limit: int = 20) -> list[OutboxMessage]:
    """The newest messages in the development outbox, newest first."""
    return list(db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)).scalars())


@transactional
def requeue_failed_message(message_id: int) -> None:
    """Give a message that failed every try another round of tries (after the mail server is fixed)."""
    claim_status(OutboxMessage, message_id, MailStatus.FAILED, MailStatus.QUEUED, attempts=0, next_attempt_at=utcnow())
