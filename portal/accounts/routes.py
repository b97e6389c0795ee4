"""Sign-in and sign-out pages for residents and staff."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts import services, staff
from portal.accounts.forms import (
    ConfirmSignInForm,
    OneTimeCodeForm,
    SignInCodeForm,
    SignInEmailForm,
    SignInTextCodeForm,
    StaffSignInForm,
)
from portal.accounts.models import User
from portal.common.access import public, signed_in
from portal.common.crypto import sha256_hex
from portal.common.navigation import landing_page, role_links
from portal.common.time import utcnow
from portal.common.urls import safe_next
from portal.domain.mobiles import HearBy, MobileRefused, looks_like_email, shown, uk_mobile
from portal.extensions import limiter

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)

SIGN_IN_LIMIT = "10 per minute; 60 per hour"
# Every endpoint whose POST is a sign-in try, counted by the rate limits below.
COUNTED = frozenset(
    f"accounts.{name}"
    for name in (
        "sign_in",
        "enter_sign_in_code",
        "enter_texted_code",
        "add_mobile",
        "check_mobile",
        "add_email",
        "check_email",
        "confirm_sign_in_link",
        "staff_sign_in",
        "set_up_one_time_code",
        "enter_one_time_code",
    )
)
PENDING_STAFF_SECONDS = 600
CARRIED_OVER_SIGN_IN = ("lang", "checks")


@bp.before_request
def sign_in_only_while_its_tries_are_counted() -> None:
    """Sign-in fails closed: when the shared store that counts its tries (Redis) cannot be reached, a sign-in is
    refused with a plain "try again" (503) rather than let through uncounted. Elsewhere limits fail open (config:
    RATELIMIT_SWALLOW_ERRORS), so pages and open data still serve."""
    counting = request.method == "POST" and request.endpoint in COUNTED and limiter.enabled  # no store when off
    if counting and not limiter.storage.check():
        log.error("sign-in refused: the store that counts its tries cannot be reached")
        abort(503)


def _email_key() -> str:
    """The address or number a sign-in try is for, however it was typed (07911 123456 and +447911123456 are one)."""
    typed = request.form.get("email", "")
    if not looks_like_email(typed):
        try:
            return "mobile:" + services.mobile_lookup(uk_mobile(typed))
        except MobileRefused:
            pass
    return "email:" + sha256_hex(services.normalise_email(typed))


REFUSAL_TEXT = {
    services.Refusal.LINK_NOT_FOUND: lambda: _("That sign-in link does not work. Ask for a new one."),
    services.Refusal.LINK_USED: lambda: _("That sign-in link has already been used. Ask for a new one."),
    services.Refusal.LINK_EXPIRED: lambda: _(
        "That sign-in link has run out. Links last 30 minutes. Ask for a new one."
    ),
    services.Refusal.CODE_WRONG: lambda: _("That code is not right. Check the email and try again."),
    services.Refusal.TOO_MANY_ATTEMPTS: lambda: _("The code was wrong too many times. Ask for a new one."),
    services.Refusal.STAFF_USE_PASSWORD: lambda: _("This account signs in with a password. Use staff sign in."),
    services.Refusal.WRONG_PASSWORD: lambda: _("Your email address or password is not right"),
    services.Refusal.ACCOUNT_CLOSED: lambda: _("This account has been closed. Talk to your programme officer."),
    services.Refusal.TOO_MANY_LINKS: lambda: _(
        "You have asked for a lot of sign-in links today. Use the newest one, or try again tomorrow."
    ),
}
# The same refusals, for a code sent by text.
TEXT_REFUSAL_TEXT = {
    **REFUSAL_TEXT,
    services.Refusal.CODE_WRONG: lambda: _("That code is not right. Check the text and try again."),
    services.Refusal.LINK_EXPIRED: lambda: _("That code has run out. Codes last 30 minutes. Ask for a new one."),
    services.Refusal.LINK_USED: lambda: _("That code has already been used. Ask for a new one."),
    services.Refusal.LINK_NOT_FOUND: lambda: _("There is no code waiting for this number. Ask for a new one."),
    services.Refusal.TOO_MANY_LINKS: lambda: _(
        "You have asked for a lot of codes today. Use the newest one, or try again tomorrow."
    ),
}


def _begin_session(user: User, next_path: str | None = None) -> Any:
    next_url = safe_next(next_path or session.get("next"), landing_page(user))
    # A new session at sign-in, so nothing from before carries over but the language chosen and a pot's eligibility
    # answers (which pot, and which checks were "not sure": nothing about the person).
    kept = {key: session[key] for key in CARRIED_OVER_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    login_user(user)
    session["last_active"] = session["signed_in_at"] = int(utcnow().timestamp())
    session.permanent = True
    return redirect(next_url)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit("5 per 15 minutes", key_func=_email_key, methods=["POST"])
def sign_in() -> Any:
    if request.method == "GET" and (wanted := safe_next(request.args.get("next"), "")):
        session["next"] = wanted  # an address that is not a safe local path is dropped, not turned into "/"
    form = SignInEmailForm()
    if form.validate_on_submit() and form.mobile:
        try:
            services.send_sign_in_text(form.mobile)
        except services.SignInRefused as refused:
            form.email.errors.append(TEXT_REFUSAL_TEXT[services.Refusal(refused.reason)]())
        else:
            session.pop("sign_in_email", None)
            session["sign_in_mobile"] = form.mobile
            return redirect(url_for("accounts.check_your_phone"))
    elif form.validate_on_submit():
        try:
            services.send_sign_in_link(form.email.data)
        except services.SignInRefused as refused:
            form.email.errors.append(REFUSAL_TEXT[services.Refusal(refused.reason)]())
        else:
            session.pop("sign_in_mobile", None)
            session["sign_in_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("accounts.check_your_email"))
    return render_template(
        "accounts/sign_in.html", form=form, texts=services.texts_offered(), returning=bool(session.get("next"))
    )


@bp.get("/sign-in/check-your-phone")
@public
def check_your_phone() -> Any:
    if "sign_in_mobile" not in session:
        return redirect(url_for("accounts.sign_in"))
    mobile = shown(session["sign_in_mobile"])
    return render_template("accounts/check_your_phone.html", mobile=mobile, form=SignInTextCodeForm())


@bp.post("/sign-in/check-your-phone")
@public
@limiter.limit(SIGN_IN_LIMIT)
def enter_texted_code() -> Any:
    mobile = session.get("sign_in_mobile")
    if not mobile:
        return redirect(url_for("accounts.sign_in"))
    form = SignInTextCodeForm()
    if form.validate_on_submit():
        try:
            return _begin_session(services.sign_in_with_texted_code(mobile, form.code.data))
        except services.SignInRefused as refused:
            form.code.errors.append(TEXT_REFUSAL_TEXT[services.Refusal(refused.reason)]())
    return render_template("accounts/check_your_phone.html", mobile=shown(mobile), form=form)


@bp.get("/sign-in/check-your-email")
@public
def check_your_email() -> Any:
    if "sign_in_email" not in session:
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/check_your_email.html", email=session["sign_in_email"], form=SignInCodeForm())


@bp.post("/sign-in/check-your-email")
@public
@limiter.limit(SIGN_IN_LIMIT)
def enter_sign_in_code() -> Any:
    email = session.get("sign_in_email")
    if not email:
        return redirect(url_for("accounts.sign_in"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        try:
            return _begin_session(services.sign_in_with_code(email, form.code.data))
        except services.SignInRefused as refused:
            form.code.errors.append(REFUSAL_TEXT[services.Refusal(refused.reason)]())
    return render_template("accounts/check_your_email.html", email=email, form=form)


@bp.route("/sign-in/link/<string:token>", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def confirm_sign_in_link(token: str) -> Any:
    # GET only shows a button: mail scanners that open links must not use up the link.
    form = ConfirmSignInForm()
    try:
        if form.validate_on_submit():
            return _begin_session(*services.sign_in_with_link(token))
        services.check_sign_in_link(token)
    except services.SignInRefused as refused:
        return render_template(
            "accounts/link_problem.html", message=REFUSAL_TEXT[services.Refusal(refused.reason)]()
        ), 400
    return render_template("accounts/confirm_sign_in.html", form=form)


@bp.route("/staff/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit("10 per 15 minutes", key_func=_email_key, methods=["POST"])
def staff_sign_in() -> Any:
    form = StaffSignInForm()
    if form.validate_on_submit():
        try:
            user, nonce = staff.check_staff_password(form.email.data, form.password.data)
        except services.SignInRefused as refused:
            form.password.errors.append(REFUSAL_TEXT[services.Refusal(refused.reason)]())
        else:
            session["pending_staff"] = {"id": user.id, "at": int(utcnow().timestamp()), "nonce": nonce}
            if staff.needs_one_time_code_set_up(user):
                return redirect(url_for("accounts.set_up_one_time_code"))
            return redirect(url_for("accounts.enter_one_time_code"))
    form.password.data = ""  # never send a password back to the browser
    return render_template("accounts/staff_sign_in.html", form=form)


def _pending_staff() -> User:
    pending = session.get("pending_staff")
    if not pending or int(utcnow().timestamp()) - pending["at"] > PENDING_STAFF_SECONDS:
        abort(redirect(url_for("accounts.staff_sign_in")))
    user = staff.pending_staff_sign_in(pending["id"], str(pending.get("nonce", "")))
    if user is None:  # ended: too many wrong codes, or a newer sign-in with the password
        session.pop("pending_staff", None)
        flash(_("Sign in again with your password."))
        abort(redirect(url_for("accounts.staff_sign_in")))
    return user


def _check_code(user: User, form: OneTimeCodeForm) -> Any:
    """Sign in with a right code; explain a wrong one; after too many, back to the password."""
    outcome = staff.sign_in_with_one_time_code(user, form.code.data)
    if outcome is staff.CodeOutcome.SIGNED_IN:
        return _begin_session(user)
    if outcome is staff.CodeOutcome.START_AGAIN:
        session.pop("pending_staff", None)
        flash(_("The code was wrong too many times. Sign in again with your password."))
        return redirect(url_for("accounts.staff_sign_in"))
    form.code.errors.append(_("That code is not right. Enter the code your app shows now."))
    return None


@bp.route("/staff/set-up-code", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def set_up_one_time_code() -> Any:
    user = _pending_staff()
    if not staff.needs_one_time_code_set_up(user):
        return redirect(url_for("accounts.enter_one_time_code"))
    form = OneTimeCodeForm()
    if form.validate_on_submit() and (done := _check_code(user, form)) is not None:
        return done
    set_up = staff.begin_one_time_code_set_up(user)
    return render_template("accounts/set_up_code.html", form=form, set_up=set_up)


@bp.route("/staff/enter-code", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def enter_one_time_code() -> Any:
    user = _pending_staff()
    if staff.needs_one_time_code_set_up(user):
        return redirect(url_for("accounts.set_up_one_time_code"))
    form = OneTimeCodeForm()
    if form.validate_on_submit() and (done := _check_code(user, form)) is not None:
        return done
    return render_template("accounts/enter_code.html", form=form)


@bp.post("/sign-out")
@public
def sign_out() -> Any:
    if current_user.is_authenticated:
        services.sign_out(current_user)
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You have signed out."), "success")
    return redirect(url_for("pages.home"))


@bp.post("/keep-signed-in")
@signed_in
def keep_signed_in() -> Any:
    # Every signed-in request renews the idle clock (portal/common/sessions.py); this one exists for the timeout
    # warning's button.
    if request.accept_mimetypes.best == "application/json":
        return "", 204
    return redirect(safe_next(request.form.get("next"), url_for("accounts.account")))


@bp.get("/account")
@signed_in
def account() -> str:
    mobile = shown(current_user.mobile.reveal()) if current_user.mobile else None
    return render_template(
        "accounts/account.html", roles=role_links(), mobile=mobile, texts=services.texts_offered(), hear_by=HearBy
    )
