"""Whole public pages kept ready for visitors who are not signed in, one copy per page and language.

A page is cached as rendered for an anonymous visitor, with this request's CSP nonce and CSRF token (the language
switch's form) replaced by marks; serving it puts the new request's values back. Nothing personal is in such a page.
Every commit that changes what public pages show (neighbourhoods, pots, awards, stories, their photos, a person's
name, the open-data settings) moves the cache on to a new version, so the next visitor sees the change at once,
whichever process made the change (a web server or a background job). The copies live in Redis when REDIS_URL is
set (as production requires), else in files under the instance folder, which every process on the machine shares.

Only canonical addresses are kept: the page's own path as the app writes it, with no query string or only
`?page=N` on a page that pages (the view says which page it showed, with `shown_page`) and N a page that exists.
Anything else (`/?page=x`, `/stories?page=99999`, `/stories/007`, a tracking parameter) is answered fresh and kept
nowhere, so made-up addresses cannot flood the cache. The cache is also bounded by construction: each page has one
of PUBLIC_PAGE_CACHE_SIZE slots (a hash of its language, day and address), holding the page with the address and
version it was made for; a page that is out of date, or whose slot another page has taken, is simply made again
and put back in that slot. Nothing else is ever written, so however many versions, days or visitors come and go,
there are never more than PUBLIC_PAGE_CACHE_SIZE pages and the version.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, request, session, url_for
from flask_caching import Cache
from flask_login import current_user
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import generate_csrf
from werkzeug.routing import BuildError

from portal.common.assets import asset_build
from portal.common.paging import MAX_PAGE

cache = Cache()
log = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
SLOT_PREFIX = "public-pages:slot:"
NONCE_MARK = "\x1ecsp-nonce\x1e"
CSRF_MARK = "\x1ecsrf-token\x1e"
_CHANGED = "public_pages_changed"


def init_page_cache(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    # Keys start with the queue's name, so several portals can share one Redis.
    prefix = f"{app.config['JOBS_QUEUE_NAME']}:"
    config = (
        {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": prefix,
            # A Redis that is down or stuck costs a page a moment, not the page: it is then made fresh.
            "CACHE_OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
        if redis_url
        else {
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": app.config.get("PAGE_CACHE_DIR") or os.path.join(app.instance_path, "page-cache"),
            # Above what the slots can fill, so the file cache's own pruning (a scan of every file, on every
            # write once over) never starts, and never removes the version first (it removes keys without an
            # expiry before any other).
            "CACHE_THRESHOLD": app.config["PUBLIC_PAGE_CACHE_SIZE"] + 100,
        }
    )
    cache.init_app(app, config={**config, "CACHE_DEFAULT_TIMEOUT": 24 * 3600})
    app.extensions["page_cache_release"] = release_of(app)


def release_of(app: Flask) -> str:
    """A short hash of what makes a page (the code, the templates and the compiled translations), worked out once
    at start: a copy kept by one release is never served by another, such as the one deployed after it beside the
    same Redis, which would point to stylesheets the new build no longer has."""
    root = Path(app.root_path)
    digest = hashlib.sha256()
    folders = (root, Path(app.template_folder or root.parent / "templates"), root.parent / "translations")
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".mo") and path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# What the public pages show, as each feature declares it (common imports no feature): a change to any of these
# models starts a new version of the cache. A model may give a test of which changes reach a public page.
_WATCHED: dict[type, Callable[[Any], bool] | None] = {}


def shown_on_public_pages(model: type, changed: Callable[[Any], bool] | None = None) -> None:
    """Declare that `model` appears on public pages; `changed(instance)` says whether a change to it does (default:
    every change)."""
    _WATCHED[model] = changed


def watched_models() -> tuple[type, ...]:
    return tuple(_WATCHED)


def _shows_publicly(instance: Any) -> bool:
    for model, changed in _WATCHED.items():
        if isinstance(instance, model):
            return changed(instance) if changed is not None else True
    return False


@sa.event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Any, flush_context: Any) -> None:
    if any(_shows_publicly(o) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: Any) -> None:
    """UPDATE, DELETE and bulk INSERT statements (status compare-and-set, the scale data) bypass the flush."""
    if state.is_select:
        return
    watched = watched_models()
    if any(mapper.class_ in watched for mapper in state.all_mappers):
        state.session.info[_CHANGED] = True


@sa.event.listens_for(Session, "after_commit")
def _new_version_after_commit(session: Any) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        forget_public_pages()


@sa.event.listens_for(Session, "after_rollback")
def _nothing_changed_after_rollback(session: Any) -> None:
    session.info.pop(_CHANGED, None)


def forget_public_pages() -> None:
    """Move the cache on to a new version. With the cache out of reach (Redis down), the move is remembered and made
    by this process as soon as the cache answers again, before it serves any page from it."""
    if _reach(cache.set, VERSION_KEY, uuid.uuid4().hex, timeout=0) is None:  # never expires: see _version
        _pending["new_version"] = True


# Whether this process owes the cache a new version: it committed a change while the cache was out of reach.
_pending = {"new_version": False}


def _reach(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The cache's answer, or None when it cannot be reached: public pages are then made fresh, never refused."""
    try:
        return call(*args, **kwargs)
    except Exception as error:  # redis-py's ConnectionError and TimeoutError, whichever the backend raises
        log.warning("the public page cache is out of reach: %s", type(error).__name__)
        return None


# A page number as the site writes one: no sign, no leading zero, nothing after it.
CANONICAL_QUERY = re.compile(r"(?:page=([1-9][0-9]{0,4}))?")
_SHOWN = "portal.page_cache.shown_page"


def shown_page(page: int) -> None:
    """A cached view that pages says which page it showed (after bringing the number asked for into range), so
    only an address for a page that exists is kept."""
    request.environ[_SHOWN] = page


def _cacheable() -> bool:
    return (
        current_app.config["PUBLIC_PAGE_CACHE"]
        and request.method == "GET"
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


def _canonical_address() -> tuple[str, int] | None:
    """This page's address as the app writes it and the page number asked for; None for any other spelling."""
    match = CANONICAL_QUERY.fullmatch(request.query_string.decode("latin-1"))
    if match is None or request.endpoint is None:
        return None
    page = int(match.group(1) or 1)
    try:
        path = url_for(request.endpoint, **(request.view_args or {}))
    except BuildError:
        return None
    if path != request.script_root + request.path or page > MAX_PAGE:
        return None
    return path, page


def _slot(identity: str) -> str:
    number = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big")
    return f"{SLOT_PREFIX}{number % current_app.config['PUBLIC_PAGE_CACHE_SIZE']}"


def _version() -> str | None:
    """The current version; a new one if the cache has lost it (a version never comes back, so nothing made
    before it was lost can be served as current)."""
    if _pending["new_version"]:
        if _reach(cache.set, VERSION_KEY, uuid.uuid4().hex, timeout=0) is None:
            return None
        _pending["new_version"] = False
    version = _reach(cache.get, VERSION_KEY)
    if version is None:
        _reach(cache.add, VERSION_KEY, uuid.uuid4().hex, timeout=0)
        version = _reach(cache.get, VERSION_KEY)
    return str(version) if version is not None else None


def cached_for_visitors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve this public page from the cache to visitors who are not signed in (see the module's notes)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        address = _canonical_address() if _cacheable() else None
        version = _version() if address else None
        if address is None or version is None:
            return view(*args, **kwargs)
        from flask_babel import get_locale

        path, page = address
        release = f"{current_app.extensions['page_cache_release']}+{asset_build()}"
        identity = f"{release}|{get_locale()}|{date.today().isoformat()}|{path}|{page}"
        slot = _slot(identity)
        kept = _reach(cache.get, slot)
        if kept is not None and kept[0] == identity and kept[1] == version:
            html = kept[2].replace(NONCE_MARK, getattr(request, "csp_nonce", "")).replace(CSRF_MARK, generate_csrf())
            response = current_app.response_class(html, mimetype="text/html")
            if kept[3]:
                response.headers["Cache-Control"] = kept[3]
            return response
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code != 200 or response.direct_passthrough or request.environ.get(_SHOWN, 1) != page:
            return response  # an error, a file, or a page number past the last page: answered, not kept
        nonce = getattr(request, "csp_nonce", "")
        html = response.get_data(as_text=True).replace(generate_csrf(), CSRF_MARK)
        html = html.replace(nonce, NONCE_MARK) if nonce else html
        _reach(cache.set, slot, (identity, version, html, response.headers.get("Cache-Control")))
        return response

    return wrapper
