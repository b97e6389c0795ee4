"""How far a file made in the background (an export, a report) has got, for its page and its status route.

The page never refreshes itself (WCAG 2.2.1): without JavaScript it shows the state and a "Check again" button;
with JavaScript, app.mjs asks the status route (access-checked like the page) every few seconds and puts what it
says in a polite live region, stopping when the file is ready (showing the link) or failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify

from portal.domain.background import FileStatus


@dataclass(frozen=True)
class Progress:
    """The state of a file being made, in words for the person waiting, and where to go once it is done."""

    status: str
    message: str
    link_href: str | None = None
    link_text: str | None = None
    detail: str | None = None  # a line in small print under the link (a file's SHA-256, to check it by)

    @property
    def done(self) -> bool:
        return self.status in (FileStatus.READY.value, FileStatus.FAILED.value)

    def as_json(self) -> dict[str, Any]:
        link = {"href": self.link_href, "text": self.link_text} if self.link_href and self.link_text else None
        return {"status": self.status, "done": self.done, "message": self.message, "link": link, "detail": self.detail}


def progress_response(progress: Progress) -> Response:
    """The status route's answer: never cached, so each check sees the file as it is now."""
    response = jsonify(progress.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response
