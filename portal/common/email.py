"""Sending email through one small interface: SMTP in production, a database outbox in development and tests."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

import sqlalchemy as sa
from flask import current_app, has_request_context
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.time import UTCDateTime, utcnow
from portal.extensions import Model, db


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(320), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


class Sender(Protocol):
    def send(self, message: Email) -> None: ...


class OutboxSender:
    """Keeps messages in the database (in the caller's transaction) for the development outbox page and tests."""

    def send(self, message: Email) -> None:
        db.session.add(OutboxMessage(to_address=message.to, subject=message.subject, body=message.body))
        db.session.flush()


class SMTPSender:
    """Sends through the SMTP server named by the MAIL_* settings."""

    def send(self, message: Email) -> None:
        config = current_app.config
        mail = EmailMessage()
        mail["From"] = config["MAIL_SENDER"]
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(mail)


def sender() -> Sender:
    return SMTPSender() if current_app.config["MAIL_BACKEND"] == "smtp" else OutboxSender()


def send_email(to: str, subject: str, body: str) -> None:
    """Send one plain-text email with the configured sender."""
    sender().send(Email(to=to, subject=subject, body=body))


def list_outbox(limit: int = 20) -> list[OutboxMessage]:
    """The newest messages in the development outbox, newest first."""
    return list(db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)).scalars())


@contextmanager
def rendering_context() -> Iterator[None]:
    """Render emails the same in a request, a command or a background thread: as for the public site's address."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=current_app.config["SERVER_BASE_URL"]):
        yield
