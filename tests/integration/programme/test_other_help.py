"""Programme officers keep the list of other help shown when a pot is not for someone: added with Welsh and Arabic
beside the English, changed, and removed only after asking, each saying what it did."""

from __future__ import annotations

import html

import sqlalchemy as sa

from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import ProgrammeText
from tests.conftest import explained, login_as, post_form
from tests.factories import UserFactory, make_staff

ADVICE = {
    "title": "Citizens Advice Leeds",
    "title_cy": "Cyngor ar Bopeth Leeds",
    "title_ar": "",
    "text": "Free advice on money, work and housing.",
    "text_cy": "",
    "text_ar": "نصائح مجانية حول المال والعمل والسكن.",
    "url": "https://www.citizensadvice.org.uk",
}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def flashed(client) -> str:
    with client.session_transaction() as session:
        return " ".join(message for _, message in session.get("_flashes", []))


def test_an_officer_adds_changes_and_removes_other_help(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert "There is nothing on this list yet." in text(client.get("/programme/other-help"))
    assert post_form(client, "/programme/other-help/new", ADVICE).headers["Location"] == "/programme/other-help"
    item = db.session.execute(sa.select(ProgrammeText)).scalar_one()
    assert item.other_languages == {
        "cy": {"title": "Cyngor ar Bopeth Leeds"},
        "ar": {"text": "نصائح مجانية حول المال والعمل والسكن."},
    }
    listed = text(client.get("/programme/other-help"))
    assert "Citizens Advice Leeds has been saved." in listed and "https://www.citizensadvice.org.uk" in listed
    changed = post_form(client, f"/programme/other-help/{item.id}", {**ADVICE, "title": "Citizens Advice"})
    assert changed.status_code == 302
    db.session.refresh(item)
    assert item.title == "Citizens Advice"
    ask = text(client.get(f"/programme/other-help/{item.id}/remove"))
    assert "Remove Citizens Advice?" in ask
    assert db.session.get(ProgrammeText, item.id) is not None  # asking removes nothing
    assert post_form(client, f"/programme/other-help/{item.id}/remove", {}).status_code == 302
    assert "Citizens Advice has been removed." in flashed(client)
    assert db.session.execute(sa.select(ProgrammeText)).scalar() is None
    actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert {"other_help.added", "other_help.changed", "other_help.removed"} <= set(actions)
    gone = client.get(f"/programme/other-help/{item.id}")
    assert gone.headers["Location"] == "/programme/other-help"
    assert "That has been removed from the list." in flashed(client)


def test_a_link_that_is_not_a_web_address_is_refused_and_what_was_typed_kept(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    for bad in ("javascript:alert(1)", "www.example.org", "https://"):
        explained(
            post_form(client, "/programme/other-help/new", {**ADVICE, "url": bad}),
            "Enter a web address starting with https://",
            ("Citizens Advice Leeds",),
        )
    assert db.session.execute(sa.select(ProgrammeText)).scalar() is None


def test_a_title_is_needed(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    explained(
        post_form(client, "/programme/other-help/new", {**ADVICE, "title": " "}), "Enter the words residents will read"
    )


def test_only_programme_officers_keep_other_help(client):
    login_as(client, UserFactory())
    assert client.get("/programme/other-help").status_code == 403
    assert client.post("/programme/other-help/new", data=ADVICE).status_code in (400, 403)
    assert db.session.execute(sa.select(ProgrammeText)).scalar() is None
