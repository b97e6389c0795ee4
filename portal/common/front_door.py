"""The front door: each language's own address, and public pages answered before Flask.

A page's language can be part of its address, as on GOV.UK's Welsh pages: `/cy/stories` is the stories page in Welsh,
`/ar/stories` in Arabic and `/en/stories` in English. The prefix is moved from the path into the script root, so
every address the app writes on a Welsh page (`url_for`) is Welsh too, with no view knowing; the static files keep
one address for every language. An address without a prefix shows the language the person chose (signed in, with
the switch's form), else English. So a public page is the same bytes for everyone who asks for its address.

A visitor who brings no session cookie and asks for a public page the cache holds (portal/common/page_cache.py) is
answered here, before Flask builds a request: no session, no locale negotiation, no CSRF token, no database. Anyone
else, and any page the cache does not hold, goes on to Flask as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, has_request_context, request, session
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

LANGUAGE_KEY = "portal.address_language"
BASE_KEY = "portal.base_script_root"

StartResponse = Callable[..., Any]


class Portal(Flask):
    """Flask, with static files at one address whatever language the page's own address is in."""

    def url_for(self, /, endpoint: str, **values: Any) -> str:  # type: ignore[override]
        address = super().url_for(endpoint, **values)
        if endpoint == "static" and has_request_context():
            language = request.environ.get(LANGUAGE_KEY)
            if language:
                base = request.environ[BASE_KEY]
                address = address.replace(f"{base}/{language}/", f"{base}/", 1)
        return address


def address_language() -> str | None:
    """The language this request's address names (`/cy/…`), if it names one."""
    return request.environ.get(LANGUAGE_KEY) if has_request_context() else None


def language_root(code: str) -> str:
    """Where the pages in the language `code` begin (the header's language links add the page's own address)."""
    return f"{request.environ.get(BASE_KEY, request.script_root)}/{code}"


class FrontDoor:
    """WSGI middleware: reads a language prefix, then answers kept public pages for visitors without a session."""

    def __init__(self, app: Flask, serve_kept: Callable[[Flask, dict[str, Any], str], Any]) -> None:
        self.app = app
        self.inner = app.wsgi_app
        self.serve_kept = serve_kept
        self.languages = frozenset(app.config["LANGUAGES"])
        self.session_cookie = f"{app.config['SESSION_COOKIE_NAME']}="

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        first, _, rest = path[1:].partition("/")
        language = None
        if first in self.languages and path.startswith("/"):
            language = first
            base = environ.get("SCRIPT_NAME", "")
            environ[BASE_KEY] = base
            environ[LANGUAGE_KEY] = language
            environ["SCRIPT_NAME"] = f"{base}/{language}"
            environ["PATH_INFO"] = f"/{rest}"
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and self.session_cookie not in environ.get("HTTP_COOKIE", "")
            and "HTTP_AUTHORIZATION" not in environ
            and self.for_us(environ)
        ):
            kept = self.serve_kept(self.app, environ, language or "en")
            if kept is not None:
                status, headers, body = kept
                start_response(status, headers)
                return [body]
        return self.inner(environ, start_response)

    def for_us(self, environ: dict[str, Any]) -> bool:
        """Whether the request names one of the portal's own hosts (TRUSTED_HOSTS): any other is left to Flask,
        which refuses it, as it would be refused for every other page."""
        trusted = self.app.config.get("TRUSTED_HOSTS")
        if not trusted:
            return True
        try:
            get_host(environ, trusted)
        except SecurityError:
            return False
        return True


def init_front_door(app: Flask, serve_kept: Callable[[Flask, dict[str, Any], str], Any]) -> None:
    app.wsgi_app = FrontDoor(app, serve_kept)  # type: ignore[method-assign]
    app.jinja_env.globals["language_root"] = language_root

    @app.before_request
    def remember_the_address_language() -> None:
        """Something sent from a page in a language (signing in from `/cy/…`) carries the language on to the
        pages without one that follow it."""
        language = address_language()
        if request.method == "POST" and language and session.get("lang") != language:
            session["lang"] = language
