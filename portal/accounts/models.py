"""People, the roles they hold, their panels, and single-use sign-in tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.common.constraints import one_of
from portal.common.page_cache import shown_on_public_pages
from portal.common.sealed import EncryptedText, Sealed
from portal.common.time import UTCDateTime, utcnow
from portal.domain.mobiles import HearBy
from portal.domain.roles import Role, needs_staff_sign_in
from portal.extensions import Model


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (one_of("hear_by", HearBy),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A resident may have an email address, a UK mobile number, both, or (entered by a community builder) neither.
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    # The mobile number (E.164), encrypted; it is found by mobile_lookup, a keyed hash (crypto.lookup_hash).
    mobile: Mapped[Sealed | None] = mapped_column(EncryptedText)
    mobile_lookup: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    hear_by: Mapped[str] = mapped_column(sa.String(8), default=HearBy.EMAIL.value, server_default=HearBy.EMAIL.value)
    # Where letters go, for a resident with neither email nor mobile (a community builder enters it), encrypted.
    postal_address: Mapped[Sealed | None] = mapped_column(EncryptedText)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    totp_secret_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last one-time-code time step used, so a code cannot be replayed within its window.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # A staff sign-in in progress: the password was right; this nonce (also in the pending-sign-in cookie) is
    # cleared after too many wrong one-time codes, so every copy of that cookie must start again from the password.
    staff_sign_in_nonce: Mapped[str | None] = mapped_column(sa.String(64))
    staff_code_failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    is_active_account: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # Whether they have answered the optional "about you" questions (only that: nothing leads to their answers).
    answered_about_you: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a programme officer erased this resident at their request: name and ways to reach them gone.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role_rows: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan")
    panel_memberships: Mapped[list[PanelMembership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        # The session holds id and a token; rotating the token (at sign-out) ends every session of this person.
        return f"{self.id}.{self.session_token}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.is_active_account

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_staff(self) -> bool:
        return needs_staff_sign_in(self.roles)

    @property
    def panel_neighbourhood_ids(self) -> frozenset[int]:
        return frozenset(m.neighbourhood_id for m in self.panel_memberships)


class UserRole(Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class PanelMembership(Model):
    __tablename__ = "panel_memberships"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        sa.ForeignKey("neighbourhoods.id", ondelete="CASCADE"), primary_key=True
    )
    is_chair: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="panel_memberships")


class SignInToken(Model):
    """A single-use emailed sign-in link and its short code, or a texted code; only hashes are stored."""

    __tablename__ = "sign_in_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent to one or the other: an email address, or a mobile number (named only by its keyed hash).
    email: Mapped[str | None] = mapped_column(sa.String(320), index=True)
    mobile_lookup: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # A code for something a person does other than signing in (never one to sign in with): `purpose` says what,
    # "add_mobile" (adding this number to their account) or "agree:<idea id>" (agreeing to an idea a community
    # builder wrote down with them).
    for_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str | None] = mapped_column(sa.String(40))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Where to land after signing in, such as the draft a resident asked to come back to (a path, never personal).
    next_path: Mapped[str | None] = mapped_column(sa.String(200))


def _name_changed(user: User) -> bool:
    """Sign-ins change a person's row; only their name reaches a public page."""
    return bool(sa.inspect(user).attrs.name.history.has_changes())


shown_on_public_pages(User, _name_changed)
