"""A community builder enters an idea with a resident; it stays the resident's idea, and they agree before it goes."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.applications.models import Application
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import csrf_token, login_as, outbox, post_form
from tests.factories import PotFactory, UserFactory, make_staff
from tests.integration.applications.test_journey import ANSWERS

LINK_RE = re.compile(r"http://localhost(/sign-in/link/[\w-]+)")


def builder_starts(client, pot, email=""):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER, name="Bea Builder")
    login_as(client, builder)
    response = post_form(
        client, "/assisted/new", {"pot_id": pot.id, "resident_name": "Mo Resident", "resident_email": email}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    application = db.session.execute(
        sa.select(Application).where(Application.assisted_by_id == builder.id)
    ).scalar_one()
    return builder, application


def fill_in(client, application, contact="builder"):
    base = f"/ideas/{application.id}"
    for slug, data in ANSWERS:
        post_form(client, f"{base}/{slug}", data)
    post_form(client, f"{base}/costs", {"item": "Paint", "amount": "30"})
    post_form(client, f"{base}/when-and-where", {"when_text": "May"})
    post_form(client, f"{base}/contact", {"contact_name": "Mo Resident", "contact_method": contact})


def test_a_builder_enters_an_idea_for_a_resident_without_email_and_records_spoken_agreement(client):
    pot = PotFactory()
    builder, application = builder_starts(client, pot)
    assert application.applicant.email is None and application.applicant.roles == {Role.RESIDENT}
    fill_in(client, application)
    url = f"/ideas/{application.id}/check-your-answers"
    page = client.get(url).get_data(as_text=True)
    assert "When did they tell you they agree?" in page
    html = post_form(client, url, {}).get_data(as_text=True)
    assert "Enter the date they told you they agree" in html
    today = date.today()
    response = post_form(client, url, {"consent_given_on": [str(today.day), str(today.month), str(today.year)]})
    assert response.headers["Location"] == f"/ideas/{application.id}/sent"
    db.session.refresh(application)
    assert (application.status, application.consent_method, application.consent_given_on) == (
        "submitted",
        "spoken",
        today,
    )
    assert outbox() == [], "no email address: the builder passes on the news"
    listing = client.get("/assisted").get_data(as_text=True)
    assert "Assisted" in listing and "Mo Resident" in listing and "you pass on updates" in listing


def test_a_future_agreement_date_is_refused(client):
    pot = PotFactory()
    _, application = builder_starts(client, pot)
    fill_in(client, application)
    tomorrow = date.today() + timedelta(days=1)
    html = post_form(
        client,
        f"/ideas/{application.id}/check-your-answers",
        {"consent_given_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]},
    ).get_data(as_text=True)
    assert "must be today or in the past" in html
    db.session.refresh(application)
    assert (application.status, application.consent_method) == ("draft", None)


def test_a_resident_with_email_confirms_by_link_and_that_sends_it(client, app):
    pot = PotFactory()
    _, application = builder_starts(client, pot, email="mo@example.org")
    fill_in(client, application, contact="email")
    page = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    assert "Email them a link to check and send it" in page and "When did they tell you" not in page
    response = post_form(client, f"/ideas/{application.id}/check-your-answers", {})
    assert response.headers["Location"] == "/assisted"
    db.session.refresh(application)
    assert application.status == "draft"
    link = LINK_RE.search(outbox("mo@example.org")[-1].body).group(1)
    resident = app.test_client()
    landed = resident.post(link, data={"csrf_token": csrf_token(resident, link)})
    assert landed.headers["Location"] == f"/ideas/{application.id}/confirm"
    page = resident.get(landed.headers["Location"]).get_data(as_text=True)
    assert '<span dir="auto">Bea Builder</span> wrote this down with you' in page and "Saturday litter pick" in page
    sent = post_form(resident, f"/ideas/{application.id}/confirm", {})
    assert sent.headers["Location"] == f"/ideas/{application.id}/sent"
    db.session.refresh(application)
    assert application.status == "submitted" and application.resident_confirmed_at is not None
    assert any(application.reference in m.subject for m in outbox("mo@example.org"))


def test_an_assisted_idea_cannot_be_sent_without_the_residents_agreement(client):
    from portal.applications import services

    pot = PotFactory()
    builder, application = builder_starts(client, pot)
    fill_in(client, application)
    try:
        services.submit_application(application.id, builder)
    except services.ApplicationProblem as problem:
        assert problem.reason == "no_agreement"
    else:
        raise AssertionError("sent without agreement")


def test_a_resident_without_email_cannot_be_asked_by_email(client):
    import pytest

    from portal.applications import assisted, services

    pot = PotFactory()
    builder, application = builder_starts(client, pot)
    fill_in(client, application)
    page = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    assert "Email them a link" not in page and 'name="consent_method"' not in page
    with pytest.raises(services.ApplicationProblem) as problem:
        assisted.ask_resident_to_confirm(application, builder)
    assert problem.value.reason == "no_email"


def test_a_builder_sees_only_the_ideas_they_entered(client):
    pot = PotFactory()
    _, theirs = builder_starts(client, pot)
    other, _ = make_staff(Role.COMMUNITY_BUILDER)
    login_as(client, other)
    assert client.get(f"/ideas/{theirs.id}/check-your-answers").status_code == 404
    assert "Mo Resident" not in client.get("/assisted").get_data(as_text=True)
    resident_idea = Application(pot_id=pot.id, applicant_id=UserFactory().id)
    db.session.add(resident_idea)
    db.session.commit()
    assert client.get(f"/ideas/{resident_idea.id}/idea-name").status_code == 404


def test_only_the_resident_confirms_their_idea(client):
    pot = PotFactory()
    _, application = builder_starts(client, pot, email="mo2@example.org")
    assert client.get(f"/ideas/{application.id}/confirm").status_code == 404


def test_the_start_form_explains_each_missing_answer(client):
    PotFactory()
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    login_as(client, builder)
    html = post_form(client, "/assisted/new", {"resident_email": "not-an-email"}).get_data(as_text=True)
    assert "Select a pot" in html and "Enter the resident&#39;s name" in html.replace("'", "&#39;")
    assert "Enter an email address in the correct format" in html and 'value="not-an-email"' in html


def test_an_existing_resident_is_reused_not_duplicated(client):
    UserFactory(email="known.resident@example.org")
    pot = PotFactory()
    builder_starts(client, pot, email="Known.Resident@example.org")
    count = db.session.execute(
        sa.select(sa.func.count(User.id)).where(User.email == "known.resident@example.org")
    ).scalar()
    assert count == 1


def test_spoken_agreement_is_not_recorded_when_the_idea_cannot_be_sent(client):
    import pytest

    from portal.applications import assisted, services

    pot = PotFactory()
    builder, application = builder_starts(client, pot)  # nothing answered yet
    with pytest.raises(services.ApplicationProblem) as problem:
        assisted.submit_with_spoken_agreement(application, builder, date.today())
    assert problem.value.reason == "missing_answers"
    db.session.expire_all()
    assert (application.status, application.consent_method, application.consent_given_on) == ("draft", None, None)


def test_asking_the_resident_to_confirm_records_nothing_if_the_email_cannot_be_made(client, monkeypatch):
    import pytest

    from portal.applications import assisted, services

    pot = PotFactory()
    builder, application = builder_starts(client, pot, email="mo@example.org")
    fill_in(client, application, contact="email")

    def broken(*args, **kwargs):
        raise RuntimeError("the sign-in link could not be made")

    monkeypatch.setattr(services, "send_sign_in_link", broken)
    with pytest.raises(RuntimeError):
        assisted.ask_resident_to_confirm(application, builder)
    db.session.expire_all()
    assert application.consent_method is None
    assert outbox("mo@example.org") == []


# What a builder met on the way with a resident who has no email address ------------------------------------------


def send_with_spoken_agreement(client, application):
    today = date.today()
    return post_form(
        client,
        f"/ideas/{application.id}/check-your-answers",
        {"consent_given_on": [str(today.day), str(today.month), str(today.year)]},
    )


def test_the_builder_sends_a_residents_idea_with_send_their_idea_not_continue(client):
    _, application = builder_starts(client, PotFactory())
    fill_in(client, application)
    page = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    buttons = re.findall(r'<button[^>]*type="submit"[^>]*>\s*([^<]*?)\s*</button>', main)
    assert buttons == ["Send their idea"], buttons


def test_the_confirmation_speaks_to_the_builder_about_a_resident_without_email(client):
    _, application = builder_starts(client, PotFactory())
    fill_in(client, application)
    sent = send_with_spoken_agreement(client, application)
    assert sent.headers["Location"] == f"/ideas/{application.id}/sent"
    db.session.refresh(application)
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Their idea has been sent" in page and application.reference in page
    assert "We have sent you an email" not in page and "We will email you" not in page
    assert "Mo Resident has no email address, so we have not sent them anything." in page
    assert "Give them their reference and a receipt to keep." in page
    assert f'href="/ideas/{application.id}/receipt"' in page
    assert client.get(f"/ideas/{application.id}/receipt").status_code == 200
    assert outbox() == []


def test_every_link_on_the_builders_confirmation_opens_for_the_builder(client):
    _, application = builder_starts(client, PotFactory())
    fill_in(client, application)
    send_with_spoken_agreement(client, application)
    page = client.get(f"/ideas/{application.id}/sent").get_data(as_text=True)
    assert "See your ideas" not in page and 'href="/ideas"' not in page
    assert 'href="/assisted">See the ideas you helped with</a>' in page
    main = page[page.index("<main") : page.index("</main>")]
    for link in re.findall(r'href="(/[^"]*)"', main):
        assert client.get(link).status_code == 200, link
    assert "Mo Resident" in client.get("/assisted").get_data(as_text=True)


def sent_by_a_resident_with_email(client, app):
    """A builder writes Mo's idea down and Mo, who has an email address, confirms it from the link and sends it."""
    builder, application = builder_starts(client, PotFactory(), email="mo@example.org")
    fill_in(client, application, contact="email")
    post_form(client, f"/ideas/{application.id}/check-your-answers", {})
    link = LINK_RE.search(outbox("mo@example.org")[-1].body).group(1)
    resident = app.test_client()
    resident.post(link, data={"csrf_token": csrf_token(resident, link)})
    post_form(resident, f"/ideas/{application.id}/confirm", {})
    return builder, application, resident


def test_the_builders_confirmation_for_a_resident_with_email_says_they_were_emailed(client, app):
    _, application, resident = sent_by_a_resident_with_email(client, app)
    page = client.get(f"/ideas/{application.id}/sent").get_data(as_text=True)
    assert "We have sent Mo Resident an email with their reference." in page
    assert "We will email Mo Resident when they do, and when they decide." in page
    resident_page = resident.get(f"/ideas/{application.id}/sent").get_data(as_text=True)
    assert "Your idea has been sent" in resident_page and "We have sent you an email" in resident_page


def test_no_email_choice_is_offered_or_accepted_for_a_resident_without_email(client):
    _, application = builder_starts(client, PotFactory())
    page = client.get(f"/ideas/{application.id}/contact").get_data(as_text=True)
    assert 'value="email"' not in page and "By email" not in page
    assert 'value="phone"' in page and 'value="builder"' in page
    html = post_form(
        client, f"/ideas/{application.id}/contact", {"contact_name": "Mo Resident", "contact_method": "email"}
    ).get_data(as_text=True)
    assert "Select how you would like to hear from us" in html
    db.session.refresh(application)
    assert application.contact_method == "builder"
    saved = post_form(
        client, f"/ideas/{application.id}/contact", {"contact_name": "Mo Resident", "contact_method": "builder"}
    )
    assert saved.status_code == 302
    summary = client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True)
    assert "Through their community builder" in summary and "By email" not in summary


def test_a_resident_with_email_is_still_offered_email(client):
    _, application = builder_starts(client, PotFactory(), email="mo@example.org")
    page = client.get(f"/ideas/{application.id}/contact").get_data(as_text=True)
    assert 'value="email"' in page and 'value="builder"' not in page


def test_a_builder_cannot_choose_email_for_a_resident_without_email_by_sending_the_old_form(client):
    _, application = builder_starts(client, PotFactory())
    fill_in(client, application)
    response = post_form(client, f"/ideas/{application.id}/check-your-answers", {"consent_method": "email"})
    assert "Enter the date they told you they agree" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert (application.status, application.consent_method) == ("draft", None)
    assert outbox() == []


# A new user's walk: the receipt, check your answers and the list, for the builder ------------------------------------


def receipt_text(client, application):
    import io

    from pypdf import PdfReader

    response = client.get(f"/ideas/{application.id}/receipt")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # the same however lines wrap


def test_the_receipt_for_a_resident_without_email_says_their_community_builder_will_tell_them(client):
    _, application = builder_starts(client, PotFactory())
    fill_in(client, application)
    send_with_spoken_agreement(client, application)
    text = receipt_text(client, application)
    assert "We will tell you what they decide" not in text, "nobody emails a resident without an email address"
    assert (
        "We cannot email you, so Bea Builder, your community builder, will tell you what they decide and why." in text
    )
    assert outbox() == []


def test_the_receipt_names_no_one_when_the_community_builder_has_no_name(client):
    builder, application = builder_starts(client, PotFactory())
    fill_in(client, application)
    send_with_spoken_agreement(client, application)
    builder.name = ""
    db.session.commit()
    text = receipt_text(client, application)
    assert "We cannot email you, so your community builder will tell you what they decide and why." in text


def test_the_receipt_for_a_resident_with_email_still_says_we_will_tell_them(client, app):
    _, application, resident = sent_by_a_resident_with_email(client, app)
    text = receipt_text(resident, application)
    assert "We will tell you what they decide and why." in text and "We cannot email you" not in text


def main_of(page):
    return page[page.index("<main") : page.index("</main>")]


def summary_keys(page):
    return [key.strip() for key in re.findall(r'<dt class="govuk-summary-list__key">([^<]*)</dt>', page)]


def test_the_builders_check_your_answers_speaks_about_the_resident_not_to_them(client):
    _, application = builder_starts(client, PotFactory())
    fill_in(client, application)
    url = f"/ideas/{application.id}/check-your-answers"
    page = client.get(url).get_data(as_text=True)
    assert "<title>Check their answers before sending their idea" in page
    main = main_of(page)
    assert '<h1 class="govuk-heading-l">Check their answers before sending their idea</h1>' in main
    keys = summary_keys(main)
    assert {"Name of their idea", "What they want to do", "How it helps their area", "Their name"} <= set(keys), keys
    assert {"What they know", "What they can do", "What they care about", "How to reach them"} <= set(keys), keys
    assert 'Change<span class="govuk-visually-hidden"> Their name</span>' in main
    words = re.sub(r"<[^>]*>", " ", main)  # what the builder reads; "you" is the builder, "your" would be the resident
    assert not re.search(r"\byour\b", words, re.IGNORECASE), re.findall(r".{30}\byour\b.{30}", words, re.IGNORECASE)
    # A mistake comes back on the same page, in the same words.
    mistake = post_form(client, url, {}).get_data(as_text=True)
    assert "<title>Error: Check their answers before sending their idea" in mistake
    assert "Enter the date they told you they agree" in mistake and "Their name" in mistake


def test_the_residents_own_check_your_answers_still_speaks_to_them(client):
    from tests.integration.applications.test_journey import answer_everything, start

    application, _ = start(client)
    answer_everything(client, application)
    main = main_of(client.get(f"/ideas/{application.id}/check-your-answers").get_data(as_text=True))
    assert '<h1 class="govuk-heading-l">Check your answers before sending your idea</h1>' in main
    assert {"Name of your idea", "Your name", "How to reach you"} <= set(summary_keys(main))
    assert "their idea" not in main.lower() and "Their name" not in main


def idea_links(listing):
    """Each idea's name on the list of ideas a builder helped with, and where it links (None for no link)."""
    rows = re.findall(
        r'<tr class="govuk-table__row" role="row">\s*<td role="cell" class="govuk-table__cell">(.*?)</td>',
        listing,
        re.S,
    )
    links = {}
    for cell in rows:
        if match := re.match(r'\s*<a class="govuk-link" href="([^"]*)">([^<]*)</a>', cell):
            links[match.group(2)] = match.group(1)
        else:
            links[cell.split("<strong")[0].strip()] = None
    return links


def test_the_list_links_each_idea_straight_to_the_page_for_where_it_is(client):
    builder, sent = builder_starts(client, PotFactory())
    fill_in(client, sent)
    send_with_spoken_agreement(client, sent)
    pot = PotFactory()
    for name in ("Rae Draft", "Withdrawn Will"):
        post_form(client, "/assisted/new", {"pot_id": pot.id, "resident_name": name, "resident_email": ""})
    draft, withdrawn = (
        db.session.execute(sa.select(Application).where(Application.contact_name == name)).scalar_one()
        for name in ("Rae Draft", "Withdrawn Will")
    )
    post_form(client, f"/ideas/{draft.id}/idea-name", {"idea_name": "Bulb planting"})
    post_form(client, f"/ideas/{withdrawn.id}/idea-name", {"idea_name": "Quiz night"})
    withdrawn.status = "withdrawn"  # taken back before it was sent: it never had a reference or a sent page
    db.session.commit()

    links = idea_links(client.get("/assisted").get_data(as_text=True))
    assert links == {
        "Saturday litter pick": f"/ideas/{sent.id}/sent",
        "Bulb planting": f"/ideas/{draft.id}/check-your-answers",
        "Quiz night": None,
    }, links
    for link in filter(None, links.values()):
        assert client.get(link).status_code == 200, f"{link} is a redirect hop"
