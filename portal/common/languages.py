"""Text people wrote, shown in its own language and direction: what programme officers write has an English version
and may have Welsh and Arabic ones; a page shows the one in its language, or the English, marked as English (its
`lang` and `dir` set, so an English sentence on a right-to-left page keeps its full stop at its end)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from portal.domain.direction import isolated

ENGLISH = "en"


def page_language() -> str:
    return str(get_locale() or ENGLISH)


def direction(language: str) -> str:
    return "rtl" if language in current_app.config["RTL_LANGUAGES"] else "ltr"


def in_words_around(text: str | None) -> str:
    """Text people wrote, set inside a sentence of an email or PDF in the current language (the `isolated` filter):
    isolated when it reads the other way."""
    return isolated(text or "", direction(page_language()))


@dataclass(frozen=True)
class Written:
    """A piece of text as a page shows it: the words and the language they are in."""

    text: str
    language: str
    page: str

    @property
    def fallback(self) -> bool:
        """English shown because there is no version in the page's language."""
        return self.language == ENGLISH and self.page != ENGLISH and bool(self.text)

    @property
    def attributes(self) -> Markup:
        """` lang="…" dir="…"` for an element holding the text, when its language is not the page's."""
        if self.language == self.page:
            return Markup("")
        return Markup(' lang="{}" dir="{}"').format(self.language, direction(self.language))

    def __str__(self) -> str:
        return self.text


def written(thing: Any, field: str) -> Written:
    """`thing.field` in the page's language if the programme wrote one (in `thing.other_languages`), else in English."""
    page = page_language()
    versions = getattr(thing, "other_languages", None) or {}
    translated = (versions.get(page) or {}).get(field, "") if page != ENGLISH else ""
    if translated:
        return Written(translated, page, page)
    return Written(getattr(thing, field) or "", ENGLISH, page)


def other_language_versions(fields: dict[str, dict[str, str | None]]) -> dict[str, dict[str, str]]:
    """{"cy": {"description": "…"}} from what a form gave, leaving out what was left empty."""
    versions: dict[str, dict[str, str]] = {}
    for language, texts in fields.items():
        kept = {name: text.strip() for name, text in texts.items() if text and text.strip()}
        if kept:
            versions[language] = kept
    return versions
