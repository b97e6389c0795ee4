"""Residents sign in by an emailed link or code, or a texted code; people and their roles (staff sign in: staff.py)."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import current_app, render_template, url_for
from sqlalchemy.orm import joinedload

from portal.accounts.models import PanelMembership, SignInToken, User, UserRole, new_session_token
from portal.common import audit
from portal.common.crypto import encrypt, lookup_hash, sha256_hex
from portal.common.email import send_email, send_text
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.mobiles import HearBy
from portal.domain.roles import Role
from portal.extensions import db

MAX_CODE_ATTEMPTS = 5
password_hasher = PasswordHasher()


class SignInRefused(Exception):
    """Sign-in did not succeed; `reason` says why in a way the page can explain."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refusal(StrEnum):
    LINK_NOT_FOUND = "link_not_found"
    LINK_USED = "link_used"
    LINK_EXPIRED = "link_expired"
    CODE_WRONG = "code_wrong"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    STAFF_USE_PASSWORD = "staff_use_password"  # noqa: S105 - a reason, not a password # nosec B105
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - a reason, not a password # nosec B105
    ACCOUNT_CLOSED = "account_closed"
    TOO_MANY_LINKS = "too_many_links"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def load_user_from_session(value: str) -> User | None:
    """Flask-Login's loader: the session holds 'id.token', and only a matching token signs you in."""
    user_id, _, token = value.partition(".")
    if not user_id.isdigit() or not token:
        return None
    # The roles come in the same query: the header and every access check read them on each page.
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
    if user is None or not hmac.compare_digest(user.session_token, token) or not user.is_active:
        return None
    return user


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user_by_email(email: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def mobile_lookup(mobile: str) -> str:
    """What a mobile number (E.164) is found by: the number itself is stored only encrypted."""
    return lookup_hash("mobile", mobile)


def get_user_by_mobile(mobile: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.mobile_lookup == mobile_lookup(mobile))).scalar_one_or_none()


def texts_offered() -> bool:
    """Whether residents may sign in and hear from us by text (TEXT_BACKEND is not "off")."""
    return current_app.config["TEXT_BACKEND"] != "off"


@transactional
def remember_language(user: User, language: str) -> None:
    user.language = language


# Residents: emailed link and code ------------------------------------------------------------------------------------


def send_sign_in_link(email: str, next_path: str | None = None) -> None:
    """Email a single-use link and a 6-number code, both valid for SIGN_IN_LINK_MINUTES; next_path is where to land.

    At most SIGN_IN_LINKS_PER_DAY links an email address a day, whichever server or address asks: raises
    SignInRefused(TOO_MANY_LINKS) beyond that (and the refusal is audited).
    """
    refusal = _send_sign_in_link(normalise_email(email), next_path)
    if refusal is not None:
        raise SignInRefused(refusal)


def over_daily_cap(sent_to: sa.ColumnElement[bool]) -> bool:
    """Whether this address or number has had SIGN_IN_LINKS_PER_DAY links or codes in the last day (the refusal is
    audited)."""
    sent_today = db.session.execute(
        sa.select(sa.func.count(SignInToken.id)).where(sent_to, SignInToken.created_at > utcnow() - timedelta(days=1))
    ).scalar_one()
    if sent_today >= current_app.config["SIGN_IN_LINKS_PER_DAY"]:
        audit.record("sign_in.link_refused", reason="daily_cap")
        return True
    return False


@transactional
def _send_sign_in_link(email: str, next_path: str | None) -> Refusal | None:
    if over_daily_cap(SignInToken.email == email):
        return Refusal.TOO_MANY_LINKS
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    row = SignInToken(
        email=email,
        token_hash=sha256_hex(token),
        code_hash=sha256_hex(f"{email}:{code}"),
        expires_at=utcnow() + timedelta(minutes=minutes),
        next_path=next_path,
    )
    db.session.add(row)
    db.session.flush()
    link = current_app.config["SERVER_BASE_URL"].rstrip("/") + url_for("accounts.confirm_sign_in_link", token=token)
    body = render_template("accounts/email/sign_in.txt", link=link, code=code, minutes=minutes)
    send_email(email, render_template("accounts/email/sign_in_subject.txt").strip(), body)
    audit.record("sign_in.link_sent", object_type="sign_in_token", object_id=row.id)
    return None


def send_sign_in_text(mobile: str, next_path: str | None = None) -> None:
    """Text a single-use 6-number code to a UK mobile number (E.164), valid for SIGN_IN_LINK_MINUTES; the same rules
    as an emailed code: one use, 5 tries, SIGN_IN_LINKS_PER_DAY a number a day (raises SignInRefused beyond that)."""
    refusal = _send_sign_in_text(mobile, next_path)
    if refusal is not None:
        raise SignInRefused(refusal)


@transactional
def _send_sign_in_text(mobile: str, next_path: str | None) -> Refusal | None:
    lookup = mobile_lookup(mobile)
    if over_daily_cap(SignInToken.mobile_lookup == lookup):
        return Refusal.TOO_MANY_LINKS
    row, code = new_texted_code(lookup, next_path)
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    send_text(mobile, render_template("accounts/text/sign_in.txt", code=code, minutes=minutes).strip())
    audit.record("sign_in.code_texted", object_type="sign_in_token", object_id=row.id)
    return None


def matching_code(
    sent_to: sa.ColumnElement[bool], salt: str, code: str, wrong: str, actor_id: int | None = None
) -> SignInToken | Refusal:
    """The newest unused code sent there, locked, if it is usable and `code` is it; otherwise why not. A wrong code
    is counted (and audited as `wrong`): after MAX_CODE_ATTEMPTS the code stops working."""
    row = db.session.execute(
        locked(
            sa.select(SignInToken)
            .where(sent_to, SignInToken.used_at.is_(None))
            .order_by(SignInToken.id.desc())
            .limit(1)
        )
    ).scalar()
    try:
        row = _usable(row)
    except SignInRefused as refused:
        return Refusal(refused.reason)
    if not hmac.compare_digest(row.code_hash, sha256_hex(f"{salt}:{code}")):
        row.failed_attempts += 1
        audit.record(wrong, actor_id=actor_id, object_type="sign_in_token", object_id=row.id)
        return Refusal.TOO_MANY_ATTEMPTS if row.failed_attempts >= MAX_CODE_ATTEMPTS else Refusal.CODE_WRONG
    return row


def new_emailed_code(email: str, *, for_user_id: int, purpose: str) -> tuple[SignInToken, str]:
    """A new 6-number code emailed for something other than signing in (adding the address to an account), bound to
    the person; returns its row and the code."""
    return _new_code(email, email=email, for_user_id=for_user_id, purpose=purpose)


def new_texted_code(
    lookup: str, next_path: str | None = None, for_user_id: int | None = None, purpose: str | None = None
) -> tuple[SignInToken, str]:
    """A new 6-number code for a mobile number (named by its lookup hash); returns its row and the code."""
    return _new_code(lookup, mobile_lookup=lookup, next_path=next_path, for_user_id=for_user_id, purpose=purpose)


def _new_code(salt: str, **sent_to: Any) -> tuple[SignInToken, str]:
    """A code without a link, stored hashed with `salt` (the address, or the number's lookup hash)."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = SignInToken(
        **sent_to,
        token_hash=sha256_hex(secrets.token_urlsafe(32)),  # no link is sent: this one never leaves the database
        code_hash=sha256_hex(f"{salt}:{code}"),
        expires_at=utcnow() + timedelta(minutes=current_app.config["SIGN_IN_LINK_MINUTES"]),
    )
    db.session.add(row)
    db.session.flush()
    return row, code


def _usable(row: SignInToken | None) -> SignInToken:
    if row is None:
        raise SignInRefused(Refusal.LINK_NOT_FOUND)
    if row.used_at is not None:
        raise SignInRefused(Refusal.LINK_USED)
    if row.expires_at <= utcnow():
        raise SignInRefused(Refusal.LINK_EXPIRED)
    if row.failed_attempts >= MAX_CODE_ATTEMPTS:
        raise SignInRefused(Refusal.TOO_MANY_ATTEMPTS)
    return row


def check_sign_in_link(token: str) -> None:
    """Raise SignInRefused if the link cannot be used; used before showing the 'Sign in' button."""
    _usable(db.session.execute(sa.select(SignInToken).where(SignInToken.token_hash == sha256_hex(token))).scalar())


@transactional
def sign_in_with_link(token: str) -> tuple[User, str | None]:
    """Use an emailed link once. Raises SignInRefused if it is unknown, used, expired or for a staff account."""
    row = _usable(
        db.session.execute(
            locked(
                sa.select(SignInToken).where(
                    SignInToken.token_hash == sha256_hex(token), SignInToken.for_user_id.is_(None)
                )
            )
        ).scalar()
    )
    return _complete_resident_sign_in(row), row.next_path


def sign_in_with_code(email: str, code: str) -> User:
    """Use the emailed code once; after MAX_CODE_ATTEMPTS wrong codes the link and code stop working."""
    email = normalise_email(email)
    outcome = _try_code(sa.and_(SignInToken.email == email, SignInToken.for_user_id.is_(None)), email, code)
    if isinstance(outcome, User):
        return outcome
    raise SignInRefused(outcome)


def sign_in_with_texted_code(mobile: str, code: str) -> User:
    """Use the texted code once, as sign_in_with_code; a resident new to the portal gets an account with this
    number, and hears from us by text."""
    lookup = mobile_lookup(mobile)
    sent_to = sa.and_(SignInToken.mobile_lookup == lookup, SignInToken.for_user_id.is_(None))
    outcome = _try_code(sent_to, lookup, code, mobile=mobile)
    if isinstance(outcome, User):
        return outcome
    raise SignInRefused(outcome)


@transactional
def _try_code(sent_to: sa.ColumnElement[bool], salt: str, code: str, mobile: str | None = None) -> User | Refusal:
    # Returns the refusal rather than raising it, so the count of wrong tries is committed.
    row = matching_code(sent_to, salt, code, "sign_in.code_wrong")
    if isinstance(row, Refusal):
        return row
    try:
        return _complete_resident_sign_in(row, mobile)
    except SignInRefused as refused:
        return Refusal(refused.reason)


def _complete_resident_sign_in(row: SignInToken, mobile: str | None = None) -> User:
    by_text = row.mobile_lookup is not None
    if by_text:
        user = db.session.execute(sa.select(User).where(User.mobile_lookup == row.mobile_lookup)).scalar()
        sent_to = sa.and_(SignInToken.mobile_lookup == row.mobile_lookup, SignInToken.for_user_id.is_(None))
    else:
        user = get_user_by_email(row.email or "")
        sent_to = sa.and_(SignInToken.email == row.email, SignInToken.for_user_id.is_(None))
    if user is not None and user.is_staff:
        raise SignInRefused(Refusal.STAFF_USE_PASSWORD)
    if user is not None and not user.is_active:
        raise SignInRefused(Refusal.ACCOUNT_CLOSED)
    now = utcnow()
    row.used_at = now
    # Signing in with one link or code ends every other one still unused for this address or number.
    db.session.execute(
        sa.update(SignInToken)
        .where(sent_to, SignInToken.used_at.is_(None), SignInToken.id != row.id)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if user is None:
        if by_text and mobile is None:
            raise SignInRefused(Refusal.LINK_NOT_FOUND)  # a texted code is used with its number, never alone
        user = User(role_rows=[UserRole(role=Role.RESIDENT)])
        if by_text:
            user.mobile = mobile  # type: ignore[assignment] # encrypted on the way in (EncryptedText)
            user.mobile_lookup, user.hear_by = row.mobile_lookup, HearBy.TEXT.value
        else:
            user.email = row.email
        db.session.add(user)
        db.session.flush()
        via = "texted_code" if by_text else "sign_in_link"
        audit.record("user.created", actor_id=user.id, object_type="user", object_id=user.id, via=via)
    user.last_sign_in_at = utcnow()
    audit.record("sign_in.resident", actor_id=user.id, object_type="user", object_id=user.id)
    return user


@transactional
def sign_out(user: User) -> None:
    """End every session of this person by changing the token their sessions carry."""
    user.session_token = new_session_token()
    audit.record("sign_out", actor_id=user.id, object_type="user", object_id=user.id)


# People and roles ---------------------------------------------------------------------------------------------------


@transactional
def create_user(
    email: str,
    name: str,
    roles: set[Role],
    password: str | None = None,
    panel_neighbourhood_ids: tuple[int, ...] = (),
    chair_of: tuple[int, ...] = (),
    actor_id: int | None = None,
    authenticator_secret: str | None = None,
) -> User:
    """Create a person with roles (and a password for staff); raises ValueError if the email is taken.

    An authenticator secret is for the demo staff only, who share a published one: everyone else sets up their own
    when they first sign in."""
    if get_user_by_email(email) is not None:
        raise ValueError("email already in use")
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=password_hasher.hash(password) if password else None,
        role_rows=[UserRole(role=role) for role in sorted(roles)],
        panel_memberships=[
            PanelMembership(neighbourhood_id=n, is_chair=n in chair_of) for n in panel_neighbourhood_ids
        ],
    )
    if authenticator_secret:
        user.totp_secret_encrypted = encrypt(authenticator_secret)
        user.totp_confirmed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created", actor_id=actor_id, object_type="user", object_id=user.id, roles=sorted(str(r) for r in roles)
    )
    return user
