"""govuk-frontend-wtf widgets render GOV.UK Frontend 6 markup with the pinned govuk-frontend-jinja."""

from __future__ import annotations

import json
from pathlib import Path

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired

ROOT = Path(__file__).resolve().parents[3]


class EveryWidget(FlaskForm):
    class Meta:
        csrf = False

    text = StringField("Your name", widget=GovTextInput(), validators=[DataRequired(message="Enter your name")])
    secret = PasswordField("Password", widget=GovPasswordInput())
    story = TextAreaField("What happened", widget=GovTextArea())
    agree = BooleanField("I agree", widget=GovCheckboxInput())
    ways = SelectMultipleField(
        "Ways", choices=[SelectChoice("a", "Apple"), SelectChoice("b", "Banana")], widget=GovCheckboxesInput()
    )
    when = DateField("When", widget=GovDateInput(), format="%d %m %Y")
    go = SubmitField("Continue", widget=GovSubmitInput())


def render(app, data=None):
    with app.test_request_context("/", method="POST" if data else "GET", data=data or {}):
        form = EveryWidget(formdata=MultiDict(data) if data else None)
        if data:
            form.validate()
        return {name: str(form[name]()) for name in form._fields}, form


def test_the_pinned_govuk_frontend_matches_what_govuk_frontend_jinja_targets():
    package = json.loads((ROOT / "node_modules/govuk-frontend/package.json").read_text())
    assert package["version"] == "6.3.0"
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["govuk-frontend"]
    assert pinned == "6.3.0"


def test_each_widget_renders_its_govuk_component(app):
    html, _ = render(app)
    assert 'class="govuk-input' in html["text"] and 'for="text"' in html["text"]
    assert "govuk-password-input" in html["secret"]
    assert 'class="govuk-textarea' in html["story"]
    assert 'class="govuk-checkboxes__input"' in html["agree"]
    assert html["ways"].count('class="govuk-checkboxes__input"') == 2 and "<legend" in html["ways"]
    assert html["when"].count("govuk-date-input__input") == 3
    assert 'class="govuk-button"' in html["go"] and "Continue" in html["go"]


def test_a_widget_in_error_shows_the_govuk_error_message_and_keeps_the_answer(app):
    html, form = render(app, {"text": "", "story": "kept words", "when": ["32", "13", "2026"]})
    assert 'class="govuk-error-message"' in html["text"]
    assert "Enter your name" in html["text"]
    assert "govuk-input--error" in html["text"]
    assert "kept words" in html["story"]
    assert 'value="32"' in html["when"]
    assert "text" in form.errors


def test_the_error_summary_links_to_each_field(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        form = EveryWidget(formdata=MultiDict({"text": ""}))
        form.validate()
        html = render_template_string(
            '{% from "govuk_frontend_jinja/components/error-summary/macro.html" import govukErrorSummary %}'
            "{{ govukErrorSummary(wtforms_errors(form)) }}",
            form=form,
        )
    assert 'class="govuk-error-summary"' in html
    assert 'href="#text"' in html


def test_our_date_boxes_survive_a_request_without_them_and_translate_their_labels(app):
    from flask_babel import force_locale

    from portal.common.forms import DateInput

    class DateOnly(FlaskForm):
        class Meta:
            csrf = False

        when = DateField("When", widget=DateInput(), format="%d %m %Y")

    with app.test_request_context("/", method="POST", data={}):
        form = DateOnly(formdata=MultiDict({"other": "x"}))
        form.when.raw_data = []
        html = str(form.when())
        assert html.count("govuk-date-input__input") == 3
        with force_locale("cy"):
            assert "Diwrnod" in str(DateOnly(formdata=None).when())
