"""The question pages of the journey, in order: what each asks, and when it counts as answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.applications import forms
from portal.applications.models import Application
from portal.applications.pot_questions import OwnQuestionPage, pages_for

# Short names for a resident's answers, as shown on check-your-answers and to staff; translated when shown.
FIELD_LABELS = {
    "applicant_type": _l("Who is applying"),
    "group_name": _l("Group name"),
    "idea_name": _l("Name of your idea"),
    "idea_description": _l("What you want to do"),
    "brings_together": _l("Who it brings together"),
    "helps_area": _l("How it helps your area"),
    "bring_head": _l("What you know"),
    "bring_hands": _l("What you can do"),
    "bring_heart": _l("What you care about"),
    "help_from_others": _l("Help from others"),
    "when_text": _l("When"),
    "where_text": _l("Where"),
    "contact_name": _l("Your name"),
    "contact_method": _l("How to reach you"),
    "contact_phone": _l("Phone number"),
}

# The same short names for the community builder who entered the idea with a resident: about them, not "you".
BUILDER_FIELD_LABELS = {
    **FIELD_LABELS,
    "idea_name": _l("Name of their idea"),
    "idea_description": _l("What they want to do"),
    "helps_area": _l("How it helps their area"),
    "bring_head": _l("What they know"),
    "bring_hands": _l("What they can do"),
    "bring_heart": _l("What they care about"),
    "contact_name": _l("Their name"),
    "contact_method": _l("How to reach them"),
}


@dataclass(frozen=True)
class Question:
    slug: str
    form: type
    title: Any
    required: tuple[str, ...] = ()
    applies: Callable[[Application], bool] = field(default=lambda application: True)
    # The one field whose label is the page heading; None for pages with several fields under one heading.
    heading_field: str | None = None
    radios: bool = False

    def is_answered(self, application: Application) -> bool:
        if self.slug == "costs":
            return application.total_pence > 0
        return all(getattr(application, name) for name in self.required)

    @property
    def fields(self) -> list[str]:
        return _field_names(self.form)


def _field_names(form_class: type) -> list[str]:
    from wtforms.fields.core import UnboundField

    names = [
        (value.creation_counter, name)
        for name, value in vars(form_class).items()
        if isinstance(value, UnboundField) and name not in ("submit", "add", "from_map")
    ]
    return [name for _, name in sorted(names)]


def _is_group(application: Application) -> bool:
    return application.applicant_type in ("informal_group", "organised_group")


QUESTIONS: list[Question] = [
    Question(
        "who-is-applying",
        forms.WhoIsApplyingForm,
        _l("Who is applying?"),
        ("applicant_type",),
        heading_field="applicant_type",
        radios=True,
    ),
    Question(
        "group-name",
        forms.GroupNameForm,
        _l("What is your group called?"),
        ("group_name",),
        applies=_is_group,
        heading_field="group_name",
    ),
    Question(
        "idea-name", forms.IdeaNameForm, _l("What do you call your idea?"), ("idea_name",), heading_field="idea_name"
    ),
    Question(
        "what-you-want-to-do",
        forms.IdeaDescriptionForm,
        _l("What do you want to do?"),
        ("idea_description",),
        heading_field="idea_description",
    ),
    Question(
        "who-it-brings-together",
        forms.BringsTogetherForm,
        _l("Who will it bring together?"),
        ("brings_together",),
        heading_field="brings_together",
    ),
    Question(
        "how-it-helps",
        forms.HelpsAreaForm,
        _l("How will it help your area?"),
        ("helps_area",),
        heading_field="helps_area",
    ),
    Question("what-you-bring", forms.WhatYouBringForm, _l("What do you bring?")),
    Question(
        "help-from-others",
        forms.HelpFromOthersForm,
        _l("Will anyone else help? (optional)"),
        heading_field="help_from_others",
    ),
    Question("costs", forms.CostLineForm, _l("What is the money for?")),
    Question("when-and-where", forms.WhenAndWhereForm, _l("When and where?"), ("when_text",)),
    Question("contact", forms.ContactForm, _l("How can we reach you?"), ("contact_name", "contact_method")),
]

BY_SLUG = {question.slug: question for question in QUESTIONS}


def find(slug: str) -> Question | None:
    return BY_SLUG.get(slug)


Step = Question | OwnQuestionPage


def steps(application: Application) -> list[Step]:
    """Every page of this application's journey, in order, whether it applies or not: the portal's questions, with the
    pot's own questions before "How can we reach you?"."""
    own = pages_for(application)
    found: list[Step] = []
    for question in QUESTIONS:
        if question.slug == "contact":
            found.extend(own)
        found.append(question)
    return found


def _around(application: Application, current: Step) -> tuple[list[Step], list[Step]]:
    every = steps(application)
    index = next(i for i, step in enumerate(every) if step.slug == current.slug)
    return every[:index], every[index + 1 :]


def following(application: Application, current: Step) -> Step | None:
    """The next page that applies to this application, or None at the end."""
    _, after = _around(application, current)
    return next((step for step in after if step.applies(application)), None)


def preceding(application: Application, current: Step) -> Step | None:
    before, _ = _around(application, current)
    return next((step for step in reversed(before) if step.applies(application)), None)


def missing(application: Application) -> list[Step]:
    """The pages still to answer before the application can be sent, in journey order."""
    return [step for step in steps(application) if step.applies(application) and not step.is_answered(application)]
