"""PDFs from templates with WeasyPrint: tagged (PDF/UA-1) so screen readers get the title, language and headings.

Every PDF is drawn here, and never while the database session holds a transaction open (drawing takes from
milliseconds to minutes): callers gather what a document needs into plain values, end their transaction
(`finish_reading`, or return from a @transactional service), then draw.
"""

from __future__ import annotations

import os
import threading
from contextlib import nullcontext
from typing import Any

from flask import Response, current_app
from flask_babel import force_locale, get_locale
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetchingError

from portal.common.rendering import rendering_context
from portal.common.transactions import refuse_inside_transaction

# Fonts are subset (only the glyphs a PDF uses are embedded, so a page weighs kilobytes, not a megabyte). fontTools
# stamps each subset with the time it was made unless SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes
# it; fixed here, the same values always draw the same bytes, so a file made again has the same hash.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1577836800")  # 2020-01-01


def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Our PDFs carry everything inline; refusing fetches means user text can never make the renderer call out."""
    raise URLFetchingError(f"PDFs do not load outside resources: {url[:40]}")


# Photos travel inside the HTML as data: addresses; nothing is fetched from anywhere else.
only_embedded = URLFetcher(allowed_protocols={"data"})


def pdf_html(template: str, *, language: str | None = None, **context: Any) -> str:
    """A template under templates/pdf/ rendered to HTML, in `language` when given (a PDF about an idea is in the
    idea's language, whoever downloads it).

    The page layout's context (navigation, the signed-in person) is not used: a PDF shows only what it is given,
    so rendering it cannot reach back into the database.
    """
    refuse_inside_transaction("drawing a PDF")
    with rendering_context(), force_locale(language) if language else nullcontext():
        current = str(get_locale() or "en")
        values = {
            "config": current_app.config,
            "current_language": current,
            "is_rtl": current in current_app.config["RTL_LANGUAGES"],
            **context,
        }
        html = current_app.jinja_env.get_template(template).render(values)
    refuse_inside_transaction("drawing a PDF (the template loaded rows from the database)")
    return html


# Left to itself, WeasyPrint makes a FontConfiguration (a fontconfig and Pango font map) for every document, and the
# native memory behind it is never given back: about 0.24 MB a PDF, so a job worker grew without end under the R4
# soak. One per thread is kept instead (the job worker and gunicorn run fixed pools of threads): layout and writing
# happen on one thread, and Pango's font maps are not to be shared between threads. Our PDFs load no @font-face,
# so a configuration holds only the system's fonts and is the same for every document.
_fonts = threading.local()


def font_configuration() -> FontConfiguration:
    """This thread's FontConfiguration, made on first use."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def layout_pdf(html: str, *, url_fetcher: Any = no_fetching) -> Document:
    """Lay out HTML as pages, to be written with write_document (or joined with others)."""
    refuse_inside_transaction("drawing a PDF")
    return HTML(string=html, url_fetcher=url_fetcher).render(font_config=font_configuration())


def write_document(document: Document, *, tagged: bool = True, **options: Any) -> bytes:
    """A laid-out document as PDF bytes: tagged PDF/UA-1 unless it is a part to be joined with others. Other
    options go to WeasyPrint's write_pdf."""
    refuse_inside_transaction("drawing a PDF")
    if tagged:
        options["pdf_variant"] = "pdf/ua-1"
    return document.write_pdf(**options)  # type: ignore[no-any-return]


def draw_pdf(html: str, *, url_fetcher: Any = no_fetching, tagged: bool = True, **options: Any) -> bytes:
    """HTML drawn as a PDF."""
    return write_document(layout_pdf(html, url_fetcher=url_fetcher), tagged=tagged, **options)


def render_pdf(template: str, *, language: str | None = None, **context: Any) -> bytes:
    """A template under templates/pdf/ drawn as a tagged PDF, from the plain values in context."""
    return draw_pdf(pdf_html(template, language=language, **context))


def pdf_response(pdf: bytes, filename: str) -> Response:
    """Send a PDF as a download with a safe, non-personal filename."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
