"""Texts are short: every text template, in English, Welsh and Arabic, with the longest values it is given, fits in
2 fragments (what GOV.UK Notify charges: 160 characters a fragment for plain text, 70 once any character is outside
the GSM alphabet, as Welsh ŵ and Arabic are)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from portal.domain.mobiles import fragments

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# A production address as long as a council's, and the largest ids and amounts a programme will see.
BASE_URL = "https://smallsparks.example-council.gov.uk"
IDEA = SimpleNamespace(id=1_234_567, reference="K7M2-Q9TX")
DECISIONS = [SimpleNamespace(kind=kind, amount_pence=250_000) for kind in ("yes", "not_yet", "question")]
IDEA_NEWS = [{"application": IDEA, "base_url": BASE_URL}]
# Every text template and the longest values it is given; a new template must be added here to be checked.
SAMPLES = {
    "accounts/text/sign_in.txt": [{"code": "123456", "minutes": minutes} for minutes in (1, 2, 3, 11, 30, 100)],
    "accounts/text/check_mobile.txt": [{"code": "123456", "minutes": minutes} for minutes in (1, 2, 3, 11, 30, 100)],
    "applications/text/agree.txt": [{"code": "123456", "minutes": minutes} for minutes in (1, 2, 3, 11, 30, 100)],
    "applications/text/sent.txt": IDEA_NEWS,
    "applications/text/draft_reminder.txt": [{**IDEA_NEWS[0], "days": days} for days in (1, 2, 3, 7, 11, 100)],
    "panels/text/decision.txt": [{**IDEA_NEWS[0], "decision": decision} for decision in DECISIONS],
    "payments/text/failed.txt": IDEA_NEWS,
    "stories/text/invitation.txt": IDEA_NEWS,
    "stories/text/reminder.txt": IDEA_NEWS,
    "stories/text/unpublished.txt": IDEA_NEWS,
    "stories/text/edited.txt": IDEA_NEWS,
    "assetmap/text/introduction_asked.txt": [
        {"place": SimpleNamespace(name=place), "interest": interest, "token": "x" * 22, "base_url": BASE_URL}
        for place in ("Harehills", "Llanfair Pwllgwyngyll")
        for interest in ("choir", "a" * 40)
    ],
    "assetmap/text/introduction_accepted.txt": [
        {"name": "Bartholomew Fitzgerald-Smythe", "reach": reach} for reach in ("", "07700 900123")
    ],
    "assetmap/text/introduction_not_now.txt": [{}],
    "stories/text/still_going.txt": [{**IDEA_NEWS[0], "token": "x" * 22, "months": months} for months in (6, 12)],
    "retention/text/erased.txt": [{"plan": SimpleNamespace(finance_records=n)} for n in (0, 1, 2)],
}


def test_every_text_template_is_checked():
    found = {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.glob("**/text/*.txt")}
    assert found == set(SAMPLES)


@pytest.mark.parametrize("language", ["en", "cy", "ar"])
@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_each_text_fits_in_two_fragments(app, template, language):
    def render(values, language):
        with force_locale(language):
            return app.jinja_env.get_template(template).render(config=app.config, **values).strip()

    with app.test_request_context():
        for values in SAMPLES[template]:
            text = render(values, language)
            assert text and fragments(text) <= 2, f"{template} in {language} is {len(text)} characters: {text}"
            if language != "en":
                assert text != render(values, "en"), f"{template} is not translated into {language}"


def test_fragments_are_counted_as_notify_counts_them():
    assert fragments("a" * 160) == 1 and fragments("a" * 161) == 2 and fragments("a" * 306) == 2
    assert fragments("ŵ" * 70) == 1 and fragments("ŵ" * 71) == 2 and fragments("ŵ" * 134) == 2
    assert fragments("ŵ" * 135) == 3 and fragments("€" * 80) == 1 and fragments("€" * 81) == 2
