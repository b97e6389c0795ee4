"""Sign-in by emailed link or code for residents, by password and one-time code for staff."""

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
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, render_template, url_for
from sqlalchemy.orm import joinedload

from portal.accounts.models import PanelMembership, SignInToken, User, UserRole, new_session_token
from portal.common import audit
from portal.common.crypto import decrypt, encrypt, sha256_hex
from portal.common.email import send_email
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.roles import Role
from portal.extensions import db

MAX_CODE_ATTEMPTS = 5
password_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when no account matches keeps the time the same, so timing does not reveal accounts.
    Made on first use, not at import: argon2 takes 64 MiB to hash, which every process (a worker exporting PDFs)
    would otherwise carry as its peak."""
    return password_hasher.hash("not-a-real-password")


class SignInRefused(Exception):
    """Sign-in did not succeed; `reason` says why in a way the page can explain."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CodeOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    START_AGAIN = "start_again"  # too many wrong codes: back to the password


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


@transactional
def _send_sign_in_link(email: str, next_path: str | None) -> Refusal | None:
    sent_today = db.session.execute(
        sa.select(sa.func.count(SignInToken.id)).where(
            SignInToken.email == email, SignInToken.created_at > utcnow() - timedelta(days=1)
        )
    ).scalar_one()
    if sent_today >= current_app.config["SIGN_IN_LINKS_PER_DAY"]:
        audit.record("sign_in.link_refused", reason="daily_cap")
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
        db.session.execute(locked(sa.select(SignInToken).where(SignInToken.token_hash == sha256_hex(token)))).scalar()
    )
    return _complete_resident_sign_in(row), row.next_path


def sign_in_with_code(email: str, code: str) -> User:
    """Use the emailed code once; after MAX_CODE_ATTEMPTS wrong codes the link and code stop working."""
    outcome = _try_code(normalise_email(email), code)
    if isinstance(outcome, User):
        return outcome
    raise SignInRefused(outcome)


@transactional
def _try_code(email: str, code: str) -> User | Refusal:
    # Returns the refusal rather than raising it, so the count of wrong tries is committed.
    row = db.session.execute(
        locked(
            sa.select(SignInToken)
            .where(SignInToken.email == email, SignInToken.used_at.is_(None))
            .order_by(SignInToken.id.desc())
            .limit(1)
        )
    ).scalar()
    try:
        row = _usable(row)
    except SignInRefused as refused:
        return Refusal(refused.reason)
    if not hmac.compare_digest(row.code_hash, sha256_hex(f"{email}:{code}")):
        row.failed_attempts += 1
        audit.record("sign_in.code_wrong", object_type="sign_in_token", object_id=row.id)
        return Refusal.TOO_MANY_ATTEMPTS if row.failed_attempts >= MAX_CODE_ATTEMPTS else Refusal.CODE_WRONG
    try:
        return _complete_resident_sign_in(row)
    except SignInRefused as refused:
        return Refusal(refused.reason)


def _complete_resident_sign_in(row: SignInToken) -> User:
    user = get_user_by_email(row.email)
    if user is not None and user.is_staff:
        raise SignInRefused(Refusal.STAFF_USE_PASSWORD)
    if user is not None and not user.is_active:
        raise SignInRefused(Refusal.ACCOUNT_CLOSED)
    now = utcnow()
    row.used_at = now
    # Signing in with one link or code ends every other one still unused for this address.
    db.session.execute(
        sa.update(SignInToken)
        .where(SignInToken.email == row.email, SignInToken.used_at.is_(None), SignInToken.id != row.id)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if user is None:
        user = User(email=row.email, role_rows=[UserRole(role=Role.RESIDENT)])
        db.session.add(user)
        db.session.flush()
        audit.record("user.created", actor_id=user.id, object_type="user", object_id=user.id, via="sign_in_link")
    user.last_sign_in_at = utcnow()
    audit.record("sign_in.resident", actor_id=user.id, object_type="user", object_id=user.id)
    return user


# Staff: password then one-time code ----------------------------------------------------------------------------------


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
