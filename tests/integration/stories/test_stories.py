"""A resident tells their story in question pages, with photos and consent; officers publish; the public reads."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.common.audit import AuditEvent
from portal.common.storage import get_storage
from portal.common.time import utcnow
from portal.common.transactions import finish_reading
from portal.domain.roles import Role
from portal.domain.stories import Consent
from portal.extensions import db
from portal.stories import invitations, photo_services, publishing, services
from portal.stories.models import Story, StoryInvitation, StoryPhoto
from tests.conftest import count_queries, csrf_token, explained, login_as, outbox, post_form
from tests.factories import UserFactory, make_staff
from tests.integration.stories.helpers import paid_award, photo_bytes, publish_as_shown

ANSWERS = photo_services.PhotoAnswers("Neighbours planting bulbs", may_share=True, shows_children=False)


def text(response):
    return html.unescape(response.get_data(as_text=True))


def upload(client, application_id, data, *, name="photo.jpg", **fields):
    """Post the photo form as a browser would. The body is encoded in memory: the test client's own encoder spools
    a big upload to a temporary file it never closes."""
    url = f"/ideas/{application_id}/story/photos"
    form = {
        "csrf_token": csrf_token(client, url),
        "alt_text": "Neighbours planting bulbs",
        "shows_children": "no",
        "may_share": "y",
        **fields,
    }
    form["photo"] = FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart(form)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def events(name):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == name)).all()


def told_story(consent: Consent = Consent.PUBLIC_NAMED, photos=(ANSWERS,)):
    case = paid_award()
    services.save_story(case.application.id, case.resident, what_happened="We planted 200 bulbs.", consent=consent)
    for answers in photos:
        photo_services.add_photo(case.application.id, case.resident, photo_bytes(), answers)
    services.send_story(case.application.id, case.resident)
    return case, services.story_for(case.application.id)


# Telling it --------------------------------------------------------------------------------------------------------


def test_a_story_is_offered_only_once_the_award_is_paid(client):
    from tests.integration.payments.helpers import accepted_award

    unpaid = accepted_award()
    login_as(client, unpaid.resident)
    assert "Tell us what happened" not in text(client.get("/ideas"))
    response = client.get(f"/ideas/{unpaid.application.id}/story")
    assert response.status_code == 302 and response.headers["Location"] == "/ideas"
    with pytest.raises(services.StoryRefused) as refused:
        services.save_story(unpaid.application.id, unpaid.resident, what_happened="Early")
    assert refused.value.rule == "not_paid_yet"


def test_a_resident_tells_their_story_page_by_page_and_each_continue_saves_it(client):
    case = paid_award()
    login_as(client, case.resident)
    base = f"/ideas/{case.application.id}/story"
    assert "Tell us what happened (optional)" in text(client.get("/ideas"))
    start = text(client.get(base))
    assert "You do not have to tell us anything" in start and f"{base}/what-happened" in start

    response = post_form(client, f"{base}/what-happened", {"what_happened": "We held a seed swap. 40 came."})
    assert response.headers["Location"] == f"{base}/did-it-go-to-plan"
    assert services.story_for(case.application.id).what_happened == "We held a seed swap. 40 came."  # a draft already

    response = post_form(client, f"{base}/did-it-go-to-plan", {"went_to_plan": "no", "learned": "Rain needs a plan B"})
    assert response.headers["Location"] == f"{base}/photos"
    response = upload(client, case.application.id, photo_bytes())
    assert response.status_code == 302
    photos_page = text(client.get(f"{base}/photos"))
    assert "Neighbours planting bulbs" in photos_page and 'loading="lazy"' in photos_page
    response = post_form(
        client, f"{base}/people", {"people_count": "40", "group_formed": "yes", "still_going": "not_sure"}
    )
    assert response.headers["Location"] == f"{base}/five-ways"
    response = post_form(client, f"{base}/five-ways", {"ways": ["connect", "give"]})
    assert response.headers["Location"] == f"{base}/who-can-see"
    response = post_form(client, f"{base}/who-can-see", {"consent": "public_anonymous"})
    assert response.headers["Location"] == base

    check = text(client.get(base))
    for shown in (
        "We held a seed swap",
        "No, it didn't go to plan",
        "Rain needs a plan B",
        "1 photo",
        "40",
        "Connect with other people, Give to others",
        "Anyone, without my name",
        "Send your story",
    ):
        assert shown in check, shown
    response = post_form(client, f"{base}/send", {})
    assert response.headers["Location"] == base
    story = services.story_for(case.application.id)
    assert (story.status, story.consent, story.people_count, story.group_formed) == (
        "sent",
        "public_anonymous",
        40,
        "yes",
    )
    assert (story.way_connect, story.way_give, story.way_be_active) == (True, True, False)
    assert story.agreement == "resident" and story.sent_by_id == case.resident.id
    assert [e.object_id for e in events("story.sent")] == [str(story.id)]
    # Sent words are the programme's to read now: the answer pages send the resident back, saying why.
    response = post_form(client, f"{base}/what-happened", {"what_happened": "Changed"}, token_from=base)
    assert response.headers["Location"] == base
    assert services.story_for(case.application.id).what_happened == "We held a seed swap. 40 came."


def test_a_second_send_changes_nothing(client):
    case, story = told_story()
    login_as(client, case.resident)
    sent_at = story.sent_at
    post_form(client, f"/ideas/{case.application.id}/story/send", {})
    assert services.story_for(case.application.id).sent_at == sent_at
    assert len(events("story.sent")) == 1


@pytest.mark.parametrize(
    ("step", "data", "message", "kept"),
    [
        ("what-happened", {"what_happened": "  "}, "Tell us what happened", ()),
        (
            "what-happened",
            {"what_happened": "x" * 3001},
            "What happened must be 3,000 characters or fewer",
            ("x" * 3001,),
        ),
        ("did-it-go-to-plan", {"learned": "Kept words"}, "Select whether it went to plan", ("Kept words",)),
        (
            "people",
            {"people_count": "lots", "group_formed": "yes"},
            "Enter how many people took part as a number, like 25",
            ('value="lots"',),
        ),
        ("people", {"people_count": "-3"}, "Enter how many people took part as a number, like 25", ()),
        ("who-can-see", {"consent": "everyone"}, "Select who can see your story", ()),
    ],
)
def test_each_wrong_answer_is_explained_on_its_page_and_what_was_typed_kept(client, step, data, message, kept):
    case = paid_award()
    login_as(client, case.resident)
    response = post_form(client, f"/ideas/{case.application.id}/story/{step}", data)
    explained(response, message, kept)


def test_a_community_builder_sends_a_story_with_the_residents_agreement(client):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    case = paid_award(builder=builder)
    services.save_story(case.application.id, builder, what_happened="Told by phone", consent="programme")
    with pytest.raises(services.StoryRefused) as refused:
        services.send_story(case.application.id, builder)
    assert refused.value.rule == "agreement_needed"
    login_as(client, builder)
    assert f"/ideas/{case.application.id}/story" in text(client.get("/assisted"))  # "Tell the story with them"
    response = post_form(client, f"/ideas/{case.application.id}/story/send", {"agreed_on": ["", "", ""]})
    explained(response, "Enter the date the resident agreed to these details")
    today = utcnow().date()
    post_form(
        client,
        f"/ideas/{case.application.id}/story/send",
        {"agreed_on": [str(today.day), str(today.month), str(today.year)]},
    )
    story = services.story_for(case.application.id)
    assert (story.status, story.agreement, story.agreed_on, story.sent_by_id) == ("sent", "spoken", today, builder.id)


def test_nobody_else_can_tell_or_change_a_residents_story(client):
    case = paid_award()
    stranger = UserFactory(roles=[Role.RESIDENT])
    for action in (
        lambda: services.save_story(case.application.id, stranger, what_happened="Not mine"),
        lambda: services.change_consent(case.application.id, stranger, Consent.PUBLIC_NAMED),
        lambda: services.delete_story(case.application.id, stranger),
        lambda: photo_services.add_photo(case.application.id, stranger, photo_bytes(), ANSWERS),
    ):
        with pytest.raises(services.StoryRefused) as refused:
            action()
        assert refused.value.rule == "not_yours"
    login_as(client, stranger)
    assert client.get(f"/ideas/{case.application.id}/story").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Story)) == 0


# Photos ------------------------------------------------------------------------------------------------------------


def test_a_photo_is_stored_without_metadata_resized_and_the_upload_removed(client):
    case = paid_award()
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"  # camera make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    big = photo_bytes(size=(3000, 2000), exif=exif.tobytes())
    assert b"SnoopCam" in big
    photo_services.add_photo(case.application.id, case.resident, big, ANSWERS)
    photo = db.session.scalars(sa.select(StoryPhoto)).one()
    assert photo.status == "ready" and photo.original_key is None
    assert (photo.large_width, photo.large_height) == (1600, 1067) and photo.small_width == 480
    login_as(client, case.resident)
    served = client.get(f"/story-photos/{photo.id}/large")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in served.headers["Cache-Control"]
    policy = served.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "'self'" not in policy
    assert b"SnoopCam" not in served.data and b"Exif" not in served.data and len(served.data) < 200_000
    assert not Image.open(io.BytesIO(served.data)).getexif()
    large_key, small_key = photo.large_key, photo.small_key
    finish_reading()
    stored = get_storage()
    assert stored.exists(large_key) and stored.exists(small_key)
    assert large_key.startswith("photos/") and "photo" not in large_key.split("/")[1]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7 not a photo at all", "photo.jpg", "The selected file must be a JPG, PNG, WebP or HEIC photo"),
        (b"", "photo.jpg", "The selected file is empty"),
        (photo_bytes("GIF"), "photo.gif", "The selected file must be a JPG, PNG, WebP or HEIC photo"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_with_the_reason_and_nothing_else_lost(client, data, name, message):
    case = paid_award()
    services.save_story(case.application.id, case.resident, what_happened="Kept safe")
    login_as(client, case.resident)
    response = upload(client, case.application.id, data, name=name, alt_text="My words stay")
    explained(response, message, ("My words stay",))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPhoto)) == 0
    assert services.story_for(case.application.id).what_happened == "Kept safe"


def test_a_decompression_bomb_is_refused_before_it_is_decoded(client):
    case = paid_award()
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")
    login_as(client, case.resident)
    response = upload(client, case.application.id, bomb.getvalue(), name="bomb.png")
    explained(response, "The selected photo must be smaller than 50 megapixels")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPhoto)) == 0


def test_a_photo_over_the_request_limit_comes_back_to_its_page_with_the_reason(app, client):
    case = paid_award()
    login_as(client, case.resident)
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, case.application.id, b"\xff\xd8" + b"0" * limit, name="huge.jpg")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{case.application.id}/story/photos?problem=too_big"
    page = text(client.get(response.headers["Location"]))
    assert "The selected file must be smaller than 10MB" in page


def test_a_photo_over_10_mb_is_refused_on_its_page(client):
    case = paid_award()
    login_as(client, case.resident)
    response = upload(client, case.application.id, b"\xff\xd8" + b"0" * (10 * 1024 * 1024), name="big.jpg")
    explained(response, "The selected file must be smaller than 10MB", ("Neighbours planting bulbs",))


def test_a_sixth_photo_is_refused_plainly(db_session):
    case = paid_award()
    for _ in range(5):
        photo_services.add_photo(case.application.id, case.resident, photo_bytes(), ANSWERS)
    with pytest.raises(services.StoryRefused) as refused:
        photo_services.add_photo(case.application.id, case.resident, photo_bytes(), ANSWERS)
    assert refused.value.rule == "too_many_photos"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPhoto)) == 5


def test_a_photo_needs_a_description_permission_and_an_answer_about_children(client):
    case = paid_award()
    login_as(client, case.resident)
    response = upload(client, case.application.id, photo_bytes(), alt_text="", may_share="", shows_children="")
    explained(response, "Describe what the photo shows")
    page = text(response)
    assert "Confirm you have permission to share this photo" in page
    assert "Select yes if the photo shows any children" in page


def test_a_removed_photo_is_gone_from_storage_too(client):
    case = paid_award()
    photo = photo_services.add_photo(case.application.id, case.resident, photo_bytes(), ANSWERS)
    photo = db.session.get(StoryPhoto, photo.id)
    keys = [photo.large_key, photo.small_key]
    login_as(client, case.resident)
    photo_id = photo.id
    post_form(client, f"/ideas/{case.application.id}/story/photos/{photo_id}/delete", {})
    assert db.session.get(StoryPhoto, photo_id) is None
    finish_reading()
    assert not any(get_storage().exists(key) for key in keys)
    assert client.get(f"/story-photos/{photo_id}/small").status_code == 404


# Consent and publishing --------------------------------------------------------------------------------------------


def test_an_officer_publishes_a_public_story_and_everyone_can_read_it(client):
    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    assert "Street party" in text(client.get("/programme/stories"))
    response = publish_as_shown(client, story.id)
    assert response.status_code == 302
    assert services.story_for(case.application.id).status == "published"
    anonymous = client.application.test_client()
    photo = story.photos[0]
    slug = case.application.pot.neighbourhood.slug
    for url in ("/stories", f"/neighbourhoods/{slug}/stories", f"/stories/{story.id}"):
        page = anonymous.get(url)
        assert page.status_code == 200 and "We planted 200 bulbs." in text(page), url
        assert page.headers["Cache-Control"] == "private, no-cache"
        assert f"/story-photos/{photo.id}/" in text(page)
    assert "Told by Rosa" in text(anonymous.get(f"/stories/{story.id}"))  # first name only, as chosen
    assert "Resident" not in text(anonymous.get(f"/stories/{story.id}")).split("Told by")[1][:20]
    served = anonymous.get(f"/story-photos/{photo.id}/large")
    assert served.status_code == 200 and served.headers["Cache-Control"] == "private, no-cache"
    assert f"/neighbourhoods/{slug}/stories" in text(anonymous.get(f"/neighbourhoods/{slug}"))


def test_withdrawing_public_consent_unpublishes_at_once_everywhere(client):
    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text=story.what_happened)
    photo = story.photos[0]
    login_as(client, case.resident)
    post_form(client, f"/ideas/{case.application.id}/story/who-can-see", {"consent": "programme"})
    story = services.story_for(case.application.id)
    assert (story.status, story.consent, story.published_at) == ("sent", "programme", None)
    assert [json.loads(e.details).get("reason") for e in events("story.unpublished")] == ["consent_withdrawn"]
    anonymous = client.application.test_client()
    slug = case.application.pot.neighbourhood.slug
    assert anonymous.get(f"/stories/{story.id}").status_code == 404
    for url in ("/stories", f"/neighbourhoods/{slug}/stories"):
        assert "We planted 200 bulbs." not in text(anonymous.get(url))
    assert anonymous.get(f"/story-photos/{photo.id}/large").status_code == 404
    assert anonymous.get(f"/story-photos/{photo.id}/small").status_code == 404


def test_a_photo_showing_children_is_never_public(db_session):
    children = photo_services.PhotoAnswers("Children at the fair", may_share=True, shows_children=True)
    case, story = told_story(photos=(ANSWERS, children))
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text=story.what_happened)
    shown = photo_services.public_photos(publishing.get_public_story(story.id))
    assert [p.alt_text for p in shown] == ["Neighbours planting bulbs"]
    child = next(p for p in story.photos if p.shows_children)
    assert photo_services.photo_for_viewer(child.id, None) is None
    assert photo_services.photo_for_viewer(child.id, case.resident) is not None  # the resident still sees their own
    # Marking a public photo as showing children takes it off the public pages at once.
    photo_services.update_photo(case.application.id, shown[0].id, case.resident, children)
    assert photo_services.photo_for_viewer(shown[0].id, None) is None


def test_a_story_for_the_programme_only_cannot_be_published_and_its_photos_stay_private(client):
    case, story = told_story(consent=Consent.PROGRAMME)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    with pytest.raises(services.StoryRefused) as refused:
        publishing.publish_story(story.id, officer, public_text=story.what_happened)
    assert refused.value.rule == "not_public"
    photo = story.photos[0]
    assert photo_services.photo_for_viewer(photo.id, None) is None
    assert photo_services.photo_for_viewer(photo.id, UserFactory(roles=[Role.RESIDENT])) is None
    assert photo_services.photo_for_viewer(photo.id, officer) is not None
    login_as(client, officer)
    assert "cannot be published" in text(client.get(f"/programme/stories/{story.id}"))


def test_only_programme_officers_publish(db_session):
    case, story = told_story()
    finance = case.officer_a
    with pytest.raises(services.StoryRefused) as refused:
        publishing.publish_story(story.id, finance, public_text=story.what_happened)
    assert refused.value.rule == "programme_officers_only"


def test_an_officer_who_edits_out_personal_details_says_what_and_the_resident_is_told(client):
    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    response = publish_as_shown(client, story.id, public_text="We planted bulbs.", edit_note="")
    explained(response, "Say what you changed, so the resident can be told", ("We planted bulbs.",))
    assert services.story_for(case.application.id).status == "sent"
    publish_as_shown(client, story.id, public_text="We planted bulbs.", edit_note="We took out the number of bulbs.")
    story = services.story_for(case.application.id)
    assert (story.status, story.public_text, story.what_happened) == (
        "published",
        "We planted bulbs.",
        "We planted 200 bulbs.",
    )
    mail = outbox(case.resident.email)[-1]
    assert "We took out the number of bulbs." in mail.body and "is published" in mail.subject
    public = text(client.application.test_client().get(f"/stories/{story.id}"))
    assert "We planted bulbs." in public and "200" not in public


def test_a_resident_deletes_their_story_and_photos(client):
    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text=story.what_happened)
    keys = [story.photos[0].large_key, story.photos[0].small_key]
    login_as(client, case.resident)
    assert "Are you sure" in text(client.get(f"/ideas/{case.application.id}/story/delete"))
    response = post_form(client, f"/ideas/{case.application.id}/story/delete", {})
    assert response.headers["Location"] == "/ideas"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Story)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPhoto)) == 0
    finish_reading()
    assert not any(get_storage().exists(key) for key in keys)
    assert client.application.test_client().get(f"/stories/{story.id}").status_code == 404
    assert len(events("story.deleted")) == 1


def test_the_public_list_is_paged_newest_first_in_a_fixed_number_of_queries(client):
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    counts = []
    for round_ in range(2):
        for _ in range(3 if round_ == 0 else 9):
            case, story = told_story()
            publishing.publish_story(story.id, officer, public_text=story.what_happened)
        with count_queries() as queries:
            assert client.get("/stories").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 12
    found = publishing.list_public_stories(1)
    assert found.total == 12 and found.pages == 2 and len(found.stories) == 10
    assert found.stories[0].published_at >= found.stories[-1].published_at
    assert "Page 1 of 2" in text(client.get("/stories")) and "?page=2" in text(client.get("/stories"))


# Invitations -------------------------------------------------------------------------------------------------------


def test_a_paid_resident_is_invited_once_and_reminded_once_unless_they_turn_it_off(app, client):
    case = paid_award()
    other = paid_award()
    assert invitations.invite_and_remind() == (0, 0)  # recording the payment invited them already
    invitation = outbox(case.resident.email)[-1]
    assert "Your award for Street party has been paid" in invitation.subject
    assert "We have paid your award of £200 for Street party" in invitation.body
    assert f"/ideas/{case.application.id}/story" in invitation.body
    login_as(client, other.resident)
    post_form(client, f"/ideas/{other.application.id}/story/no-reminders", {})
    later = utcnow() + timedelta(days=app.config["STORY_REMINDER_DAYS"] + 1)
    assert invitations.invite_and_remind(later) == (0, 1)
    assert invitations.invite_and_remind(later) == (0, 0)
    assert "reminder" in outbox(case.resident.email)[-1].subject
    assert [m.subject for m in outbox(other.resident.email)].count(invitation.subject) == 1
    assert not any("reminder" in m.subject for m in outbox(other.resident.email))
    reminded = db.session.scalars(sa.select(StoryInvitation).where(StoryInvitation.reminded_at.is_not(None))).all()
    assert [r.application_id for r in reminded] == [case.application.id]


def test_an_award_paid_before_stories_existed_is_invited_by_the_hourly_job(app, db_session):
    case = paid_award()
    db.session.execute(sa.delete(StoryInvitation))
    db.session.commit()
    assert invitations.invite_and_remind() == (1, 0)
    assert invitations.invite_and_remind() == (0, 0)
    assert len([m for m in outbox(case.resident.email) if "has been paid" in m.subject]) == 2


def test_nobody_is_reminded_after_sending_their_story(app, db_session):
    case, story = told_story()
    later = utcnow() + timedelta(days=app.config["STORY_REMINDER_DAYS"] + 1)
    assert invitations.invite_and_remind(later) == (0, 0)


@pytest.mark.s3
def test_photos_go_through_an_s3_store_when_one_is_configured(app, client, seaweedfs, monkeypatch):
    from portal.common.storage import S3Storage, storage_from_config

    settings = {
        "S3_BUCKET": seaweedfs.bucket,
        "S3_ENDPOINT_URL": seaweedfs.endpoint_url,
        "S3_ACCESS_KEY_ID": seaweedfs.access_key_id,
        "S3_SECRET_ACCESS_KEY": seaweedfs.secret_access_key,
        "S3_REGION": seaweedfs.region,
        "UPLOAD_FOLDER": "/nonexistent",
    }
    store = storage_from_config(settings)
    assert isinstance(store, S3Storage)
    monkeypatch.setitem(app.extensions, "storage", store)
    case = paid_award()
    photo = photo_services.add_photo(case.application.id, case.resident, photo_bytes(size=(2000, 1500)), ANSWERS)
    photo = db.session.get(StoryPhoto, photo.id)
    assert photo.status == "ready" and store.exists(photo.large_key) and store.exists(photo.small_key)
    login_as(client, case.resident)
    served = client.get(f"/story-photos/{photo.id}/small")
    assert served.status_code == 200 and Image.open(io.BytesIO(served.data)).size == (480, 360)
    post_form(client, f"/ideas/{case.application.id}/story/photos/{photo.id}/delete", {})
    assert not store.exists(photo.large_key) and not store.exists(photo.small_key)


def test_every_step_of_a_story_is_in_the_audit_log_and_the_chain_holds(db_session):
    from portal.common import audit

    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text=story.what_happened)
    services.change_consent(case.application.id, case.resident, Consent.PROGRAMME)
    services.delete_story(case.application.id, case.resident)
    actions = [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
    for action in (
        "story.invited",
        "story.started",
        "story.photo_added",
        "story.sent",
        "story.published",
        "story.unpublished",
        "story.consent_changed",
        "story.deleted",
    ):
        assert action in actions, action
    assert audit.verify() == []


def test_a_resident_changes_a_photos_details_after_sending(client):
    case, story = told_story()
    photo = story.photos[0]
    login_as(client, case.resident)
    url = f"/ideas/{case.application.id}/story/photos/{photo.id}"
    page = text(client.get(url))
    assert "Change the photo&#39;s details" in page or "Change the photo's details" in page
    assert 'value="Neighbours planting bulbs"' in page
    assert re.search(r'<input[^>]*name="shows_children"[^>]*value="no"[^>]*checked', page)  # the answer as given
    explained(post_form(client, url, {"alt_text": "", "may_share": "y", "shows_children": "no"}), "Describe what")
    response = post_form(client, url, {"alt_text": "Bulbs by the school", "may_share": "y", "shows_children": "yes"})
    assert response.headers["Location"] == f"/ideas/{case.application.id}/story/photos"
    photo = db.session.get(StoryPhoto, photo.id)
    assert (photo.alt_text, photo.shows_children) == ("Bulbs by the school", True)
    assert "never shown to the public" in text(client.get(response.headers["Location"]))


def test_continue_with_a_photo_chosen_adds_it_rather_than_losing_it(client):
    case = paid_award()
    login_as(client, case.resident)
    response = upload(client, case.application.id, photo_bytes(), next="1")
    assert response.headers["Location"] == f"/ideas/{case.application.id}/story/people"
    assert len(services.story_for(case.application.id).photos) == 1
    url = f"/ideas/{case.application.id}/story/photos"
    response = post_form(client, url, {"next": "1"})  # nothing chosen: just on to the next question
    assert response.headers["Location"] == f"/ideas/{case.application.id}/story/people"
    assert len(services.story_for(case.application.id).photos) == 1


def test_after_sending_the_pages_lead_back_to_the_story_and_your_ideas_says_see_your_story(client):
    case, story = told_story()
    login_as(client, case.resident)
    photos = text(client.get(f"/ideas/{case.application.id}/story/photos"))
    assert f'href="/ideas/{case.application.id}/story" class="govuk-back-link"' in photos or (
        f'class="govuk-back-link" href="/ideas/{case.application.id}/story"' in photos
    )
    assert "See your story" in text(client.get("/ideas"))


def test_taking_a_story_off_the_public_pages_tells_the_resident(client):
    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    publishing.publish_story(story.id, officer, public_text=story.what_happened)
    publishing.unpublish_story(story.id, officer)
    mail = outbox(case.resident.email)[-1]
    assert "no longer on the public pages" in mail.subject and "no difference to your award" in mail.body
    login_as(client, case.resident)
    assert "It is not on the public pages now." in text(client.get(f"/ideas/{case.application.id}/story"))


def test_optional_questions_left_unanswered_are_accepted_and_a_tampered_answer_is_not(client):
    """Found while testing narrow screens: "Answer what you can. You can leave any of these out." answered an empty
    page with "Select an answer" (WTForms refuses a radio with no choice before Optional is asked)."""
    case = paid_award()
    login_as(client, case.resident)
    base = f"/ideas/{case.application.id}/story"
    post_form(client, f"{base}/what-happened", {"what_happened": "We held a seed swap."})
    response = post_form(client, f"{base}/people", {"people_count": "12"})
    assert response.status_code == 302 and response.headers["Location"] == f"{base}/five-ways"
    story = services.story_for(case.application.id)
    assert (story.people_count, story.group_formed, story.still_going) == (12, None, None)
    explained(post_form(client, f"{base}/people", {"people_count": "12", "group_formed": "maybe"}), "Select an answer")
