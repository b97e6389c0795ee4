"""What programme officers write for residents has an English version and optional Welsh and Arabic ones, edited
side by side; a page shows the version in its language, or the English marked as English (lang and dir), so an
English sentence on an Arabic page keeps its full stop where English puts it."""

from __future__ import annotations

import html
import re

from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import login_as, post_form
from tests.factories import NeighbourhoodFactory, PotFactory, make_staff

ARABIC_DESCRIPTION = "شوارع هادئة وحديقة كبيرة."
WELSH_DESCRIPTION = "Strydoedd tawel a pharc mawr."


def in_language(client, language: str) -> None:
    post_form(client, "/language", {"language": language, "next": "/"})


def page(client, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def test_an_officer_writes_welsh_and_arabic_beside_the_english(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    place = NeighbourhoodFactory(name="Armley", slug="armley", is_active=True)
    form = {
        "name": "Armley",
        "description": "Quiet streets and a big park.",
        "description_cy": WELSH_DESCRIPTION,
        "description_ar": ARABIC_DESCRIPTION,
        "host_organisation": "Armley Hub",
        "builder_contact": "Jo at the hub",
        "builder_contact_cy": "",
        "builder_contact_ar": "جو في المركز",
        "decision_weeks": "2",
        "is_active": "y",
    }
    assert post_form(client, f"/programme/neighbourhoods/{place.id}", form).status_code == 302
    db.session.refresh(place)
    assert place.other_languages == {
        "cy": {"description": WELSH_DESCRIPTION},
        "ar": {"description": ARABIC_DESCRIPTION, "builder_contact": "جو في المركز"},
    }
    edit = page(client, f"/programme/neighbourhoods/{place.id}")
    assert WELSH_DESCRIPTION in edit and ARABIC_DESCRIPTION in edit
    assert re.search(r'<textarea[^>]*lang="ar"[^>]*dir="rtl"[^>]*>|<textarea[^>]*dir="rtl"[^>]*lang="ar"', edit)


def test_the_arabic_page_shows_the_arabic_version_and_the_english_marked_as_english(client):
    place = NeighbourhoodFactory(
        name="Armley",
        slug="armley",
        description="Quiet streets and a big park.",
        builder_contact="Jo at the hub",
        decision_weeks=2,
        other_languages={"ar": {"description": ARABIC_DESCRIPTION}},
    )
    PotFactory(neighbourhood=place, name="Spring sparks")
    in_language(client, "ar")
    shown = page(client, "/neighbourhoods/armley")
    assert f'<p class="govuk-body-l">{ARABIC_DESCRIPTION}</p>' in shown  # the page's own language: nothing to mark
    assert '<span lang="en" dir="ltr">Jo at the hub</span>' in shown  # no Arabic version: English, marked so
    assert '<span lang="en" dir="ltr">Spring sparks</span>' in shown
    assert "أسبوعين" in shown and "2 أسبوع" not in shown  # two weeks: Arabic's dual


def test_a_missing_version_falls_back_to_english_with_its_language_and_a_note(client):
    NeighbourhoodFactory(name="Armley", slug="armley", description="Quiet streets and a big park.", is_active=True)
    in_language(client, "ar")
    shown = page(client, "/neighbourhoods/armley")
    assert '<p class="govuk-body-l" lang="en" dir="ltr">Quiet streets and a big park.</p>' in shown
    in_language(client, "en")
    english = page(client, "/neighbourhoods/armley")
    assert (
        '<p class="govuk-body-l">Quiet streets and a big park.</p>' in english and 'lang="en" dir="ltr">' not in english
    )


def test_a_pots_welsh_name_is_shown_on_welsh_pages(client):
    place = NeighbourhoodFactory(name="Armley", slug="armley", is_active=True)
    PotFactory(neighbourhood=place, name="Spring sparks", other_languages={"cy": {"name": "Gwreichion y gwanwyn"}})
    in_language(client, "cy")
    shown = page(client, "/neighbourhoods/armley")
    assert "Gwreichion y gwanwyn" in shown and "Spring sparks" not in shown


def test_what_a_resident_wrote_keeps_its_language_and_direction_for_the_panel(client):
    from tests.factories import make_chair, sent_idea

    pot = PotFactory()
    idea = sent_idea(
        pot, None, {"بذور": 2_000}, idea_name="حديقة الشارع", idea_description="نزرع الزهور معًا.", language="ar"
    )
    login_as(client, make_chair(pot))
    shown = page(client, f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}")
    assert '<span dir="auto" lang="ar">حديقة الشارع</span>' in shown
    assert '<span dir="auto" lang="ar">نزرع الزهور معًا.</span>' in shown
    assert '<span dir="auto" lang="ar">بذور</span>' in shown


def test_a_pot_has_a_description_in_three_languages_shown_to_residents(client):
    from tests.integration.programme.test_set_up import POT

    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    place = NeighbourhoodFactory(name="Armley", slug="armley", is_active=True)
    form = {
        **POT,
        "description": "For ideas that bring neighbours together.",
        "description_cy": "Ar gyfer syniadau sy'n dod â chymdogion ynghyd.",
        "description_ar": "",
    }
    assert post_form(client, f"/programme/neighbourhoods/{place.id}/pots/new", form).status_code == 302
    pot = place.pots[0]
    assert pot.description == "For ideas that bring neighbours together."
    assert pot.other_languages == {"cy": {"description": "Ar gyfer syniadau sy'n dod â chymdogion ynghyd."}}
    assert "Ar gyfer syniadau" in page(client, f"/programme/neighbourhoods/{place.id}/pots/{pot.id}")  # to edit
    in_language(client, "cy")
    assert '<p class="govuk-body">Ar gyfer syniadau sy\'n dod â chymdogion ynghyd.</p>' in page(
        client, "/neighbourhoods/armley"
    )
    in_language(client, "ar")
    arabic = page(client, "/neighbourhoods/armley")
    assert '<p class="govuk-body" lang="en" dir="ltr">For ideas that bring neighbours together.</p>' in arabic


def test_a_pot_description_longer_than_500_characters_is_refused_and_kept_on_the_page(client):
    from tests.integration.programme.test_set_up import POT

    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    place = NeighbourhoodFactory(name="Armley", slug="armley", is_active=True)
    long = "Neighbours " * 50
    shown = html.unescape(
        post_form(client, f"/programme/neighbourhoods/{place.id}/pots/new", {**POT, "description_ar": long}).get_data(
            as_text=True
        )
    )
    assert "Write 500 characters or fewer" in shown and long.strip() in shown
    db.session.refresh(place)
    assert place.pots == []
