"""Pages where a community builder translates an idea for the panel, and a decision's reason back for the resident;
they join the panels blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.common.access import object_access, role_required
from portal.common.forms import Form, RadioField, strip, submit
from portal.domain.roles import Role
from portal.panels import translations
from portal.panels.routes import bp, panel_labels

builders = role_required(Role.COMMUNITY_BUILDER, scope="sent ideas written in Welsh or Arabic: what a panel reads")
a_sent_idea = object_access(
    lambda user, kwargs: (
        user.has_role(Role.COMMUNITY_BUILDER) and translations.sent_idea(kwargs["application_id"]) is not None
    ),
    "a community builder, for any sent idea (what a panel reads of it)",
)
a_decision_to_translate = object_access(
    lambda user, kwargs: (
        user.has_role(Role.COMMUNITY_BUILDER) and translations.decision_to_translate(kwargs["decision_id"]) is not None
    ),
    "a community builder, for a decision on an idea written in Welsh or Arabic",
)
LANGUAGE_NAMES = {"en": _l("English"), "cy": _l("Welsh"), "ar": _l("Arabic")}


class IdeaTranslationForm(Form):
    language = RadioField(
        _l("Which language are you translating it into?"),
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select the language of your translation"))],
    )
    submit = submit(_l("Save the translation"))


for _name in translations.TRANSLATABLE:
    setattr(
        IdeaTranslationForm,
        _name,
        TextAreaField(
            _name,
            widget=GovTextArea(),
            filters=[strip],
            validators=[Optional(), Length(max=3000, message=_l("Write 3000 characters or fewer"))],
        ),
    )


class ReasonTranslationForm(Form):
    reason = TextAreaField(
        _l("The reason, translated"),
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write the reason in their language")),
            Length(max=3000, message=_l("Write 3000 characters or fewer")),
        ],
    )
    submit = submit(_l("Save the translation"))


def labels() -> dict[str, str]:
    return {"idea_name": _("Name of the idea"), **panel_labels()}


@bp.get("/translations")
@builders
def list_translations() -> Any:
    return render_template(
        "panels/translations.html", ideas=translations.ideas_to_translate(), language_names=LANGUAGE_NAMES
    )


@bp.route("/translations/ideas/<int:application_id>", methods=["GET", "POST"])
@a_sent_idea
def translate_idea(application_id: int) -> Any:
    idea = translations.sent_idea(application_id) or abort(404)
    form = IdeaTranslationForm()
    form.language.choices = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items() if code != idea.language]
    answers = translations.written_answers(idea)
    if request.method == "GET":
        form.language.data = request.args.get("language", "en" if idea.language != "en" else None)
        existing = translations.translation_into(idea, form.language.data or "")
        for name, text in (existing.texts if existing else {}).items():
            getattr(form, name).data = text
    if form.validate_on_submit():
        texts = {name: getattr(form, name).data for name in answers}
        try:
            translations.save_idea_translation(idea.id, current_user, form.language.data, texts)
        except translations.TranslationRefused as refused:
            form.language.errors.append(
                _("Translate at least one answer") if refused.reason == "empty" else _("Choose another language")
            )
        else:
            flash(_("The translation has been saved. The panel sees it beside the idea."), "success")
            return redirect(url_for("panels.list_translations"))
    return render_template("panels/translate_idea.html", idea=idea, form=form, answers=answers, labels=labels())


@bp.route("/translations/decisions/<int:decision_id>", methods=["GET", "POST"])
@a_decision_to_translate
def translate_reason(decision_id: int) -> Any:
    decision = translations.decision_to_translate(decision_id) or abort(404)
    form = ReasonTranslationForm()
    if request.method == "GET" and decision.reason_translation:
        form.reason.data = decision.reason_translation
    if form.validate_on_submit():
        translations.save_reason_translation(decision.id, current_user, form.reason.data)
        flash(_("The translation has been saved. The resident sees it with the decision."), "success")
        return redirect(url_for("panels.list_translations"))
    idea = translations.sent_idea(decision.application_id) or abort(404)
    return render_template(
        "panels/translate_reason.html", decision=decision, idea=idea, form=form, language_names=LANGUAGE_NAMES
    )
