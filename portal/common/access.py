"""Access control as decorators. Every route carries one, and an architecture test checks that they all do."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, has_request_context, redirect, request, url_for
from flask_login import current_user

from portal.domain.roles import Role


@dataclass(frozen=True)
class Access:
    kind: str  # "public", "signed_in", "role", "object"
    roles: frozenset[Role] = frozenset()
    # For role routes that take an object id: why any holder of the role may see every such object.
    scope: str = ""


def keep_for_request(loaded: Any) -> Any:
    """Keep what an access check loaded until the request ends, so the view's own lookup of it is answered from the
    session instead of a second query (the session holds what it loaded only as long as something else does)."""
    if loaded is not None and has_request_context():
        request.environ.setdefault("portal.kept_for_request", []).append(loaded)
    return loaded


def _mark(view: Callable[..., Any], access: Access) -> None:
    view.access = access  # type: ignore[attr-defined]


def _sign_in_redirect() -> Any:
    return redirect(url_for("accounts.sign_in", next=request.path))


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Anyone may see this page, signed in or not."""
    _mark(view, Access("public"))
    return view


def public_because(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Anyone may see this page about an object, for the reason `scope` gives (an open pot's questions are as
    public as the neighbourhood page that links to them)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        _mark(view, Access("public", scope=scope))
        return view

    return decorator


def public_if(
    check: Callable[[Any, dict[str, Any]], bool], description: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Anyone, signed in or not, for whom check(user, view_kwargs) is true (what a resident allowed the public to
    see); others get 404, so nothing leaks that it exists."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user, kwargs):
                abort(404)
            return view(*args, **kwargs)

        _mark(wrapper, Access("public", scope=description))
        return wrapper

    return decorator


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Anyone who is signed in, whatever their roles."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _sign_in_redirect()
        return view(*args, **kwargs)

    _mark(wrapper, Access("signed_in"))
    return wrapper


def role_required(*roles: Role, scope: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only people holding one of these roles; others get 403. `scope` explains role-wide access to objects."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _sign_in_redirect()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        _mark(wrapper, Access("role", frozenset(roles), scope))
        return wrapper

    return decorator


def object_access(
    check: Callable[[Any, dict[str, Any]], bool], description: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only people for whom check(user, view_kwargs) is true; others get 404, so nothing leaks that it exists."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _sign_in_redirect()
            if not check(current_user, kwargs):
                abort(404)
            return view(*args, **kwargs)

        _mark(wrapper, Access("object", scope=description))
        return wrapper

    return decorator


def on_your_panel(user: Any, kwargs: dict[str, Any]) -> bool:
    """This neighbourhood is one whose panel you sit on."""
    return user.has_role(Role.PANEL_MEMBER) and kwargs.get("neighbourhood_id") in user.panel_neighbourhood_ids


panel_neighbourhood = object_access(on_your_panel, "this neighbourhood is on your panel")
