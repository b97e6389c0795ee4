"""A community builder enters an idea with a resident who has a mobile number and no email address: the number is
kept (encrypted) for the resident, who agrees to the idea by telling the builder a code we text them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.services import mobile_lookup
from portal.applications.models import Application
from portal.common.email import OutboxMessage
from portal.domain.mobiles import HearBy
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_staff
from tests.integration.applications.test_assisted import fill_in

NUMBER = "+447700900321"
CODE_RE = re.compile(r"tell them this code: (\d{6})")


def builder_starts_with_a_mobile(client, pot, mobile="07700 900321", email=""):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER, name="Bea Builder")
    login_as(client, builder)
    form = {"pot_id": pot.id, "resident_name": "Mo Resident", "resident_email": email, "resident_mobile": mobile}
    response = post_form(client, "/assisted/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    application = db.session.execute(
        sa.select(Application).where(Application.assisted_by_id == builder.id)
    ).scalar_one()
    return builder, application


def texts() -> list[str]:
    rows = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.channel == "text").order_by(OutboxMessage.id)
    ).scalars()
    return [row.body for row in rows if row.to_mobile.reveal() == NUMBER]


def ask_for_a_code(client, application) -> str:
    response = post_form(
        client, f"/ideas/{application.id}/agree-by-text", {}, token_from=f"/ideas/{application.id}/check-your-answers"
    )
    assert response.headers["Location"] == f"/ideas/{application.id}/agreement-code"
    return CODE_RE.search(texts()[-1]).group(1)


def test_the_residents_number_is_kept_for_them_and_they_hear_by_text(client):
    _, application = builder_starts_with_a_mobile(client, PotFactory())
    resident = application.applicant
    assert resident.email is None and resident.mobile.reveal() == NUMBER
    assert resident.mobile_lookup == mobile_lookup(NUMBER) and resident.hear_by == HearBy.TEXT
    assert application.contact_method == "text"


def test_the_resident_agrees_by_telling_the_builder_the_texted_code(client):
    _, application = builder_starts_with_a_mobile(client, PotFactory())
    fill_in(client, application, contact="text")
    page = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    assert "Text them a code" in page and "When did they tell you they agree?" in page
    code = ask_for_a_code(client, application)
    form = client.get(f"/ideas/{application.id}/agreement-code").get_data(as_text=True)
    assert "Ask them for the code" in form and "07700 900321" in form
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = post_form(client, f"/ideas/{application.id}/agreement-code", {"code": wrong})
    assert "That code is not right" in refused.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status == "draft"
    sent = post_form(client, f"/ideas/{application.id}/agreement-code", {"code": code})
    assert sent.headers["Location"] == f"/ideas/{application.id}/sent"
    db.session.refresh(application)
    assert application.status == "submitted" and application.consent_method == "text"
    assert application.consent_given_on is not None
    assert any("thank you, we have your idea" in body for body in texts())  # the news, by text


def test_the_agreement_code_cannot_sign_anyone_in_nor_be_used_twice(client, app):
    _, application = builder_starts_with_a_mobile(client, PotFactory())
    fill_in(client, application, contact="text")
    code = ask_for_a_code(client, application)
    stranger = app.test_client()
    with stranger.session_transaction() as session:
        session["sign_in_mobile"] = NUMBER
    page = post_form(stranger, "/sign-in/check-your-phone", {"code": code}, token_from="/sign-in")
    assert "There is no code waiting for this number" in page.get_data(as_text=True)
    assert post_form(client, f"/ideas/{application.id}/agreement-code", {"code": code}).status_code == 302
    again = client.get(f"/ideas/{application.id}/agreement-code")
    assert again.headers["Location"] == f"/ideas/{application.id}/sent"


def test_only_the_builder_who_entered_the_idea_can_ask_for_or_enter_the_code(client, app):
    _, application = builder_starts_with_a_mobile(client, PotFactory())
    fill_in(client, application, contact="text")
    other, _ = make_staff(Role.COMMUNITY_BUILDER, name="Other Builder")
    login_as(client, other)
    assert client.get(f"/ideas/{application.id}/agreement-code").status_code in (403, 404)
    resident = db.session.get(User, application.applicant_id)
    login_as(client, resident)
    assert client.get(f"/ideas/{application.id}/agreement-code").status_code == 404
    assert texts() == []


def test_a_resident_with_an_email_address_agrees_by_email_not_by_text(client):
    _, application = builder_starts_with_a_mobile(client, PotFactory(), email="mo@example.org")
    fill_in(client, application, contact="email")
    page = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    assert "Text them a code" not in page and "Email them a link" in page
    response = post_form(
        client, f"/ideas/{application.id}/agree-by-text", {}, token_from=f"/ideas/{application.id}/check-your-answers"
    )
    assert response.status_code == 302 and texts() == []


def test_a_number_someone_already_has_finds_their_account(client):
    existing = UserFactory(email=None)
    existing.mobile, existing.mobile_lookup = NUMBER, mobile_lookup(NUMBER)
    db.session.commit()
    _, application = builder_starts_with_a_mobile(client, PotFactory(), mobile="+44 7700 900321")
    assert application.applicant_id == existing.id


def test_a_number_that_is_not_a_uk_mobile_is_explained_and_everything_kept(client):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER, name="Bea Builder")
    login_as(client, builder)
    pot = PotFactory()
    form = {"pot_id": pot.id, "resident_name": "Mo Resident", "resident_email": "", "resident_mobile": "0113 496 0000"}
    page = post_form(client, "/assisted/new", form).get_data(as_text=True)
    assert "That looks like a landline" in page
    assert 'value="Mo Resident"' in page and 'value="0113 496 0000"' in page
