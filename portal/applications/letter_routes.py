"""Letters to print for residents we can reach neither by email nor by text: the list, each letter as a PDF, and
"handed over"; they join the applications blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import letters
from portal.applications.routes import bp
from portal.common.access import object_access, role_required
from portal.common.forms import ButtonForm
from portal.common.pdf import pdf_response, render_pdf
from portal.common.transactions import finish_reading
from portal.domain.roles import Role

builders_and_officers = role_required(
    Role.COMMUNITY_BUILDER,
    Role.PROGRAMME_OFFICER,
    scope="programme officers: every letter; a community builder: letters for the ideas they entered",
)


@bp.get("/letters")
@builders_and_officers
def list_letters() -> Any:
    return render_template("applications/letters.html", letters=letters.letters_for(current_user), form=ButtonForm())


def _may_print(user: Any, kwargs: dict[str, Any]) -> bool:
    return user.has_role(Role.COMMUNITY_BUILDER, Role.PROGRAMME_OFFICER) and (
        letters.letter_for(user, kwargs["letter_id"], kwargs["application_id"]) is not None
    )


yours_to_print = object_access(_may_print, "the community builder who entered the idea, or a programme officer")


@bp.get("/ideas/<int:application_id>/letters/<int:letter_id>")
@yours_to_print
def download_letter(application_id: int, letter_id: int) -> Any:
    letter = letters.letter_for(current_user, letter_id, application_id) or abort(404)
    facts = letters.facts_of(letter)
    finish_reading()
    pdf = render_pdf("pdf/letter.html", letter=facts, language=facts.language)
    return pdf_response(pdf, f"small-spark-letter-{facts.reference}-{letter_id}.pdf")


@bp.post("/ideas/<int:application_id>/letters/<int:letter_id>/handed-over")
@yours_to_print
def hand_over_letter(application_id: int, letter_id: int) -> Any:
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("applications.list_letters"))
    if not letters.mark_handed_over(current_user, letter_id):
        abort(404)
    flash(_("The letter is marked as posted or handed over."), "success")
    return redirect(url_for("applications.list_letters"))
