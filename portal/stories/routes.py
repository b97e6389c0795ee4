"""Stories: the resident's question pages and photos, programme officers publishing, and the public pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.applications.access import your_application
from portal.applications.services import get_application, get_neighbourhood_by_slug
from portal.common.access import public, public_if
from portal.common.forms import ButtonForm
from portal.common.page_cache import cached_for_visitors, shown_page
from portal.common.storage import StoreUnavailable
from portal.domain.stories import MAX_PHOTOS, Consent, StoryStatus
from portal.extensions import talisman
from portal.stories import forms, invitations, photo_services, publishing, services
from portal.stories.photos import MAX_PHOTO_BYTES, PhotoRefused

bp = Blueprint("stories", __name__)
# Photos on a blueprint of their own: their strict policy (nothing may load, sandboxed) applies to every answer the
# route gives, so its "not found" is plain text rather than a page that would need styles and scripts.
photos_bp = Blueprint("story_photos", __name__)

REFUSAL_TEXT = {
    "not_yours": lambda: _("Only the resident whose idea it is, or the community builder who helped, can do this."),
    "not_paid_yet": lambda: _("You can tell your story once your award has been paid."),
    "already_sent": lambda: _(
        "You have sent your story, so its words cannot change now. You can still change who can see it, or delete it."
    ),
    "not_finished": lambda: _("Tell us what happened and who can see your story before you send it."),
    "agreement_needed": lambda: _("Enter the date the resident agreed to send this story"),
    "too_many_photos": lambda: _("You can add up to %(num)s photos. Remove one to add another.", num=MAX_PHOTOS),
    "no_story": lambda: _("There is no story for this idea yet."),
    "not_public": lambda: _("The resident did not agree to the public seeing this story, so it cannot be published."),
    "say_what_changed": lambda: _("Say what you changed, so the resident can be told"),
    "programme_officers_only": lambda: _("Only programme officers can do this."),
    "first_name_needed": lambda: _("Enter your first name"),
    "changed_meanwhile": lambda: _(
        "The resident changed their story while you were reading it. Check it again, then publish it."
    ),
}


def _waits_for_review() -> str:
    return _(
        "We will check your change before it goes on the public pages. Until then, people see your story as it was."
    )


PHOTO_TEXT = {
    "empty": lambda: _("The selected file is empty"),
    "too_big": lambda: _("The selected file must be smaller than 10MB"),
    "not_an_image": lambda: _("The selected file must be a JPG, PNG, WebP or HEIC photo"),
    "wrong_type": lambda: _("The selected file must be a JPG, PNG, WebP or HEIC photo"),
    "too_many_pixels": lambda: _("The selected photo must be smaller than 50 megapixels"),
    "damaged": lambda: _("The selected file could not be opened. Try another photo"),
}


@dataclass(frozen=True)
class Step:
    slug: str
    form: type
    title: Any
    fields: tuple[str, ...]
    heading_field: str | None = None


STEPS = [
    Step("what-happened", forms.WhatHappenedForm, _l("What happened?"), ("what_happened",), "what_happened"),
    Step("did-it-go-to-plan", forms.WentToPlanForm, _l("Did it go to plan?"), ("went_to_plan", "learned")),
    Step("photos", forms.PhotoForm, _l("Photos"), ()),
    Step("people", forms.PeopleForm, _l("The people who took part"), ("people_count", "group_formed", "still_going")),
    Step("five-ways", forms.WellbeingForm, _l("Which of these did it help people do?"), ("ways",), "ways"),
    Step("who-can-see", forms.ConsentForm, _l("Who can see your story?"), ("consent", "first_name"), "consent"),
]
SLUGS = [step.slug for step in STEPS]


def _next_url(application_id: int, slug: str) -> str:
    """The next question, or back to the story's summary when the resident came from there (or this was the last)."""
    position = SLUGS.index(slug)
    if request.args.get("from") == "check" or position == len(SLUGS) - 1:
        return url_for("stories.show_story", application_id=application_id)
    return _step_url(application_id, SLUGS[position + 1])


def _step_url(application_id: int, slug: str) -> str:
    if slug == "photos":
        return url_for("stories.photos", application_id=application_id)
    return url_for("stories.answer", application_id=application_id, step=slug)


def _back_url(application_id: int, slug: str) -> str:
    position = SLUGS.index(slug)
    if request.args.get("from") == "check" or position == 0:
        return url_for("stories.show_story", application_id=application_id)
    return _step_url(application_id, SLUGS[position - 1])


def _question_form(application: Any, story: Any, page: Step) -> Any:
    """The question's form with the story's answers, the Five Ways as a list, and the first name to show (the one
    the resident told us on their idea, until they say another)."""
    form = page.form(obj=story, data={"ways": services.ways_of(story)} if story and page.slug == "five-ways" else None)
    if page.slug == "who-can-see" and request.method == "GET" and not form.first_name.data:
        form.first_name.data = services.known_first_name(application)
    return form


def _paid_application(application_id: int) -> Any:
    application = get_application(application_id) or abort(404)
    if not services.award_is_paid(application):
        flash(REFUSAL_TEXT["not_paid_yet"]())
        abort(redirect(url_for("applications.list_ideas")))
    return application


def _refused(refused: services.StoryRefused, application_id: int) -> Any:
    flash(REFUSAL_TEXT[refused.rule]())
    return redirect(url_for("stories.show_story", application_id=application_id))


def _is_builder(application: Any) -> bool:
    return bool(current_user.id == application.assisted_by_id)


# The resident ------------------------------------------------------------------------------------------------------


@bp.get("/ideas/<int:application_id>/story")
@your_application
def show_story(application_id: int) -> str:
    return _render_story(_paid_application(application_id), forms.SendStoryForm())


def _render_story(application: Any, form: Any) -> str:
    """The story's summary: check your answers before sending, or what was sent and what can still change."""
    story = services.story_for(application.id)
    return render_template(
        "stories/show_story.html",
        application=application,
        story=story,
        steps=STEPS,
        missing=services.missing_answers(story),
        ways=services.ways_of(story) if story else [],
        form=form,
        builder=_is_builder(application),
        reminders_off=invitations.reminders_are_off(application.id),
        action=ButtonForm(),
    )


@bp.route("/ideas/<int:application_id>/story/<string:step>", methods=["GET", "POST"])
@your_application
def answer(application_id: int, step: str) -> Any:
    application = _paid_application(application_id)
    page = next((s for s in STEPS if s.slug == step and s.slug != "photos"), None) or abort(404)
    story = services.story_for(application_id)
    if story is not None and story.status != StoryStatus.DRAFT and page.slug != "who-can-see":
        return _refused(services.StoryRefused("already_sent"), application_id)
    form = _question_form(application, story, page)
    if form.validate_on_submit():
        answers = {name: getattr(form, name).data for name in page.fields}
        if page.slug == "who-can-see" and answers["consent"] != Consent.PUBLIC_NAMED.value:
            answers["first_name"] = None  # only kept when it is to be shown
        try:
            if story is not None and story.status != StoryStatus.DRAFT:
                change = services.change_consent(
                    application_id, current_user, Consent(answers["consent"]), answers["first_name"]
                )
                flash(
                    _waits_for_review() if change.waits_for_review else _("Who can see your story has been changed."),
                    "success",
                )
            else:
                services.save_story(application_id, current_user, **answers)
        except services.StoryRefused as refused:
            return _refused(refused, application_id)
        return redirect(_next_url(application_id, page.slug))
    return render_template(
        "stories/question.html",
        form=form,
        page=page,
        application=application,
        back_url=_back_url(application_id, page.slug),
    )


@bp.route("/ideas/<int:application_id>/story/photos", methods=["GET", "POST"])
@your_application
def photos(application_id: int) -> Any:
    application = _paid_application(application_id)
    story = services.story_for(application_id)
    sent = story is not None and story.status != StoryStatus.DRAFT
    form = forms.PhotoForm()
    if request.args.get("problem") == "too_big":
        form.photo.errors = [PHOTO_TEXT["too_big"]()]
    upload = request.files.get("photo")
    if request.method == "POST" and request.form.get("next") and not (upload and upload.filename):
        # Continue with no photo chosen: nothing to add. (With one chosen, it is added first, so it is never lost.)
        return redirect(_next_url(application_id, "photos"))
    if not sent and form.validate_on_submit():
        data = upload.read(MAX_PHOTO_BYTES + 1) if upload else b""
        answers = _photo_answers(form)
        try:
            photo_services.add_photo(application_id, current_user, data, answers)
        except PhotoRefused as refused:
            form.photo.errors = [PHOTO_TEXT[refused.reason]()]
        except services.StoryRefused as refused:
            form.photo.errors = [REFUSAL_TEXT[refused.rule]()]
        except StoreUnavailable:
            # The store is down: nothing was kept; what was typed stays on the page (a browser never keeps a file).
            form.photo.errors = [
                _("Your photo could not be kept just now. Try again in a few minutes: choose the photo again.")
            ]
        else:
            flash(_("Your photo has been added."), "success")
            if request.form.get("next"):
                return redirect(_next_url(application_id, "photos"))
            return redirect(_photos_url(application_id))
    return render_template(
        "stories/photos.html",
        form=form,
        application=application,
        story=story,
        sent=sent,
        max_photos=MAX_PHOTOS,
        action=ButtonForm(),
        next_url=_next_url(application_id, "photos"),
        back_url=url_for("stories.show_story", application_id=application_id)
        if sent
        else _back_url(application_id, "photos"),
    )


def _photos_url(application_id: int) -> str:
    if request.args.get("from") == "check":
        return url_for("stories.photos", application_id=application_id) + "?from=check"
    return url_for("stories.photos", application_id=application_id)


def _photo_answers(form: Any) -> photo_services.PhotoAnswers:
    return photo_services.PhotoAnswers(form.alt_text.data, bool(form.may_share.data), form.shows_children.data == "yes")


@bp.errorhandler(413)
def upload_too_big(error: Any) -> Any:
    """A photo far over the limit never reaches the page: send the resident back to it with the reason."""
    if request.endpoint == "stories.photos" and request.view_args:
        return redirect(
            url_for("stories.photos", application_id=request.view_args["application_id"], problem="too_big")
        )
    return render_template("errors/error.html", title=_("That file is too big"), text=PHOTO_TEXT["too_big"]()), 413


@bp.route("/ideas/<int:application_id>/story/photos/<int:photo_id>", methods=["GET", "POST"])
@your_application
def change_photo(application_id: int, photo_id: int) -> Any:
    application = _paid_application(application_id)
    story = services.story_for(application_id) or abort(404)
    photo = next((p for p in story.photos if p.id == photo_id), None) or abort(404)
    form = forms.PhotoDetailsForm(obj=photo)
    if request.method == "GET":  # the answer as the radios know it (obj, a bool, would leave both unchosen)
        form.shows_children.data = "yes" if photo.shows_children else "no"
    if form.validate_on_submit():
        answers = _photo_answers(form)
        try:
            change = photo_services.update_photo(application_id, photo_id, current_user, answers)
        except services.StoryRefused as refused:
            return _refused(refused, application_id)
        flash(_waits_for_review() if change.waits_for_review else _("The photo's details have been saved."), "success")
        return redirect(url_for("stories.photos", application_id=application_id))
    return render_template("stories/change_photo.html", form=form, application=application, photo=photo)


@bp.post("/ideas/<int:application_id>/story/photos/<int:photo_id>/delete")
@your_application
def delete_photo(application_id: int, photo_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        try:
            photo_services.delete_photo(application_id, photo_id, current_user)
        except services.StoryRefused:
            abort(404)
        flash(_("The photo has been removed."), "success")
    return redirect(url_for("stories.photos", application_id=application_id))


@bp.post("/ideas/<int:application_id>/story/send")
@your_application
def send_story(application_id: int) -> Any:
    application = _paid_application(application_id)
    form = forms.SendStoryForm()
    if form.validate_on_submit() and form.check_agreement(_is_builder(application)):
        try:
            services.send_story(application_id, current_user, agreed_on=form.agreed_on.data)
        except services.StoryRefused as refused:
            return _refused(refused, application_id)
        flash(_("Thank you. Your story has been sent."), "success")
        return redirect(url_for("stories.show_story", application_id=application_id))
    return _render_story(application, form)


@bp.route("/ideas/<int:application_id>/story/delete", methods=["GET", "POST"])
@your_application
def delete_story(application_id: int) -> Any:
    application = _paid_application(application_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.delete_story(application_id, current_user)
        except services.StoryRefused as refused:
            return _refused(refused, application_id)
        flash(_("Your story and its photos have been deleted."), "success")
        return redirect(url_for("applications.list_ideas"))
    return render_template("stories/delete_story.html", form=form, application=application)


@bp.post("/ideas/<int:application_id>/story/no-reminders")
@your_application
def turn_off_reminders(application_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        try:
            invitations.turn_off_reminders(application_id, current_user)
        except services.StoryRefused as refused:
            return _refused(refused, application_id)
        flash(_("We will not remind you about your story."), "success")
    return redirect(url_for("applications.list_ideas"))


# Photos, for whoever the resident's consent allows -----------------------------------------------------------------


def _may_see_photo(user: Any, kwargs: dict[str, Any]) -> bool:
    return (
        kwargs["size"] in ("large", "small") and photo_services.photo_for_viewer(kwargs["photo_id"], user) is not None
    )


@photos_bp.errorhandler(404)
def photo_not_found(error: Any) -> Response:
    return Response(_("Not found"), status=404, mimetype="text/plain")


@photos_bp.get("/story-photos/<int:photo_id>/<string:size>")
@talisman(content_security_policy={"default-src": "'none'", "sandbox": ""}, content_security_policy_nonce_in=[])
@public_if(
    _may_see_photo,
    "the resident's consent: public photos to anyone, others to the resident, their builder and programme officers",
)
def show_photo(photo_id: int, size: str) -> Response:
    served = photo_services.serve_photo(photo_id, size, current_user) or abort(404)
    response = Response(served.data, mimetype="image/jpeg")
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Never kept by a shared cache; revalidated each time, so a photo is gone the moment consent is withdrawn; private
    # ones are never stored at all.
    response.headers["Cache-Control"] = "private, no-cache" if served.public else "private, no-store"
    response.add_etag()
    response.make_conditional(request)
    return response


# The public --------------------------------------------------------------------------------------------------------


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _fresh(html: str) -> Response:
    """Public story pages are never kept by a shared cache, and a browser checks again on every visit, so a story
    unpublished, or a consent withdrawn, is gone at once everywhere."""
    response = Response(html)
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def _public_page(template: str, **context: Any) -> Response:
    return _fresh(
        render_template(template, name_of=photo_services.name_shown, photos_of=photo_services.public_photos, **context)
    )


@bp.get("/stories")
@public
@cached_for_visitors
def list_public_stories() -> Response:
    found = publishing.list_public_stories(_page_number())
    shown_page(found.page)
    return _public_page("stories/public_list.html", found=found, neighbourhood=None)


@bp.get("/neighbourhoods/<string:slug>/stories")
@public
@cached_for_visitors
def list_neighbourhood_stories(slug: str) -> Response:
    neighbourhood = get_neighbourhood_by_slug(slug) or abort(404)
    found = publishing.list_public_stories(_page_number(), neighbourhood_id=neighbourhood.id)
    shown_page(found.page)
    return _public_page("stories/public_list.html", found=found, neighbourhood=neighbourhood)


@bp.get("/stories/<int:story_id>")
@public_if(
    lambda user, kwargs: publishing.get_public_story(kwargs["story_id"]) is not None,
    "published, and the resident allowed the public to see it",
)
@cached_for_visitors
def show_public_story(story_id: int) -> Response:
    story = publishing.get_public_story(story_id) or abort(404)
    return _public_page("stories/public_story.html", story=story, photos=photo_services.public_photos(story))
