"""How we reach a resident: adding a mobile number or an email address to their account (by a code sent to it),
codes texted for something they agree to, and how they choose to hear from us."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template

from portal.accounts.models import SignInToken, User
from portal.accounts.services import (
    Refusal,
    matching_code,
    mobile_lookup,
    new_emailed_code,
    new_texted_code,
    normalise_email,
    over_daily_cap,
)
from portal.common import audit
from portal.common.email import send_email, send_text
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.mobiles import HearBy
from portal.extensions import db


class ContactProblem(Exception):
    """A number or address cannot be added: `reason` is "mobile_taken" or "email_taken" (another account has it),
    or a Refusal's value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def send_mobile_check(person: User, mobile: str) -> None:
    """Text a code to a number the signed-in person wants to add (E.164), to show it is theirs. Raises
    ContactProblem("mobile_taken") if another account has that number, or for too many codes today."""
    problem = _send_mobile_check(person.id, mobile)
    if problem is not None:
        raise ContactProblem(problem)


@transactional
def _send_mobile_check(person_id: int, mobile: str) -> str | None:
    lookup = mobile_lookup(mobile)
    owner = db.session.execute(sa.select(User.id).where(User.mobile_lookup == lookup)).scalar()
    if owner is not None and owner != person_id:
        return "mobile_taken"
    if over_daily_cap(SignInToken.mobile_lookup == lookup):
        return Refusal.TOO_MANY_LINKS.value
    row, code = new_texted_code(lookup, for_user_id=person_id, purpose="add_mobile")
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    send_text(mobile, render_template("accounts/text/check_mobile.txt", code=code, minutes=minutes).strip())
    audit.record("user.mobile_check_sent", actor_id=person_id, object_type="sign_in_token", object_id=row.id)
    return None


def add_mobile(person: User, mobile: str, code: str) -> None:
    """Add the number to the person's account with the code texted to it; raises ContactProblem otherwise."""
    problem = _add_mobile(person.id, mobile, code)
    if problem is not None:
        raise ContactProblem(problem)


@transactional
def _add_mobile(person_id: int, mobile: str, code: str) -> str | None:
    # Returns the problem rather than raising it, so the count of wrong tries is committed.
    lookup = mobile_lookup(mobile)
    problem = _use_code(SignInToken.mobile_lookup == lookup, lookup, code, "mobile", person_id)
    if problem is not None:
        return problem
    if db.session.execute(sa.select(User.id).where(User.mobile_lookup == lookup, User.id != person_id)).first():
        return "mobile_taken"  # someone else added it meanwhile
    person = db.session.execute(locked(sa.select(User).where(User.id == person_id))).scalar_one()
    person.mobile = mobile  # type: ignore[assignment] # encrypted on the way in (EncryptedText)
    person.mobile_lookup = lookup
    audit.record("user.mobile_added", actor_id=person_id, object_type="user", object_id=person_id)
    return None


def send_email_check(person: User, email: str) -> None:
    """Email a code to an address the signed-in person wants to add or change to, to show it is theirs (a resident
    who signed up with a mobile number, say). Raises ContactProblem("email_taken") if another account has it, or for
    too many codes today."""
    problem = _send_email_check(person.id, normalise_email(email))
    if problem is not None:
        raise ContactProblem(problem)


@transactional
def _send_email_check(person_id: int, email: str) -> str | None:
    if _email_owner(email, person_id) is not None:
        return "email_taken"
    if over_daily_cap(SignInToken.email == email):
        return Refusal.TOO_MANY_LINKS.value
    row, code = new_emailed_code(email, for_user_id=person_id, purpose="add_email")
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    send_email(
        email,
        render_template("accounts/email/check_email_subject.txt").strip(),
        render_template("accounts/email/check_email.txt", code=code, minutes=minutes),
    )
    audit.record("user.email_check_sent", actor_id=person_id, object_type="sign_in_token", object_id=row.id)
    return None


def add_email(person: User, email: str, code: str) -> None:
    """Make the address the person's own with the code emailed to it; raises ContactProblem otherwise."""
    problem = _add_email(person.id, normalise_email(email), code)
    if problem is not None:
        raise ContactProblem(problem)


@transactional
def _add_email(person_id: int, email: str, code: str) -> str | None:
    # Returns the problem rather than raising it, so the count of wrong tries is committed.
    problem = _use_code(SignInToken.email == email, email, code, "email", person_id)
    if problem is not None:
        return problem
    if _email_owner(email, person_id) is not None:
        return "email_taken"  # someone signed up with it meanwhile
    person = db.session.execute(locked(sa.select(User).where(User.id == person_id))).scalar_one()
    had_email = person.email is not None
    person.email = email
    audit.record(
        "user.email_changed" if had_email else "user.email_added",
        actor_id=person_id,
        object_type="user",
        object_id=person_id,
    )
    return None


def _use_code(sent_to: sa.ColumnElement[bool], salt: str, code: str, way: str, person_id: int) -> str | None:
    """Use the newest code sent there (`way`: "mobile" or "email") for this person to add it; why not, if not."""
    mine = sa.and_(sent_to, SignInToken.for_user_id == person_id, SignInToken.purpose == f"add_{way}")
    row = matching_code(mine, salt, code, f"user.{way}_code_wrong", actor_id=person_id)
    if isinstance(row, Refusal):
        return row.value
    row.used_at = utcnow()
    return None


def _email_owner(email: str, person_id: int) -> int | None:
    return db.session.execute(sa.select(User.id).where(User.email == email, User.id != person_id)).scalar()


def text_code_for(person: User, purpose: str, template: str, **context: Any) -> None:
    """In the caller's unit of work: text a 6-number code to the person's own mobile number, for `purpose` (such as
    "agree:<idea id>"); `template` words it, given the code and its minutes. Raises ContactProblem for a person
    without a number, or past the daily cap of codes to it."""
    if person.mobile is None or not person.mobile_lookup:
        raise ContactProblem("no_mobile")
    if over_daily_cap(SignInToken.mobile_lookup == person.mobile_lookup):
        raise ContactProblem(Refusal.TOO_MANY_LINKS.value)
    row, code = new_texted_code(person.mobile_lookup, for_user_id=person.id, purpose=purpose)
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    send_text(person.mobile.reveal(), render_template(template, code=code, minutes=minutes, **context).strip())
    audit.record("code.texted", object_type="sign_in_token", object_id=row.id, purpose=purpose.split(":")[0])


def use_code_for(person: User, purpose: str, code: str, actor_id: int | None = None) -> Refusal | None:
    """In the caller's unit of work: use the newest code texted to the person for `purpose`; None if it was right,
    else why not (a wrong try is counted, so the caller commits rather than rolls back)."""
    if not person.mobile_lookup:
        return Refusal.LINK_NOT_FOUND
    sent_to = sa.and_(
        SignInToken.mobile_lookup == person.mobile_lookup,
        SignInToken.for_user_id == person.id,
        SignInToken.purpose == purpose,
    )
    row = matching_code(sent_to, person.mobile_lookup, code, "code.wrong", actor_id=actor_id)
    if isinstance(row, Refusal):
        return row
    row.used_at = utcnow()
    return None


@transactional
def choose_how_to_hear(person: User, hear_by: HearBy) -> None:
    """Email, text or both, among the ways the person has (the page offers only those)."""
    person = db.session.execute(locked(sa.select(User).where(User.id == person.id))).scalar_one()
    person.hear_by = hear_by.value
    audit.record(
        "user.hear_by_chosen", actor_id=person.id, object_type="user", object_id=person.id, hear_by=hear_by.value
    )
