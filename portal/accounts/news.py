"""News for a resident, the way they chose to hear it: by email, by text, or both ("Your account").

Each kind of news has an email (`<folder>/email/<name>.txt` and `<name>_subject.txt`) and a short text
(`<folder>/text/<name>.txt`, checked to fit 2 fragments in every language). Both are queued in the caller's unit
of work and sent after it commits. A resident who chose a way we cannot use (texts turned off, no email address)
hears the other way; one with neither hears from their community builder.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from portal.accounts.models import User
from portal.common.email import send_email, send_text
from portal.common.rendering import rendering_context
from portal.domain.mobiles import HearBy


def ways_to_hear(person: User) -> tuple[bool, bool]:
    """(by email, by text) for this person now: what they chose, among the ways we can reach them."""
    has_email = bool(person.email)
    has_mobile = person.mobile is not None and current_app.config["TEXT_BACKEND"] != "off"
    choice = HearBy(person.hear_by or HearBy.EMAIL.value)
    by_email = has_email and (choice.by_email or not has_mobile)
    by_text = has_mobile and (choice.by_text or not has_email)
    return by_email, by_text


def can_be_told(person: User) -> bool:
    return any(ways_to_hear(person))


def tell(person: User, news: str, *, language: str, **context: Any) -> bool:
    """Queue the news named `folder/name` for this person, in `language`; False if we cannot reach them."""
    by_email, by_text = ways_to_hear(person)
    if not (by_email or by_text):
        return False
    folder, name = news.rsplit("/", 1)
    base_url = current_app.config["SERVER_BASE_URL"].rstrip("/")
    with rendering_context(), force_locale(language):
        if by_email:
            subject = render_template(f"{folder}/email/{name}_subject.txt", **context).strip()
            send_email(
                person.email or "", subject, render_template(f"{folder}/email/{name}.txt", base_url=base_url, **context)
            )
        if by_text and person.mobile is not None:
            text = render_template(f"{folder}/text/{name}.txt", base_url=base_url, **context).strip()
            send_text(person.mobile.reveal(), text)
    return True
