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
