"""The programme's log of changes to how institutions work: programme officers add (with the ideas they came from,
checked) and take off; viewers read it."""

from __future__ import annotations

import html

import sqlalchemy as sa

from portal.domain.roles import Role
from portal.extensions import db
from portal.insight.models import InstitutionalChange
from tests.conftest import explained, login_as, post_form
from tests.factories import make_staff
from tests.integration.stories.helpers import paid_award

URL = "/insight/changes"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_an_officer_logs_a_change_with_the_ideas_it_came_from_and_a_viewer_reads_it(client):
    case = paid_award()
    reference = case.application.reference
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert "Nothing is on the log yet." in text(client.get(URL))
    fields = {
        "what_changed": "The library now opens on Saturdays for the seed swap",
        "happened_on": ["1", "4", "2026"],
        "neighbourhood_id": case.application.pot.neighbourhood_id,
        "references": f"{reference.lower()}, NOPE-NOPE",
    }
    refused = post_form(client, URL, fields)
    explained(refused, "We cannot find an idea with the reference NOPE-NOPE", kept=["seed swap"])
    assert post_form(client, URL, {**fields, "references": reference.lower()}).headers["Location"] == URL
    change = db.session.execute(sa.select(InstitutionalChange)).scalar_one()
    assert change.idea_references == [reference] and change.happened_on.isoformat() == "2026-04-01"
    login_as(client, make_staff(Role.VIEWER)[0])
    page = text(client.get(URL))
    assert "The library now opens on Saturdays" in page and reference in page and "Add a change" not in page
    assert "Take off the log" not in page


def test_an_officer_takes_a_change_off_the_log_and_others_cannot(client):
    officer = make_staff(Role.PROGRAMME_OFFICER)[0]
    login_as(client, officer)
    fields = {
        "what_changed": "Free room hire",
        "happened_on": ["2", "5", "2026"],
    }
    post_form(client, URL, {**fields, "neighbourhood_id": "0", "references": ""})
    change = db.session.execute(sa.select(InstitutionalChange)).scalar_one()
    assert change.neighbourhood_id is None
    for role in (Role.VIEWER, Role.RESIDENT):
        login_as(client, make_staff(role)[0])
        assert post_form(client, f"{URL}/{change.id}/remove", {}, token_from="/").status_code == 403
    login_as(client, officer)
    post_form(client, f"{URL}/{change.id}/remove", {}, token_from=URL)
    assert db.session.execute(sa.select(InstitutionalChange)).first() is None
