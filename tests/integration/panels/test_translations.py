"""A community builder translates an idea written in Arabic for the panel, and the panel's reason back into Arabic for
the resident; each translation is shown beside the original, marked as one, with who made it."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from portal.common.audit import AuditEvent
from portal.domain.decisions import DecisionKind
from portal.domain.roles import Role
from portal.extensions import db
from portal.panels import services
from portal.panels.models import Decision, IdeaTranslation
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_chair, make_staff, sent_idea


def arabic_idea(status="submitted", reference="ABCD-EFGH"):
    pot = PotFactory()
    resident = UserFactory()
    idea = sent_idea(
        pot,
        resident,
        {"بذور": 2_000},
        status=status,
        idea_name="حديقة الشارع",
        idea_description="نزرع الزهور معًا.",
        helps_area="يصبح الشارع أجمل.",
        reference=reference,
        language="ar",
    )
    return pot, resident, idea


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def row_value(page: str, key: str) -> str:
    """The text of a summary list row's value, its tags removed."""
    found = re.search(
        rf'<dt class="govuk-summary-list__key">{key}</dt><dd class="govuk-summary-list__value">(.*?)</dd>', page
    )
    assert found, f"no {key!r} row"
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip()


def test_the_panel_sees_the_language_an_idea_was_written_in_and_that_it_can_be_translated(client):
    pot, _, idea = arabic_idea()
    login_as(client, make_chair(pot))
    panel = text(client.get(f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}"))
    assert row_value(panel, "Written in").startswith("Arabic")
    assert "A community builder can add a translation for the panel." in panel
    english = sent_idea(pot, idea_name="Street garden")
    page = text(client.get(f"/panels/{pot.neighbourhood_id}/ideas/{english.id}"))
    assert row_value(page, "Written in") == "English"
    assert "can add a translation" not in page


def test_a_builder_translates_an_arabic_idea_and_the_panel_sees_it_beside_the_original(client):
    pot, _, idea = arabic_idea()
    builder, _ = make_staff(Role.COMMUNITY_BUILDER, name="Bea Builder")
    login_as(client, builder)
    listed = text(client.get("/panels/translations"))
    assert "حديقة الشارع" in listed and "Translate it for the panel" in listed
    form = text(client.get(f"/panels/translations/ideas/{idea.id}"))
    assert "نزرع الزهور معًا." in form
    assert 'name="language" type="radio" value="ar"' not in form  # not into the language it is written in
    assert 'name="language" type="radio" value="en"' in form
    saved = post_form(
        client,
        f"/panels/translations/ideas/{idea.id}",
        {"language": "en", "idea_name": "A street garden", "idea_description": "We plant flowers together."},
    )
    assert saved.headers["Location"] == "/panels/translations"
    row = db.session.execute(sa.select(IdeaTranslation)).scalar_one()
    assert row.language == "en" and row.made_by_id == builder.id
    assert row.texts == {"idea_name": "A street garden", "idea_description": "We plant flowers together."}
    audit = db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc())).scalars().first()
    assert audit == "idea.translated"

    login_as(client, make_chair(pot))
    panel = text(client.get(f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}"))
    assert '<span dir="auto" lang="ar">نزرع الزهور معًا.</span>' in panel  # the resident's own words
    assert "A translation into English" in panel and "Translated by Bea Builder, community builder" in panel
    assert "We plant flowers together." in panel
    assert "can add a translation" not in panel  # there is one


def test_a_builder_translates_the_reason_back_and_the_resident_reads_both(client):
    pot, resident, idea = arabic_idea()
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    services.record_decision(idea.id, chair, kind=DecisionKind.NOT_YET, reason="Please tell us where the garden is.")
    decision = db.session.execute(sa.select(Decision)).scalar_one()
    login_as(client, make_staff(Role.COMMUNITY_BUILDER)[0])
    assert "Translate the panel's reason for them" in text(client.get("/panels/translations"))
    empty = post_form(client, f"/panels/translations/decisions/{decision.id}", {"reason": "  "})
    assert "Write the reason in their language" in text(empty)
    post_form(client, f"/panels/translations/decisions/{decision.id}", {"reason": "أخبرونا أين الحديقة من فضلكم."})
    login_as(client, resident)
    ideas = text(client.get("/ideas"))
    assert "Please tell us where the garden is." in ideas
    assert "Translated for you by your community builder" in ideas
    assert '<span dir="auto" lang="ar">أخبرونا أين الحديقة من فضلكم.</span>' in ideas


def test_only_community_builders_translate_and_only_sent_ideas(client):
    pot, resident, idea = arabic_idea()
    for person in (resident, make_chair(pot), make_staff(Role.PROGRAMME_OFFICER)[0]):
        login_as(client, person)
        assert client.get("/panels/translations").status_code == 403
        assert client.get(f"/panels/translations/ideas/{idea.id}").status_code == 404  # nothing said of it
    _, _, draft = arabic_idea(status="draft", reference="WXYZ-2345")
    login_as(client, make_staff(Role.COMMUNITY_BUILDER)[0])
    assert client.get(f"/panels/translations/ideas/{draft.id}").status_code == 404
    assert "WXYZ-2345" not in text(client.get("/panels/translations"))


def test_a_translation_with_nothing_in_it_is_explained_and_nothing_is_saved(client):
    _, _, idea = arabic_idea()
    login_as(client, make_staff(Role.COMMUNITY_BUILDER)[0])
    page = post_form(client, f"/panels/translations/ideas/{idea.id}", {"language": "en", "idea_name": " "})
    assert "Translate at least one answer" in text(page)
    refused = post_form(client, f"/panels/translations/ideas/{idea.id}", {"language": "ar", "idea_name": "x"})
    assert "Select the language of your translation" in text(refused)
    assert db.session.execute(sa.select(sa.func.count(IdeaTranslation.id))).scalar() == 0
