"""Outcome stories in a real browser: a resident whose award is paid tells what happened, with a JPEG and an iPhone's
HEIC photo, at phone and desktop sizes with axe-core on every page; a programme officer publishes it; the public
reads it, light (P3) and without JavaScript, its photos re-encoded and served safely (S6); and the resident taking
back their consent takes it off every public page at once."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    assert_fits_narrow_screen,
    sign_in_resident,
    sign_in_staff,
)
from tests.browser.panel_helpers import Idea, add_member, add_panel, add_sent_idea
from tests.browser.test_page_weight import BUDGET_BYTES, COMPRESSED, NetworkMeter

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False}
PHONE_360 = {"viewport": {"width": 360, "height": 740}}
PHOTO_LIMIT_BYTES = 200_000  # what the portal promises a re-encoded photo weighs at most
WRONG_TYPE = "The selected file must be a JPG, PNG, WebP or HEIC photo"
PERMISSION = "I took this photo, or I have permission to share it, and everyone in it agreed to it being shared"
CAMERA = "Examplephone 12"  # written into the uploaded JPEG's EXIF; must not survive re-encoding


# Seeding -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaidIdea:
    resident_email: str
    idea: Idea
    neighbourhood: str
    slug: str


def paid_award(live: LiveServer, name: str) -> PaidIdea:
    """An idea the panel said yes to, the resident accepted, one finance officer prepared and another paid."""
    from portal.accounts.services import create_user, get_user_by_email
    from portal.awards.services import accept_award, award_for
    from portal.domain.decisions import DecisionKind
    from portal.domain.roles import PaymentMethod
    from portal.extensions import db
    from portal.panels.services import declare_interest, record_decision
    from portal.payments.services import (
        BankDetails,
        authorise_payment,
        prepare_payment,
        record_paid,
        save_payee_details,
    )
    from portal.programme.models import Neighbourhood

    panel = add_panel(live)
    chair = add_member(live, panel, "Chris Chair", chair=True)
    resident_email = live.add_resident()
    idea = add_sent_idea(live, resident_email, panel, name, {"Bulbs": 12_000}, days_ago=3)
    with live.app.app_context():
        person = get_user_by_email(chair)
        declare_interest(idea.id, person, has_interest=False, note="")
        record_decision(idea.id, person, kind=DecisionKind.YES, reason="Lovely.")
        resident = get_user_by_email(resident_email)
        accept_award(idea.id, resident)
        bank = BankDetails("Rae Resident", "309430", "00733445")
        save_payee_details(idea.id, resident, PaymentMethod.BANK_TRANSFER, bank=bank)
        officer_a = create_user(live.new_email("finance"), "Fin A", {Role.FINANCE_OFFICER})
        officer_b = create_user(live.new_email("finance"), "Fin B", {Role.FINANCE_OFFICER})
        payment = prepare_payment(award_for(idea.id).id, officer_a)
        authorise_payment(payment.id, officer_b)
        record_paid(payment.id, officer_a, paid_on=date.today(), finance_reference="BACS-STORY")
        neighbourhood = db.session.get(Neighbourhood, panel.neighbourhood_id)
        return PaidIdea(resident_email, idea, neighbourhood.name, neighbourhood.slug)


@functools.cache
def photo_bytes(kind: str) -> bytes:
    """A photo-like picture (smooth light, some grain), 2000×1500, as a JPEG with camera EXIF or as a HEIC."""
    from PIL import Image, ImageFilter

    size = (2000, 1500)
    light = Image.linear_gradient("L").resize(size)
    grain = Image.effect_noise(size, 60).filter(ImageFilter.GaussianBlur(2))
    picture = Image.merge("RGB", (light, grain, Image.blend(light, grain, 0.5)))
    out = io.BytesIO()
    if kind == "HEIC":
        import pillow_heif

        pillow_heif.register_heif_opener()
        picture.save(out, "HEIF", quality=80, enc_params={"preset": "ultrafast"})
    else:
        exif = Image.Exif()
        exif[0x010F] = "Examplephone"  # Make
        exif[0x0110] = CAMERA  # Model
        picture.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def photo_file(tmp_path: Path, name: str, kind: str) -> Path:
    path = tmp_path / name
    path.write_bytes(photo_bytes(kind))
    return path


@dataclass(frozen=True)
class SentStory:
    id: int
    photo_ids: tuple[int, ...]


WHAT_HAPPENED = "Twenty of us planted 600 bulbs along the verge on Mill Lane.\n\nThe school helped, and it was lovely."
TYPED = WHAT_HAPPENED.replace("\n", "\r\n")  # as a browser sends it from a textarea
JPEG_ALT = "Neighbours planting bulbs along Mill Lane"
HEIC_ALT = "The verge in spring, full of daffodils"


def sent_story(live: LiveServer, paid: PaidIdea, *, publish: bool = False) -> SentStory:
    """The resident's story, told and sent through the portal's services: public with their first name, a JPEG and
    a HEIC photo (both shareable, neither showing children); published by a programme officer if asked."""
    from portal.accounts.services import create_user, get_user_by_email
    from portal.domain.stories import Consent
    from portal.stories import photo_services, publishing, services

    with live.app.app_context():
        resident = get_user_by_email(paid.resident_email)
        application_id = paid.idea.id
        services.save_story(
            application_id,
            resident,
            what_happened=TYPED,
            went_to_plan="yes",
            people_count=20,
            consent=Consent.PUBLIC_NAMED.value,
        )
        photos = [
            photo_services.add_photo(
                application_id, resident, photo_bytes(kind), photo_services.PhotoAnswers(alt, True, False)
            )
            for kind, alt in (("JPEG", JPEG_ALT), ("HEIC", HEIC_ALT))
        ]
        story = services.send_story(application_id, resident)
        if publish:
            officer = create_user(live.new_email("officer"), "Pat Officer", {Role.PROGRAMME_OFFICER})
            publishing.publish_story(story.id, officer, public_text=TYPED)
        return SentStory(story.id, tuple(photo.id for photo in photos))


@dataclass(frozen=True)
class StoryRow:
    status: str
    consent: str | None
    what_happened: str | None
    went_to_plan: str | None
    people_count: int | None
    photos: list[tuple[str, str, bool, bool]]  # (status, alt text, may share, shows children)


def story_of(live: LiveServer, application_id: int) -> StoryRow | None:
    from portal.stories.services import story_for

    with live.app.app_context():
        story = story_for(application_id)
        if story is None:
            return None
        return StoryRow(
            story.status,
            story.consent,
            (story.what_happened or "").replace("\r\n", "\n"),  # a textarea sends CRLF
            story.went_to_plan,
            story.people_count,
            [(p.status, p.alt_text, p.may_share, p.shows_children) for p in sorted(story.photos, key=lambda p: p.id)],
        )


# Reading pages -------------------------------------------------------------------------------------------------


def heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def expect_error(page, message: str) -> None:
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)


def expect_banner(page, message: str) -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(message)


def expect_photos_loaded(page, locator) -> None:
    """Every image the locator finds has arrived and decoded (lazy ones are scrolled into view first)."""
    for n in range(locator.count()):
        image = locator.nth(n)
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, f"{page.url}: image {n + 1} did not load"


def add_photo(page, path: Path, description: str) -> None:
    page.get_by_label("Upload a photo").set_input_files(path)
    page.get_by_label("Describe the photo for someone who cannot see it").fill(description)
    page.get_by_role("group", name="Does the photo show any children?").get_by_label("No", exact=True).check()
    page.get_by_label(PERMISSION).check()
    page.get_by_role("button", name="Add photo").click()


# 1. Telling the story ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_resident_whose_award_is_paid_tells_their_story_with_a_jpeg_and_a_heic_photo(
    new_page, live_server, tmp_path, size
):
    paid = paid_award(live_server, live_server.unique("Bulbs for the verge"))
    page = new_page(**(PHONE_360 if size == "phone" else DESKTOP))

    def check(state: str) -> None:
        assert_accessible(page, state)
        if size == "phone":
            assert_fits_narrow_screen(page, f"{state}, at 360 px")

    sign_in_resident(page, live_server, paid.resident_email)
    page.goto("/ideas")
    heading(page, "Your ideas")
    card = page.locator(".govuk-summary-card").filter(has_text=paid.idea.name)
    expect(card).to_contain_text("Paid")
    check("your ideas, with an award paid")
    card.get_by_role("link", name="Tell us what happened (optional)").click()

    heading(page, "Tell us what happened")
    check("the story's start page")
    page.get_by_role("button", name="Start").click()

    heading(page, "What happened?")
    check("what happened")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_error(page, "Tell us what happened")
    check("what happened, with nothing typed")
    page.get_by_label("What happened?").fill(WHAT_HAPPENED)
    page.get_by_role("button", name="Continue", exact=True).click()

    heading(page, "Did it go to plan?")
    check("did it go to plan")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_error(page, "Select whether it went to plan")
    check("did it go to plan, with nothing chosen")
    page.get_by_label("Partly").check()
    page.get_by_label("If it did not all go to plan, what did you learn? (optional)").fill("Order bulbs earlier.")
    page.get_by_role("button", name="Continue", exact=True).click()

    heading(page, "Photos (optional)")
    check("photos, none added yet")
    not_a_photo = tmp_path / "photo.jpg"
    not_a_photo.write_text("These are my notes, not a photo.\n", encoding="utf-8")
    add_photo(page, not_a_photo, JPEG_ALT)
    expect_error(page, WRONG_TYPE)
    expect(page.locator(".govuk-error-message").filter(has_text=WRONG_TYPE)).to_be_visible()
    expect(page.get_by_label("Describe the photo for someone who cannot see it")).to_have_value(JPEG_ALT)
    check("photos, with a text file that is not a photo")

    add_photo(page, photo_file(tmp_path, "IMG_0001.jpg", "JPEG"), JPEG_ALT)
    expect_banner(page, "Your photo has been added.")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    heading(page, "Photos (optional)")
    check("photos, with one added")
    add_photo(page, photo_file(tmp_path, "IMG_0002.HEIC", "HEIC"), HEIC_ALT)
    expect_banner(page, "Your photo has been added.")
    photos = page.locator(".app-photo-list img")
    expect(photos).to_have_count(2)
    expect(photos.nth(0)).to_have_attribute("alt", JPEG_ALT)
    expect(photos.nth(1)).to_have_attribute("alt", HEIC_ALT)
    expect_photos_loaded(page, photos)
    check("photos, with a JPEG and a HEIC added")
    page.get_by_role("button", name="Continue", exact=True).click()

    heading(page, "The people who took part")
    check("the people who took part")
    page.get_by_label("About how many people took part? (optional)").fill("twenty")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_error(page, "Enter how many people took part as a number, like 25")
    check("the people who took part, with words for a number")
    page.get_by_label("About how many people took part? (optional)").fill("20")
    page.get_by_role("group", name="Did a new group form? (optional)").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Is it still going? (optional)").get_by_label("Not sure", exact=True).check()
    page.get_by_role("button", name="Continue", exact=True).click()

    heading(page, "Which of these did it help people do? (optional)")
    check("five ways to wellbeing")
    page.get_by_label("Connect with other people").check()
    page.get_by_label("Take notice of the world around them").check()
    page.get_by_role("button", name="Continue", exact=True).click()

    heading(page, "Who can see your story?")
    check("who can see your story")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_error(page, "Select who can see your story")
    check("who can see your story, with nothing chosen")
    page.get_by_label("Anyone, with my first name").check()
    page.get_by_role("button", name="Continue", exact=True).click()

    heading(page, "Check your story before you send it")
    summary = page.locator(".govuk-summary-list")
    for shown in ("Twenty of us planted 600 bulbs", "Partly", "Order bulbs earlier.", "2 photos", "20"):
        expect(summary).to_contain_text(shown)
    expect(summary).to_contain_text("Connect with other people, Take notice of the world around them")
    expect(summary).to_contain_text("Anyone, with my first name")
    check("check your story")
    page.get_by_role("button", name="Send your story").click()

    expect_banner(page, "Thank you. Your story has been sent.")
    heading(page, "Your story")
    expect(page.locator("main")).to_contain_text("They may put it on the public pages, as you allowed.")
    check("your story, sent")

    assert story_of(live_server, paid.idea.id) == StoryRow(
        status="sent",
        consent="public_named",
        what_happened=WHAT_HAPPENED,
        went_to_plan="partly",
        people_count=20,
        photos=[("ready", JPEG_ALT, True, False), ("ready", HEIC_ALT, True, False)],
    )


# 2. Publishing, reading, and taking consent back --------------------------------------------------------------


def photo_size(response) -> int:
    """The bytes of a story photo as the page received it, which must be a JPEG under the portal's limit."""
    assert response.status == 200, f"{response.url}: {response.status}"
    assert response.headers["content-type"] == "image/jpeg", f"{response.url}: {response.headers['content-type']}"
    body = response.body()
    assert body.startswith(b"\xff\xd8"), f"{response.url} is not a JPEG"
    assert len(body) < PHOTO_LIMIT_BYTES, f"{response.url} is {len(body):,} bytes"
    return len(body)


def test_an_officer_publishes_a_story_the_public_reads_it_and_it_goes_when_the_resident_withdraws_consent(
    new_page, live_server
):
    paid = paid_award(live_server, live_server.unique("Daffodils on Mill Lane"))
    story = sent_story(live_server, paid)
    story_path = f"/stories/{story.id}"

    officer = new_page(**DESKTOP)
    sign_in_staff(officer, live_server.add_staff(Role.PROGRAMME_OFFICER))
    officer.get_by_role("navigation", name="Menu").get_by_role("link", name="Stories", exact=True).click()
    heading(officer, "Stories")
    assert_accessible(officer, "stories to read")
    officer.get_by_role("link", name=paid.idea.name).click()
    heading(officer, paid.idea.name)
    expect(officer.get_by_label("The story as the public will read it")).to_have_value(WHAT_HAPPENED)
    assert_accessible(officer, "a sent story, ready to publish")
    officer.get_by_role("button", name="Publish the story").click()
    expect_banner(officer, "The story has been published.")
    expect(officer.get_by_role("link", name="See it on the public pages")).to_have_attribute("href", story_path)
    assert_accessible(officer, "a published story")

    public = new_page(**PHONE_360)
    photo_responses = []
    public.on("response", lambda r: photo_responses.append(r) if "/story-photos/" in r.url else None)
    sizes: dict[str, int] = {}

    def weigh_photos() -> None:
        """Every photo the page loaded (read before the page is left, when the browser lets its body go)."""
        for response in photo_responses:
            path = response.url.removeprefix(live_server.url)
            if response.status == 304 and path in sizes:
                continue  # public photos are revalidated each time (so withdrawn consent counts at once): unchanged
            sizes[path] = photo_size(response)
        photo_responses.clear()

    public.goto(f"/neighbourhoods/{paid.slug}")
    public.get_by_role("link", name="Read what happened with ideas funded here").click()
    heading(public, f"Stories from {paid.neighbourhood}")
    card = public.locator(".app-story-card").filter(has_text=paid.idea.name)
    expect(card).to_have_count(1)
    expect(card.locator("img")).to_have_attribute("alt", JPEG_ALT)
    expect_photos_loaded(public, card.locator("img"))
    weigh_photos()
    assert_accessible(public, "a neighbourhood's stories")
    assert_fits_narrow_screen(public, "a neighbourhood's stories, at 360 px")

    public.goto("/stories")
    heading(public, "Stories of small sparks")
    card = public.locator(".app-story-card").filter(has_text=paid.idea.name)
    expect(card).to_have_count(1)
    expect_photos_loaded(public, card.locator("img"))
    weigh_photos()
    assert_accessible(public, "all stories")
    assert_fits_narrow_screen(public, "all stories, at 360 px")
    public.get_by_role("link", name=paid.idea.name).click()

    assert public.url.endswith(story_path)
    heading(public, paid.idea.name)
    main = public.locator("main")
    expect(main).to_contain_text("Twenty of us planted 600 bulbs along the verge on Mill Lane.")
    expect(main).to_contain_text("The school helped, and it was lovely.")
    expect(main).to_contain_text("Told by Rae")
    expect(main).not_to_contain_text("Resident")  # the first name only
    images = public.locator("main img.app-story-photo")
    expect(images).to_have_count(2)
    for n, alt in enumerate((JPEG_ALT, HEIC_ALT)):
        image = images.nth(n)
        expect(image).to_have_attribute("alt", alt)
        width, height = image.get_attribute("width"), image.get_attribute("height")
        assert width and height and int(width) > 0 and int(height) > 0, f"photo {n + 1}: {width}×{height}"
        assert image.get_attribute("loading") == (None if n == 0 else "lazy"), f"photo {n + 1}"
    expect_photos_loaded(public, images)
    weigh_photos()
    assert_accessible(public, "a public story")
    assert_fits_narrow_screen(public, "a public story, at 360 px")

    large = {f"/story-photos/{photo_id}/large" for photo_id in story.photo_ids}
    small = {f"/story-photos/{photo_id}/small" for photo_id in story.photo_ids}
    # A phone at 360 px takes the 480 px photos the page offers beside the large ones (srcset), never the large.
    assert small <= sizes.keys() and not large & sizes.keys(), sizes
    print(f"\nStory photos as the public pages loaded them (bytes): {sizes}")

    resident = new_page(**PHONE_360)
    sign_in_resident(resident, live_server, paid.resident_email)
    resident.goto("/ideas")
    resident.get_by_role("link", name="See your story").click()
    heading(resident, "Your story")
    expect(resident.locator("main")).to_contain_text("Your story is on the public pages.")
    assert_accessible(resident, "your story, published")
    resident.get_by_role("link", name="Change who can see your story").click()
    heading(resident, "Who can see your story?")
    expect(resident.get_by_label("Anyone, with my first name")).to_be_checked()
    resident.get_by_label("Only the people running the programme").check()
    resident.get_by_role("button", name="Continue", exact=True).click()
    expect_banner(resident, "Who can see your story has been changed.")
    expect(resident.locator(".govuk-summary-list")).to_contain_text("Only the people running the programme")
    expect(resident.locator("main")).not_to_contain_text("Your story is on the public pages.")
    assert_accessible(resident, "your story, for the programme only")
    assert_fits_narrow_screen(resident, "your story, for the programme only, at 360 px")

    # Gone at once, for a newcomer and for the visitor whose browser has the page and photos in its cache.
    for visitor in (new_page(**PHONE_360), public):
        assert visitor.goto(story_path).status == 404
        for url in sorted(large | small):
            assert visitor.goto(url).status == 404, url
        for path in ("/stories", f"/neighbourhoods/{paid.slug}/stories"):
            assert visitor.goto(path).status == 200
            expect(visitor.locator("main")).not_to_contain_text(paid.idea.name)
    assert story_of(live_server, paid.idea.id).status == "sent"


def test_after_publication_a_new_description_or_name_waits_for_an_officer_to_check_it(new_page, live_server):
    paid = paid_award(live_server, live_server.unique("Bulbs by the school"))
    story = sent_story(live_server, paid, publish=True)
    story_path = f"/stories/{story.id}"
    public = new_page(**PHONE_360)
    public.goto(story_path)
    expect(public.locator("main img.app-story-photo").first).to_have_attribute("alt", JPEG_ALT)

    resident = new_page(**PHONE_360)
    sign_in_resident(resident, live_server, paid.resident_email)
    resident.goto(f"/ideas/{paid.idea.id}/story/photos/{story.photo_ids[0]}")
    heading(resident, "Change the photo's details")
    resident.get_by_label("Describe the photo for someone who cannot see it").fill("Bulbs outside number 12")
    resident.get_by_role("button", name="Save").click()
    expect_banner(resident, "We will check your change before it goes on the public pages.")
    assert_accessible(resident, "photos, with a change waiting for a check")

    resident.goto(f"/ideas/{paid.idea.id}/story/who-can-see")
    heading(resident, "Who can see your story?")
    expect(resident.get_by_label("Your first name")).to_have_value("Rae")  # from their idea or account
    resident.get_by_label("Your first name").fill("")
    resident.get_by_role("button", name="Continue", exact=True).click()
    expect_error(resident, "Enter your first name")
    assert_accessible(resident, "who can see your story, with no first name")
    assert_fits_narrow_screen(resident, "who can see your story, with no first name, at 360 px")
    resident.get_by_label("Your first name").fill("Raya")
    resident.get_by_role("button", name="Continue", exact=True).click()
    expect_banner(resident, "We will check your change before it goes on the public pages.")
    expect(resident.locator("main")).to_contain_text("Until then, people see your story as it was.")
    assert_accessible(resident, "your story, with changes waiting for a check")

    public.goto(story_path)
    main = public.locator("main")
    expect(main).to_contain_text("Told by Rae")
    expect(main).not_to_contain_text("Raya")
    expect(main.locator("img.app-story-photo").first).to_have_attribute("alt", JPEG_ALT)

    officer = new_page(**DESKTOP)
    sign_in_staff(officer, live_server.add_staff(Role.PROGRAMME_OFFICER))
    officer.goto("/programme/stories")
    officer.get_by_role("link", name=paid.idea.name).first.click()
    heading(officer, paid.idea.name)
    changes = officer.locator(".govuk-inset-text")
    expect(changes).to_contain_text("Changes waiting to be checked")
    expect(changes).to_contain_text("Raya")
    expect(changes).to_contain_text("Bulbs outside number 12")
    assert_accessible(officer, "a published story with changes waiting")
    officer.get_by_label("Description of photo 1").fill("Bulbs by the school gate")
    officer.get_by_label("If you changed the words, say what you changed").fill("We took out the house number.")
    officer.get_by_role("button", name="Publish the changes").click()
    expect_banner(officer, "The story has been published.")

    public.goto(story_path)
    expect(main).to_contain_text("Told by Raya")
    expect(main.locator("img.app-story-photo").first).to_have_attribute("alt", "Bulbs by the school gate")


# 3. P3 on a public story ---------------------------------------------------------------------------------------


class CacheWatch:
    """Which files of each page the browser fetched over the network (a revalidation included) rather than took
    from its cache, through the Chrome DevTools Protocol with the cache left on."""

    def __init__(self, page):
        self.fetched: dict[str, list[str]] = {}  # kind -> "status url" of each file fetched
        self._requests: dict[str, tuple[str, str]] = {}
        self._from_cache: set[str] = set()
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", lambda event: self._from_cache.add(event["requestId"]))
        cdp.on("Network.responseReceived", self._response)
        cdp.send("Network.enable")

    def _sent(self, event):
        self._requests[event["requestId"]] = (event.get("type", ""), event["request"]["url"])

    def _response(self, event):
        kind, url = self._requests.get(event["requestId"], ("", event["response"]["url"]))
        response = event["response"]
        cached = event["requestId"] in self._from_cache or response.get("fromDiskCache")
        if not cached or response.get("status") == 304:
            self.fetched.setdefault(kind, []).append(f"{response.get('status')} {url}")

    def clear(self) -> None:
        self.fetched.clear()


def test_a_public_story_is_light_local_cached_and_readable_without_javascript(new_page, live_server):
    paid = paid_award(live_server, live_server.unique("Bird boxes"))
    story = sent_story(live_server, paid, publish=True)
    story_path = f"/stories/{story.id}"

    page = new_page(**PHONE_360)
    weight = NetworkMeter(page).measure("a public story", story_path)
    text_bytes = sum(weight.bytes(kind) for kind in ("html", "css", "js"))
    images = [load for load in weight.loads if load.kind == "Image"]
    photos = [load for load in images if "/story-photos/" in load.url]
    print(
        f"\nA public story, first visit at 360 px, compressed bytes on the wire: HTML {weight.bytes('html'):,}, "
        f"CSS {weight.bytes('css'):,}, JS {weight.bytes('js'):,}: {text_bytes:,} of P3's {BUDGET_BYTES:,}; "
        f"{len(photos)} photos {sum(p.transferred for p in photos):,} more ({weight.bytes():,} in all)"
    )
    assert {"html", "css", "js"} <= {load.kind for load in weight.loads}, "the measure missed something"
    # Each photo comes in the size a phone needs (the 480 px one): the large one alone would not fit the budget.
    assert photos and all(photo.url.endswith("/small") for photo in photos), [photo.url for photo in photos]
    large = page.request.get(photos[0].url.removesuffix("/small") + "/large").body()
    assert len(large) > BUDGET_BYTES - text_bytes, "the large photo would fit anyway: this measures nothing"
    assert text_bytes <= BUDGET_BYTES, f"a public story transfers {text_bytes:,} bytes of HTML, CSS and JS"
    for load in weight.loads:
        assert load.url.startswith(live_server.url + "/"), f"a public story asked another host: {load.url}"
        assert load.kind != "Font", f"a public story loaded a font: {load.url}"
        if load.kind in {"html", "css", "js"}:
            assert load.encoding in COMPRESSED, f"{load.url} was sent uncompressed ({load.encoding!r})"
    assert page.watch.other_hosts() == []

    # On a wide screen the same page takes the large photo.
    wide = new_page(viewport={"width": 1280, "height": 900})
    wide.goto(story_path)
    first = wide.locator("main img.app-story-photo").first
    expect(first).to_have_js_property("complete", True)
    assert first.evaluate("img => img.currentSrc").endswith("/large")

    no_js = new_page(**PHONE_360, java_script_enabled=False)
    assert no_js.goto(story_path).status == 200
    heading(no_js, paid.idea.name)
    expect(no_js.locator("main")).to_contain_text("Twenty of us planted 600 bulbs along the verge on Mill Lane.")
    photos = no_js.locator("main img.app-story-photo")
    expect(photos).to_have_count(2)
    expect_photos_loaded(no_js, photos)
    assert_accessible(no_js, "a public story, JavaScript off")

    # A visitor who read the story goes on to the list: its stylesheet and scripts come from the cache.
    reader = new_page(**PHONE_360)
    watch = CacheWatch(reader)
    reader.goto(story_path)
    heading(reader, paid.idea.name)
    reader.wait_for_load_state("load")
    assert watch.fetched.get("Stylesheet") and watch.fetched.get("Script"), watch.fetched
    watch.clear()
    reader.get_by_role("link", name="Read more stories").click()
    heading(reader, "Stories of small sparks")
    reader.wait_for_load_state("load")
    again = watch.fetched.get("Stylesheet", []) + watch.fetched.get("Script", [])
    assert again == [], f"the second public page fetched its CSS/JS again: {again}"


# 4. S6: photos as served ---------------------------------------------------------------------------------------


def test_story_photos_are_served_as_small_jpegs_without_metadata_and_with_safe_headers(new_page, live_server):
    paid = paid_award(live_server, live_server.unique("Seed swap"))
    story = sent_story(live_server, paid, publish=True)
    page = new_page(**PHONE_360)
    for photo_id in story.photo_ids:
        for size in ("large", "small"):
            url = f"/story-photos/{photo_id}/{size}"
            response = page.request.get(url)
            assert response.status == 200, f"{url}: {response.status}"
            headers = response.headers
            body = response.body()
            assert headers["content-type"] == "image/jpeg" and body.startswith(b"\xff\xd8"), url
            assert len(body) < PHOTO_LIMIT_BYTES, f"{url} is {len(body):,} bytes"
            assert b"Exif" not in body and CAMERA.encode() not in body, f"{url} still carries the camera's EXIF"
            assert headers.get("x-content-type-options") == "nosniff", url
            assert headers.get("cross-origin-resource-policy") == "same-origin", url
            policy = headers.get("content-security-policy", "")
            assert "sandbox" in policy and "default-src 'none'" in policy, f"{url} is served with CSP {policy!r}"
