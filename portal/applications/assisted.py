"""Assisted applications: a community builder writes an idea down with a resident, who agrees to it by email, by a
code texted to their mobile that they tell the builder, or in person (the builder records the day)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from portal.accounts.contact import text_code_for, use_code_for
from portal.accounts.models import User, UserRole
from portal.accounts.services import Refusal, get_user_by_email, get_user_by_mobile, mobile_lookup, normalise_email
from portal.applications.models import Application
from portal.applications.services import (
    ApplicationProblem,
    locked_draft,
    pot_is_taking_ideas,
    send_link,
    submit_application,
)
from portal.common import audit
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.mobiles import HearBy
from portal.domain.roles import Role
from portal.domain.states import ApplicationStatus
from portal.extensions import db
from portal.programme.models import Neighbourhood, Pot

# Assisted applications ---------------------------------------------------------------------------------------------


def list_open_pots() -> list[Pot]:
    pots = db.session.execute(
        sa.select(Pot)
        .join(Pot.neighbourhood)
        .where(Neighbourhood.is_active.is_(True))
        .options(selectinload(Pot.neighbourhood))
        .order_by(Neighbourhood.name, Pot.name)
    ).scalars()
    return [pot for pot in pots if pot_is_taking_ideas(pot)]


def list_assisted_by(builder: User) -> list[Application]:
    """The ideas this community builder entered with residents, newest first; never anyone else's."""
    return list(
        db.session.execute(
            sa.select(Application)
            .where(Application.assisted_by_id == builder.id)
            .options(
                selectinload(Application.cost_lines),
                selectinload(Application.applicant),
                selectinload(Application.pot).selectinload(Pot.neighbourhood),
                selectinload(Application.award),
            )
            .order_by(Application.created_at.desc())
        ).scalars()
    )


def _the_resident(
    resident_name: str, email: str | None, mobile: str | None, address: str | None = None
) -> tuple[User, bool]:
    """The account an email address (else a mobile number) belongs to, or a new one; and whether it is new. A new
    resident's number is kept only if no account has it already."""
    found = get_user_by_email(email) if email else get_user_by_mobile(mobile) if mobile else None
    if found is not None:
        return found, False
    resident = User(
        email=normalise_email(email) if email else None, name=resident_name, role_rows=[UserRole(role=Role.RESIDENT)]
    )
    if mobile and get_user_by_mobile(mobile) is None:
        resident.mobile = mobile  # type: ignore[assignment] # encrypted on the way in (EncryptedText)
        resident.mobile_lookup = mobile_lookup(mobile)
        resident.hear_by = (HearBy.BOTH if email else HearBy.TEXT).value
    if address:
        resident.postal_address = address  # type: ignore[assignment] # encrypted on the way in (EncryptedText)
    return resident, True


@transactional
def start_assisted_application(
    builder: User,
    pot: Pot,
    resident_name: str,
    resident_email: str | None,
    language: str,
    resident_mobile: str | None = None,
    resident_address: str | None = None,
) -> Application:
    """A community builder starts an idea for a resident, who may have no email address, or only a mobile number
    (E.164).

    Whatever account an address or number belongs to, the builder sees the same thing (no page says it is a staff
    member's): an idea for someone with an email address is sent only when they confirm it by the emailed link, and
    one for someone with only a mobile when they agree by a texted code or in person. Raises
    ApplicationProblem('pot_closed').
    """
    if not pot_is_taking_ideas(pot):
        raise ApplicationProblem("pot_closed")
    resident, new = _the_resident(resident_name, resident_email, resident_mobile, resident_address)
    if new:
        db.session.add(resident)
        db.session.flush()
        audit.record(
            "user.created", actor_id=builder.id, object_type="user", object_id=resident.id, via="assisted_application"
        )
    application = Application(
        pot_id=pot.id,
        applicant_id=resident.id,
        assisted_by_id=builder.id,
        language=language,
        contact_name=resident_name,
        contact_method="email" if resident.email else "text" if resident.mobile else "builder",
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        "application.started", actor_id=builder.id, object_type="application", object_id=application.id, assisted=True
    )
    return application


@transactional
def ask_resident_to_confirm(application: Application, builder: User) -> None:
    """Email the resident a link to check the idea the builder entered with them, and send it themselves.

    One unit of work: the consent method and the link are recorded together, or neither is."""
    if not application.applicant.email:
        raise ApplicationProblem("no_email")
    _set_consent(application, builder, "email", None)
    send_link(application.applicant.email, url_for("applications.confirm_idea", application_id=application.id))


@transactional
def _set_consent(application: Application, builder: User, method: str, given_on: date | None) -> None:
    application = locked_draft(application)
    application.consent_method = method
    application.consent_given_on = given_on
    audit.record(
        "application.consent_recorded",
        actor_id=builder.id,
        object_type="application",
        object_id=application.id,
        method=method,
    )


@transactional
def submit_with_spoken_agreement(application: Application, builder: User, given_on: date) -> Application:
    """The builder records that the resident agreed in person or by phone on given_on, then sends the idea.

    Only for a resident without an email address: one who has one confirms by the emailed link, so nobody can send
    an idea in an existing resident's name on their word alone. Raises ApplicationProblem('confirm_by_email').
    One unit of work: if the idea cannot be sent, the agreement is not recorded either."""
    if application.applicant.email:
        raise ApplicationProblem("confirm_by_email")
    _set_consent(application, builder, "spoken", given_on)
    return submit_application(application.id, builder)


def confirm_and_submit(application: Application, resident: User) -> Application:
    """The resident confirms an idea a builder entered with them is theirs, which sends it."""
    return _confirm_and_submit(application.id, resident)


@transactional
def _confirm_and_submit(application_id: int, resident: User) -> Application:
    application = db.session.execute(
        locked(sa.select(Application).where(Application.id == application_id))
    ).scalar_one()
    if application.status == ApplicationStatus.DRAFT.value and application.resident_confirmed_at is None:
        application.resident_confirmed_at = utcnow()
        audit.record(
            "application.resident_confirmed", actor_id=resident.id, object_type="application", object_id=application.id
        )
    return submit_application(application.id, resident)


def _agreement(application_id: int) -> str:
    return f"agree:{application_id}"


@transactional
def text_agreement_code(application: Application, builder: User) -> None:
    """Text the resident (who has a mobile number and no email address) a code to tell the builder if they agree to
    the idea. Raises ApplicationProblem('confirm_by_email') for a resident with an email address, and
    ContactProblem('no_mobile') for one without a number."""
    application = locked_draft(application)
    resident = application.applicant
    if resident.email:
        raise ApplicationProblem("confirm_by_email")
    text_code_for(resident, _agreement(application.id), "applications/text/agree.txt")
    audit.record(
        "application.agreement_code_texted", actor_id=builder.id, object_type="application", object_id=application.id
    )


def submit_with_texted_agreement(application: Application, builder: User, code: str) -> Application:
    """The resident told the builder the code we texted them: that is their agreement, recorded with today's date,
    and the idea is sent. Raises SignInRefused-style refusals as ApplicationProblem('code_' + reason)."""
    outcome = _submit_with_texted_agreement(application.id, builder, code)
    if isinstance(outcome, Refusal):
        raise ApplicationProblem(f"code_{outcome.value}")
    return outcome


@transactional
def _submit_with_texted_agreement(application_id: int, builder: User, code: str) -> Application | Refusal:
    # Returns the refusal rather than raising it, so a wrong code is counted.
    application = locked_draft(db.session.get_one(Application, application_id))
    if application.applicant.email:
        raise ApplicationProblem("confirm_by_email")
    refused = use_code_for(application.applicant, _agreement(application.id), code, actor_id=builder.id)
    if refused is not None:
        return refused
    _set_consent(application, builder, "text", utcnow().date())
    return submit_application(application.id, builder)
