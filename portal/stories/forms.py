"""The story's question pages, a photo with its consent, and the programme officer's publishing form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovTextArea,
)
from wtforms import BooleanField, HiddenField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.common.forms import CharacterCount, Form, RadioField, TextField, WholeNumberField, one_line, strip, submit
from portal.payments.forms import AgreementMixin

YES_NO_NOT_SURE = [
    SelectChoice("yes", _l("Yes")),
    SelectChoice("no", _l("No")),
    SelectChoice("not_sure", _l("Not sure")),
]


class WhatHappenedForm(Form):
    what_happened = TextAreaField(
        _l("What happened?"),
        description=_l("Tell us in your own words: what you did, who came, and what it meant to people."),
        widget=CharacterCount(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tell us what happened")),
            Length(max=3000, message=_l("What happened must be 3,000 characters or fewer")),
        ],
    )
    submit = submit(_l("Continue"))


class WentToPlanForm(Form):
    went_to_plan = RadioField(
        _l("Did it go to plan?"),
        choices=[
            SelectChoice("yes", _l("Yes")),
            SelectChoice("partly", _l("Partly")),
            SelectChoice("no", _l("No, it didn't go to plan")),
        ],
        description=_l("Any answer is fine. Things often change, and that is useful to know."),
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select whether it went to plan"))],
    )
    learned = TextAreaField(
        _l("If it did not all go to plan, what did you learn? (optional)"),
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=2000, message=_l("What you learned must be 2,000 characters or fewer"))],
    )
    submit = submit(_l("Continue"))


class PeopleForm(Form):
    people_count = WholeNumberField(
        _l("About how many people took part? (optional)"),
        max_digits=6,
        invalid_message=_l("Enter how many people took part as a number, like 25"),
        validators=[Optional(), NumberRange(min=0, message=_l("Enter how many people took part as a number, like 25"))],
    )
    group_formed = RadioField(
        _l("Did a new group form? (optional)"),
        choices=YES_NO_NOT_SURE,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    still_going = RadioField(
        _l("Is it still going? (optional)"),
        choices=YES_NO_NOT_SURE,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    submit = submit(_l("Continue"))


class WellbeingForm(Form):
    ways = SelectMultipleField(
        _l("Which of these did it help people do? (optional)"),
        description=_l("Select all that apply."),
        choices=[
            SelectChoice("connect", _l("Connect with other people")),
            SelectChoice("be_active", _l("Be active")),
            SelectChoice("take_notice", _l("Take notice of the world around them")),
            SelectChoice("keep_learning", _l("Keep learning")),
            SelectChoice("give", _l("Give to others")),
        ],
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    submit = submit(_l("Continue"))


class ConsentForm(Form):
    consent = RadioField(
        _l("Who can see your story?"),
        choices=[
            SelectChoice("programme", _l("Only the people running the programme")),
            SelectChoice("public_named", _l("Anyone, with my first name")),
            SelectChoice("public_anonymous", _l("Anyone, without my name")),
        ],
        description=_l("You can change your mind at any time."),
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select who can see your story"))],
    )
    first_name = TextField(
        _l("Your first name"),
        description=_l("We show it only if you choose 'Anyone, with my first name'. We never show your surname."),
        validators=[Optional(), Length(max=40, message=_l("Your first name must be 40 characters or fewer"))],
    )
    submit = submit(_l("Continue"))

    def validate(self, extra_validators=None):  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        if self.consent.data == "public_named" and not self.first_name.data:
            self.first_name.errors = [*self.first_name.errors, _l("Enter your first name")]
            return False
        return valid


class PhotoDetailsForm(Form):
    alt_text = TextField(
        _l("Describe the photo for someone who cannot see it"),
        description=_l("For example, 'Neighbours planting bulbs along Mill Lane'."),
        filters=[one_line],
        validators=[
            DataRequired(message=_l("Describe what the photo shows")),
            Length(max=250, message=_l("The description must be 250 characters or fewer")),
        ],
    )
    may_share = BooleanField(
        _l("I took this photo, or I have permission to share it, and everyone in it agreed to it being shared"),
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=_l("Confirm you have permission to share this photo"))],
    )
    shows_children = RadioField(
        _l("Does the photo show any children?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        description=_l("Photos of children are never shown to the public."),
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select yes if the photo shows any children"))],
    )
    submit = submit(_l("Save"))


class PhotoForm(PhotoDetailsForm):
    photo = FileField(_l("Upload a photo"), widget=GovFileInput())
    submit = submit(_l("Add photo"))


class SendStoryForm(AgreementMixin, Form):
    submit = submit(_l("Send your story"))


class PublishForm(Form):
    public_title = TextField(
        _l("The title as the public will read it"),
        validators=[
            DataRequired(message=_l("Enter the title as the public will read it")),
            Length(max=200, message=_l("The title must be 200 characters or fewer")),
        ],
    )
    public_text = TextAreaField(
        _l("The story as the public will read it"),
        description=_l("Take out anything personal, such as a surname, an address or a phone number."),
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the story as the public will read it")),
            Length(max=3000, message=_l("The story must be 3,000 characters or fewer")),
        ],
    )
    edit_note = TextAreaField(
        _l("If you changed the words, say what you changed"),
        description=_l("We will tell the resident. Leave this empty if you publish their words as they are."),
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=1000, message=_l("What you changed must be 1,000 characters or fewer"))],
    )
    # What the resident had decided when the page was shown (services.resident_version).
    seen = HiddenField()
    submit = submit(_l("Publish the story"))


def publish_form(photos: list[tuple[int, int]], **kwargs: object) -> PublishForm:
    """The publishing form with a description to check for each photo that would be public: `photos` holds each
    one's (number in the story, id), and its field is photo_<id>."""
    fields = {
        f"photo_{photo_id}": TextField(
            _l("Description of photo %(num)s", num=number),
            validators=[
                DataRequired(message=_l("Describe what photo %(num)s shows", num=number)),
                Length(max=250, message=_l("The description must be 250 characters or fewer")),
            ],
        )
        for number, photo_id in photos
    }
    form_class = type("PublishStoryForm", (PublishForm,), fields)
    return form_class(**kwargs)  # type: ignore[no-any-return]


class StillGoingForm(Form):
    answer = RadioField(
        _l("Is it still going?"),
        choices=[
            SelectChoice("yes", _l("Yes, it is still going")),
            SelectChoice("no", _l("No, it has stopped")),
            SelectChoice("changed", _l("It turned into something else")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Choose yes, no, or that it turned into something else"))],
    )
    words = TextAreaField(
        _l("Tell us in a sentence (optional)"),
        widget=CharacterCount(),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("Write 500 characters or fewer"))],
    )
    submit = submit(_l("Send"))
