"""A community builder's patch: every idea in their neighbourhood by stage, with the drafts that stalled and the
"not yet" ideas nobody has tried again; nobody else's patch, and nobody but builders and programme officers."""

from __future__ import annotations

import html
from datetime import timedelta

from portal.assetmap.models import BuilderPatch
from portal.common.time import utcnow
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import login_as
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_staff, sent_idea


def section(page: str, heading: str) -> str:
    """The part of the page under a stage's heading, up to the next heading."""
    start = page.index(f">{heading}</h2>")
    end = page.find("<h2", start)
    return page[start : end if end != -1 else len(page)]


def builder_of(place):
    builder = make_staff(Role.COMMUNITY_BUILDER)[0]
    db.session.add(BuilderPatch(user_id=builder.id, neighbourhood_id=place.id))
    db.session.commit()
    return builder


def test_a_builder_sees_every_idea_in_their_patch_by_stage(client):
    pot = PotFactory()
    place = pot.neighbourhood
    long_ago = utcnow() - timedelta(days=30)
    sent_idea(pot, idea_name="Seed swap", status="draft", reference=None, updated_at=long_ago, contact_name="Ada")
    sent_idea(pot, idea_name="Choir", status="draft", reference=None, contact_name="Bo")
    sent_idea(pot, idea_name="Bench", status="in_review", contact_name="Cy")
    waiting = sent_idea(pot, idea_name="Film night", status="not_yet", contact_name="Di")
    tried = sent_idea(pot, idea_name="Tool shed", status="not_yet", contact_name="Ed")
    sent_idea(pot, idea_name="Tool shed again", status="submitted", copied_from_id=tried.id, contact_name="Ed")
    sent_idea(pot, idea_name="Mural", status="approved", contact_name="Flo")
    sent_idea(PotFactory(), idea_name="Somewhere else", status="draft", reference=None)
    login_as(client, builder_of(place))

    page = html.unescape(client.get(f"/neighbourhoods/{place.slug}/ideas").get_data(as_text=True))

    stalled = section(page, "Started, then stalled")
    assert "Seed swap" in stalled and "Ada" in stalled and "Choir" not in stalled
    assert "Choir" in section(page, "Being written")
    assert "Bench" in section(page, "With the panel")
    could = section(page, "Not yet, and could come back")
    assert "Film night" in could and "Tool shed" not in could
    assert "Mural" in section(page, "Funded")
    assert "<li>Withdrawn, expired or tried again: 1</li>" in page  # counted, with nothing to link to
    assert "Somewhere else" not in page
    assert waiting.idea_name in page


def test_nobody_outside_the_patch_sees_it(client):
    pot = PotFactory()
    sent_idea(pot, idea_name="Seed swap")
    url = f"/neighbourhoods/{pot.neighbourhood.slug}/ideas"
    builder_of(NeighbourhoodFactory())
    for person in (
        make_staff(Role.COMMUNITY_BUILDER)[0],
        UserFactory(roles=[Role.RESIDENT]),
        make_staff(Role.FINANCE_OFFICER)[0],
    ):
        login_as(client, person)
        assert client.get(url).status_code == 404
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert "Seed swap" in client.get(url).get_data(as_text=True)


def test_the_builders_own_page_leads_to_each_neighbourhood_in_the_patch(client):
    place = NeighbourhoodFactory()
    login_as(client, builder_of(place))
    page = html.unescape(client.get("/assisted").get_data(as_text=True))
    assert f"/neighbourhoods/{place.slug}/ideas" in page
    assert f"/neighbourhoods/{place.slug}/people" in page
