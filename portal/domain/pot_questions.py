"""A programme's own questions for a pot: at most MOST_QUESTIONS, each short text, long text, yes/no or one choice
from a list. A question residents have answered never changes: changing it makes a new version."""

from __future__ import annotations

from enum import StrEnum

MOST_QUESTIONS = 3
MOST_CHOICES = 8
FEWEST_CHOICES = 2
SHORT_ANSWER = 200
LONG_ANSWER = 1500


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    YES_NO = "yes_no"
    CHOICE = "choice"


YES = "yes"
NO = "no"


def choices_from(text: str) -> list[str]:
    """The options of a choice question from its text, one a line: blank lines and repeats dropped, order kept."""
    options: list[str] = []
    for line in (text or "").splitlines():
        option = line.strip()
        if option and option.casefold() not in (o.casefold() for o in options):
            options.append(option)
    return options


def choice_problem(kind: QuestionKind, text: str) -> str | None:
    """Why a question's list of options will not do ('too_few', 'too_many'), or None."""
    if kind is not QuestionKind.CHOICE:
        return None
    count = len(choices_from(text))
    if count < FEWEST_CHOICES:
        return "too_few"
    if count > MOST_CHOICES:
        return "too_many"
    return None
