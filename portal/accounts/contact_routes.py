"""A resident's ways of hearing from us, on the accounts blueprint: adding a mobile number or an email address (each
by a code sent to it) and choosing email, text or both."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import contact, services
from portal.accounts.forms import AddEmailForm, CheckEmailForm, CheckMobileForm, HearByForm, MobileForm
from portal.accounts.routes import SIGN_IN_LIMIT, TEXT_REFUSAL_TEXT, bp
from portal.common.access import signed_in
from portal.domain.mobiles import HearBy, shown
from portal.extensions import limiter

CONTACT_PROBLEM_TEXT = {
    "mobile_taken": lambda: _("That number is already used by another account. Sign out and sign in with it instead."),
    "email_taken": lambda: _(
        "That email address is already used by another account. Sign out and sign in with it instead."
    ),
}
# The refusals of a code sent by email to add the address.
EMAIL_CODE_REFUSAL_TEXT = {
    **TEXT_REFUSAL_TEXT,
    services.Refusal.CODE_WRONG: lambda: _("That code is not right. Check the email and try again."),
    services.Refusal.LINK_NOT_FOUND: lambda: _("There is no code waiting for this email address. Ask for a new one."),
}


def _contact_problem(reason: str, refusals: dict[Any, Any] = TEXT_REFUSAL_TEXT) -> str:
    if reason in CONTACT_PROBLEM_TEXT:
        return CONTACT_PROBLEM_TEXT[reason]()  # type: ignore[no-any-return]
    return refusals[services.Refusal(reason)]()  # type: ignore[no-any-return]


def _after_adding() -> Any:
    """With both ways now, the person chooses how to hear; with one, back to their account."""
    both = current_user.email and current_user.mobile and services.texts_offered()
    return redirect(url_for("accounts.how_we_contact_you" if both else "accounts.account"))


@bp.route("/account/how-we-contact-you", methods=["GET", "POST"])
@signed_in
def how_we_contact_you() -> Any:
    """Email, text or both: offered when the person has both an email address and a mobile number."""
    if not (current_user.email and current_user.mobile and services.texts_offered()):
        return redirect(url_for("accounts.account"))
    form = HearByForm(data=None if request.method == "POST" else {"hear_by": current_user.hear_by})
    if form.validate_on_submit():
        contact.choose_how_to_hear(current_user, HearBy(form.hear_by.data))
        flash(_("We will contact you the way you chose."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/how_we_contact_you.html", form=form)


@bp.route("/account/mobile", methods=["GET", "POST"])
@signed_in
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def add_mobile() -> Any:
    if not services.texts_offered():
        return redirect(url_for("accounts.account"))
    form = MobileForm()
    if form.validate_on_submit() and form.mobile:
        try:
            contact.send_mobile_check(current_user, form.mobile)
        except contact.ContactProblem as problem:
            form.number.errors.append(_contact_problem(problem.reason))
        else:
            session["adding_mobile"] = form.mobile
            return redirect(url_for("accounts.check_mobile"))
    return render_template("accounts/add_mobile.html", form=form)


@bp.route("/account/mobile/code", methods=["GET", "POST"])
@signed_in
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def check_mobile() -> Any:
    mobile = session.get("adding_mobile")
    if not mobile:
        return redirect(url_for("accounts.add_mobile"))
    form = CheckMobileForm()
    if form.validate_on_submit():
        try:
            contact.add_mobile(current_user, mobile, form.code.data)
        except contact.ContactProblem as problem:
            form.code.errors.append(_contact_problem(problem.reason))
        else:
            session.pop("adding_mobile", None)
            flash(_("Your mobile number has been added."), "success")
            return _after_adding()
    return render_template("accounts/check_mobile.html", form=form, mobile=shown(mobile))


@bp.route("/account/email", methods=["GET", "POST"])
@signed_in
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def add_email() -> Any:
    """A resident who signed up with a mobile number adds an email address, or a resident changes theirs."""
    form = AddEmailForm()
    if form.validate_on_submit():
        try:
            contact.send_email_check(current_user, form.address.data)
        except contact.ContactProblem as problem:
            form.address.errors.append(_contact_problem(problem.reason))
        else:
            session["adding_email"] = services.normalise_email(form.address.data)
            return redirect(url_for("accounts.check_email"))
    return render_template("accounts/add_email.html", form=form)


@bp.route("/account/email/code", methods=["GET", "POST"])
@signed_in
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def check_email() -> Any:
    email = session.get("adding_email")
    if not email:
        return redirect(url_for("accounts.add_email"))
    form = CheckEmailForm()
    if form.validate_on_submit():
        try:
            contact.add_email(current_user, email, form.code.data)
        except contact.ContactProblem as problem:
            form.code.errors.append(_contact_problem(problem.reason, EMAIL_CODE_REFUSAL_TEXT))
        else:
            session.pop("adding_email", None)
            flash(_("Your email address has been saved."), "success")
            return _after_adding()
    return render_template("accounts/check_email_code.html", form=form, email=email)
