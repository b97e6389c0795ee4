"""Safe redirects (only ever to a path on this site), this site's absolute addresses, and whether a request comes from
the machine itself."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for


def base_url() -> str:
    """The start of this site's absolute addresses: SERVER_BASE_URL, never the request's Host header, which the
    client chooses (a forged one would reach every visitor through a cached page or file)."""
    return str(current_app.config["SERVER_BASE_URL"]).rstrip("/")


def absolute_url(endpoint: str, **values: Any) -> str:
    return base_url() + url_for(endpoint, **values)


def safe_next(target: str | None, default: str = "/") -> str:
    """Return target if it is a local path (no scheme, no host, no backslashes, no control characters), else
    default. A line break in a redirect's Location header would otherwise fail the response."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def is_local_request() -> bool:
    """The request comes from the machine the portal runs on (the development outbox is shown to nobody else)."""
    return request.remote_addr in ("127.0.0.1", "::1")
