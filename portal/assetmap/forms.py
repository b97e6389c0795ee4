"""The form of an entry on a neighbourhood's map, for a resident's suggestion and a keeper's entry alike."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovRadioInput
from wtforms import BooleanField, SelectChoice, SelectMultipleField
from wtforms.validators import DataRequired, Optional, ValidationError

from portal.assetmap.services import EntryWords
from portal.common.forms import Form, RadioField, TextField, submit
from portal.domain.asset_map import Kind, NotAPoint, point_from, point_text
from portal.programme.forms import InOtherLanguages, optional_long_text, short_text

# Each kind in plain words (residents never read "assets"), with a few examples.
KIND_NAMES = {
    Kind.INDIVIDUAL.value: _l("A person's gift"),
    Kind.ASSOCIATIONAL.value: _l("A group or club"),
    Kind.ORGANISATIONAL.value: _l("An organisation"),
    Kind.ECONOMIC.value: _l("A local business"),
    Kind.CULTURAL.value: _l("Culture and heritage"),
    Kind.PHYSICAL.value: _l("A place or space"),
}
KIND_HINTS = {
    Kind.INDIVIDUAL.value: _l("What someone knows, can do or cares about, like baking or fixing bikes"),
    Kind.ASSOCIATIONAL.value: _l("Like a walking group, a choir or a residents' association"),
    Kind.ORGANISATIONAL.value: _l("Like the library, a school or the GP practice"),
    Kind.ECONOMIC.value: _l("Like a shop that lends its back room"),
    Kind.CULTURAL.value: _l("Like a festival, a mural or a local history group"),
    Kind.PHYSICAL.value: _l("Like a patch of land, a room or a bench"),
}
# The kinds in plural, for the filter on the list.
KIND_PLURALS = {
    Kind.INDIVIDUAL.value: _l("People's gifts"),
    Kind.ASSOCIATIONAL.value: _l("Groups and clubs"),
    Kind.ORGANISATIONAL.value: _l("Organisations"),
    Kind.ECONOMIC.value: _l("Local businesses"),
    Kind.CULTURAL.value: _l("Culture and heritage"),
    Kind.PHYSICAL.value: _l("Places and spaces"),
}


def _optional(label: Any, most: int) -> Any:
    return short_text(label, most, _l("Write %(max)s characters or fewer", max=most))


class EntryForm(InOtherLanguages, Form):
    TRANSLATED = ("name", "description")

    kind = RadioField(
        _l("What is it?"),
        choices=[SelectChoice(kind.value, KIND_NAMES[kind.value]) for kind in Kind],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Choose what it is"))],
    )
    name = short_text(_l("Its name"), 120, _l("Write 120 characters or fewer"), _l("Enter its name"))
    description = optional_long_text(_l("A few words about it (optional)"), 500)
    where_text = _optional(_l("Where is it? (optional)"), 200)
    point = TextField(
        _l("Where is it on a map? (optional)"),
        description=_l(
            "Two numbers, like 53.8067, -1.5188. On a phone's map app, press and hold the place, then copy the "
            "numbers it shows."
        ),
        validators=[Optional()],
    )
    when_available = _optional(_l("When can people use it or join in? (optional)"), 200)
    who_to_ask = _optional(_l("Who to ask (optional)"), 200)
    shown_publicly = BooleanField(
        _l("Everyone may see this person's gift"),
        description=_l(
            "Tick this only if they have said so. Otherwise only community builders see it. Other kinds are seen "
            "by everyone once on the map."
        ),
        widget=GovCheckboxInput(),
    )
    name_cy = _optional(_l("Its name, in Welsh (optional)"), 120)
    description_cy = optional_long_text(_l("A few words, in Welsh (optional)"), 500)
    name_ar = _optional(_l("Its name, in Arabic (optional)"), 120)
    description_ar = optional_long_text(_l("A few words, in Arabic (optional)"), 500)
    submit = submit(_l("Save"))

    def validate_point(self, field: Any) -> None:
        try:
            point_from(field.data)
        except NotAPoint as error:
            raise ValidationError(_l("Enter two numbers with a comma between them, like 53.8067, -1.5188")) from error

    def show_point(self, latitude: float | None, longitude: float | None) -> None:
        self.point.data = point_text(latitude, longitude)

    def words(self) -> EntryWords:
        latitude, longitude = point_from(self.point.data) or (None, None)
        return EntryWords(
            kind=Kind(self.kind.data),
            name=self.name.data,
            description=self.description.data or "",
            where_text=self.where_text.data or "",
            latitude=latitude,
            longitude=longitude,
            when_available=self.when_available.data or "",
            who_to_ask=self.who_to_ask.data or "",
            shown_publicly=bool(self.shown_publicly.data),
            other_languages=self.other_languages(),
        )


class BuildersForm(Form):
    builders = SelectMultipleField(
        _l("Community builders who work here"),
        coerce=int,
        description=_l("They keep this neighbourhood's map of what it has."),
        widget=GovCheckboxesInput(),
    )
    submit = submit(_l("Save"))


class ProfileForm(Form):
    neighbourhood_id = RadioField(
        _l("Which neighbourhood do you live in?"),
        coerce=int,
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Choose your neighbourhood"))],
    )
    knows = optional_long_text(_l("What do you know about? (optional)"), 500)
    can_do = optional_long_text(_l("What can you do? (optional)"), 500)
    cares_about = optional_long_text(_l("What do you care about? (optional)"), 500)
    interests = _optional(_l("Your interests (optional)"), 400)
    agree = BooleanField(
        _l(
            "My neighbourhood's community builders may see this, and may ask if I would like to meet a neighbour who "
            "shares an interest"
        ),
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=_l("Tick the box to share this with your community builders"))],
    )
    submit = submit(_l("Save"))


class ConnectorForm(Form):
    email = TextField(
        _l("Name a connector: their email address"),
        description=_l("A resident who shares a gift or passion. They can then add and change entries on this map."),
        validators=[DataRequired(message=_l("Enter their email address"))],
    )
    submit = submit(_l("Name them a connector"))


class IntroductionForm(Form):
    interest = RadioField(
        _l("Which interest do they share?"),
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Choose the interest they share"))],
    )
    people = SelectMultipleField(
        _l("Who would you like to introduce?"),
        description=_l("Choose two people. We ask each of them first, without saying who the other is."),
        coerce=int,
        widget=GovCheckboxesInput(),
    )
    submit = submit(_l("Ask them both"))

    def validate_people(self, field: Any) -> None:
        if len(field.data or []) != 2:
            raise ValidationError(_l("Choose two people"))


class IntroductionAnswerForm(Form):
    answer = RadioField(
        _l("Would you like to meet them?"),
        choices=[SelectChoice("yes", _l("Yes, share my name with them")), SelectChoice("no", _l("No, thank you"))],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Choose yes or no"))],
    )
    submit = submit(_l("Send my answer"))
