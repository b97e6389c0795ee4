"""Programme officers reading stories, publishing them (after taking out anything personal) and unpublishing them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.access import role_required
from portal.common.forms import ButtonForm
from portal.common.paging import page_number
from portal.domain.roles import Role
from portal.domain.stories import StoryStatus
from portal.stories import forms, photo_services, publishing, services
from portal.stories.routes import REFUSAL_TEXT

moderation = Blueprint("moderation", __name__, url_prefix="/programme/stories")
programme_officers = role_required(Role.PROGRAMME_OFFICER, scope="programme officers read every story sent to them")


# Programme officers ------------------------------------------------------------------------------------------------


@moderation.get("")
@programme_officers
def list_stories() -> str:
    return render_template("stories/list_stories.html", **publishing.list_stories_to_read(page_number()))


@moderation.route("/<int:story_id>", methods=["GET", "POST"])
@programme_officers
def read_story(story_id: int) -> Any:
    story = publishing.get_sent_story(story_id) or abort(404)
    numbered = list(enumerate(story.photos, start=1))
    to_review = [(number, photo) for number, photo in numbered if photo in publishing.photos_to_review(story)]
    form = _publish_form(story, to_review)
    if request.method == "POST" and form.seen.data != publishing.resident_version(story):
        form = _shown_again(story, to_review)
    elif form.validate_on_submit():
        try:
            publishing.publish_story(
                story_id,
                current_user,
                public_text=form.public_text.data,
                edit_note=form.edit_note.data or "",
                title=form.public_title.data,
                descriptions={photo.id: form[f"photo_{photo.id}"].data for _, photo in to_review},
                seen=form.seen.data,
            )
        except services.StoryRefused as refused:
            field = form.edit_note if refused.rule == "say_what_changed" else form.submit
            field.errors = [*field.errors, REFUSAL_TEXT[refused.rule]()]
        else:
            flash(_("The story has been published."), "success")
            return redirect(url_for("moderation.read_story", story_id=story_id))
    form.seen.data = publishing.resident_version(story)  # what this page shows the officer
    return render_template(
        "stories/read_story.html",
        story=story,
        form=form,
        action=ButtonForm(),
        ways=services.ways_of(story),
        numbered=numbered,
        to_review=to_review,
        changes=publishing.waiting_changes(story),
        name_shown=photo_services.name_shown(story),
    )


def _publish_form(story: Any, to_review: list[tuple[int, Any]], **kwargs: Any) -> Any:
    """The publishing form, with a description to check for each photo that would be public. On a first visit it
    starts from the words, title and descriptions the public would see (those already published, or the
    resident's own)."""
    if request.method == "GET" or "formdata" in kwargs:
        kwargs["data"] = {
            "public_text": story.shown_text,
            "public_title": story.shown_title if story.status == StoryStatus.PUBLISHED else story.application.idea_name,
            **{f"photo_{photo.id}": publishing.description_to_check(story, photo) for _, photo in to_review},
            **kwargs.get("data", {}),
        }
    return forms.publish_form([(number, photo.id) for number, photo in to_review], **kwargs)


def _shown_again(story: Any, to_review: list[tuple[int, Any]]) -> Any:
    """The resident changed something since the officer's page was shown: nothing is published; the page shows the
    story as it is now, keeping what the officer typed, and says why."""
    kept = {"public_title", "public_text", "edit_note", *(f"photo_{photo.id}" for _, photo in to_review)}
    typed = {name: value for name, value in request.form.items() if name in kept}
    form = _publish_form(story, to_review, formdata=None, data=typed)
    form.submit.errors = [REFUSAL_TEXT["changed_meanwhile"]()]
    return form


@moderation.post("/<int:story_id>/keep")
@programme_officers
def keep_public_version(story_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        publishing.get_sent_story(story_id) or abort(404)
        publishing.keep_public_version(story_id, current_user)
        flash(_("The public pages still show the story as it was."), "success")
    return redirect(url_for("moderation.read_story", story_id=story_id))


@moderation.post("/<int:story_id>/unpublish")
@programme_officers
def unpublish_story(story_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        publishing.get_sent_story(story_id) or abort(404)
        publishing.unpublish_story(story_id, current_user)
        flash(_("The story has been taken off the public pages."), "success")
    return redirect(url_for("moderation.read_story", story_id=story_id))
