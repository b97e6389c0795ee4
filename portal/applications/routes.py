"""The resident journey: a neighbourhood's page, the question pages, check your answers, and 'Your ideas'."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.news import ways_to_hear
from portal.applications import assisted, eligibility, journey, pot_questions, receipt, services
from portal.applications.access import your_application, yours_only
from portal.applications.forms import (
    ConfirmIdeaForm,
    CostLineForm,
    DeclarationForm,
    EmailAgreementForm,
    SpokenAgreementForm,
    TextAgreementForm,
)
from portal.assetmap import services as map_services
from portal.awards.services import funded_in
from portal.common.access import public, role_required
from portal.common.forms import ButtonForm
from portal.common.languages import written
from portal.common.navigation import news_first
from portal.common.page_cache import cached_for_visitors
from portal.common.paging import page_number
from portal.common.pdf import pdf_response, render_pdf
from portal.domain.money import format_pence
from portal.domain.roles import Role
from portal.domain.states import ApplicationStatus, InvalidTransition

WITHDRAWABLE = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.QUESTION_ASKED,
)

bp = Blueprint("applications", __name__)

any_open_pot = role_required(Role.RESIDENT, scope="any resident may start an idea in any open pot")

PROBLEM_TEXT = {
    "pot_closed": lambda d: _("This pot is not taking ideas at the moment."),
    "pot_empty": lambda d: _("This pot has no money left for an idea this size. Talk to your community builder."),
    "already_sent": lambda d: _("You have already sent this idea, so it cannot be changed."),
    "too_many_costs": lambda d: _("You can add up to %(limit)s costs. Put small things together.", **d),
    "cost_not_positive": lambda d: _("Enter an amount more than £0"),
    "over_max_award": lambda d: _("The total must be %(max)s or less", max=format_pence(d["max_award_pence"])),
    "no_costs": lambda d: _("Add at least one cost"),
    "missing_answers": lambda d: _("Answer all the questions before you send your idea"),
    "no_agreement": lambda d: _("Record how the resident agreed this is their idea"),
    "no_email": lambda d: _("This resident has no email address. Record that they told you they agree."),
    "confirm_by_email": lambda d: _(
        "This resident has an email address, so they agree by the link we email them. Choose to email them a link."
    ),
    "not_the_applicant": lambda d: _("Only the resident whose idea it is can do this."),
    "too_many_links": lambda d: _("We have sent a lot of links to this address today. Try again tomorrow."),
    "not_not_yet": lambda d: _("Only an idea the panel said not yet to can be tried again."),
}


def neighbourhood_and_pot(slug: str, pot_id: int) -> tuple[Any, Any]:
    """A shown neighbourhood and one of its pots, or 404."""
    neighbourhood = services.get_neighbourhood_by_slug(slug) or abort(404)
    pot = next((p for p in neighbourhood.pots if p.id == pot_id), None) or abort(404)
    return neighbourhood, pot


def _ideas_first(user: Any) -> str | None:
    """A resident with ideas lands on "Your ideas" after signing in, whatever else they do (a panel, say)."""
    if user.has_role(Role.RESIDENT) and not user.is_staff and services.has_ideas(user.id):
        return url_for("applications.list_ideas")
    return None


news_first(_ideas_first)


def _from_check() -> dict[str, Any]:
    """Keep '?from=check' on the costs page's links, so Change from check-your-answers returns there."""
    return {"from": "check"} if request.args.get("from") == "check" else {}


def _offer_the_map(form: Any, application: Any) -> None:
    """The help-from-others page offers what the neighbourhood's map has (the room, the tools), in the reader's
    language."""
    place = application.pot.neighbourhood
    form.from_map.label.text = _(
        "Will your idea use any of these from What %(neighbourhood)s has? (optional)",
        neighbourhood=written(place, "name").text,
    )
    form.from_map.choices = [(entry.id, written(entry, "name").text) for entry in map_services.usable_entries(place.id)]
    if request.method == "GET":
        form.from_map.data = [entry.id for entry in map_services.uses_of(application.id)]


def _summary(application: Any) -> dict[str, Any]:
    """What the answers summary needs: the questions that apply, those still to answer, and the phone number."""
    return {
        "questions": [q for q in journey.QUESTIONS if q.applies(application)],
        "missing": services.missing_answers(application),
        "phone": services.contact_phone(application),
        "own": pot_questions.shown_answers(application),
        "uses": [written(entry, "name").text for entry in map_services.uses_of(application.id)],
    }


def application_or_404(application_id: int) -> Any:
    return services.get_application(application_id) or abort(404)


def sent_already(application: Any) -> Any:
    if application.status != ApplicationStatus.DRAFT:
        flash(PROBLEM_TEXT["already_sent"]({}))
        return redirect(url_for("applications.list_ideas"))
    return None


@bp.get("/neighbourhoods/<string:slug>")
@public
@cached_for_visitors
def show_neighbourhood(slug: str) -> str:
    neighbourhood = services.get_neighbourhood_by_slug(slug) or abort(404)
    pots = [pot for pot in neighbourhood.pots if services.pot_is_taking_ideas(pot)]
    return render_template(
        "applications/neighbourhood.html", neighbourhood=neighbourhood, pots=pots, funded=funded_in(neighbourhood.id)
    )


@bp.route("/neighbourhoods/<string:slug>/pots/<int:pot_id>/start", methods=["GET", "POST"])
@any_open_pot
def start_application(slug: str, pot_id: int) -> Any:
    neighbourhood, pot = neighbourhood_and_pot(slug, pot_id)
    if not eligibility.passed(pot) and services.pot_is_taking_ideas(pot):  # its questions first, from the start
        return redirect(url_for("applications.eligibility_check", slug=slug, pot_id=pot_id, number=1))
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            application = services.start_application(
                current_user, pot, str(get_locale() or "en"), unsure=eligibility.unsure_about(pot)
            )
        except services.ApplicationProblem as problem:
            flash(PROBLEM_TEXT[problem.reason](problem.details))
            return redirect(url_for("applications.show_neighbourhood", slug=slug))
        eligibility.forget(pot)
        return redirect(
            url_for("applications.answer_question", application_id=application.id, question=journey.QUESTIONS[0].slug)
        )
    return render_template("applications/before_you_start.html", form=form, neighbourhood=neighbourhood, pot=pot)


def step_url(application: Any, step: journey.Step) -> str:
    if isinstance(step, journey.OwnQuestionPage):
        return url_for("applications.answer_pot_question", application_id=application.id, number=step.number)
    return url_for("applications.answer_question", application_id=application.id, question=step.slug)


def next_url(application: Any, step: journey.Step) -> str:
    following = None if request.args.get("from") == "check" else journey.following(application, step)
    if following is None:
        return url_for("applications.check_answers", application_id=application.id)
    return step_url(application, following)


def back_url(application: Any, step: journey.Step) -> str:
    if request.args.get("from") == "check":
        return url_for("applications.check_answers", application_id=application.id)
    preceding = journey.preceding(application, step)
    if preceding is None:
        return url_for("applications.show_neighbourhood", slug=application.pot.neighbourhood.slug)
    return step_url(application, preceding)


@bp.route("/ideas/<int:application_id>/<string:question>", methods=["GET", "POST"])
@your_application
def answer_question(application_id: int, question: str) -> Any:
    application = application_or_404(application_id)
    if (number := pot_questions.page_number(question)) is not None:  # a link to "the next question" of the pot's own
        return redirect(url_for("applications.answer_pot_question", application_id=application_id, number=number))
    page = journey.find(question) or abort(404)
    if page.slug == "costs":
        return redirect(url_for("applications.costs", application_id=application_id, **_from_check()))
    if (sent := sent_already(application)) is not None:
        return sent
    form = page.form(obj=application)
    if page.slug == "help-from-others":
        _offer_the_map(form, application)
    if page.slug == "contact":
        applicant = application.applicant
        texts = current_app.config["TEXT_BACKEND"] != "off"
        form.for_the_ways_we_have(email=bool(applicant.email), mobile=applicant.mobile is not None and texts)
        if request.method == "GET":
            form.contact_phone.data = services.contact_phone(application)
    if form.validate_on_submit():
        answers = {name: getattr(form, name).data for name in page.fields if name != "contact_phone"}
        phone = form.contact_phone.data if page.slug == "contact" else None
        uses = form.from_map.data or [] if page.slug == "help-from-others" else None
        services.save_answers(application, answers, contact_phone=phone, map_uses=uses)
        return redirect(next_url(application, page))
    return render_template(
        "applications/question.html",
        form=form,
        question=page,
        application=application,
        back_url=back_url(application, page),
    )


@bp.route("/ideas/<int:application_id>/costs", methods=["GET", "POST"])
@your_application
def costs(application_id: int) -> Any:
    application = application_or_404(application_id)
    if (sent := sent_already(application)) is not None:
        return sent
    form = CostLineForm()
    if form.validate_on_submit() and _add_cost(application, form):
        return redirect(url_for("applications.costs", application_id=application_id, **_from_check()))
    return _render_costs(application, form)


@bp.post("/ideas/<int:application_id>/costs/<int:cost_line_id>/remove")
@your_application
def remove_cost(application_id: int, cost_line_id: int) -> Any:
    application = application_or_404(application_id)
    if (sent := sent_already(application)) is not None:
        return sent
    if ButtonForm(prefix="remove").validate_on_submit():
        services.remove_cost_line(application, cost_line_id)
    return redirect(url_for("applications.costs", application_id=application_id, **_from_check()))


@bp.post("/ideas/<int:application_id>/costs/done")
@your_application
def finish_costs(application_id: int) -> Any:
    # "Continue" sends the same fields as "Add this cost": a cost typed but not yet added is added, never lost.
    application = application_or_404(application_id)
    if (sent := sent_already(application)) is not None:
        return sent
    form = CostLineForm()
    if form.item.data or form.amount.raw_text.strip():
        if not (form.validate() and _add_cost(application, form)):
            return _render_costs(application, form)
        form = CostLineForm(formdata=None)
    try:
        services.check_costs(application)
    except services.ApplicationProblem as problem:
        form.item.errors = [PROBLEM_TEXT[problem.reason](problem.details)]
        return _render_costs(application, form)
    page = journey.find("costs")
    assert page is not None
    return redirect(next_url(application, page))


def _add_cost(application: Any, form: CostLineForm) -> bool:
    """Add the validated cost line; a rule that stops it becomes the amount's error. Returns whether it was added."""
    try:
        assert form.amount.data is not None  # validated by the caller
        services.add_cost_line(application, form.item.data, form.amount.data)
    except services.ApplicationProblem as problem:
        form.amount.errors = [*form.amount.errors, PROBLEM_TEXT[problem.reason](problem.details)]
        return False
    return True


def _render_costs(application: Any, form: CostLineForm) -> str:
    page = journey.find("costs")
    assert page is not None
    return render_template(
        "applications/costs.html",
        form=form,
        application=application,
        question=page,
        back_url=back_url(application, page),
    )


@bp.route("/ideas/<int:application_id>/check-your-answers", methods=["GET", "POST"])
@your_application
def check_answers(application_id: int) -> Any:
    application = application_or_404(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applications.application_sent", application_id=application_id))
    if current_user.id == application.assisted_by_id:
        return _record_agreement(application)
    form = DeclarationForm()
    if form.validate_on_submit():
        try:
            services.submit_application(application_id, current_user)
        except services.ApplicationProblem as problem:
            form.declaration.errors.append(PROBLEM_TEXT[problem.reason](problem.details))
        else:
            return redirect(url_for("applications.application_sent", application_id=application_id))
    return render_template(
        "applications/check_answers.html",
        form=form,
        application=application,
        **_summary(application),
    )


def _record_agreement(application: Any) -> Any:
    """The builder's end of the journey: a resident with an email address checks and sends the idea from a link we
    email them; one without says they agree in person or by phone, and the builder records the day and sends it."""
    form: EmailAgreementForm | SpokenAgreementForm
    if application.applicant.email:
        form = EmailAgreementForm()
        if form.validate_on_submit():
            try:
                assisted.ask_resident_to_confirm(application, current_user)
            except services.ApplicationProblem as problem:
                flash(PROBLEM_TEXT[problem.reason](problem.details), "error")
            else:
                flash(_("We have emailed the resident a link to check and send their idea."), "success")
                return redirect(url_for("applications.list_assisted"))
    else:
        form = SpokenAgreementForm()
        if form.validate_on_submit():
            try:
                assisted.submit_with_spoken_agreement(application, current_user, form.consent_given_on.data)
            except services.ApplicationProblem as problem:
                flash(PROBLEM_TEXT[problem.reason](problem.details), "error")
            else:
                return redirect(url_for("applications.application_sent", application_id=application.id))
    texts = application.applicant.mobile is not None and current_app.config["TEXT_BACKEND"] != "off"
    return render_template(
        "applications/check_answers.html",
        form=form,
        text_form=TextAgreementForm() if texts and not application.applicant.email else None,
        application=application,
        assisted=True,
        builder_field_labels=journey.BUILDER_FIELD_LABELS,
        **_summary(application),
    )


@bp.route("/ideas/<int:application_id>/confirm", methods=["GET", "POST"])
@your_application
def confirm_idea(application_id: int) -> Any:
    application = application_or_404(application_id)
    if current_user.id != application.applicant_id:
        abort(404)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applications.application_sent", application_id=application_id))
    form = ConfirmIdeaForm()
    if form.validate_on_submit():
        try:
            assisted.confirm_and_submit(application, current_user)
        except services.ApplicationProblem as problem:
            flash(PROBLEM_TEXT[problem.reason](problem.details))
        else:
            return redirect(url_for("applications.application_sent", application_id=application_id))
    return render_template(
        "applications/confirm_idea.html",
        form=form,
        application=application,
        **_summary(application),
    )


@bp.get("/ideas/<int:application_id>/sent")
@your_application
def application_sent(application_id: int) -> Any:
    application = application_or_404(application_id)
    if application.status == ApplicationStatus.DRAFT:
        return redirect(url_for("applications.check_answers", application_id=application_id))
    if current_user.id == application.assisted_by_id:
        return render_template("applications/sent_assisted.html", application=application)
    by_email, by_text = ways_to_hear(application.applicant)
    return render_template("applications/sent.html", application=application, by_email=by_email, by_text=by_text)


@bp.get("/ideas/<int:application_id>/receipt")
@your_application
def download_receipt(application_id: int) -> Any:
    shown = receipt.receipt_for(application_id)
    if shown is None:
        return redirect(url_for("applications.check_answers", application_id=application_id))
    pdf = render_pdf("pdf/receipt.html", receipt=shown, language=shown.language)
    return pdf_response(pdf, f"small-spark-receipt-{shown.reference}.pdf")


@bp.route("/ideas/<int:application_id>/save-and-come-back-later", methods=["GET", "POST"])
@your_application
def save_and_come_back(application_id: int) -> Any:
    application = application_or_404(application_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.send_return_link(application, current_user)
        except services.ApplicationProblem as problem:
            flash(PROBLEM_TEXT[problem.reason](problem.details))
        else:
            flash(_("We have emailed you a link. Use it to come back to your idea."), "success")
        return redirect(url_for("applications.save_and_come_back", application_id=application_id))
    return render_template("applications/save_and_come_back.html", form=form, application=application)


@bp.route("/ideas/<int:application_id>/withdraw", methods=["GET", "POST"])
@your_application
def withdraw(application_id: int) -> Any:
    application = application_or_404(application_id)
    yours_only(application)  # a community builder who helped cannot take the resident's idea back
    if application.status not in WITHDRAWABLE:
        flash(_("This idea has been decided, so it cannot be withdrawn. Talk to your community builder."))
        return redirect(url_for("applications.list_ideas"))
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.withdraw_application(application_id, current_user)
        except InvalidTransition:
            flash(_("This idea was decided a moment ago, so it cannot be withdrawn. Talk to your community builder."))
        else:
            flash(_("You have withdrawn your idea."), "success")
        return redirect(url_for("applications.list_ideas"))
    return render_template("applications/withdraw.html", form=form, application=application)


@bp.get("/ideas")
@role_required(Role.RESIDENT)
def list_ideas() -> str:
    found = services.list_applications_for(current_user, page_number())
    return render_template("applications/list_ideas.html", applications=found.items, found=found)
