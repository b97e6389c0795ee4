"""Texts are short: every text template, in English, Welsh and Arabic, with the longest values it is given, fits in
2 fragments (what GOV.UK Notify charges: 160 characters a fragment for plain text, 70 once any character is outside
the GSM alphabet, as Welsh ŵ and Arabic are)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale

from portal.domain.mobiles import fragments

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# Every text template and the longest values it is given; a new template must be added here to be checked.
SAMPLES = {
    "accounts/text/sign_in.txt": [{"code": "123456", "minutes": minutes} for minutes in (1, 2, 3, 11, 30, 100)],
}


def test_every_text_template_is_checked():
    found = {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.glob("**/text/*.txt")}
    assert found == set(SAMPLES)


@pytest.mark.parametrize("language", ["en", "cy", "ar"])
@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_each_text_fits_in_two_fragments(app, template, language):
    with app.test_request_context(), force_locale(language):
        for values in SAMPLES[template]:
            text = app.jinja_env.get_template(template).render(config=app.config, **values).strip()
            assert text and fragments(text) <= 2, f"{template} in {language} is {len(text)} characters: {text}"
            if language != "en":
                assert "sign-in code" not in text  # translated, not English


def test_fragments_are_counted_as_notify_counts_them():
    assert fragments("a" * 160) == 1 and fragments("a" * 161) == 2 and fragments("a" * 306) == 2
    assert fragments("ŵ" * 70) == 1 and fragments("ŵ" * 71) == 2 and fragments("ŵ" * 134) == 2
    assert fragments("ŵ" * 135) == 3 and fragments("€" * 80) == 1 and fragments("€" * 81) == 2
