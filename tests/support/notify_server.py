"""A local HTTP server that speaks GOV.UK Notify's API as its documentation describes
(https://docs.notifications.service.gov.uk/rest-api.html), for the parts the portal uses: sending a text and an email
through a template. The real client (notifications-python-client) talks to it through its base URL setting.

It checks what Notify checks: the Authorization header's JWT (HS256, signed with the API key's secret, `iss` the
service id, `iat` within 30 seconds), the JSON body's fields, that the template exists and is of the right kind,
that every placeholder has a value, and that a phone number is a UK mobile. It answers 201 with Notify's response
shape, or Notify's error shape ({"status_code": …, "errors": [{"error": …, "message": …}]}); `fail_next` queues
errors to answer with (a 500, a 429) before it answers normally again.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

from portal.domain.mobiles import MobileRefused, uk_mobile

PLACEHOLDER = re.compile(r"\(\(([^)?]+)\)\)")


def api_key(name: str = "portal_test") -> tuple[str, str, str]:
    """A Notify-shaped API key: `{name}-{service id}-{secret}`; returns the key, the service id and the secret."""
    service_id, secret = str(uuid.uuid4()), str(uuid.uuid4())
    return f"{name}-{service_id}-{secret}", service_id, secret


@dataclass
class Template:
    kind: str  # "sms" or "email"
    body: str
    subject: str = ""


@dataclass
class NotifyServer:
    service_id: str
    secret: str
    templates: dict[str, Template]
    received: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[tuple[int, str, str]] = field(default_factory=list)
    url: str = ""

    def _check_token(self, header: str) -> str | None:
        """Why the Authorization header is refused, as Notify words it; None if it is good."""
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        token = header.removeprefix("Bearer ")
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            if jwt.get_unverified_header(token).get("alg") != "HS256":
                return "Invalid token: algorithm used is not HS256"
            if unverified.get("iss") != self.service_id:
                return "Invalid token: service not found"
            jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            return "Invalid token: signature, api token not found"
        if abs(time.time() - int(unverified.get("iat", 0))) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        refused = self._check_token(headers.get("authorization", ""))
        if refused:
            return 403, error(403, "AuthError", refused)
        try:
            data = json.loads(body)
        except ValueError:
            return 400, error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        self.received.append({"path": path, "headers": headers, "json": data})
        if self.fail_next:
            status, kind, message = self.fail_next.pop(0)
            return status, error(status, kind, message)
        kinds = {
            "/v2/notifications/sms": ("sms", "phone_number"),
            "/v2/notifications/email": ("email", "email_address"),
        }
        if path not in kinds:
            return 404, error(404, "NoResultFound", "Not found")
        kind, recipient = kinds[path]
        return self._send(kind, recipient, data)

    def _send(self, kind: str, recipient: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        for name in (recipient, "template_id"):
            if not isinstance(data.get(name), str) or not data[name]:
                return 400, error(400, "ValidationError", f"{name} is a required property")
        template = self.templates.get(data["template_id"])
        if template is None or template.kind != kind:
            return 400, error(400, "BadRequestError", "Template not found")
        if kind == "sms":
            try:
                uk_mobile(data["phone_number"])
            except MobileRefused:
                return 400, error(400, "ValidationError", "phone_number Not a UK mobile number")
        values = data.get("personalisation") or {}
        missing = sorted({name for name in PLACEHOLDER.findall(template.body + template.subject)} - set(values))
        if missing:
            return 400, error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        notification_id = str(uuid.uuid4())

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: _shown(values[m.group(1)]), text)

        content: dict[str, Any] = {"body": fill(template.body)}
        if kind == "sms":
            content["from_number"] = "SmallSpark"
        else:
            content.update(subject=fill(template.subject), from_email="sparks@notifications.service.gov.uk")
        return 201, {
            "id": notification_id,
            "reference": data.get("reference"),
            "content": content,
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": data["template_id"], "version": 1, "uri": f"{self.url}/v2/templates/x"},
        }


def _shown(value: Any) -> str:
    if isinstance(value, dict) and "file" in value:  # a file sent by email: Notify puts a link in its place
        return "https://documents.service.gov.uk/d/example"
    return str(value)


def error(status: int, kind: str, message: str) -> dict[str, Any]:
    return {"status_code": status, "errors": [{"error": kind, "message": message}]}


def serve(notify: NotifyServer) -> ThreadingHTTPServer:
    """Start the server on a free port in a thread; notify.url is set to its address. stop() it afterwards."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, answer = notify.answer(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    notify.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()
