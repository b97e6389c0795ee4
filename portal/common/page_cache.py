"""Whole public pages kept ready for visitors who are not signed in, one copy per page and language.

A public page is the same bytes for every visitor who asks for its address (its language is in the address, see
portal/common/front_door.py; its one inline script is allowed by a hash, not a nonce). It is kept as rendered for
the first visitor, with the headers it was sent with, and answered to the next before Flask builds a request
(`serve_kept`, called by the front door) to anyone who brings no session cookie, with `Cache-Control: public,
no-cache` and an ETag, so a shared cache in front may keep it too and asks again each time (answered 304 while it is
current). A visitor who has a session but is not signed in gets the kept copy through Flask, with their own CSRF
token put back where a page has a form. Nothing personal is in such a page, and nobody signed in ever gets one.
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
from flask import Flask, current_app, g, has_app_context, request, session, url_for
from flask_caching import Cache
from flask_compress.flask_compress import _choose_algorithm
from flask_compress.flask_compress import _compress_data as _compress
from flask_login import current_user
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import generate_csrf
from werkzeug.routing import BuildError

from portal.common.paging import MAX_PAGE
from portal.extensions import compress

cache = Cache()
log = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
SLOT_PREFIX = "public-pages:slot:"
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


def register_page_keeping(app: Flask) -> None:
    """Registered before every other hook, so it runs after them all and keeps a page with its final headers."""
    app.after_request(keep_public_page)


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


def _slot(identity: str, size: int) -> str:
    number = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big")
    return f"{SLOT_PREFIX}{number % size}"


def _identity(app: Flask, scheme: str, language: str, path: str, page: int) -> str:
    """What a kept page was made for: the release and asset build, the scheme (its headers differ: HSTS), the
    language, the day, the address and the page number."""
    manifest = app.extensions["asset_manifest"]
    manifest.current()
    release = f"{app.extensions['page_cache_release']}+{manifest.build}"
    return f"{release}|{scheme}|{language}|{date.today().isoformat()}|{path}|{page}"


def _etag(identity: str, version: str) -> str:
    return hashlib.sha256(f"{identity}|{version}".encode()).hexdigest()[:24]


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


_KEEP = "portal.page_cache.keep"
_PUBLIC = "portal.page_cache.etag"
# Headers a kept page is not answered with as they were: the answer's own length and encoding are worked out anew.
_NOT_REPLAYED = frozenset({"content-length", "content-encoding", "set-cookie", "etag"})


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
        identity = _identity(current_app, request.scheme, str(get_locale()), path, page)
        slot = _slot(identity, current_app.config["PUBLIC_PAGE_CACHE_SIZE"])
        request.environ[_PUBLIC] = _etag(identity, version)
        kept = _reach(cache.get, slot)
        if kept is not None and kept[0] == identity and kept[1] == version:
            html = kept[2] if CSRF_MARK not in kept[2] else kept[2].replace(CSRF_MARK, generate_csrf())
            response = current_app.response_class(html, mimetype="text/html")
            if kept[4]:
                response.headers["Cache-Control"] = kept[4]
            return _public(response)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code != 200 or response.direct_passthrough or request.environ.get(_SHOWN, 1) != page:
            request.environ.pop(_PUBLIC)
            return response  # an error, a file, or a page number past the last page: answered, not kept
        html = response.get_data(as_text=True)
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))  # only if the page has a form
        html = html.replace(token, CSRF_MARK) if token else html
        request.environ[_KEEP] = (slot, identity, version, html)
        return _public(response)

    return wrapper


def _public(response: Any) -> Any:
    response.headers.setdefault("Cache-Control", "public, no-cache")
    response.set_etag(request.environ[_PUBLIC])
    return response


def keep_public_page(response: Any) -> Any:
    """Keep a page just made with the headers it leaves with (this runs after every other hook): the front door
    answers the next visitor with both. A page that set a cookie or holds a form's token is kept only for Flask."""
    if _PUBLIC not in request.environ:
        return response
    response.vary.update(("Cookie", "Accept-Encoding"))
    keep = request.environ.pop(_KEEP, None)
    if keep is not None and response.status_code == 200:
        slot, identity, version, html = keep
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _NOT_REPLAYED]
        kept = (identity, version, html, None if CSRF_MARK in html else headers, response.headers.get("Cache-Control"))
        _reach(cache.set, slot, kept)
    return response


# Compressed copies of kept pages, made once a process: (etag, algorithm) -> bytes.
_encoded: dict[tuple[str, str], bytes] = {}


def serve_kept(app: Flask, environ: dict[str, Any], language: str) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The front door's answer for a visitor with no session: the kept page for this address if it is current,
    as (status, headers, body); None to let Flask answer."""
    if not app.config["PUBLIC_PAGE_CACHE"] or _pending["new_version"]:
        return None
    scheme = environ.get("wsgi.url_scheme", "http")
    match = CANONICAL_QUERY.fullmatch(environ.get("QUERY_STRING", ""))
    if match is None or (scheme != "https" and app.config.get("FORCE_HTTPS")):
        return None
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    identity = _identity(app, scheme, language, path, int(match.group(1) or 1))
    backend = app.extensions["cache"][cache]
    try:
        version, kept = backend.get_many(VERSION_KEY, _slot(identity, app.config["PUBLIC_PAGE_CACHE_SIZE"]))
    except Exception:  # the cache out of reach: Flask answers, and says so in the log
        return None
    if version is None or kept is None or kept[0] != identity or kept[1] != version or kept[3] is None:
        return None
    etag = _etag(identity, str(version))
    algorithm = _choose_algorithm(compress.enabled_algorithms, environ.get("HTTP_ACCEPT_ENCODING", ""))
    tag = f'"{etag}:{algorithm}"' if algorithm else f'"{etag}"'
    headers = [*kept[3], ("ETag", tag)]
    if tag in environ.get("HTTP_IF_NONE_MATCH", ""):
        return "304 Not Modified", headers, b""
    body = kept[2].encode()
    if algorithm:
        if len(_encoded) > app.config["PUBLIC_PAGE_CACHE_SIZE"]:
            _encoded.clear()
        body = _encoded.get((etag, algorithm)) or _encoded.setdefault(
            (etag, algorithm), _compress(app, body, algorithm)
        )
        headers.append(("Content-Encoding", algorithm))
    headers.append(("Content-Length", str(len(body))))
    return "200 OK", headers, body
