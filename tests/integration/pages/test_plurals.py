"""Numbers of things use each language's plural forms (Welsh and Arabic have six categories): every plural message in
every catalogue renders for 0, 1, 2, 3, 11 and 100, with the same placeholders as the English, and the forms a
language tells apart are not all the same words where its grammar needs them to differ."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parents[3] / "translations"
NUMBERS = (0, 1, 2, 3, 11, 100)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def plural_messages(language: str) -> list:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return [message for message in read_po(po) if message.id and message.pluralizable]


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_every_plural_message_renders_for_every_kind_of_number(language):
    messages = plural_messages(language)
    assert messages, "no plural messages found"
    translations = Translations.load(str(TRANSLATIONS), [language])
    for message in messages:
        singular, plural = message.id
        wanted = set(PLACEHOLDER.findall(singular)) | set(PLACEHOLDER.findall(plural))
        values = {name: "X" for name in wanted}
        for number in NUMBERS:
            text = translations.ngettext(singular, plural, number)
            assert text not in (singular, plural), f"{singular!r} is not translated into {language} for {number}"
            assert set(PLACEHOLDER.findall(text)) <= wanted, (language, number, text)
            (text % {**values, "num": number}).strip()  # raises on a broken placeholder


def test_arabic_says_two_with_the_dual_not_the_number():
    translations = Translations.load(str(TRANSLATIONS), ["ar"])
    weeks = translations.ngettext(
        "They usually decide within %(num)s week.", "They usually decide within %(num)s weeks.", 2
    )
    assert "%(num)s" not in weeks and "أسبوعين" in weeks
    minutes = translations.ngettext("You have %(num)d character remaining", "You have %(num)d characters remaining", 2)
    assert minutes == "بقي لديك حرفان"
