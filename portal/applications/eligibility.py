"""The kind eligibility check a pot may ask before its form (portal/domain/eligibility.py), in the resident's words.

The answers live only in the person's session, keyed by pot, until they start their idea: someone ruled out leaves
nothing behind (their answers are dropped, and the exit page stores nothing). "Not sure" answers go with the new
idea as a note for the panel. The session key is kept when a person signs in half-way (accounts/routes.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import session
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import SelectChoice
from wtforms.validators import DataRequired

from portal.common.forms import Form, RadioField, submit
from portal.domain.eligibility import Check, CheckAnswer, known_checks

SESSION_KEY = "checks"


@dataclass(frozen=True)
class CheckWords:
    question: Any  # "%(neighbourhood)s" may stand in it
    hint: Any
    why_not: Any  # the exit page's one sentence
    for_the_panel: Any  # what the resident was not sure about


WORDS = {
    Check.LIVES_HERE: CheckWords(
        _l("Do you live, work or volunteer in %(neighbourhood)s?"),
        _l("If you are asking for a group, answer for the group."),
        _l("This money is for people who live, work or volunteer in %(neighbourhood)s."),
        _l("whether they live, work or volunteer in the neighbourhood"),
    ),
    Check.NOT_FOR_PROFIT: CheckWords(
        _l("Is your idea for the neighbourhood, not to make money?"),
        _l("Selling tea or tickets to pay for the costs is fine."),
        _l("This money is for ideas that are not run to make money."),
        _l("whether the idea is not for profit"),
    ),
    Check.NOT_ALREADY_PAID: CheckWords(
        _l("Is the money for things you have not bought yet?"),
        _l("We cannot pay you back for things you have already bought."),
        _l("This money cannot pay for things that have already been bought."),
        _l("whether the money is for things not bought yet"),
    ),
    Check.AGED_16_OR_OVER: CheckWords(
        _l("Are you 16 or older?"),
        _l("If you are younger, an adult you know can ask with you."),
        _l("You need to be 16 or older to ask for this money. An adult you know can ask with you."),
        _l("whether they are 16 or older"),
    ),
}


class CheckForm(Form):
    answer = RadioField(
        "",
        choices=[
            SelectChoice(CheckAnswer.YES.value, _l("Yes")),
            SelectChoice(CheckAnswer.NO.value, _l("No")),
            SelectChoice(CheckAnswer.NOT_SURE.value, _l("I'm not sure")),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select yes, no or I'm not sure"))],
    )
    submit = submit(_l("Continue"))


def checks_of(pot: Any) -> list[Check]:
    return [Check(value) for value in known_checks(pot.eligibility_checks or [])]


def _kept(pot_id: int) -> dict[str, Any]:
    return dict((session.get(SESSION_KEY) or {}).get(str(pot_id)) or {"answered": 0, "unsure": []})


def _keep(pot_id: int, kept: dict[str, Any] | None) -> None:
    every = dict(session.get(SESSION_KEY) or {})
    if kept is None:
        every.pop(str(pot_id), None)
    else:
        every[str(pot_id)] = kept
    session[SESSION_KEY] = every


def answered(pot: Any) -> int:
    """How many of the pot's checks this person has answered (yes or not sure), in order."""
    return int(_kept(pot.id)["answered"])


def passed(pot: Any) -> bool:
    return answered(pot) >= len(checks_of(pot))


def remember(pot: Any, number: int, check: Check, answer: CheckAnswer) -> None:
    kept = _kept(pot.id)
    unsure = [value for value in kept["unsure"] if value != check.value]
    if answer is CheckAnswer.NOT_SURE:
        unsure.append(check.value)
    _keep(pot.id, {"answered": max(int(kept["answered"]), number), "unsure": unsure})


def forget(pot: Any) -> None:
    """Drop this pot's answers: the person was ruled out, or their idea has started."""
    _keep(pot.id, None)


def unsure_about(pot: Any) -> list[str]:
    return list(_kept(pot.id)["unsure"])


def previous_answer(pot: Any, number: int, check: Check) -> str | None:
    kept = _kept(pot.id)
    if check.value in kept["unsure"]:
        return CheckAnswer.NOT_SURE.value
    return CheckAnswer.YES.value if int(kept["answered"]) >= number else None
