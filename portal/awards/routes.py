"""The resident's award: the offer to accept, and the award letter."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.access import your_application, yours_only
from portal.applications.services import get_application
from portal.awards import services
from portal.common.forms import ButtonForm
from portal.common.pdf import pdf_response, render_pdf

bp = Blueprint("awards", __name__)


@bp.route("/ideas/<int:application_id>/award", methods=["GET", "POST"])
@your_application
def accept_award(application_id: int) -> Any:
    application = get_application(application_id) or abort(404)
    yours_only(application)
    award = services.award_for(application_id) or abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        services.accept_award(application_id, current_user)
        flash(_("You have accepted your award. Thank you."), "success")
        return redirect(url_for("payments.choose_method", application_id=application_id))
    return render_template("applications/award.html", form=form, application=application, award=award)


@bp.get("/ideas/<int:application_id>/award-letter")
@your_application
def download_award_letter(application_id: int) -> Any:
    # The community builder may download it too: for a resident without email, they pass the letter on.
    letter = services.award_letter_for(application_id) or abort(404)
    pdf = render_pdf("pdf/award_letter.html", letter=letter, language=letter.language)
    return pdf_response(pdf, f"small-spark-award-{letter.reference}.pdf")
