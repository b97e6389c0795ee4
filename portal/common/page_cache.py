"""Whole public pages kept ready for visitors who are not signed in, one copy per page and language.

A page is cached as rendered for an anonymous visitor, with this request's CSP nonce and CSRF token (the language
switch's form) replaced by marks; serving it puts the new request's values back. Nothing personal is in such a page.
Every commit that changes what public pages show (neighbourhoods, pots, awards, stories, their photos, a person's
name, the open-data settings) moves the cache on to a new version, so the next visitor sees the change at once,
whichever process made the change (a web server or a background job). The copies live in Redis when REDIS_URL is
set (as production requires), else in files under the instance folder, which every process on the machine shares.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, request, session
from flask_caching import Cache
from flask_login import current_user
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import generate_csrf

cache = Cache()

VERSION_KEY = "public-pages:version"
NONCE_MARK = "\x1ecsp-nonce\x1e"
CSRF_MARK = "\x1ecsrf-token\x1e"
_CHANGED = "public_pages_changed"
ALLOWED_ARGUMENTS = frozenset({"page"})


def init_page_cache(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    config = (
        {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "small-sparks:"}
        if redis_url
        else {
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": app.config.get("PAGE_CACHE_DIR") or os.path.join(app.instance_path, "page-cache"),
            "CACHE_THRESHOLD": 2000,
        }
    )
    cache.init_app(app, config={**config, "CACHE_DEFAULT_TIMEOUT": 24 * 3600})


def watched_models() -> tuple[type, ...]:
    """What the public pages show: a change to any of these starts a new version of the cache."""
    from portal.accounts.models import User
    from portal.awards.models import Award
    from portal.opendata.models import OpenDataSettings
    from portal.programme.models import Neighbourhood, Pot
    from portal.stories.models import Story, StoryPhoto

    return (Neighbourhood, Pot, Award, Story, StoryPhoto, User, OpenDataSettings)


def _shows_publicly(instance: Any) -> bool:
    from portal.accounts.models import User

    if isinstance(instance, User):  # sign-ins change a person's row; only their name reaches a public page
        return bool(sa.inspect(instance).attrs.name.history.has_changes())
    return isinstance(instance, watched_models())


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
    cache.set(VERSION_KEY, uuid.uuid4().hex)


def _cacheable() -> bool:
    return (
        current_app.config["PUBLIC_PAGE_CACHE"]
        and request.method == "GET"
        and set(request.args) <= ALLOWED_ARGUMENTS
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


def cached_for_visitors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve this public page from the cache to visitors who are not signed in (see the module's notes)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _cacheable():
            return view(*args, **kwargs)
        from flask_babel import get_locale

        version = cache.get(VERSION_KEY) or "0"
        key = f"public-pages:{version}:{get_locale()}:{date.today().isoformat()}:{request.full_path}"
        kept = cache.get(key)
        if kept is None:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough:
                return response
            nonce = getattr(request, "csp_nonce", "")
            page = response.get_data(as_text=True).replace(generate_csrf(), CSRF_MARK)
            cache.set(key, (page.replace(nonce, NONCE_MARK) if nonce else page, response.headers.get("Cache-Control")))
            return response
        page, cache_control = kept
        html = page.replace(NONCE_MARK, getattr(request, "csp_nonce", "")).replace(CSRF_MARK, generate_csrf())
        response = current_app.response_class(html, mimetype="text/html")
        if cache_control:
            response.headers["Cache-Control"] = cache_control
        return response

    return wrapper
