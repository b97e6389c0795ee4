"""Public pages and the language switch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user

from portal.accounts.services import remember_language
from portal.common.access import public
from portal.common.page_cache import cached_for_visitors
from portal.common.urls import safe_next
from portal.programme.services import list_open_neighbourhoods

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
@cached_for_visitors
def home() -> str:
    return render_template("pages/home.html", neighbourhoods=list_open_neighbourhoods())


@bp.get("/accessibility")
@public
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
@public
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.get("/cookies")
@public
def cookies() -> str:
    return render_template("pages/cookies.html")


@bp.post("/language")
@public
def change_language() -> Any:
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = language
    if current_user.is_authenticated:
        remember_language(current_user, language)
    return redirect(safe_next(request.form.get("next")))
