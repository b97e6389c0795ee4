"""Staff sign-in: a password, then a one-time code from an authenticator app (set up at the first sign-in)."""

from __future__ import annotations

import functools
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import pyotp
import segno
import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from portal.accounts.models import User
from portal.accounts.services import Refusal, SignInRefused, get_user, get_user_by_email, password_hasher
from portal.common import audit
from portal.common.crypto import decrypt, encrypt
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.extensions import db


class CodeOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    START_AGAIN = "start_again"  # too many wrong codes: back to the password


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when no account matches keeps the time the same, so timing does not reveal accounts.
    Made on first use, not at import: argon2 takes 64 MiB to hash, which every process (a worker exporting PDFs)
    would otherwise carry as its peak."""
    return password_hasher.hash("not-a-real-password")


def check_staff_password(email: str, password: str) -> tuple[User, str]:
    """Return the staff member whose password this is, and the nonce of the sign-in it begins (for the
    pending-sign-in cookie); raises SignInRefused(WRONG_PASSWORD) otherwise. Wrong passwords are audited."""
    outcome = _check_staff_password(email, password)
    if isinstance(outcome, Refusal):
        raise SignInRefused(outcome)
    return outcome


@transactional
def _check_staff_password(email: str, password: str) -> tuple[User, str] | Refusal:
    # Returns the refusal rather than raising it, so the audit event of a wrong password is committed.
    user = get_user_by_email(email)
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    try:
        password_hasher.verify(stored, password)
        matched = user is not None and user.password_hash is not None
    except (VerificationError, InvalidHashError):
        matched = False
    if not matched or user is None or not user.is_staff:
        # The account, if there is one, is named by id; the address typed is never written down.
        audit.record(
            "sign_in.staff_password_wrong", object_type="user" if user else "", object_id=user.id if user else ""
        )
        return Refusal.WRONG_PASSWORD
    if not user.is_active:
        return Refusal.ACCOUNT_CLOSED
    user = db.session.execute(locked(sa.select(User).where(User.id == user.id))).scalar_one()
    user.staff_sign_in_nonce = secrets.token_urlsafe(24)
    return user, user.staff_sign_in_nonce


def pending_staff_sign_in(user_id: int, nonce: str) -> User | None:
    """The staff member whose sign-in this pending cookie continues, or None if that sign-in has been ended."""
    user = get_user(user_id)
    if user is None or not user.staff_sign_in_nonce or not hmac.compare_digest(user.staff_sign_in_nonce, nonce):
        return None
    return user


def needs_one_time_code_set_up(user: User) -> bool:
    return user.totp_confirmed_at is None


@dataclass(frozen=True)
class CodeSetUp:
    secret: str
    qr_svg: str


@transactional
def begin_one_time_code_set_up(user: User) -> CodeSetUp:
    """Give a staff member a new authenticator secret (stored encrypted) until they confirm it with a code."""
    if user.totp_secret_encrypted and user.totp_confirmed_at is None:
        secret = decrypt(user.totp_secret_encrypted)
    else:
        secret = pyotp.random_base32()
        user.totp_secret_encrypted = encrypt(secret)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["PROGRAMME_NAME"])
    qr = segno.make(uri, error="m").svg_inline(scale=4, title=None)
    return CodeSetUp(secret=secret, qr_svg=qr)


def _matching_step(user: User, code: str) -> int | None:
    if not user.totp_secret_encrypted:
        return None
    totp = pyotp.TOTP(decrypt(user.totp_secret_encrypted))
    now = utcnow()
    for drift in (0, -1, 1):  # allow one 30-second step either side for a slow phone clock
        at = now + timedelta(seconds=30 * drift)
        if hmac.compare_digest(totp.at(at), code):
            return totp.timecode(at)
    return None


@transactional
def sign_in_with_one_time_code(user: User, code: str) -> CodeOutcome:
    """Check a staff member's one-time code; a code is refused if it or an earlier one was already used.

    Wrong codes are counted for the account, whichever address or browser sends them (the row is locked, so codes
    sent at once are all counted): after STAFF_CODE_TRIES the sign-in ends and the person starts again from the
    password. Every wrong code is audited.
    """
    user = db.session.execute(locked(sa.select(User).where(User.id == user.id))).scalar_one()
    step = _matching_step(user, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        user.staff_code_failures = (user.staff_code_failures or 0) + 1
        audit.record(
            "sign_in.staff_code_wrong",
            actor_id=user.id,
            object_type="user",
            object_id=user.id,
            failures=user.staff_code_failures,
        )
        if user.staff_code_failures >= current_app.config["STAFF_CODE_TRIES"]:
            user.staff_code_failures = 0
            user.staff_sign_in_nonce = None
            audit.record("sign_in.staff_sign_in_ended", actor_id=user.id, object_type="user", object_id=user.id)
            return CodeOutcome.START_AGAIN
        return CodeOutcome.WRONG
    user.totp_last_step = step
    user.staff_code_failures = 0
    user.staff_sign_in_nonce = None
    if user.totp_confirmed_at is None:
        user.totp_confirmed_at = utcnow()
        audit.record("one_time_code.set_up", actor_id=user.id, object_type="user", object_id=user.id)
    user.last_sign_in_at = utcnow()
    audit.record("sign_in.staff", actor_id=user.id, object_type="user", object_id=user.id)
    return CodeOutcome.SIGNED_IN
