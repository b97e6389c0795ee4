"""Pseudonymising what an outside evaluator reads: a stable pseudonym for each idea (a keyed hash, so files can be
joined to each other and never back to a person), and words with personal details taken out — email addresses,
phone numbers, postcodes, street addresses, and the names and addresses the programme holds for its people.

Pure rules: the caller passes the key and the names and addresses to look for."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable

import phonenumbers

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A UK postcode, full (LS8 3QB) or the outward half followed by the inward (with or without the space).
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}"
    r"(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Terrace|Place|Crescent|Court|Grove|Gardens|Mount|View|"
    r"Walk|Row|Square|Hill|Rise|Parade)\b\.?",
    re.IGNORECASE,
)
# Anything written like a UK number (07700 900123, 0113-496-0123, +44 7700 900123), valid or not: the library below
# finds valid numbers in any format, and this the made-up and mistyped ones it rightly calls invalid.
UK_NUMBER = re.compile(r"(?:\+44\s?\(?0?\)?\s?\d{2,4}|\b0\d{2,4})[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
SHORTEST_NAME = 3  # a name shorter than this ("Al") is too likely to be an ordinary word to look for
# Capitalised words that start sentences and titles rather than name anyone.
NOT_NAMES = frozenset(
    [
        "the",
        "and",
        "for",
        "our",
        "ask",
        "call",
        "mrs",
        "miss",
        "mr",
        "dr",
        "rev",
        "cllr",
        "community",
        "centre",
        "library",
        "school",
        "church",
        "group",
        "club",
        "team",
        "front",
        "desk",
        "office",
        "staff",
        "reception",
        "manager",
        "leader",
        "chair",
        "volunteer",
        "volunteers",
    ]
)


def looks_like_a_name(text: str) -> bool:
    """One to four words, each capitalised, not all of them ordinary ("Bob Builder", not "the front desk")."""
    words = (text or "").split()
    return (
        0 < len(words) <= 4
        and all(word[:1].isupper() for word in words)
        and any(word.lower().strip(".,") not in NOT_NAMES for word in words)
    )


def pseudonym(key: bytes, kind: str, number: int) -> str:
    """The same 12 characters for the same idea every time with this key; nothing about the idea in them."""
    return hmac.new(key, f"{kind}:{number}".encode(), hashlib.sha256).hexdigest()[:12]


def _name_parts(names: Iterable[str]) -> list[tuple[str, bool]]:
    """Each full name (found in any case) and each of its capitalised words long enough to look for (found only as
    written, so "Other" goes and "the other day" stays), longest first ("Rosa Resident" goes whole before "Rosa")."""
    found: dict[str, bool] = {}
    for name in names:
        name = " ".join((name or "").split())
        if len(name) < SHORTEST_NAME:
            continue
        for part in name.split(" "):
            if len(part) >= SHORTEST_NAME and part[:1].isupper() and part.lower() not in NOT_NAMES:
                found.setdefault(part, False)
        found[name] = True
    return sorted(found.items(), key=lambda pair: len(pair[0]), reverse=True)


def _address_lines(addresses: Iterable[str]) -> list[str]:
    lines: set[str] = set()
    for address in addresses:
        for line in re.split(r"[\n,]", address or ""):
            line = " ".join(line.split())
            if len(line) >= 6:
                lines.add(line)
    return sorted(lines, key=len, reverse=True)


def scrubber(names: Iterable[str] = (), addresses: Iterable[str] = ()) -> Callable[[str], str]:
    """`scrub` with the names and addresses to look for compiled once, for many texts (a whole download)."""
    parts = _name_parts(names)
    lines = _address_lines(addresses)
    # Longest first, so a whole name or address goes before any of its parts.
    alternatives = "|".join(f"(?i:{re.escape(name)})" if any_case else re.escape(name) for name, any_case in parts)
    named = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if parts else None
    placed = re.compile("|".join(re.escape(line) for line in lines), re.IGNORECASE) if lines else None

    def scrub_one(text: str) -> str:
        if not text:
            return ""
        text = EMAIL.sub("[email]", text)
        matches = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID)
        for match in reversed(list(matches)):
            text = text[: match.start] + "[phone]" + text[match.end :]
        text = UK_NUMBER.sub("[phone]", text)
        text = POSTCODE.sub("[postcode]", text)
        if placed is not None:
            text = placed.sub("[address]", text)
        text = STREET.sub("[address]", text)
        return named.sub("[name]", text) if named is not None else text

    return scrub_one


def scrub(text: str, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> str:
    """The words with personal details replaced by [email], [phone], [postcode], [address] and [name]."""
    return scrubber(names, addresses)(text)
