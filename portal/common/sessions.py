"""Signed-in sessions: ended when idle or old, and their pages never stored."""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.common.time import utcnow


def register_session_hooks(app: Flask) -> None:
    """A signed-in session ends when idle for IDLE_TIMEOUT_MINUTES or older than SESSION_MAX_HOURS; personal pages
    and the answers to a POST are never stored by a browser or a cache."""

    @app.before_request
    def end_idle_and_old_sessions() -> Any:
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = int(utcnow().timestamp())
        last = session.get("last_active", now)
        idle = now - last > app.config["IDLE_TIMEOUT_MINUTES"] * 60
        # A session without its start time predates the limit: it is treated as just begun, never as endless.
        started = session.setdefault("signed_in_at", now)
        too_old = now - started > app.config["SESSION_MAX_HOURS"] * 3600
        if idle or too_old:
            logout_user()
            session.clear()
            flash(
                _("You were signed out because you had not done anything for a while. Sign in again to carry on.")
                if idle
                else _("You were signed out because you signed in a long time ago. Sign in again to carry on.")
            )
            return redirect(url_for("accounts.sign_in"))
        session["last_active"] = now
        session.permanent = True
        return None

    @app.after_request
    def personal_pages_are_not_stored(response: Any) -> Any:
        if request.endpoint != "static" and (current_user.is_authenticated or request.method == "POST"):
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
