"""The plain-words check of what programme officers write for residents: the product brief's words to avoid, and a
reading age that warns above 9 and names the long words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.domain.plain_words import MOST_READING_AGE, WORDS_TO_AVOID, avoided_words, check_wording, reading_age
from portal.domain.pot_questions import QuestionKind, choice_problem, choices_from

BRIEF = Path(__file__).resolve().parents[3] / "shared" / "docs" / "product.md"


def test_every_word_the_product_brief_says_never_to_use_is_checked():
    line = next(line for line in BRIEF.read_text().splitlines() if " Never **" in line)
    never = line.split(" Never ", 1)[1].split(". Write", 1)[0]
    words = [word.lower() for word in re.findall(r"\*\*(.+?)\*\*", never)]
    assert len(words) >= 9
    assert set(words) <= set(WORDS_TO_AVOID), set(words) - set(WORDS_TO_AVOID)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Will your clients benefit?", ("clients",)),
        ("Is it for people who are vulnerable or deprived?", ("deprived", "vulnerable")),
        ("Give your Application ID", ("application id",)),
        ("Who will come along?", ()),
        ("The clientele of the café", ()),
    ],
)
def test_words_to_avoid_are_found_as_whole_words(text, found):
    assert avoided_words(text) == found


def test_plain_wording_reads_at_nine_or_under_and_names_no_long_words():
    check = check_wording("When can your group meet?", "Pick the time that suits most of you.")
    assert check.reading_age <= MOST_READING_AGE and check.long_words == () and check.is_plain


def test_hard_wording_is_over_nine_and_names_its_long_words_in_order():
    check = check_wording("Describe the anticipated participation outcomes and community engagement.")
    assert check.reading_age > MOST_READING_AGE and not check.is_plain
    assert check.long_words == ("anticipated", "participation", "community", "engagement")


def test_a_plain_question_with_a_word_to_avoid_is_not_plain():
    check = check_wording("Who are your customers?")
    assert check.words_to_avoid == ("customers",) and not check.is_plain


@pytest.mark.parametrize("text", ["", "   ", "?!", "123"])
def test_no_words_read_as_the_youngest_age(text):
    assert reading_age(text) == 5


def test_options_are_one_a_line_without_blanks_or_repeats():
    assert choices_from("Morning\n\n  Afternoon \nmorning\nEvening\n") == ["Morning", "Afternoon", "Evening"]


@pytest.mark.parametrize(
    ("kind", "text", "problem"),
    [
        (QuestionKind.CHOICE, "One", "too_few"),
        (QuestionKind.CHOICE, "One\none", "too_few"),
        (QuestionKind.CHOICE, "One\nTwo", None),
        (QuestionKind.CHOICE, "\n".join("abcdefgh"), None),
        (QuestionKind.CHOICE, "\n".join("abcdefghi"), "too_many"),
        (QuestionKind.YES_NO, "", None),
        (QuestionKind.SHORT_TEXT, "ignored", None),
    ],
)
def test_a_choice_question_has_two_to_eight_options(kind, text, problem):
    assert choice_problem(kind, text) == problem
