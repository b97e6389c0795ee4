"""Security review, finding 7: a commissioner report made earlier must not keep a story (or its photo) after the
resident withdraws consent. A report records the stories and photos it holds; when one may no longer be shared, the
report is withdrawn (its file deleted), made again without it, and both pages say so."""

from __future__ import annotations

import hashlib
import html
import io

import sqlalchemy as sa
from pypdf import PdfReader

from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.insight import reports
from portal.insight.models import Report, ReportStory
from portal.stories import photo_services
from portal.stories import services as stories
from portal.stories.models import Story, StoryPhoto
from tests.conftest import login_as, post_form
from tests.factories import make_staff
from tests.integration.insight.helpers import published_story

KEPT = "We painted the bus shelter together."
WITHDRAWN = "We planted 200 bulbs by the school."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def pdf_words(content: bytes) -> tuple[str, int]:
    """The PDF's words, and how many different photos it holds (pages share their images' resources)."""
    reader = PdfReader(io.BytesIO(content))
    words = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return words, len({hashlib.sha256(image.data).hexdigest() for page in reader.pages for image in page.images})


def ask_for_a_report(client, viewer) -> Report:
    login_as(client, viewer)
    response = post_form(client, "/insight/report", {"period": "all"})
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    report = db.session.get(Report, report_id)
    assert report.status == "ready", report.error
    return report


def newest_report() -> Report:
    return db.session.scalar(sa.select(Report).order_by(Report.id.desc()).limit(1))


def test_a_report_records_the_stories_and_photos_it_holds(client):
    _, kept_id = published_story(KEPT)
    _, other_id = published_story(WITHDRAWN, photos=2)
    report = ask_for_a_report(client, make_staff(Role.VIEWER)[0])
    # Which photos, whatever their order (PostgreSQL returns rows in no particular order without ORDER BY).
    held = {row.story_id: tuple(sorted(row.photos)) for row in db.session.scalars(sa.select(ReportStory))}
    photos = {
        story_id: tuple(sorted(db.session.scalars(sa.select(StoryPhoto.id).where(StoryPhoto.story_id == story_id))))
        for story_id in (kept_id, other_id)
    }
    assert held == {kept_id: photos[kept_id], other_id: photos[other_id]}
    words, images = pdf_words(report.content)
    assert KEPT in words and WITHDRAWN in words and images == 3


def test_withdrawing_consent_takes_the_report_down_and_makes_it_again_without_the_story(client):
    _, kept_id = published_story(KEPT)
    case, withdrawn_id = published_story(WITHDRAWN)
    viewer, _ = make_staff(Role.VIEWER)
    first = ask_for_a_report(client, viewer)
    first_id = first.id
    assert KEPT in pdf_words(first.content)[0] and WITHDRAWN in pdf_words(first.content)[0]

    # The resident says only the programme may see their story now.
    login_as(client, case.resident)
    response = post_form(client, f"/ideas/{case.application.id}/story/who-can-see", {"consent": "programme"})
    assert response.status_code == 302
    assert db.session.get(Story, withdrawn_id).status == "sent"

    # The first report is withdrawn: its file is gone, it cannot be downloaded, and its page says why.
    first = db.session.get(Report, first_id, populate_existing=True)
    assert first.withdrawn_at is not None and first.withdrawn_reason == "story_withdrawn"
    assert db.session.scalar(sa.select(Report.content).where(Report.id == first_id)) is None
    login_as(client, viewer)
    download = client.get(f"/insight/reports/{first_id}/download")
    assert download.status_code == 302 and download.headers["Location"] == f"/insight/reports/{first_id}"
    page = text(client.get(f"/insight/reports/{first_id}"))
    assert "This report has been taken down" in page and "no longer lets us share" in page
    assert "Download the report (PDF)" not in page

    # It was made again, for the same person and period, without the story; the new page says so.
    again = newest_report()
    assert again.replaces_id == first_id and again.requested_by_id == viewer.id and again.status == "ready"
    assert f'href="/insight/reports/{again.id}"' in page and "See the new report, made without it" in page
    words, images = pdf_words(again.content)
    assert KEPT in words and WITHDRAWN not in words and images == 1
    assert "made again without a story that the resident no longer lets us share" in words
    held = set(db.session.scalars(sa.select(ReportStory.story_id).where(ReportStory.report_id == again.id)))
    assert held == {kept_id}
    new_page = text(client.get(f"/insight/reports/{again.id}"))
    assert "made again in place of an earlier one" in new_page and "Download the report (PDF)" in new_page
    assert client.get(f"/insight/reports/{again.id}/download").status_code == 200
    assert "(taken down)" in text(client.get("/insight/report"))
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.withdrawn")).all()
    assert [(e.object_id, e.details) for e in events] == [
        (str(first_id), f'{{"made_again_as":{again.id},"reason":"story_withdrawn"}}')
    ]


def test_an_officer_unpublishing_a_story_takes_its_reports_down_too(client):
    _, story_id = published_story(WITHDRAWN)
    viewer, _ = make_staff(Role.VIEWER)
    first_id = ask_for_a_report(client, viewer).id
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    post_form(client, f"/programme/stories/{story_id}/unpublish", {}, token_from=f"/programme/stories/{story_id}")
    assert db.session.get(Report, first_id, populate_existing=True).withdrawn_at is not None
    again = newest_report()
    assert again.replaces_id == first_id and WITHDRAWN not in pdf_words(again.content)[0]


def test_a_photo_the_resident_deletes_leaves_the_report_which_keeps_the_story(client):
    case, story_id = published_story(WITHDRAWN, photos=2)
    first = ask_for_a_report(client, make_staff(Role.VIEWER)[0])
    first_id = first.id
    assert pdf_words(first.content)[1] == 2
    photo_id = db.session.scalars(sa.select(StoryPhoto.id).where(StoryPhoto.story_id == story_id)).first()
    photo_services.delete_photo(case.application.id, photo_id, case.resident)
    assert db.session.get(Report, first_id, populate_existing=True).withdrawn_at is not None
    again = newest_report()
    words, images = pdf_words(again.content)
    assert WITHDRAWN in words and images == 1
    held = db.session.scalar(sa.select(ReportStory).where(ReportStory.report_id == again.id))
    assert held.story_id == story_id and photo_id not in held.photos


def test_a_change_that_keeps_the_story_public_leaves_the_report_alone(client):
    case, story_id = published_story(KEPT)
    first_id = ask_for_a_report(client, make_staff(Role.VIEWER)[0]).id
    photo = db.session.scalar(sa.select(StoryPhoto).where(StoryPhoto.story_id == story_id))
    answers = photo_services.PhotoAnswers("Bulbs by the school gate", may_share=True, shows_children=False)
    photo_services.update_photo(case.application.id, photo.id, case.resident, answers)
    report = db.session.get(Report, first_id, populate_existing=True)
    assert report.withdrawn_at is None and newest_report().id == first_id
    assert reports.shareable(report)


def test_a_story_made_private_by_any_other_way_is_never_downloaded_and_the_check_makes_the_report_again(
    client, monkeypatch
):
    # Whatever changes a story (a path that does not send the signal, or a direct fix in the database), a report
    # holding what may no longer be shared is not downloaded, and the timetabled check takes it down.
    _, story_id = published_story(WITHDRAWN)
    viewer, _ = make_staff(Role.VIEWER)
    first_id = ask_for_a_report(client, viewer).id
    db.session.execute(sa.update(Story).where(Story.id == story_id).values(consent="programme"))
    db.session.commit()
    login_as(client, viewer)
    assert client.get(f"/insight/reports/{first_id}/download").status_code == 302
    page = text(client.get(f"/insight/reports/{first_id}"))
    assert "This report has been taken down" in page and "will be made within 10 minutes" in page
    assert reports.check_reports() == 1
    assert reports.check_reports() == 0  # safe to run again
    again = newest_report()
    assert again.replaces_id == first_id and WITHDRAWN not in pdf_words(again.content)[0]


def test_a_story_withdrawn_while_the_report_is_drawn_is_left_out(client, monkeypatch):
    case, story_id = published_story(WITHDRAWN)
    _, kept_id = published_story(KEPT)
    draw = reports._draw
    drawn = []

    def draw_while_the_resident_withdraws(gathered, photos):
        drawn.append({story.id for story in gathered.stories})
        if len(drawn) == 1:  # the resident changes their mind after the report read the stories
            stories.change_consent(case.application.id, case.resident, stories.Consent.PROGRAMME)
        return draw(gathered, photos)

    monkeypatch.setattr(reports, "_draw", draw_while_the_resident_withdraws)
    report = ask_for_a_report(client, make_staff(Role.VIEWER)[0])
    assert drawn == [{story_id, kept_id}, {kept_id}]  # drawn again, without it
    assert WITHDRAWN not in pdf_words(report.content)[0] and KEPT in pdf_words(report.content)[0]
    assert set(db.session.scalars(sa.select(ReportStory.story_id))) == {kept_id}
    assert report.withdrawn_at is None and reports.shareable(report)


def test_a_story_the_resident_deletes_leaves_every_report_that_held_it(client):
    case, story_id = published_story(WITHDRAWN)
    first_id = ask_for_a_report(client, make_staff(Role.VIEWER)[0]).id
    stories.delete_story(case.application.id, case.resident)
    assert db.session.get(Story, story_id) is None
    assert db.session.get(Report, first_id, populate_existing=True).withdrawn_at is not None
    again = newest_report()
    assert again.replaces_id == first_id and WITHDRAWN not in pdf_words(again.content)[0]
    assert not db.session.scalars(sa.select(ReportStory).where(ReportStory.report_id == again.id)).all()
