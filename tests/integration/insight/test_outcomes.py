"""The programme's three outcomes on Insight and in the commissioner report: each indicator counted from what
happened, beside the public stories, map entries and logged changes it comes from; never an introduction's
content, a person's private gift, or an unpublished story."""

from __future__ import annotations

import html
import io
from datetime import date

import sqlalchemy as sa
from pypdf import PdfReader

from portal.assetmap.models import Introduction, MapEntry, MapEntryUse
from portal.domain.roles import Role
from portal.domain.stories import months_after
from portal.extensions import db
from portal.insight import outcomes
from portal.insight.models import InstitutionalChange, Report
from portal.insight.services import Filters
from portal.stories import still_going
from portal.stories.models import StillGoingCheck, Story
from tests.conftest import login_as, post_form
from tests.factories import NeighbourhoodFactory, UserFactory, make_staff, sent_idea
from tests.integration.insight.helpers import published_story

PAID = date(2026, 11, 20)


def a_programme_with_outcomes():
    """A published story whose group formed and is still going at six months; the map: a room two ideas use, a
    private gift an idea uses, a group an idea made; one introduction accepted, one waiting; a logged change."""
    case, story_id = published_story("The knitting circle meets every week now.")
    story = db.session.get(Story, story_id)
    story.group_formed = "yes"
    place = case.application.pot.neighbourhood
    still_going.ask_due(months_after(PAID, 6))
    check = db.session.execute(sa.select(StillGoingCheck)).scalar_one()
    check.answer = "yes"
    room = MapEntry(neighbourhood_id=place.id, kind="physical", name="The Reading Room", status="published")
    gift = MapEntry(neighbourhood_id=place.id, kind="individual", name="Nadia's sewing", status="published")
    made = MapEntry(
        neighbourhood_id=place.id,
        kind="associational",
        name="Knitting circle",
        status="published",
        from_application_id=case.application.id,
    )
    db.session.add_all([room, gift, made])
    db.session.flush()
    other = sent_idea(case.application.pot, idea_name="Seed swap")
    db.session.add_all(
        [
            MapEntryUse(application_id=case.application.id, entry_id=room.id),
            MapEntryUse(application_id=other.id, entry_id=room.id),
            MapEntryUse(application_id=other.id, entry_id=gift.id),
        ]
    )
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    for first, second, status in ((a, b, "accepted"), (a, c, "asked")):
        db.session.add(
            Introduction(
                neighbourhood_id=place.id,
                first_id=first.id,
                second_id=second.id,
                interest="",
                first_token_hash=f"{first.id}-{second.id}-1",
                second_token_hash=f"{first.id}-{second.id}-2",
                status=status,
            )
        )
    db.session.add(
        InstitutionalChange(
            what_changed="The library now opens on Saturdays for the seed swap",
            neighbourhood_id=place.id,
            happened_on=date(2026, 11, 1),
        )
    )
    db.session.commit()
    return case, place


def test_the_outcomes_are_counted_from_what_happened(db_session):
    _case, place = a_programme_with_outcomes()
    found = outcomes.build(Filters())
    assert found.groups_formed == 1 and found.group_stories
    six, twelve = found.groups_going
    assert (six.months, six.asked, six.answered, six.going) == (6, 1, 1, 1) and twelve.asked == 0
    assert found.ideas_using_the_map == 2
    assert found.most_used == (("The Reading Room", 2),)  # the private gift is never named
    assert (found.introductions_asked, found.introductions_accepted) == (2, 1)
    assert found.made_by_ideas == ("Knitting circle",)
    [here] = [p for p in found.places if p.name == place.name]
    assert (here.on_the_map, here.made_by_ideas, here.used_by_ideas) == (3, 1, 2)
    assert found.changes_logged == 1
    elsewhere = outcomes.build(Filters(neighbourhood_id=NeighbourhoodFactory().id))
    assert elsewhere.groups_formed == 0 and elsewhere.ideas_using_the_map == 0 and elsewhere.changes_logged == 0


def test_programme_officers_and_viewers_read_the_outcomes_and_residents_do_not(client):
    a_programme_with_outcomes()
    login_as(client, make_staff(Role.VIEWER)[0])
    page = html.unescape(client.get("/insight/outcomes").get_data(as_text=True))
    for words in (
        "1. People and communities better connected",
        "The Reading Room × 2",
        "Ideas helped by things on the local map",
        "Knitting circle",
        "The library now opens on Saturdays",
        "1 of 2 asked",
        "1 of the 1 who answered",
    ):
        assert words in page, words
    assert "Nadia" not in page
    assert "What lasts: the three outcomes" in client.get("/insight").get_data(as_text=True)
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert client.get("/insight/outcomes").status_code == 403


def test_the_commissioner_report_holds_the_outcomes(client):
    case, place = a_programme_with_outcomes()
    login_as(client, make_staff(Role.VIEWER)[0])
    post_form(client, "/insight/report", {"period": "all", "neighbourhoods": [place.id]})
    report = db.session.scalar(sa.select(Report).order_by(Report.id.desc()))
    assert report.status == "ready", report.error
    pdf = client.get(f"/insight/reports/{report.id}/download")
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "three outcomes" in words and "Saturdays for the seed swap" in words and "Reading Room" in words
    assert "Nadia" not in words and case.resident.name not in words
