"""GOV.UK Notify, the messaging service UK councils already use, for texts (and for email when MAIL_BACKEND=notify).

Every message goes through one general template per kind that Notify holds: a text template whose whole content
is `((body))`, and an email template with the subject `((subject))` and the content `((body))`. The portal writes
the words (in the resident's language); Notify delivers them. The client is made for each message (it is not
thread-safe) and talks to NOTIFY_BASE_URL, which tests point at a local server that speaks Notify's API.
"""

from __future__ import annotations

import io
from typing import Any

from flask import current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from notifications_python_client.utils import prepare_upload

# Notify answers these for a message it will never accept as it is (a bad number, a missing template, a key
# without permission): trying again cannot help, so the message is marked failed at once. Anything else (429 too
# many requests, a 5xx, no answer) is tried again later.
PERMANENT = frozenset({400, 403})


class NotifyRefused(Exception):
    """Notify will never send this message as it is; the message says why (no personal data)."""


def _client() -> NotificationsAPIClient:
    config = current_app.config
    return NotificationsAPIClient(
        config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=config["MAIL_TIMEOUT_SECONDS"]
    )


def _send(method: str, **arguments: Any) -> str:
    """Call one of the client's methods; returns the notification's id. Raises NotifyRefused for a permanent
    refusal, and Notify's APIError (or the network's error) for a failure worth trying again."""
    client = _client()
    try:
        response = getattr(client, method)(**arguments)
    except APIError as error:
        if error.status_code in PERMANENT:
            raise NotifyRefused(f"Notify refused the message ({error.status_code}): {error.message}") from error
        raise
    finally:
        client.request_session.close()  # one client a message: its connection goes with it
    return str(response["id"])


def send_text(phone_number: str, body: str, reference: str) -> str:
    config = current_app.config
    return _send(
        "send_sms_notification",
        phone_number=phone_number,
        template_id=config["NOTIFY_TEXT_TEMPLATE_ID"],
        personalisation={"body": body},
        reference=reference,
        sms_sender_id=config["NOTIFY_TEXT_SENDER_ID"] or None,
    )


def send_email(
    email_address: str, subject: str, body: str, reference: str, attachment: bytes | None, attachment_name: str | None
) -> str:
    """An email through Notify. An attachment becomes a link to download it (Notify's sending of files: a second
    template, NOTIFY_EMAIL_FILE_TEMPLATE_ID, also holds `((link_to_file))`; files are at most 2 MB)."""
    config = current_app.config
    personalisation: dict[str, Any] = {"subject": subject, "body": body}
    template = config["NOTIFY_EMAIL_TEMPLATE_ID"]
    if attachment:
        personalisation["link_to_file"] = prepare_upload(io.BytesIO(attachment), filename=attachment_name)
        template = config["NOTIFY_EMAIL_FILE_TEMPLATE_ID"]
    return _send(
        "send_email_notification",
        email_address=email_address,
        template_id=template,
        personalisation=personalisation,
        reference=reference,
        email_reply_to_id=config["NOTIFY_EMAIL_REPLY_TO_ID"] or None,
    )
