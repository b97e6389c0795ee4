"""The pages of a pot's own questions in the resident's journey (portal/applications/pot_questions.py), on the
applications blueprint: /ideas/<id>/pot-questions/<number>, one question a page, like the portal's own."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request

from portal.applications import pot_questions, services
from portal.applications.access import your_application
from portal.applications.routes import application_or_404, back_url, bp, next_url, sent_already


@bp.route("/ideas/<int:application_id>/pot-questions/<int:number>", methods=["GET", "POST"])
@your_application
def answer_pot_question(application_id: int, number: int) -> Any:
    application = application_or_404(application_id)
    if (sent := sent_already(application)) is not None:
        return sent
    pages = pot_questions.pages_for(application)
    if not 1 <= number <= len(pages):
        abort(404)
    page = pages[number - 1]
    form = pot_questions.answer_form(page.question)
    if request.method == "GET":
        form.answer.data = pot_questions.answer_to(application, page.question.id) or None
    if form.validate_on_submit():
        services.save_question_answer(application, page.question, form.answer.data)
        return redirect(next_url(application, page))
    return render_template(
        "applications/pot_question.html",
        form=form,
        page=page,
        application=application,
        back_url=back_url(application, page),
    )
