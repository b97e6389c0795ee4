"""The receipt of a sent idea, read as plain values and drawn as a PDF after the reading transaction ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from portal.applications.journey import FIELD_LABELS
from portal.applications.models import Application
from portal.applications.pot_questions import shown_answers
from portal.applications.services import WRITTEN_ANSWERS
from portal.assetmap.services import uses_of
from portal.common.transactions import finish_reading
from portal.extensions import db
from portal.programme.models import Pot

# The receipt ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """What a resident's receipt shows, as plain values: it is drawn after the reading transaction has ended."""

    reference: str
    language: str
    submitted_at: datetime | None
    neighbourhood: str
    pot: str
    decision_weeks: int
    answers: tuple[tuple[Any, str], ...]  # (the question's short name, translated when drawn; the answer)
    cost_lines: tuple[tuple[str, int], ...]
    total_pence: int
    # For a resident with no email address, the name of the community builder who passes on the news ("" when they
    # have none); None for a resident we email. The receipt must not promise an email nobody will send.
    builder_tells_them: str | None = None


def receipt_for(application_id: int) -> Receipt | None:
    """The receipt of a sent idea (None for a draft), read in one go; the reading transaction then ends, so the PDF
    can be drawn with nothing held open."""
    application = db.session.get(
        Application,
        application_id,
        options=[
            joinedload(Application.pot).joinedload(Pot.neighbourhood),
            selectinload(Application.cost_lines),
            selectinload(Application.question_answers),
            joinedload(Application.applicant),
            joinedload(Application.assisted_by),
        ],
    )
    if application is None or application.reference is None:
        finish_reading()
        return None
    used = uses_of(application.id)
    receipt = Receipt(
        reference=application.reference,
        language=application.language,
        submitted_at=application.submitted_at,
        neighbourhood=application.pot.neighbourhood.name,
        pot=application.pot.name,
        decision_weeks=application.pot.neighbourhood.decision_weeks,
        answers=(
            *((FIELD_LABELS[name], value) for name in WRITTEN_ANSWERS if (value := getattr(application, name))),
            *((str(shown.wording), shown.answer) for shown in shown_answers(application) if shown.answer),
            *(((_l("Will use from the neighbourhood"), ", ".join(entry.name for entry in used)),) if used else ()),
        ),
        cost_lines=tuple((line.item, line.amount_pence) for line in application.cost_lines),
        total_pence=application.total_pence,
        builder_tells_them=None
        if application.applicant.email
        else (application.assisted_by.name if application.assisted_by else ""),
    )
    finish_reading()
    return receipt
