"""Security review, assisted applications (low): sending an idea in an existing resident's name on the builder's
word alone, a builder withdrawing the resident's idea, and a message that gave staff addresses away."""

from __future__ import annotations

from datetime import date

from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import login_as, outbox, post_form
from tests.factories import PotFactory, UserFactory, make_staff
from tests.integration.applications.test_assisted import builder_starts, fill_in


def test_an_idea_for_a_resident_with_an_email_address_cannot_be_sent_on_spoken_agreement(client):
    import pytest

    from portal.applications import assisted, services

    UserFactory(email="known@example.org", name="Known Resident")
    pot = PotFactory()
    builder, application = builder_starts(client, pot, email="known@example.org")
    fill_in(client, application, contact="email")
    url = f"/ideas/{application.id}/check-your-answers"
    assert "When did they tell you they agree?" not in client.get(url).get_data(as_text=True)
    with pytest.raises(services.ApplicationProblem) as refused:
        assisted.submit_with_spoken_agreement(application, builder, date.today())
    assert refused.value.reason == "confirm_by_email"
    db.session.refresh(application)
    assert (application.status, application.consent_method) == ("draft", None)
    # The old form's answer is not taken as spoken agreement either: the only way is the emailed link.
    today = date.today()
    post_form(
        client,
        url,
        {"consent_method": "spoken", "consent_given_on": [str(today.day), str(today.month), str(today.year)]},
    )
    db.session.refresh(application)
    assert (application.status, application.consent_method) == ("draft", "email")
    assert outbox("known@example.org")


def test_a_builder_cannot_withdraw_the_residents_idea(client):
    pot = PotFactory()
    _, application = builder_starts(client, pot, email="mo@example.org")
    assert client.get(f"/ideas/{application.id}/withdraw").status_code == 404
    response = post_form(client, f"/ideas/{application.id}/withdraw", {}, token_from="/assisted")
    assert response.status_code == 404
    db.session.refresh(application)
    assert application.status == "draft"
    login_as(client, application.applicant)
    assert post_form(client, f"/ideas/{application.id}/withdraw", {}).status_code == 302
    db.session.refresh(application)
    assert application.status == "withdrawn"


def test_the_start_page_does_not_say_which_addresses_are_staff_accounts(client):
    make_staff(Role.FINANCE_OFFICER, email="money@example.org")
    pot = PotFactory()
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    login_as(client, builder)
    for email in ("money@example.org", "someone.new@example.org"):
        response = post_form(client, "/assisted/new", {"pot_id": pot.id, "resident_name": "X", "resident_email": email})
        assert response.status_code == 302, "the same for every address"
        assert "staff" not in response.get_data(as_text=True).lower()
