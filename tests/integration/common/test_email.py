"""Email goes into the outbox in the caller's transaction and is delivered by a job after commit, never before."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from portal.common.email import MailStatus, OutboxMessage, deliver_email, send_email
from portal.common.jobs import FailedJob
from portal.common.transactions import transactional
from portal.extensions import db
from tests.conftest import outbox


class Collecting(Sink):
    def __init__(self, answer: str = "250 OK") -> None:
        self.messages: list = []
        self.answer = answer

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return self.answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collecting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


@pytest.fixture
def smtp_backend(app, smtp_server):
    port, handler = smtp_server
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield handler
    app.config.update(MAIL_BACKEND="outbox", MAIL_SERVER="localhost", MAIL_PORT=25)


@transactional
def queue_one(to: str = "neighbour@example.org", subject: str = "Hello", body: str = "A plain message") -> int:
    return send_email(to, subject, body).id


def test_a_message_is_kept_in_the_outbox_and_marked_sent_after_commit(app, db_session):
    queue_one()
    [message] = outbox("neighbour@example.org")
    assert (message.subject, message.body) == ("Hello", "A plain message")
    assert message.status == MailStatus.SENT
    assert message.attempts == 1


def test_sending_outside_a_unit_of_work_is_refused(app, db_session):
    with pytest.raises(RuntimeError, match="unit of work"):
        send_email("neighbour@example.org", "Hello", "A plain message")


def test_a_change_that_is_rolled_back_after_queueing_an_email_sends_nothing(app, db_session, smtp_backend):
    @transactional
    def change_then_fail() -> None:
        send_email("neighbour@example.org", "About something", "That never happened")
        raise RuntimeError("the change fails after the email was queued")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert outbox() == []
    assert smtp_backend.messages == []


def test_smtp_delivery_happens_after_commit(app, db_session, smtp_backend):
    sent_during_the_transaction = []

    @transactional
    def change() -> None:
        send_email("neighbour@example.org", "Your idea", "We have your idea – thank you.")
        sent_during_the_transaction.append(len(smtp_backend.messages))

    change()
    assert sent_during_the_transaction == [0]
    [envelope] = smtp_backend.messages
    assert envelope.rcpt_tos == ["neighbour@example.org"]
    assert b"Subject: Your idea" in envelope.content
    [message] = outbox()
    assert message.status == MailStatus.SENT and message.sent_at is not None


def test_delivering_twice_sends_once(app, db_session, smtp_backend):
    message_id = queue_one()
    deliver_email(message_id)
    deliver_email(message_id)
    assert len(smtp_backend.messages) == 1


def test_a_refused_message_is_recorded_for_another_try_without_the_address(app, db_session, smtp_backend):
    smtp_backend.answer = "451 Try again later"
    message_id = queue_one()  # the first try runs at once in tests, and fails
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    assert message.status == MailStatus.QUEUED
    assert message.attempts == 1
    assert "451" in message.last_error and "neighbour@example.org" not in message.last_error
    smtp_backend.answer = "250 OK"
    deliver_email(message_id)
    db.session.refresh(message)
    assert message.status == MailStatus.SENT and message.attempts == 2


def test_the_last_failed_try_marks_the_message_failed_and_lists_the_job(app, db_session, smtp_backend):
    from portal.common.jobs import jobs

    smtp_backend.answer = "550 No such mailbox"
    message_id = queue_one()
    db.session.execute(sa.update(OutboxMessage).values(attempts=5))
    db.session.commit()
    queue = jobs()
    task = queue.tasks["portal.common.email.deliver_email"]
    queue.huey.execute(task.s(message_id, retries=0))
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    assert message.status == MailStatus.FAILED
    [failure] = db.session.execute(sa.select(FailedJob)).scalars()
    assert failure.job == "portal.common.email.deliver_email"
    assert failure.arguments == f"[{message_id}]"
    assert "550" in failure.error and "neighbour@example.org" not in failure.error


def test_the_outbox_page_exists_only_in_development(app, client):
    assert client.get("/dev/outbox").status_code == 200
    from tests.conftest import make_test_app

    production_like = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], SHOW_DEV_OUTBOX=False)
    assert "dev.outbox" not in production_like.view_functions
