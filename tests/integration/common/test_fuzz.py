"""Every form, fuzzed (S8): Unicode, emoji, right-to-left text, huge and negative numbers, HTML and SQL payloads.

Nothing gives a 500, and whatever comes back is escaped.
"""

from __future__ import annotations

import re

import pytest

from portal.applications.journey import QUESTIONS
from portal.domain.roles import Role
from tests.conftest import CSRF_RE, login_as
from tests.factories import PotFactory, UserFactory, make_staff

PAYLOADS = [
    "<script>alert('x')</script>",
    "'; DROP TABLE users; --",
    '" onmouseover="alert(1)',
    "🎉🌱👩🏽‍🌾 party",
    "مرحبا بالجيران",
    "\u202egnirts desrever",
    "Zażółć gęślą jaźń",
    "-99999999999999999999",
    "9" * 400,
    "1e308",
    "NaN",
    " ",
    '=HYPERLINK("http://evil.example")',
    "\x00null byte",
    "a" * 5000,
]

NAME_RE = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')


def form_fields(html: str) -> list[str]:
    return sorted({name for name in NAME_RE.findall(html) if not name.endswith("csrf_token")})


def fuzz(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.get_data(as_text=True)
    token = CSRF_RE.search(html).group(1)
    fields = form_fields(html)
    assert fields, f"no fields on {url}"
    for payload in PAYLOADS:
        data = {name: payload for name in fields}
        data["csrf_token"] = token
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, payload[:40])
        body = response.get_data(as_text=True)
        assert "<script>alert('x')</script>" not in body, (url, "unescaped HTML")
        assert 'onmouseover="alert(1)' not in body, (url, "unescaped attribute")


def test_public_and_sign_in_forms_survive_fuzzing(client):
    for url in ("/sign-in", "/staff/sign-in"):
        fuzz(client, url)


def test_programme_forms_survive_fuzzing(client):
    user, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, user)
    pot = PotFactory()
    for url in (
        "/programme/neighbourhoods/new",
        f"/programme/neighbourhoods/{pot.neighbourhood_id}",
        f"/programme/neighbourhoods/{pot.neighbourhood_id}/pots/new",
        f"/programme/neighbourhoods/{pot.neighbourhood_id}/pots/{pot.id}",
        f"/programme/neighbourhoods/{pot.neighbourhood_id}/panel",
    ):
        fuzz(client, url)


@pytest.mark.parametrize("question", [q.slug for q in QUESTIONS])
def test_every_question_page_survives_fuzzing(client, question):
    from tests.integration.applications.test_journey import start

    application, _ = start(client)
    if question == "group-name":
        from tests.conftest import post_form

        post_form(client, f"/ideas/{application.id}/who-is-applying", {"applicant_type": "informal_group"})
    url = f"/ideas/{application.id}/{question}" if question != "costs" else f"/ideas/{application.id}/costs"
    fuzz(client, url)


def test_assisted_start_survives_fuzzing(client):
    PotFactory()
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    login_as(client, builder)
    fuzz(client, "/assisted/new")


def test_check_answers_survives_fuzzing(client):
    from tests.integration.applications.test_journey import start

    application, _ = start(client, user=UserFactory(email="fuzz@example.org"))
    fuzz(client, f"/ideas/{application.id}/check-your-answers")
