"""PDFs from templates with WeasyPrint: tagged (PDF/UA-1) so screen readers get the title, language and headings."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import Response, render_template
from flask_babel import force_locale
from weasyprint import HTML
from weasyprint.urls import URLFetchingError


def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Our PDFs carry everything inline; refusing fetches means user text can never make the renderer call out."""
    raise URLFetchingError(f"PDFs do not load outside resources: {url[:40]}")


def render_pdf(template: str, *, language: str | None = None, **context: Any) -> bytes:
    """Render a Jinja template under templates/pdf/ to PDF bytes, in `language` when given (a PDF about an idea is
    in the idea's language, whoever downloads it)."""
    with force_locale(language) if language else nullcontext():
        html = render_template(template, **context)
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf: bytes, filename: str) -> Response:
    """Send a PDF as a download with a safe, non-personal filename."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
