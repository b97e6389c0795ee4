"""Plain words for residents: the words we never use with them (product brief, "The words we use") and a reading-age
check of English wording, warning above age 9 and naming the long words that push it up."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat

# The product brief's "never" list, with the plurals and forms a sentence would use.
WORDS_TO_AVOID = (
    "service user",
    "service users",
    "client",
    "clients",
    "customer",
    "customers",
    "beneficiary",
    "beneficiaries",
    "deprived",
    "deprivation",
    "vulnerable",
    "participatory budgeting",
    "assets",
    "application id",
)
MOST_READING_AGE = 9
# A UK reading age is a US school grade plus five years.
GRADE_TO_AGE = 5
LONG_WORD_SYLLABLES = 3

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class WordingCheck:
    reading_age: int
    long_words: tuple[str, ...]  # only when the reading age is above MOST_READING_AGE
    words_to_avoid: tuple[str, ...]

    @property
    def is_plain(self) -> bool:
        return self.reading_age <= MOST_READING_AGE and not self.words_to_avoid


def avoided_words(text: str) -> tuple[str, ...]:
    """The words to avoid that `text` uses, each once, in the list's order."""
    lowered = text.lower()
    return tuple(word for word in WORDS_TO_AVOID if re.search(rf"\b{re.escape(word)}\b", lowered))


def reading_age(text: str) -> int:
    """The Flesch-Kincaid reading age of English `text`, in whole years (never under 5)."""
    if not _WORD.search(text):
        return GRADE_TO_AGE
    return max(GRADE_TO_AGE, round(textstat.flesch_kincaid_grade(text)) + GRADE_TO_AGE)


def long_words(text: str) -> tuple[str, ...]:
    """Words of LONG_WORD_SYLLABLES syllables or more, each once, in the order they come."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        if word.lower() not in (w.lower() for w in seen) and textstat.syllable_count(word) >= LONG_WORD_SYLLABLES:
            seen[word] = None
    return tuple(seen)


def check_wording(*texts: str) -> WordingCheck:
    """How plain some English wording is: its reading age (all `texts` read as one), the long words to change when it
    is above age 9, and any words to avoid."""
    text = " ".join(t.strip() for t in texts if t and t.strip())
    age = reading_age(text)
    return WordingCheck(
        reading_age=age,
        long_words=long_words(text) if age > MOST_READING_AGE else (),
        words_to_avoid=avoided_words(text),
    )
