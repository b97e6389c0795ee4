"""Texts (and, with MAIL_BACKEND=notify, emails) go out through GOV.UK Notify: the real client against a local
server that speaks Notify's API (tests/support/notify_server.py): the request's shape, the API key's JWT, and what
happens when Notify refuses a message or fails for a while."""

from __future__ import annotations

import base64
import re
import time

import jwt
import pytest
import requests
import sqlalchemy as sa
from notifications_python_client.authentication import create_jwt_token

from portal.common.email import MailStatus, OutboxMessage, deliver_email, send_email, send_text
from portal.common.transactions import transactional
from portal.extensions import db
from tests.conftest import post_form
from tests.support.notify_server import NotifyServer, Template, api_key, serve, stop

TEXT_TEMPLATE, EMAIL_TEMPLATE, FILE_TEMPLATE = (
    "0f1e2d3c-0000-4000-8000-000000000001",
    "0f1e2d3c-0000-4000-8000-000000000002",
    "0f1e2d3c-0000-4000-8000-000000000003",
)
NUMBER = "+447700900123"


@pytest.fixture
def notify(app, db_session):
    key, service_id, secret = api_key()
    server = NotifyServer(
        service_id=service_id,
        secret=secret,
        templates={
            TEXT_TEMPLATE: Template("sms", "((body))"),
            EMAIL_TEMPLATE: Template("email", "((body))", subject="((subject))"),
            FILE_TEMPLATE: Template("email", "((body))\n\nDownload the file: ((link_to_file))", subject="((subject))"),
        },
    )
    running = serve(server)
    saved = {name: app.config[name] for name in ("TEXT_BACKEND", "MAIL_BACKEND")}
    app.config.update(
        TEXT_BACKEND="notify",
        MAIL_BACKEND="notify",
        NOTIFY_API_KEY=key,
        NOTIFY_BASE_URL=server.url,
        NOTIFY_TEXT_TEMPLATE_ID=TEXT_TEMPLATE,
        NOTIFY_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE,
        NOTIFY_EMAIL_FILE_TEMPLATE_ID=FILE_TEMPLATE,
    )
    yield server
    app.config.update(saved)
    stop(running)


@transactional
def queue_text(body: str = "Your idea has been funded. Sign in to accept the award.", to: str = NUMBER) -> int:
    return send_text(to, body).id


def message(message_id: int) -> OutboxMessage:
    row = db.session.get(OutboxMessage, message_id)
    db.session.refresh(row)
    return row


def test_a_texted_sign_in_code_goes_through_notify_as_its_api_describes(app, client, notify):
    assert post_form(client, "/sign-in", {"email": "07700 900123"}).status_code == 302
    [request] = notify.received
    assert request["path"] == "/v2/notifications/sms"
    sent = request["json"]
    assert sent["phone_number"] == NUMBER and sent["template_id"] == TEXT_TEMPLATE
    assert re.match(r"^\d{6} is your Small Sparks sign-in code", sent["personalisation"]["body"])
    assert set(sent) == {"phone_number", "template_id", "personalisation", "reference"}
    [row] = db.session.execute(sa.select(OutboxMessage)).scalars()
    assert sent["reference"] == f"outbox-{row.id}"  # no personal data in what Notify keeps beside the message
    assert row.status == MailStatus.SENT
    headers = request["headers"]
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith("NOTIFY-API-PYTHON-CLIENT/")
    claims = jwt.decode(headers["authorization"].removeprefix("Bearer "), notify.secret, algorithms=["HS256"])
    assert claims["iss"] == notify.service_id and set(claims) == {"iss", "iat"}


def test_a_sender_id_is_sent_when_set(app, notify):
    app.config["NOTIFY_TEXT_SENDER_ID"] = "7a9d7b39-0000-4000-8000-00000000000a"
    try:
        queue_text()
    finally:
        app.config["NOTIFY_TEXT_SENDER_ID"] = ""
    assert notify.received[0]["json"]["sms_sender_id"] == "7a9d7b39-0000-4000-8000-00000000000a"


def test_an_email_goes_through_notify_with_its_subject_and_body(app, notify):
    send = transactional(lambda: send_email("neighbour@example.org", "Your idea", "We have your idea.").id)
    message_id = send()
    [request] = notify.received
    assert request["path"] == "/v2/notifications/email"
    assert request["json"]["email_address"] == "neighbour@example.org"
    assert request["json"]["template_id"] == EMAIL_TEMPLATE
    assert request["json"]["personalisation"] == {"subject": "Your idea", "body": "We have your idea."}
    assert message(message_id).status == MailStatus.SENT


def test_an_email_with_a_file_uses_the_file_template_and_sends_the_file(app, notify):
    pdf = b"%PDF-1.7 remittance advice"
    send = transactional(
        lambda: send_email("org@example.org", "Remittance", "Attached.", attachment=pdf, attachment_name="r.pdf").id
    )
    message_id = send()
    sent = notify.received[0]["json"]
    assert sent["template_id"] == FILE_TEMPLATE
    upload = sent["personalisation"]["link_to_file"]
    assert upload["filename"] == "r.pdf"
    assert base64.b64decode(upload["file"]) == pdf
    assert message(message_id).status == MailStatus.SENT


@pytest.mark.parametrize(
    ("status", "kind", "text"),
    [(500, "Exception", "Internal server error"), (429, "RateLimitError", "Exceeded rate limit for key type LIVE")],
)
def test_a_failure_worth_trying_again_is_kept_and_tried_again(app, notify, status, kind, text):
    notify.fail_next.append((status, kind, text))
    message_id = queue_text()  # the first try runs at once in tests, and fails
    row = message(message_id)
    assert row.status == MailStatus.QUEUED and row.attempts == 1
    assert str(status) in row.last_error and "7700" not in row.last_error
    deliver_email(message_id)
    row = message(message_id)
    assert row.status == MailStatus.SENT and row.attempts == 2
    assert len(notify.received) == 2


def test_a_message_notify_refuses_is_failed_at_once_without_the_number(app, notify):
    notify.fail_next.append((400, "ValidationError", "phone_number Not a UK mobile number: +447700900123"))
    row = message(queue_text())
    assert row.status == MailStatus.FAILED and row.attempts == 1
    assert "Notify refused the message (400)" in row.last_error
    assert "7700" not in row.last_error and "900123" not in row.last_error
    deliver_email(row.id)  # a failed message is not tried again by itself
    assert len(notify.received) == 1


def test_a_wrong_api_key_is_refused_by_notify_and_the_message_failed(app, notify):
    wrong, _, _ = api_key()
    app.config["NOTIFY_API_KEY"] = wrong
    row = message(queue_text())
    assert row.status == MailStatus.FAILED
    assert "403" in row.last_error and "Invalid token" in row.last_error
    assert notify.received == []  # the server never took the request in


def test_a_missing_placeholder_is_refused_as_notify_would(app, notify):
    notify.templates[TEXT_TEMPLATE] = Template("sms", "((body)) ((signature))")
    row = message(queue_text())
    assert row.status == MailStatus.FAILED and "Missing personalisation: signature" in row.last_error


def test_the_server_checks_what_notify_checks(app, notify):
    """The stand-in is only worth testing against if it refuses what Notify refuses."""

    def post(path, data, token=None):
        token = token or create_jwt_token(notify.secret, notify.service_id)
        return requests.post(f"{notify.url}{path}", json=data, headers={"Authorization": f"Bearer {token}"}, timeout=5)

    good = {"phone_number": NUMBER, "template_id": TEXT_TEMPLATE, "personalisation": {"body": "hi"}}
    assert post("/v2/notifications/sms", good).status_code == 201
    assert post("/v2/notifications/sms", {**good, "phone_number": "0113 496 0000"}).status_code == 400
    assert post("/v2/notifications/sms", {**good, "template_id": EMAIL_TEMPLATE}).status_code == 400
    assert post("/v2/notifications/sms", {**good, "personalisation": {}}).status_code == 400
    old = jwt.encode({"iss": notify.service_id, "iat": 1}, notify.secret, algorithm="HS256")
    assert post("/v2/notifications/sms", good, token=old).status_code == 403
    forged = jwt.encode(
        {"iss": notify.service_id, "iat": int(time.time())}, "not the secret, but as long as one: 36 chars"
    )
    assert post("/v2/notifications/sms", good, token=forged).status_code == 403
