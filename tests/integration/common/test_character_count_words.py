"""GOV.UK Frontend's character count speaks the page's language: its hint without JavaScript, and every plural form
its script chooses from (Intl.PluralRules: Arabic and Welsh have six), from our catalogues."""

from __future__ import annotations

import html

import pytest
from flask_babel import force_locale
from wtforms import Form, TextAreaField

from portal.common.forms import CharacterCount


class Story(Form):
    what_happened = TextAreaField("What happened?", widget=CharacterCount())


def rendered(app, language: str) -> str:
    with app.test_request_context(), force_locale(language):
        return html.unescape(str(Story().what_happened(params={"maxlength": 1500})))


@pytest.mark.parametrize(
    ("language", "hint", "attributes"),
    [
        (
            "en",
            "You can enter up to 1500 characters",
            {"characters-under-limit.one": "You have %{count} character remaining"},
        ),
        (
            "cy",
            "Gallwch roi hyd at 1500 nod",
            {
                "characters-under-limit.other": "Mae gennych %{count} nod yn weddill",
                "characters-over-limit.few": "Mae gennych %{count} nod yn ormod",
                "characters-at-limit": "Mae gennych 0 nod yn weddill",
            },
        ),
        (
            "ar",
            "يمكنك أن تكتب حتى 1500 حرف",
            {
                "characters-under-limit.zero": "بقي لديك %{count} حرف",
                "characters-under-limit.one": "بقي لديك حرف واحد",
                "characters-under-limit.two": "بقي لديك حرفان",
                "characters-under-limit.few": "بقيت لديك %{count} أحرف",
                "characters-under-limit.many": "بقي لديك %{count} حرفًا",
                "characters-under-limit.other": "بقي لديك %{count} حرف",
                "characters-over-limit.two": "لديك حرفان زائدان",
            },
        ),
    ],
)
def test_the_character_count_is_in_the_pages_language(app, language, hint, attributes):
    page = rendered(app, language)
    assert hint in page
    for name, text in attributes.items():
        assert f'data-i18n.{name}="{text}"' in page, (name, page)
    if language != "en":
        assert "characters remaining" not in page and "You can enter up to" not in page


def test_english_has_only_the_two_forms_english_needs(app):
    page = rendered(app, "en")
    assert "characters-under-limit.other" in page and "characters-under-limit.few" not in page
