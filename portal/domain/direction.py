"""Which way a piece of text reads, from its first letter that has a direction (Unicode's "first strong character"
rule, as HTML's dir="auto" does). WeasyPrint does not apply dir="auto", so PDFs set the direction this says."""

from __future__ import annotations

import unicodedata

RIGHT_TO_LEFT = frozenset({"R", "AL"})


def direction_of(text: str, otherwise: str = "ltr") -> str:
    """ "rtl" or "ltr" by the text's first strong letter; `otherwise` when it has none (numbers, punctuation)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in RIGHT_TO_LEFT:
            return "rtl"
        if kind == "L":
            return "ltr"
    return otherwise


FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolated(text: str, around: str) -> str:
    """`text` set inside words that read `around` ("ltr" or "rtl"): kept as it is when it reads the same way, else
    wrapped in Unicode's first-strong isolate, the plain-text dir="auto", so an English idea's name in an Arabic
    sentence keeps its full stop where it belongs and does not pull the sentence's own words out of order. For plain
    text and PDFs; a page marks the element instead. Not for text messages: the isolate is not in the GSM alphabet,
    so one would make a whole English text cost Unicode fragments."""
    if not text or direction_of(text, around) == around:
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
