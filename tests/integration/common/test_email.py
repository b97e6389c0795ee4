"""Email goes through one interface: the development outbox, or a real SMTP server."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from portal.common.email import OutboxSender, SMTPSender, send_email, sender
from tests.conftest import outbox


class Collecting(Sink):
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collecting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def test_the_outbox_keeps_messages_for_tests_and_development(app, db_session):
    assert isinstance(sender(), OutboxSender)
    send_email("neighbour@example.org", "Hello", "A plain message")
    [message] = outbox("neighbour@example.org")
    assert (message.subject, message.body) == ("Hello", "A plain message")


def test_smtp_sends_a_real_message(app, db_session, smtp_server):
    port, handler = smtp_server
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        assert isinstance(sender(), SMTPSender)
        send_email("neighbour@example.org", "Your idea", "We have your idea – thank you.")
    finally:
        app.config.update(MAIL_BACKEND="outbox", MAIL_SERVER="localhost", MAIL_PORT=25)
    [envelope] = handler.messages
    assert envelope.rcpt_tos == ["neighbour@example.org"]
    assert b"Subject: Your idea" in envelope.content
    assert outbox() == []


def test_the_outbox_page_exists_only_in_development(app, client):
    assert client.get("/dev/outbox").status_code == 200
    from tests.conftest import make_test_app

    production_like = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], SHOW_DEV_OUTBOX=False)
    assert "dev.outbox" not in production_like.view_functions
