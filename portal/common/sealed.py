"""Secrets at rest as one SQLAlchemy type: a column of EncryptedText is encrypted on the way in and read back as a
Sealed value that shows nothing until revealed, so no code handles ciphertext by hand and a secret cannot slip into
a log, a page or an error message by being printed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from portal.common.crypto import decrypt, encrypt


class Sealed:
    """A secret read from the database. str() and repr() show nothing of it; reveal() decrypts it."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = token

    def reveal(self) -> str:
        """The secret itself. Callers that show it to a person audit that they did (see portal.payments)."""
        return decrypt(self._token)

    def __repr__(self) -> str:
        return "Sealed(…)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other._token == self._token

    def __hash__(self) -> int:
        return hash(self._token)


class EncryptedText(TypeDecorator[Any]):
    """Text encrypted with the portal's Fernet keys (ENCRYPTION_KEY; the first key encrypts, all decrypt)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, Sealed):
            return value._token  # unchanged: already encrypted
        if isinstance(value, str):
            return encrypt(value)
        raise TypeError("EncryptedText holds text")

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Sealed | None:
        return Sealed(value) if value else None
