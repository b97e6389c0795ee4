"""One form per question page, in plain words, with GOV.UK-style error messages."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.common.forms import (
    CharacterCount,
    DateField,
    EmailField,
    Form,
    MoneyField,
    RadioField,
    TextField,
    strip,
    submit,
)
from portal.domain.mobiles import MobileRefused, NotAMobile, uk_mobile

LONG_ANSWER = 1500
MOBILE_TEXT = {
    NotAMobile.NOT_UK: _l("We can only send texts to UK mobile numbers"),
    NotAMobile.NOT_MOBILE: _l("That looks like a landline. Enter a mobile number, like 07700 900123"),
}


def long_answer(label, required_message=None, description=None, optional=False):  # type: ignore[no-untyped-def]
    validators = [Optional()] if optional else [DataRequired(message=required_message)]
    validators.append(Length(max=LONG_ANSWER, message=_l("Write %(max)s characters or fewer", max=LONG_ANSWER)))
    return TextAreaField(
        label, widget=CharacterCount(), filters=[strip], validators=validators, description=description
    )


class WhoIsApplyingForm(Form):
    applicant_type = RadioField(
        _l("Who is applying?"),
        choices=[
            SelectChoice("just_me", _l("Just me")),
            SelectChoice("informal_group", _l("A few of us (an informal group)")),
            SelectChoice("organised_group", _l("An organised group")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select who is applying"))],
        description=_l("A group does not need a constitution, a bank account or a charity number."),
    )
    submit = submit(_l("Continue"))


class GroupNameForm(Form):
    group_name = TextField(
        _l("What is your group called?"),
        description=_l("If you do not have a name yet, make one up. You can change it later."),
        validators=[
            DataRequired(message=_l("Enter your group's name")),
            Length(max=200, message=_l("Write 200 characters or fewer")),
        ],
    )
    submit = submit(_l("Continue"))


class IdeaNameForm(Form):
    idea_name = TextField(
        _l("What do you call your idea?"),
        description=_l("A few words, like 'Saturday litter pick' or 'Coffee morning at the library'"),
        validators=[
            DataRequired(message=_l("Enter a name for your idea")),
            Length(max=200, message=_l("Write 200 characters or fewer")),
        ],
    )
    submit = submit(_l("Continue"))


class IdeaDescriptionForm(Form):
    idea_description = long_answer(
        _l("What do you want to do?"),
        _l("Tell us what you want to do"),
        _l("Say it in your own words, in any language. A few sentences is enough."),
    )
    submit = submit(_l("Continue"))


class BringsTogetherForm(Form):
    brings_together = long_answer(
        _l("Who will it bring together?"),
        _l("Tell us who it will bring together"),
        _l("For example, neighbours on our street, parents at the school gate, older people who live alone"),
    )
    submit = submit(_l("Continue"))


class HelpsAreaForm(Form):
    helps_area = long_answer(
        _l("How will it help your area?"),
        _l("Tell us how it will help your area"),
        _l("For example, people will get to know each other, the park will be cleaner"),
    )
    submit = submit(_l("Continue"))


class WhatYouBringForm(Form):
    bring_head = long_answer(
        _l("What you know (optional)"), optional=True, description=_l("For example, I know how to cook for a crowd")
    )
    bring_hands = long_answer(
        _l("What you can do (optional)"),
        optional=True,
        description=_l("For example, I can fix bikes, I can make posters"),
    )
    bring_heart = long_answer(
        _l("What you care about (optional)"),
        optional=True,
        description=_l("For example, I care that nobody eats alone"),
    )
    submit = submit(_l("Continue"))


class HelpFromOthersForm(Form):
    help_from_others = long_answer(
        _l("Will anyone else help? (optional)"),
        optional=True,
        description=_l("For example, the church lends us a room, a neighbour lends tools, a friend gives time"),
    )
    # Offered when the neighbourhood's map has things to use (its label names the neighbourhood).
    from_map = SelectMultipleField(
        # Not checked against the choices: something taken off the map meanwhile is dropped, not an error.
        _l("Things here your idea will use (optional)"),
        description=_l("Tick any your idea will use. Your community builder can help you ask."),
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    submit = submit(_l("Continue"))


class CostLineForm(Form):
    item = TextField(
        _l("What is it for?"),
        description=_l("For example, tea and biscuits"),
        validators=[
            DataRequired(message=_l("Enter what the money is for")),
            Length(max=200, message=_l("Write 200 characters or fewer")),
        ],
    )
    amount = MoneyField(
        _l("How much does it cost?"),
        required_message=_l("Enter how much it costs"),
        validators=[
            InputRequired(message=_l("Enter how much it costs")),
            NumberRange(min=1, message=_l("Enter an amount more than £0")),
        ],
    )
    add = submit(_l("Add this cost"))
    done = submit(_l("Continue"))


class WhenAndWhereForm(Form):
    when_text = TextField(
        _l("Roughly when will it happen?"),
        description=_l("A month is enough, for example June or the summer holidays"),
        validators=[
            DataRequired(message=_l("Tell us roughly when it will happen")),
            Length(max=100, message=_l("Write 100 characters or fewer")),
        ],
    )
    where_text = TextField(
        _l("Where will it happen? (optional)"),
        description=_l("A place or a street, for example the community centre on King Street"),
        validators=[Optional(), Length(max=200, message=_l("Write 200 characters or fewer"))],
    )
    submit = submit(_l("Continue"))


class ContactForm(Form):
    contact_name = TextField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Enter your name")),
            Length(max=200, message=_l("Write 200 characters or fewer")),
        ],
    )
    contact_method = RadioField(
        _l("How would you like to hear from us?"),
        choices=[
            SelectChoice("email", _l("By email")),
            SelectChoice("phone", _l("By phone (a community builder will call you)")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select how you would like to hear from us"))],
    )
    contact_phone = TextField(
        _l("Phone number (if you chose phone)"),
        description=_l("For example, 07700 900 982"),
        validators=[
            Optional(),
            Regexp(r"^[+\d][\d\s()-]{6,19}$", message=_l("Enter a phone number, like 07700 900 982")),
        ],
    )
    submit = submit(_l("Continue"))

    def for_the_ways_we_have(self, *, email: bool, mobile: bool) -> ContactForm:
        """Only the ways we can reach this resident: by email if they have an address, by text if they have a
        mobile number (and texts are offered), by a call, and through their community builder if we have neither."""
        choices = [SelectChoice("email", _l("By email"))] if email else []
        choices += [SelectChoice("text", _l("By text message"))] if mobile else []
        choices.append(SelectChoice("phone", _l("By phone (a community builder will call you)")))
        if not email:
            choices.append(SelectChoice("builder", _l("Through your community builder")))
        self.contact_method.choices = choices
        return self

    def validate(self, extra_validators=None):  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        if self.contact_method.data == "phone" and not self.contact_phone.data:
            self.contact_phone.errors.append(_l("Enter a phone number so we can call you"))
            return False
        return valid


class DeclarationForm(Form):
    declaration = BooleanField(
        _l(
            "This is my idea. What I have told you is true. I will use any money for this idea, and tell you if "
            "my plans change."
        ),
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=_l("Tick the box to say this is your idea and what you said is true"))],
    )
    submit = submit(_l("Send your idea"))


class AssistedStartForm(Form):
    """A community builder starts an idea with a resident."""

    pot_id = RadioField(
        _l("Which pot is the idea for?"),
        widget=GovRadioInput(),
        coerce=int,
        validators=[InputRequired(message=_l("Select a pot"))],
    )
    resident_name = TextField(
        _l("The resident's name"),
        validators=[
            DataRequired(message=_l("Enter the resident's name")),
            Length(max=200, message=_l("Write 200 characters or fewer")),
        ],
    )
    resident_email = EmailField(
        _l("The resident's email address (optional)"),
        description=_l("Leave this empty if they do not have one."),
    )
    resident_mobile = TextField(
        _l("The resident's mobile number (optional)"),
        description=_l("A UK mobile. With no email address, we text them our news, and they can agree by a code."),
        validators=[Optional(), Length(max=40, message=_l("Enter a UK mobile number, like 07700 900123"))],
    )
    resident_address = TextAreaField(
        _l("Their postal address (optional)"),
        description=_l("With no email address and no mobile, we write them letters for you to post or hand over."),
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("Write 300 characters or fewer"))],
    )
    submit = submit(_l("Start"))
    mobile: str | None = None

    def validate_resident_mobile(self, field: Field) -> None:
        if not field.data:
            return
        try:
            self.mobile = uk_mobile(field.data)
        except MobileRefused as refused:
            text = MOBILE_TEXT.get(refused.reason, _l("Enter a UK mobile number, like 07700 900123"))
            raise ValidationError(str(text)) from refused


class SpokenAgreementForm(Form):
    """A resident without an email address agrees in person or by phone; the builder records the day, which sends
    the idea."""

    consent_given_on = DateField(
        _l("When did they tell you they agree?"),
        validators=[DataRequired(message=_l("Enter the date they told you they agree"))],
        description=_l("In person or by phone. For example, 27 3 2026"),
    )
    submit = submit(_l("Send their idea"))

    def validate(self, extra_validators=None):  # type: ignore[no-untyped-def]
        valid = super().validate(extra_validators)
        if self.consent_given_on.data is not None and self.consent_given_on.data > date.today():
            self.consent_given_on.errors.append(_l("The date they agreed must be today or in the past"))
            return False
        return valid


class EmailAgreementForm(Form):
    """A resident with an email address agrees by the link we email them: they check the idea and send it."""

    submit = submit(_l("Email them a link to check and send it"))


class TextAgreementForm(Form):
    """A resident with a mobile number and no email address agrees by telling the builder a code we text them."""

    submit = submit(_l("Text them a code"))


class AgreementCodeForm(Form):
    code = StringField(
        _l("The code they tell you"),
        description=_l("It is 6 numbers, for example 123456"),
        widget=GovTextInput(),
        filters=[lambda value: value.replace(" ", "").strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(message=_l("Enter the code they tell you")),
            Regexp(r"^\d{6}$", message=_l("The code is 6 numbers, for example 123456")),
        ],
    )
    submit = submit(_l("They agree: send their idea"))


class ConfirmIdeaForm(Form):
    submit = submit(_l("Yes, this is my idea. Send it"))


class AnswerForm(Form):
    answer = long_answer(
        _l("Your answer"),
        _l("Write your answer to the panel's question"),
        _l("Write in your own words, in any language."),
    )
    submit = submit(_l("Send your answer"))
