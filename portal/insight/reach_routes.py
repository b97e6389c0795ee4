"""The optional "about you" questions a resident may answer after sending an idea, and the programme's choice of
them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput
from wtforms import SelectChoice, SelectMultipleField
from wtforms.validators import Optional

from portal.common.access import role_required, signed_in
from portal.common.forms import Form, RadioField, submit
from portal.domain.roles import Role
from portal.insight import reach

bp = Blueprint("reach", __name__)


def answer_names() -> dict[str, dict[str, str]]:
    return {
        "age_band": {
            "under_18": _("Under 18"),
            "18_24": _("18 to 24"),
            "25_34": _("25 to 34"),
            "35_49": _("35 to 49"),
            "50_64": _("50 to 64"),
            "65_74": _("65 to 74"),
            "75_plus": _("75 or over"),
            "not_say": _("Prefer not to say"),
        },
        "disability": {"yes": _("Yes"), "no": _("No"), "not_say": _("Prefer not to say")},
        "ethnic_group": {
            "asian": _("Asian or Asian British"),
            "black": _("Black, Black British, Caribbean or African"),
            "mixed": _("Mixed or multiple ethnic groups"),
            "white": _("White"),
            "other": _("Another ethnic group"),
            "not_say": _("Prefer not to say"),
        },
        "sex": {
            "female": _("Female"),
            "male": _("Male"),
            "other": _("In another way"),
            "not_say": _("Prefer not to say"),
        },
        "carer": {"yes": _("Yes"), "no": _("No"), "not_say": _("Prefer not to say")},
    }


def question_names() -> dict[str, str]:
    return {
        "age_band": _("How old are you?"),
        "disability": _("Do you have a disability or a long-term health condition?"),
        "ethnic_group": _("What is your ethnic group?"),
        "sex": _("How do you describe yourself?"),
        "carer": _("Do you look after someone who needs help because of illness, disability or old age?"),
    }


def _radio(name: str) -> RadioField:
    return RadioField(name, widget=GovRadioInput(), validators=[Optional()], validate_choice=False)


class AboutYouForm(Form):
    age_band = _radio("age_band")
    disability = _radio("disability")
    ethnic_group = _radio("ethnic_group")
    sex = _radio("sex")
    carer = _radio("carer")
    submit = submit(_l("Send these answers"))


@bp.route("/about-you", methods=["GET", "POST"])
@signed_in
def about_you() -> Any:
    if current_user.answered_about_you:
        return render_template("insight/about_you_done.html")
    asked = ["age_band", *reach.chosen_questions()]
    form = AboutYouForm()
    names, questions = answer_names(), question_names()
    for name in asked:
        field = getattr(form, name)
        field.label.text = questions[name]
        field.choices = [SelectChoice(value, text) for value, text in names[name].items()]
    if form.validate_on_submit():
        reach.save_answers({name: getattr(form, name).data for name in asked}, current_user)
        flash(_("Thank you. Your answers are kept apart from your idea."), "success")
        return redirect(url_for("applications.list_ideas"))
    return render_template("insight/about_you.html", form=form, asked=asked)


class ReachSettingsForm(Form):
    questions = SelectMultipleField(
        _l("Which questions should residents be asked?"),
        description=_l("Residents are always asked their age band. Every question is optional for them."),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    submit = submit(_l("Save"))


@bp.route("/programme/about-you", methods=["GET", "POST"])
@role_required(Role.PROGRAMME_OFFICER)
def choose_questions() -> Any:
    form = ReachSettingsForm(data={"questions": reach.chosen_questions()} if request.method == "GET" else None)
    questions = question_names()
    form.questions.choices = [SelectChoice(name, text) for name, text in questions.items() if name != "age_band"]
    if form.validate_on_submit():
        reach.choose_questions(form.questions.data or [])
        flash(_("The questions have been saved."), "success")
        return redirect(url_for("reach.choose_questions"))
    return render_template("insight/choose_questions.html", form=form)
