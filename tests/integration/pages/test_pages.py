"""The public pages, the layout every page shares, and the language switch."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.domain.roles import Role
from tests.conftest import login_as, post_form
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_award, make_staff

ROOT = Path(__file__).resolve().parents[3]


def test_the_home_page_lists_neighbourhoods_with_an_open_pot_only(client):
    PotFactory(neighbourhood=NeighbourhoodFactory(name="Open Place"), max_award_pence=75_000, name="Summer pot")
    PotFactory(
        neighbourhood=NeighbourhoodFactory(name="Closed Place"), opens_on=date(2020, 1, 1), closes_on=date(2020, 2, 1)
    )
    PotFactory(neighbourhood=NeighbourhoodFactory(name="Hidden Place", is_active=False))
    html = client.get("/").get_data(as_text=True)
    assert "Open Place" in html and "Summer pot: ask for up to £750." in html
    assert "Closed Place" not in html
    assert "Hidden Place" not in html


@pytest.mark.parametrize("url", ["/", "/accessibility", "/privacy", "/cookies", "/sign-in", "/staff/sign-in"])
def test_every_page_has_the_shared_layout(client, url):
    html = client.get(url).get_data(as_text=True)
    assert 'href="#main-content"' in html and "Skip to main content" in html
    assert "govuk-phase-banner" in html and "Beta" in html and "Tell us what you think" in html
    assert "/accessibility" in html and "/privacy" in html and "/cookies" in html
    assert "govuk-generic-header" in html and "Small Sparks" in html
    assert 'href="/cy/' in html and 'href="/ar/' in html  # a visitor's language switch: links


def test_this_is_not_govuk(client):
    html = client.get("/").get_data(as_text=True)
    css = (ROOT / "static/css/app.css").read_text()
    assert "govuk-logo" not in html and "crown" not in html.lower()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "Crown copyright" not in html


def test_the_error_title_prefix_and_summary_appear_once_on_a_page_with_errors(client):
    html = post_form(client, "/sign-in", {"email": "nope"}).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().startswith("Error:") and title.count("Error:") == 1
    assert html.count("govuk-error-summary__title") == 1


def test_a_page_without_errors_has_no_error_prefix(client):
    assert "Error:" not in client.get("/sign-in").get_data(as_text=True)


def test_flashed_messages_show_as_notification_banners(client):
    login_as(client, UserFactory())
    response = post_form(client, "/sign-out", {}, token_from="/account")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "govuk-notification-banner--success" in html and "You have signed out." in html


def test_navigation_depends_on_the_signed_in_role(client):
    assert "Sign in" in client.get("/").get_data(as_text=True)
    user, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, user)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/programme/neighbourhoods"' in html and 'href="/panels"' in html  # every panel, for the fast track
    assert 'href="/finance"' not in html
    login_as(client, make_staff(Role.FINANCE_OFFICER)[0])
    html = client.get("/").get_data(as_text=True)
    assert 'href="/finance"' in html and 'href="/panels"' not in html
    login_as(client, UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER]))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/panels"' in html and 'href="/programme/neighbourhoods"' not in html


def _catalogue(language):
    with open(ROOT / f"translations/{language}/LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize(("language", "direction"), [("cy", "ltr"), ("ar", "rtl")])
def test_the_language_switch_changes_the_page_and_is_remembered(client, language, direction):
    response = post_form(client, "/language", {"language": language, "next": "/cookies"})
    assert response.headers["Location"] == "/cookies"
    html = client.get("/privacy").get_data(as_text=True)
    assert f'lang="{language}" dir="{direction}"' in html
    translated = _catalogue(language).get("Skip to main content").string
    assert translated and translated in html


def test_a_signed_in_persons_language_is_kept_on_their_account(client):
    user = login_as(client, UserFactory())
    post_form(client, "/language", {"language": "cy", "next": "/"})
    assert user.language == "cy"


def test_an_unknown_language_is_refused_plainly(client):
    assert post_form(client, "/language", {"language": "xx"}).status_code == 400


def test_the_language_switch_never_redirects_off_the_site(client):
    response = post_form(client, "/language", {"language": "cy", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def _strip_jinja(source: str) -> str:
    """Remove {{ … }} and {% … %}, allowing braces of dicts inside them."""
    out, i = [], 0
    while i < len(source):
        if source.startswith(("{{", "{%"), i):
            closer = "}}" if source[i + 1] == "{" else "%}"
            depth, j = 0, i + 2
            while j < len(source):
                if source[j] == "{":
                    depth += 1
                elif source.startswith(closer, j) and depth == 0:
                    break
                elif source[j] == "}":
                    depth -= 1
                j += 1
            i = j + 2
        else:
            out.append(source[i])
            i += 1
    return "".join(out)


TEMPLATES = ROOT / "templates"
NOT_USER_FACING = {"layouts/govuk_template.html", "dev/outbox.html"}


@pytest.mark.parametrize(
    "template",
    sorted(
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*.html")
        if p.relative_to(TEMPLATES).as_posix() not in NOT_USER_FACING
    ),
)
def test_every_user_facing_string_in_templates_is_marked_for_translation(template):
    source = (TEMPLATES / template).read_text()
    source = re.sub(r"{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"<(style|script)\b.*?</\1>", "", source, flags=re.S)
    source = _strip_jinja(source)
    source = re.sub(r"<[^>]+>", "", source)
    leftover = re.sub(r"[\s·–\-|:,.()£%]+", " ", source).strip()
    assert leftover == "", f"untranslated text in {template}: {leftover[:120]!r}"


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_catalogues_are_compiled(language):
    assert (ROOT / f"translations/{language}/LC_MESSAGES/messages.mo").exists()


PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_every_string_is_translated_with_the_same_placeholders(language):
    with open(ROOT / "translations/messages.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    catalogue = {m.id: m for m in _catalogue(language) if m.id}
    assert template <= set(catalogue), f"run make extract-messages: {sorted(template - set(catalogue))[:5]}"
    for message in catalogue.values():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: not translated: {ids[0]!r}"
        expected = set(PLACEHOLDER.findall(ids[-1]))
        # A plural form may say its number in words ("أسبوعين", two weeks: Arabic's dual), so leave the number out.
        may_leave_out = {"%(num)s"} if isinstance(message.id, tuple) else set()
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            assert expected - may_leave_out <= found <= expected, f"{language}: placeholders differ in {ids[0]!r}"


def test_the_neighbourhood_page_says_what_has_been_funded_in_numbers_only(client):
    pot = PotFactory()
    page = client.get(f"/neighbourhoods/{pot.neighbourhood.slug}").get_data(as_text=True)
    assert "No ideas have been funded here yet" in page
    make_award(pot, 12_500)
    page = client.get(f"/neighbourhoods/{pot.neighbourhood.slug}").get_data(as_text=True)
    assert "The panel has funded 1 idea here so far, for £125." in page
    make_award(pot, 4_050, status="accepted")
    make_award(pot, 30_000, status="declined")  # the resident said no thanks: not funded
    make_award(PotFactory(), 99_900)  # another neighbourhood's
    page = client.get(f"/neighbourhoods/{pot.neighbourhood.slug}").get_data(as_text=True)
    assert "The panel has funded 2 ideas here so far, from £40.50 to £125." in page
    assert "Lovely idea" not in page  # what the panel wrote stays private
