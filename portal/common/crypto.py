"""Encryption at rest for secrets (one-time-code keys now, bank details later), with a key from the environment."""

from __future__ import annotations

import binascii
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def fernet_keys(setting: str) -> list[Fernet]:
    """ENCRYPTION_KEY as Fernet keys: several separated by commas, the first encrypts and all decrypt (rotation).

    Each must be a real Fernet key (32 random bytes, url-safe base64): a passphrase is refused rather than stretched,
    so a guessable word can never become the key. Raises RuntimeError saying how to make one.
    """
    keys = [k.strip() for k in setting.split(",") if k.strip()]
    try:
        if not keys:
            raise ValueError("no key")
        return [Fernet(key.encode()) for key in keys]
    except (ValueError, binascii.Error) as error:
        raise RuntimeError(
            "ENCRYPTION_KEY must be one or more Fernet keys separated by commas. Make one with: "
            'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from error


def _fernet() -> MultiFernet:
    return MultiFernet(fernet_keys(current_app.config["ENCRYPTION_KEY"]))


def encrypt(text: str) -> str:
    """Encrypt text for storage."""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt stored text; raises InvalidToken if it was not made with one of our keys."""
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Encrypt again with the first key whatever key made it (key rotation); raises InvalidToken if none did."""
    return _fernet().rotate(token.encode()).decode()


def sha256_hex(text: str) -> str:
    """A one-way hash for sign-in tokens and codes: the database never holds a usable secret."""
    return hashlib.sha256(text.encode()).hexdigest()


def lookup_hash(kind: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256, LOOKUP_HMAC_KEY) to find an encrypted value by, such as a mobile number: without
    the key, a copy of the database cannot be searched for a number by hashing every possible one."""
    key = current_app.config["LOOKUP_HMAC_KEY"].encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


__all__ = ["InvalidToken", "decrypt", "encrypt", "lookup_hash", "rotate", "sha256_hex"]
