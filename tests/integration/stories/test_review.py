"""Security review finding 3: once a story is sent, nothing becomes more public without a programme officer's review.

A change that makes anything more private applies at once, on the story pages, the API and the cached public pages;
a change that makes anything more public, or changes text the public reads, waits until an officer publishes it,
and the public keeps seeing the reviewed version meanwhile. Officers check the title and the photos' descriptions
before publishing. The first name shown is the one the resident told us.
"""

from __future__ import annotations

import html
import json

import pytest

from portal.domain.roles import Role
from portal.domain.stories import Consent
from portal.extensions import db
from portal.stories import photo_services, publishing, services
from portal.stories.models import Story, StoryPhoto
from tests.conftest import explained, login_as, outbox, post_form
from tests.factories import make_staff
from tests.integration.stories.helpers import form_fields, paid_award, photo_bytes, publish_as_shown
from tests.integration.stories.test_stories import ANSWERS, told_story

CHILDREN = photo_services.PhotoAnswers("Children at the fair", may_share=True, shows_children=True)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


class Public:
    """What a visitor who is not signed in sees of one story: its page, both lists, the API, and its photos."""

    def __init__(self, client, story: Story) -> None:
        self.visitor = client.application.test_client()
        self.story_id = story.id
        self.slug = story.application.pot.neighbourhood.slug

    def everything(self) -> str:
        urls = ("/stories", f"/neighbourhoods/{self.slug}/stories", f"/stories/{self.story_id}")
        pages = [text(self.visitor.get(url)) for url in urls]
        return "\n".join(pages) + json.dumps(self.visitor.get("/api/v1/stories").get_json())

    def story_page(self) -> str:
        return text(self.visitor.get(f"/stories/{self.story_id}"))

    def api(self) -> dict:
        (story,) = [s for s in self.visitor.get("/api/v1/stories").get_json()["stories"] if s["id"] == self.story_id]
        return story

    def photo(self, photo_id: int) -> int:
        return self.visitor.get(f"/story-photos/{photo_id}/large").status_code


def published(consent: Consent = Consent.PUBLIC_NAMED, photos=(ANSWERS,)):
    case, story = told_story(consent=consent, photos=photos)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text=story.what_happened)
    return case, services.story_for(case.application.id), officer


def change_photo(client, case, photo_id: int, **answers: str):
    data = {"alt_text": "Neighbours planting bulbs", "may_share": "y", "shows_children": "no", **answers}
    return post_form(client, f"/ideas/{case.application.id}/story/photos/{photo_id}", data)


def flashed(client) -> str:
    with client.session_transaction() as session:
        return " ".join(message for _, message in session.get("_flashes", []))


# More private: at once, everywhere ---------------------------------------------------------------------------------


def test_a_photo_marked_as_showing_children_leaves_every_public_page_at_once(client, page_cache):
    case, story, _ = published()
    photo_id = story.photos[0].id
    public = Public(client, story)
    assert f"/story-photos/{photo_id}/" in public.everything() and public.photo(photo_id) == 200  # cached now
    login_as(client, case.resident)
    change_photo(client, case, photo_id, shows_children="yes")
    assert "The photo's details have been saved." in flashed(client)
    assert f"/story-photos/{photo_id}/" not in public.everything()
    assert "Neighbours planting bulbs" not in public.everything()
    assert public.photo(photo_id) == 404
    assert public.api()["photos"] == []
    assert db.session.get(Story, story.id).review_requested_at is None  # nothing for an officer to check


def test_a_photo_no_longer_to_be_shared_leaves_every_public_page_at_once(client, page_cache):
    case, story, _ = published()
    photo_id = story.photos[0].id
    public = Public(client, story)
    assert f"/story-photos/{photo_id}/" in public.everything()
    photo_services.update_photo(
        case.application.id,
        photo_id,
        case.resident,
        photo_services.PhotoAnswers("Bulbs", may_share=False, shows_children=False),
    )
    assert f"/story-photos/{photo_id}/" not in public.everything() and public.photo(photo_id) == 404


def test_choosing_no_name_hides_the_name_at_once(client, page_cache):
    case, story, _ = published(Consent.PUBLIC_NAMED)
    public = Public(client, story)
    assert "Told by Rosa" in public.everything()
    login_as(client, case.resident)
    post_form(client, f"/ideas/{case.application.id}/story/who-can-see", {"consent": "public_anonymous"})
    assert "Who can see your story has been changed." in flashed(client)
    assert "Told by" not in public.everything() and "Rosa" not in public.everything()
    assert "We planted 200 bulbs." in public.story_page()  # still published, without the name


def test_withdrawing_public_consent_takes_the_story_off_the_pages_and_the_api_at_once(client, page_cache):
    case, story, _ = published()
    photo_id = story.photos[0].id
    public = Public(client, story)
    assert "We planted 200 bulbs." in public.everything()
    services.change_consent(case.application.id, case.resident, Consent.PROGRAMME)
    assert "We planted 200 bulbs." not in public.everything()
    assert public.visitor.get(f"/stories/{story.id}").status_code == 404 and public.photo(photo_id) == 404


def test_a_removed_photo_is_gone_from_the_public_pages_at_once(client, page_cache):
    case, story, _ = published()
    photo_id = story.photos[0].id
    public = Public(client, story)
    assert f"/story-photos/{photo_id}/" in public.everything()
    photo_services.delete_photo(case.application.id, photo_id, case.resident)
    assert f"/story-photos/{photo_id}/" not in public.everything() and public.photo(photo_id) == 404


# More public, or new words: not public until an officer has seen it ------------------------------------------------


def test_a_photo_newly_marked_as_without_children_is_not_public_until_an_officer_publishes_it(client, page_cache):
    case, story, _ = published(photos=(CHILDREN,))
    photo_id = story.photos[0].id
    public = Public(client, story)
    assert f"/story-photos/{photo_id}/" not in public.everything() and public.photo(photo_id) == 404
    login_as(client, case.resident)
    change_photo(client, case, photo_id, alt_text="Children at the fair", shows_children="no")
    assert "We will check your change before it goes on the public pages" in flashed(client)
    assert "We will check your change" in text(client.get(f"/ideas/{case.application.id}/story"))
    assert f"/story-photos/{photo_id}/" not in public.everything() and public.photo(photo_id) == 404
    assert public.api()["photos"] == []

    officer = client.application.test_client()
    login_as(officer, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert "We planted 200 bulbs." in text(officer.get("/programme/stories")).split("changes waiting")[1]
    page = text(officer.get(f"/programme/stories/{story.id}"))
    assert "Changes waiting to be checked" in page and "Photo 1 on the public pages" in page
    assert "Not shown" in page and "Children at the fair" in page
    response = publish_as_shown(officer, story.id)
    assert response.status_code == 302
    assert f"/story-photos/{photo_id}/" in public.everything() and public.photo(photo_id) == 200
    assert public.api()["photos"][0]["alt"] == "Children at the fair"
    assert db.session.get(Story, story.id).review_requested_at is None


def test_a_new_description_waits_and_the_officer_can_take_personal_details_out(client, page_cache):
    case, story, _ = published()
    photo_id = story.photos[0].id
    public = Public(client, story)
    assert public.api()["photos"][0]["alt"] == "Neighbours planting bulbs"
    login_as(client, case.resident)
    personal = "Bulbs outside 12 Mill Lane, ring Rosa on 07700 900982"
    change_photo(client, case, photo_id, alt_text=personal)
    assert "We will check your change" in flashed(client)
    assert "07700" not in public.everything() and "Mill Lane" not in public.everything()
    assert 'alt="Neighbours planting bulbs"' in html.unescape(public.story_page())
    assert public.api()["photos"][0]["alt"] == "Neighbours planting bulbs"
    assert public.photo(photo_id) == 200  # the photo itself stays, with the description that was checked

    officer = client.application.test_client()
    login_as(officer, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = text(officer.get(f"/programme/stories/{story.id}"))
    assert "Description of photo 1" in page and "Neighbours planting bulbs" in page and personal in page
    field = f"photo_{photo_id}"
    assert form_fields(page, f"/programme/stories/{story.id}")[field] == personal  # what the resident asks for
    response = publish_as_shown(officer, story.id, **{field: "Bulbs along a lane", "edit_note": ""})
    explained(response, "Say what you changed, so the resident can be told", ("Bulbs along a lane",))
    assert "07700" not in public.everything()
    publish_as_shown(officer, story.id, **{field: "Bulbs along a lane", "edit_note": "We took out the address."})
    assert public.api()["photos"][0]["alt"] == "Bulbs along a lane"
    assert 'alt="Bulbs along a lane"' in public.story_page()
    assert "07700" not in public.everything() and "Mill Lane" not in public.everything()
    assert "We took out the address." in outbox(case.resident.email)[-1].body
    assert db.session.get(StoryPhoto, photo_id).alt_text == personal  # the resident's own words are kept


def test_choosing_to_be_named_after_publication_waits_for_review(client, page_cache):
    case, story, _ = published(Consent.PUBLIC_ANONYMOUS)
    public = Public(client, story)
    assert "Told by" not in public.everything()
    login_as(client, case.resident)
    post_form(
        client, f"/ideas/{case.application.id}/story/who-can-see", {"consent": "public_named", "first_name": "Amina"}
    )
    assert "We will check your change" in flashed(client)
    assert "Told by" not in public.everything() and "Amina" not in public.everything()

    officer = client.application.test_client()
    login_as(officer, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = text(officer.get(f"/programme/stories/{story.id}"))
    assert "First name shown" in page and "No name" in page and "Amina" in page
    publish_as_shown(officer, story.id)
    assert "Told by Amina" in public.story_page() and "Told by Amina" in public.everything()
    assert "Amina" not in json.dumps(public.api())  # the API never names anyone

    # A new first name is new text the public reads: it waits too.
    post_form(
        client, f"/ideas/{case.application.id}/story/who-can-see", {"consent": "public_named", "first_name": "Mina"}
    )
    assert "We will check your change" in flashed(client)
    assert "Told by Amina" in public.story_page() and "Mina" not in public.story_page().replace("Amina", "")


def test_an_officer_may_keep_the_public_version_instead(client, page_cache):
    case, story, _ = published(photos=(CHILDREN,))
    photo_id = story.photos[0].id
    public = Public(client, story)
    photo_services.update_photo(case.application.id, photo_id, case.resident, ANSWERS)
    officer = client.application.test_client()
    login_as(officer, make_staff(Role.PROGRAMME_OFFICER)[0])
    post_form(officer, f"/programme/stories/{story.id}/keep", {}, token_from=f"/programme/stories/{story.id}")
    assert db.session.get(Story, story.id).review_requested_at is None
    assert "Changes waiting to be checked" not in text(officer.get(f"/programme/stories/{story.id}"))
    assert public.photo(photo_id) == 404 and f"/story-photos/{photo_id}/" not in public.everything()


def test_a_photo_ready_only_after_publication_waits_for_review(client, monkeypatch):
    from portal.common.jobs import Jobs

    case = paid_award()
    services.save_story(case.application.id, case.resident, what_happened="We met.", consent="public_anonymous")
    with monkeypatch.context() as later:
        later.setattr(Jobs, "enqueue", lambda self, name, *args: None)  # the worker is slow today
        photo = photo_services.add_photo(case.application.id, case.resident, photo_bytes(), ANSWERS)
    photo_id = photo.id
    story = services.send_story(case.application.id, case.resident)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text="We met.")
    photo_services.process_story_photo(photo_id)
    story = services.story_for(case.application.id)
    assert story.photos[0].status == "ready" and story.review_requested_at is not None
    public = Public(client, story)
    assert public.photo(photo_id) == 404 and public.api()["photos"] == []
    publishing.publish_story(story.id, officer, public_text="We met.")
    assert public.photo(photo_id) == 200


def test_a_change_made_while_the_officer_reads_is_never_published_unseen(client):
    case, story = told_story(consent=Consent.PUBLIC_ANONYMOUS, photos=(CHILDREN,))
    photo_id = story.photos[0].id
    officer = client.application.test_client()
    login_as(officer, make_staff(Role.PROGRAMME_OFFICER)[0])
    url = f"/programme/stories/{story.id}"
    seen = form_fields(text(officer.get(url)), url)
    # Meanwhile the resident says the photo shows no children, and asks to be named.
    photo_services.update_photo(case.application.id, photo_id, case.resident, ANSWERS)
    services.change_consent(case.application.id, case.resident, Consent.PUBLIC_NAMED, "Rosa")
    response = officer.post(url, data=seen)
    assert response.status_code == 200
    assert "The resident changed their story while you were reading it" in text(response)
    assert services.story_for(case.application.id).status == "sent"
    publish_as_shown(officer, story.id)  # now the officer has seen it
    public = Public(client, story)
    assert "Told by Rosa" in public.story_page() and public.photo(photo_id) == 200


# Officers check the title and the photos' descriptions before publishing ------------------------------------------


def test_an_officer_edits_the_title_and_a_photo_description_before_publishing(client):
    case, story = told_story()
    photo_id = story.photos[0].id
    officer = client.application.test_client()
    login_as(officer, make_staff(Role.PROGRAMME_OFFICER)[0])
    url = f"/programme/stories/{story.id}"
    fields = form_fields(text(officer.get(url)), url)
    assert fields["public_title"] == "Street party" and fields[f"photo_{photo_id}"] == "Neighbours planting bulbs"
    changes = {"public_title": "A street party on Mill Lane", f"photo_{photo_id}": "Bulbs in a row", "edit_note": ""}
    response = publish_as_shown(officer, story.id, **{**changes, "public_title": "A party"})
    explained(response, "Say what you changed, so the resident can be told", ("A party",))
    response = publish_as_shown(officer, story.id, public_title="", edit_note="")
    explained(response, "Enter the title as the public will read it")
    publish_as_shown(officer, story.id, **{**changes, "public_title": "A party", "edit_note": "A shorter title."})
    public = Public(client, story)
    assert '<h1 class="govuk-heading-l"><span dir="auto">A party</span></h1>' in public.story_page()
    assert "Street party" not in public.everything()
    assert public.api()["title"] == "A party" and public.api()["photos"][0]["alt"] == "Bulbs in a row"
    assert "A shorter title." in outbox(case.resident.email)[-1].body
    # Found on a new user's walk: the resident's own page never showed the title the public reads.
    login_as(client, case.resident)
    assert "Its title there: A party" in text(client.get(f"/ideas/{case.application.id}/story"))


# The first name shown is the one the resident told us ---------------------------------------------------------------


def resident_without_an_account_name(contact_name: str | None):
    case = paid_award()
    case.resident.name = ""  # signed in by email, never filled
    case.application.contact_name = contact_name
    db.session.commit()
    return case


def test_a_named_story_shows_the_first_name_the_resident_gave_on_their_idea(client):
    case = resident_without_an_account_name("Amina Khan")
    login_as(client, case.resident)
    base = f"/ideas/{case.application.id}/story"
    post_form(client, f"{base}/what-happened", {"what_happened": "We held a seed swap."})
    page = text(client.get(f"{base}/who-can-see"))
    assert form_fields(page)["first_name"] == "Amina"  # asked, and already answered from their idea
    post_form(client, f"{base}/who-can-see", {"consent": "public_named", "first_name": "Amina"})
    assert "Anyone, with my first name (Amina)" in text(client.get(base))
    post_form(client, f"{base}/send", {})
    story = services.story_for(case.application.id)
    officer = client.application.test_client()
    login_as(officer, make_staff(Role.PROGRAMME_OFFICER)[0])
    publish_as_shown(officer, story.id)
    public = Public(client, story)
    assert "Told by Amina" in public.story_page() and "Told by Amina" in public.everything()
    assert "Khan" not in public.everything()


def test_a_service_caller_who_gives_no_name_gets_the_one_on_the_idea(db_session):
    case = resident_without_an_account_name("Amina Khan")
    services.save_story(case.application.id, case.resident, what_happened="We met.", consent="public_named")
    story = services.send_story(case.application.id, case.resident)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text="We met.")
    assert photo_services.name_shown(publishing.get_public_story(story.id)) == "Amina"


def test_with_no_name_known_the_page_asks_for_a_first_name_and_shows_only_that(client):
    case = resident_without_an_account_name(None)
    login_as(client, case.resident)
    base = f"/ideas/{case.application.id}/story"
    post_form(client, f"{base}/what-happened", {"what_happened": "We held a seed swap."})
    assert form_fields(text(client.get(f"{base}/who-can-see")))["first_name"] == ""
    response = post_form(client, f"{base}/who-can-see", {"consent": "public_named", "first_name": ""})
    explained(response, "Enter your first name")
    with pytest.raises(services.StoryRefused) as refused:
        services.save_story(case.application.id, case.resident, consent="public_named")
    assert refused.value.rule == "first_name_needed"
    post_form(client, f"{base}/who-can-see", {"consent": "public_named", "first_name": "Amina Khan"})
    assert services.story_for(case.application.id).first_name == "Amina"
    post_form(client, f"{base}/send", {})
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    story_id = services.story_for(case.application.id).id
    publishing.publish_story(story_id, officer, public_text="We held a seed swap.")
    page = text(client.application.test_client().get(f"/stories/{story_id}"))
    assert "Told by Amina" in page and "Khan" not in page


def test_a_resident_who_is_not_named_gives_no_name(client):
    case = resident_without_an_account_name("Amina Khan")
    login_as(client, case.resident)
    base = f"/ideas/{case.application.id}/story"
    post_form(client, f"{base}/what-happened", {"what_happened": "We met."})
    post_form(client, f"{base}/who-can-see", {"consent": "public_anonymous", "first_name": "Amina"})
    assert services.story_for(case.application.id).first_name is None


# Never kept by a shared cache -------------------------------------------------------------------------------------


def test_story_pages_and_photos_are_never_kept_by_shared_caches(client, page_cache):
    case, story, _ = published(photos=(ANSWERS, CHILDREN))
    shared, children = (p.id for p in story.photos)
    visitor = client.application.test_client()
    slug = case.application.pot.neighbourhood.slug
    for url in ("/stories", f"/neighbourhoods/{slug}/stories", f"/stories/{story.id}"):
        for _ in range(2):  # the page as made, then the cached copy
            response = visitor.get(url)
            assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache", url
    photo = visitor.get(f"/story-photos/{shared}/large")
    assert photo.status_code == 200 and photo.headers["Cache-Control"] == "private, no-cache"
    again = visitor.get(f"/story-photos/{shared}/large", headers={"If-None-Match": photo.headers["ETag"]})
    assert again.status_code == 304  # a browser checks again, cheaply
    login_as(client, case.resident)
    private = client.get(f"/story-photos/{children}/large")
    assert private.status_code == 200 and private.headers["Cache-Control"] == "no-store"
    assert client.get(f"/stories/{story.id}").headers["Cache-Control"] == "no-store"  # signed in: personal
