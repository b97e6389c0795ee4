"""Programme officers write a pot's own questions (portal/programme/questions.py) on the programme blueprint: the
list under /programme/neighbourhoods/<id>/pots/<id>/questions, each added, changed and removed (after asking), with
each question's reading age and any words to avoid named as it is written."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.forms import ButtonForm
from portal.domain.plain_words import MOST_READING_AGE, check_wording
from portal.domain.pot_questions import MOST_QUESTIONS
from portal.programme import questions, services
from portal.programme.question_forms import KIND_CHOICES, PotQuestionForm
from portal.programme.routes import bp, programme_officer, programme_officer_any_neighbourhood

PREFIX = "/neighbourhoods/<int:neighbourhood_id>/pots/<int:pot_id>/questions"


def _pot_or_404(neighbourhood_id: int, pot_id: int) -> Any:
    return services.get_pot(neighbourhood_id, pot_id) or abort(404)


def _back(pot: Any) -> Any:
    return redirect(url_for("programme.list_pot_questions", neighbourhood_id=pot.neighbourhood_id, pot_id=pot.id))


def _gone(pot: Any) -> Any:
    """Changed or removed meanwhile (or an old link): back to the list, saying so."""
    flash(_("That question has been changed or removed since. Here are the pot's questions now."))
    return _back(pot)


@bp.get(PREFIX)
@programme_officer_any_neighbourhood
def list_pot_questions(neighbourhood_id: int, pot_id: int) -> str:
    pot = _pot_or_404(neighbourhood_id, pot_id)
    current = questions.questions_of(pot.id)
    return render_template(
        "programme/pot_questions.html",
        pot=pot,
        questions=current,
        checks={q.id: check_wording(q.wording, q.hint) for q in current},
        answered={q.id: questions.answer_count(q.id) for q in current},
        room_for_more=len(current) < MOST_QUESTIONS,
        most=MOST_QUESTIONS,
        most_age=MOST_READING_AGE,
        kind_names={choice.value: choice.label for choice in KIND_CHOICES},
    )


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def add_pot_question(neighbourhood_id: int, pot_id: int) -> Any:
    pot = _pot_or_404(neighbourhood_id, pot_id)
    form = PotQuestionForm()
    if form.validate_on_submit():
        try:
            questions.add_question(current_user.id, pot.id, form.words())
        except questions.QuestionRefused:
            flash(_("This pot has %(most)s questions already. Remove one to add another.", most=MOST_QUESTIONS))
        else:
            flash(_("Your question has been added: “%(wording)s”", wording=form.wording.data), "success")
        return _back(pot)
    if not form.is_submitted() and not questions.room_for_more(pot.id):
        flash(_("This pot has %(most)s questions already. Remove one to add another.", most=MOST_QUESTIONS))
        return _back(pot)
    return _render_form(form, pot, None)


@bp.route(f"{PREFIX}/<int:question_id>", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def edit_pot_question(neighbourhood_id: int, pot_id: int, question_id: int) -> Any:
    pot = _pot_or_404(neighbourhood_id, pot_id)
    question = questions.get_question(pot.id, question_id)
    if question is None:
        return _gone(pot)
    form = PotQuestionForm(obj=question)
    if not form.is_submitted():
        form.show_other_languages(question.other_languages or {})
    if form.validate_on_submit():
        saved = questions.change_question(current_user.id, pot.id, question_id, form.words())
        if saved is None:
            return _gone(pot)
        if saved.new_version:
            flash(
                _("Ideas had answered the question, so they keep the old wording. New ideas see the new one."),
                "success",
            )
        else:
            flash(_("Your question has been changed: “%(wording)s”", wording=saved.question.wording), "success")
        return _back(pot)
    return _render_form(form, pot, question)


def _render_form(form: PotQuestionForm, pot: Any, question: Any) -> str:
    shown = check_wording(form.wording.data or "", form.hint.data or "") if form.wording.data else None
    return render_template(
        "programme/pot_question_form.html",
        form=form,
        pot=pot,
        question=question,
        answered=questions.answer_count(question.id) if question is not None else 0,
        check=shown,
        most_age=MOST_READING_AGE,
    )


@bp.route(f"{PREFIX}/<int:question_id>/remove", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def remove_pot_question(neighbourhood_id: int, pot_id: int, question_id: int) -> Any:
    """Asks first, then removes, and says what was removed."""
    pot = _pot_or_404(neighbourhood_id, pot_id)
    question = questions.get_question(pot.id, question_id)
    if question is None:
        return _gone(pot)
    form = ButtonForm()
    if form.validate_on_submit():
        wording = questions.remove_question(current_user.id, pot.id, question_id)
        if wording is not None:
            flash(_("This question has been removed: “%(wording)s”", wording=wording), "success")
        return _back(pot)
    return render_template("programme/remove_pot_question.html", form=form, pot=pot, question=question)


@bp.post("/reading-age")
@programme_officer
def check_reading_age() -> Any:
    """The reading-age check of wording as it is typed (the question form's script asks, a moment after typing)."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    check = check_wording(request.form.get("wording", "")[:300], request.form.get("hint", "")[:500])
    return jsonify(
        reading_age=check.reading_age,
        message=render_template("components/wording_check.html", check=check, most_age=MOST_READING_AGE),
    )
