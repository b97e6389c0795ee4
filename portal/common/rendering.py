"""Rendering outside a request (a background job, a command) as if for the public site's address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, has_request_context


@contextmanager
def rendering_context() -> Iterator[None]:
    """Render emails and PDFs the same in a request, a command or a background job: as for SERVER_BASE_URL."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=current_app.config["SERVER_BASE_URL"]):
        yield
