"""UK mobile numbers as residents type them, and how many text fragments a message costs.

A resident may sign in and hear from us by text instead of email. Numbers are read with `phonenumbers` (Google's
libphonenumber), so "07911 123456", "+44 7911 123456", "0044 7911-123456" and the same in Arabic-Indic digits all
become one number, kept in E.164 form (+447911123456).
"""

from __future__ import annotations

import math
import re
from enum import StrEnum

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

# +44 numbers: Great Britain and Northern Ireland, and the Crown Dependencies that share the UK's numbering.
UK_REGIONS = frozenset({"GB", "GG", "JE", "IM"})
MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Ofcom keeps 07700 900000 to 07700 900999 for drama and examples: never anyone's phone. libphonenumber does not
# count them as valid; we accept them, so the demo and the tests use numbers that can never text a stranger.
FICTION = re.compile(r"^\+447700900\d{3}$")


class HearBy(StrEnum):
    """How a resident chooses to hear from us: news of their ideas, awards and payments."""

    EMAIL = "email"
    TEXT = "text"
    BOTH = "both"

    @property
    def by_email(self) -> bool:
        return self in (HearBy.EMAIL, HearBy.BOTH)

    @property
    def by_text(self) -> bool:
        return self in (HearBy.TEXT, HearBy.BOTH)


class NotAMobile(StrEnum):
    """Why typed text is not a UK mobile number we can text."""

    NOT_A_NUMBER = "not_a_number"
    NOT_UK = "not_uk"
    NOT_MOBILE = "not_mobile"


class MobileRefused(ValueError):
    def __init__(self, reason: NotAMobile) -> None:
        super().__init__(reason.value)
        self.reason = reason


def uk_mobile(typed: str) -> str:
    """The UK mobile number in typed text, in E.164 form; raises MobileRefused saying why it is not one."""
    try:
        number = phonenumbers.parse(typed.strip(), "GB")
    except NumberParseException as error:
        raise MobileRefused(NotAMobile.NOT_A_NUMBER) from error
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if FICTION.match(e164):
        return e164
    if not phonenumbers.is_valid_number(number):
        raise MobileRefused(NotAMobile.NOT_A_NUMBER)
    if phonenumbers.region_code_for_number(number) not in UK_REGIONS:
        raise MobileRefused(NotAMobile.NOT_UK)
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise MobileRefused(NotAMobile.NOT_MOBILE)
    return e164


def looks_like_email(typed: str) -> bool:
    """One box takes either: anything with an @ or a letter in it is read as an email address (a mistyped one is
    explained as one), anything else as a mobile number."""
    return "@" in typed or any(c.isalpha() for c in typed)


def shown(e164: str) -> str:
    """A number as a UK resident writes it: 07911 123456."""
    return str(phonenumbers.format_number(phonenumbers.parse(e164, "GB"), PhoneNumberFormat.NATIONAL))


def ending(e164: str) -> str:
    """The last 3 numbers, which is all a page or a list shows of someone's phone once it is saved."""
    return e164[-3:]


# GSM 03.38: a text of only these characters is sent 7 bits a character (160 a fragment, 153 each when split);
# any other character (Welsh ŵ and ŷ, Arabic, curly quotes) sends the whole text as Unicode (70, then 67 each).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")  # each takes two characters' room


def fragments(text: str) -> int:
    """How many fragments (billable text messages) a text is sent as."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        length = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part = 160, 153
    else:
        length = len(text)
        single, part = 70, 67
    return 1 if length <= single else math.ceil(length / part)
