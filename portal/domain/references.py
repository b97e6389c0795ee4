"""Short references residents can read out and type: no 0/O, 1/I/L, and a check character to catch typos."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 characters: nothing that looks like another
_BODY_LENGTH = 7


class NotAReference(ValueError):
    """The text is not a reference we could have given out."""


def _check_character(body: str) -> str:
    # A weighted sum modulo 31 (a prime): any one wrong character, or two neighbours swapped, changes the check.
    total = sum((position + 1) * ALPHABET.index(char) for position, char in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_reference() -> str:
    """A fresh random reference such as 'K7M2-Q9TX' (8 characters, the last one a check)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(_BODY_LENGTH))
    whole = body + _check_character(body)
    return f"{whole[:4]}-{whole[4:]}"


def normalise_reference(text: str) -> str:
    """Read a reference as typed (any case, spaces or dashes, O for 0 …) back to its printed form.

    Raises NotAReference if it has the wrong length, a character we never use, or a wrong check character.
    """
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("01", "OI"))
    # People may type the look-alikes we never print; none of them can be meant, so refuse rather than guess.
    if len(cleaned) != _BODY_LENGTH + 1 or any(ch not in ALPHABET for ch in cleaned):
        raise NotAReference(text)
    if _check_character(cleaned[:-1]) != cleaned[-1]:
        raise NotAReference(text)
    return f"{cleaned[:4]}-{cleaned[4:]}"
