"""A resident with a mobile number and no email address agrees to the idea a community builder wrote down with them
by telling the builder a code we text them; these pages join the applications blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.contact import ContactProblem
from portal.accounts.services import Refusal
from portal.applications import assisted, services
from portal.applications.access import your_application
from portal.applications.forms import AgreementCodeForm, TextAgreementForm
from portal.applications.routes import PROBLEM_TEXT, bp
from portal.domain.mobiles import shown
from portal.domain.states import ApplicationStatus

CODE_TEXT = {
    Refusal.CODE_WRONG: lambda: _("That code is not right. Ask them to read it again from the text."),
    Refusal.TOO_MANY_ATTEMPTS: lambda: _("The code was wrong too many times. Text them a new one."),
    Refusal.LINK_EXPIRED: lambda: _("That code has run out. Codes last 30 minutes. Text them a new one."),
    Refusal.LINK_USED: lambda: _("That code has already been used. Text them a new one."),
    Refusal.LINK_NOT_FOUND: lambda: _("We have not texted them a code for this idea yet."),
}


def _builders_draft(application_id: int) -> Any:
    """The idea, if the signed-in person is the community builder who entered it and it is not sent yet."""
    application = services.get_application(application_id) or abort(404)
    if current_user.id != application.assisted_by_id or application.applicant.mobile is None:
        abort(404)
    return application


def _check_answers(application_id: int) -> Any:
    return redirect(url_for("applications.check_answers", application_id=application_id))


@bp.post("/ideas/<int:application_id>/agree-by-text")
@your_application
def text_agreement_code(application_id: int) -> Any:
    application = _builders_draft(application_id)
    form = TextAgreementForm()
    if not form.validate_on_submit():
        return _check_answers(application_id)
    try:
        assisted.text_agreement_code(application, current_user)
    except services.ApplicationProblem as problem:
        flash(PROBLEM_TEXT[problem.reason](problem.details), "error")
        return _check_answers(application_id)
    except ContactProblem:
        flash(_("We have texted them a lot of codes today. Try again tomorrow, or record that they agree."), "error")
        return _check_answers(application_id)
    return redirect(url_for("applications.enter_agreement_code", application_id=application_id))


@bp.route("/ideas/<int:application_id>/agreement-code", methods=["GET", "POST"])
@your_application
def enter_agreement_code(application_id: int) -> Any:
    application = _builders_draft(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applications.application_sent", application_id=application_id))
    form = AgreementCodeForm()
    if form.validate_on_submit():
        try:
            assisted.submit_with_texted_agreement(application, current_user, form.code.data)
        except services.ApplicationProblem as problem:
            reason = problem.reason.removeprefix("code_")
            if reason in set(Refusal):
                form.code.errors.append(CODE_TEXT.get(Refusal(reason), CODE_TEXT[Refusal.CODE_WRONG])())
            else:
                flash(PROBLEM_TEXT[problem.reason](problem.details), "error")
                return _check_answers(application_id)
        else:
            return redirect(url_for("applications.application_sent", application_id=application_id))
    mobile = shown(application.applicant.mobile.reveal())
    return render_template(
        "applications/agreement_code.html",
        form=form,
        resend_form=TextAgreementForm(),
        application=application,
        mobile=mobile,
    )
