"""Resident-facing English never uses the words we avoid, and reads at about age 9 (figures printed with -s)."""

from __future__ import annotations

import re
from html import unescape

import textstat

from portal.applications.journey import QUESTIONS
from portal.domain.plain_words import WORDS_TO_AVOID
from tests.conftest import post_form
from tests.factories import PotFactory
from tests.integration.applications.test_journey import answer_everything, start

AVOID = WORDS_TO_AVOID
# A US grade of 5 is a reading age of about 10; we hold the main pages to that, and report the figure.
MAX_GRADE = 5.0


def visible_text(html: str) -> str:
    main = re.search(r"<main[^>]*>(.*)</main>", html, re.S).group(1)
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', " ", main, flags=re.S)
    # Each heading, label, hint, option and button is read on its own, so end it like a sentence.
    main = re.sub(r"</(p|h[1-6]|li|label|legend|button|a|dt|dd|div|strong|caption|th|td)>", ". ", main)
    text = unescape(re.sub(r"<[^>]+>", " ", main))
    text = re.sub(r"([.?!:])(\s*\.)+", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def resident_pages(client) -> dict[str, str]:
    pot = PotFactory()
    pages = {
        "home": client.get("/").get_data(as_text=True),
        "neighbourhood": client.get(f"/neighbourhoods/{pot.neighbourhood.slug}").get_data(as_text=True),
        "sign in": client.get("/sign-in").get_data(as_text=True),
    }
    application, _ = start(client, pot)
    base = f"/ideas/{application.id}"
    for slug in [q.slug for q in QUESTIONS if q.slug != "group-name"] + ["save-and-come-back-later"]:
        pages[slug] = client.get(f"{base}/{slug}").get_data(as_text=True)
    answer_everything(client, application)
    pages["check your answers"] = client.get(f"{base}/check-your-answers").get_data(as_text=True)
    post_form(client, f"{base}/check-your-answers", {"declaration": "y"})
    pages["sent"] = client.get(f"{base}/sent").get_data(as_text=True)
    pages["your ideas"] = client.get("/ideas").get_data(as_text=True)
    return pages


def test_resident_pages_never_use_the_words_we_avoid(client):
    for name, html in resident_pages(client).items():
        text = visible_text(html).lower()
        for word in AVOID:
            assert not re.search(rf"\b{re.escape(word)}\b", text), f"'{word}' on the {name} page"


# Words our house style keeps out of every message, resident-facing or not, and the asterisk of a required field.
NEVER_IN_ANY_MESSAGE = ["please", "invalid", "*"]


def test_no_message_in_the_catalogue_says_please_invalid_or_has_an_asterisk():
    """Covers every state of every page, including ones the page scan above does not reach (a closed pot …)."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    with open(Path(__file__).parents[3] / "translations" / "messages.pot", "rb") as handle:
        messages = [m.id for m in read_po(handle) if m.id]
    texts = [text for message in messages for text in (message if isinstance(message, tuple) else (message,))]
    assert len(texts) > 500
    for word in NEVER_IN_ANY_MESSAGE:
        pattern = re.escape(word) if word == "*" else rf"\b{word}\b"
        found = [text for text in texts if re.search(pattern, text, re.IGNORECASE)]
        assert not found, f"{word!r} in {found}"


MAIN_PAGES = ["home", "neighbourhood", "sign in", "who-is-applying", "what-you-want-to-do", "costs", "contact", "sent"]


def test_main_resident_pages_read_at_about_age_nine(client):
    pages = resident_pages(client)
    too_hard = []
    for page in MAIN_PAGES:
        text = visible_text(pages[page])
        grade = textstat.flesch_kincaid_grade(text)
        print(
            f"reading grade {page}: Flesch-Kincaid {grade:.1f}, reading ease {textstat.flesch_reading_ease(text):.0f}"
        )
        if grade > MAX_GRADE:
            too_hard.append((page, round(grade, 1)))
    assert too_hard == []
