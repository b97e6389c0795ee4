"""Encryption at rest for secrets (one-time-code keys now, bank details later), with a key from the environment."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def _fernet() -> MultiFernet:
    # ENCRYPTION_KEY may list several keys separated by commas: the first encrypts, all decrypt (key rotation).
    keys = [k.strip() for k in current_app.config["ENCRYPTION_KEY"].split(",") if k.strip()]
    return MultiFernet([Fernet(_as_fernet_key(k)) for k in keys])


def _as_fernet_key(key: str) -> bytes:
    raw = key.encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest())


def encrypt(text: str) -> str:
    """Encrypt text for storage."""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt stored text; raises InvalidToken if it was not made with one of our keys."""
    return _fernet().decrypt(token.encode()).decode()


def sha256_hex(text: str) -> str:
    """A one-way hash for sign-in tokens and codes: the database never holds a usable secret."""
    return hashlib.sha256(text.encode()).hexdigest()


__all__ = ["InvalidToken", "decrypt", "encrypt", "sha256_hex"]
