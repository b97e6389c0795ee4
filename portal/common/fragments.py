"""The layout's unchanging parts (the header with its links and language switch, the footer), rendered once a process
for each language, set of header links and address prefix, and reused by every page: GOV.UK Frontend's macros are
the slowest part of drawing a page, and these are the same on every page a person sees.

What differs from one request to the next is left as a mark in the kept copy and put in when it is used: this
request's CSRF token (the sign-out and language forms) and this page's own address (where the language switch
comes back to). A fragment's key holds everything else it is drawn from (the caller names it), and the template
changes only with a new release, which starts new processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

TOKEN = "\x1efragment-token\x1e"  # noqa: S105 - where the token goes, not a secret # nosec B105
HERE = "\x1efragment-here\x1e"
_kept: dict[tuple[Any, ...], str] = {}


def this_address() -> str:
    """This page's address as the app received it (path and query), without the language or script root."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def kept_fragment(name: str, key: Any, draw: Callable[[], Any]) -> Markup:
    """The fragment `name` for `key`: drawn by `draw` (a template macro) the first time, kept after that, with this
    request's token and address put in."""
    html = _kept.get((name, key))
    if html is None:
        if len(_kept) > 2000:
            _kept.clear()
        html = _kept[(name, key)] = str(draw())
    if HERE in html:
        html = html.replace(HERE, str(escape(this_address())))
    if TOKEN in html:
        html = html.replace(TOKEN, generate_csrf())
    return Markup(html)  # noqa: S704 - drawn with autoescape; only escaped values are put in # nosec B704


def fragment_marks() -> dict[str, str]:
    return {"token": Markup(TOKEN), "here": Markup(HERE)}  # noqa: S704 - fixed marks, no input # nosec B704
