"""The portal's codes in plain words, in the reader's language, for the officers' spreadsheets and a resident's copy
of their data: an idea's status (a paid one says so), who is applying, a decision, how and whether a payment was
made, who may see a story, how someone hears from us, and languages."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

IDEA_STATUS: dict[str, Callable[[], str]] = {
    "draft": lambda: _("Not sent yet"),
    "submitted": lambda: _("Sent"),
    "in_review": lambda: _("Being looked at"),
    "question_asked": lambda: _("Question for the resident"),
    "approved": lambda: _("Decided: yes"),
    "not_yet": lambda: _("Decided: not yet"),
    "withdrawn": lambda: _("Withdrawn"),
    "expired": lambda: _("Not sent, and not kept"),
    "paid": lambda: _("Paid"),
}
WHO_IS_APPLYING: dict[str, Callable[[], str]] = {
    "just_me": lambda: _("Just me"),
    "informal_group": lambda: _("A few of us (an informal group)"),
    "organised_group": lambda: _("An organised group"),
}
DECISION: dict[str, Callable[[], str]] = {
    "yes": lambda: _("Yes"),
    "yes_with_change": lambda: _("Yes, with a change"),
    "not_yet": lambda: _("Not yet"),
    "question": lambda: _("A question"),
}
PAYMENT_METHOD: dict[str, Callable[[], str]] = {
    "bank_transfer": lambda: _("Into a bank account"),
    "named_person": lambda: _("To a named person on a group's behalf"),
    "host_organisation": lambda: _("To the host organisation on a group's behalf"),
    "other_arrangement": lambda: _("Another way the host organisation offers"),
}
PAYMENT_STATUS: dict[str, Callable[[], str]] = {
    "prepared": lambda: _("Prepared, waiting for authorisation"),
    "authorised": lambda: _("Authorised, waiting to be paid"),
    "paid": lambda: _("Paid"),
    "failed": lambda: _("Failed"),
    "cancelled": lambda: _("Cancelled"),
}
CONSENT: dict[str, Callable[[], str]] = {
    "programme": lambda: _("Only the people running the programme"),
    "public_named": lambda: _("Anyone, with my first name"),
    "public_anonymous": lambda: _("Anyone, without my name"),
}
STILL_GOING: dict[str, Callable[[], str]] = {
    "yes": lambda: _("Yes, it is still going"),
    "no": lambda: _("No, it has stopped"),
    "changed": lambda: _("It turned into something else"),
}
HEAR_BY: dict[str, Callable[[], str]] = {
    "email": lambda: _("By email"),
    "text": lambda: _("By text message"),
    "both": lambda: _("By email and text message"),
}
CONTACT_METHOD: dict[str, Callable[[], str]] = {
    "email": lambda: _("By email"),
    "text": lambda: _("By text message"),
    "phone": lambda: _("By phone"),
    "builder": lambda: _("Through their community builder"),
}
LANGUAGE: dict[str, Callable[[], str]] = {
    "en": lambda: _("English"),
    "cy": lambda: _("Welsh"),
    "ar": lambda: _("Arabic"),
}


def said(words: dict[str, Callable[[], str]], code: str | None) -> str:
    """The code in plain words; the code itself for one the table does not know, and nothing for none."""
    if not code:
        return ""
    return words[code]() if code in words else code


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")
