"""The programme dashboard, for programme officers and viewers (commissioners, councillors)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect, GovTextArea
from wtforms import SelectChoice, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.common.access import object_access, role_required
from portal.common.email import texts_sent_since
from portal.common.forms import ButtonForm, DateField, Form, RadioField, TextField, submit
from portal.common.pdf import pdf_response
from portal.common.progress import Progress, progress_response
from portal.common.time import utcnow
from portal.domain.background import FileStatus
from portal.domain.periods import period_dates
from portal.domain.roles import Role
from portal.insight import changes, exports, journey, outcomes, reach, reports, services
from portal.insight.reach_routes import answer_names, question_names

bp = Blueprint("insight", __name__, url_prefix="/insight")
officers_and_viewers = role_required(Role.PROGRAMME_OFFICER, Role.VIEWER)


def chosen_filters() -> tuple[services.Filters, str]:
    period = request.args.get("period", "all")
    if period not in services.PERIOD_NAMES:
        period = "all"
    neighbourhood_id = request.args.get("neighbourhood", type=int)
    start, end = period_dates(period)
    return services.Filters(start=start, end=end, neighbourhood_id=neighbourhood_id or None), period


@bp.get("")
@officers_and_viewers
def show_dashboard() -> Any:
    filters, period = chosen_filters()
    choices = services.neighbourhood_choices()
    if filters.neighbourhood_id not in {None, *(n for n, _ in choices)}:
        filters, period = services.Filters(start=filters.start, end=filters.end), period
    released_at, answered, counts = reach.summary()
    texts = None
    if current_user.has_role(Role.PROGRAMME_OFFICER) and current_app.config["TEXT_BACKEND"] != "off":
        texts = texts_sent_since(utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    return render_template(
        "insight/dashboard.html",
        board=services.dashboard(filters),
        periods=services.PERIOD_NAMES,
        period=period,
        neighbourhoods=choices,
        released_at=released_at,
        answered=answered,
        reach=counts,
        questions=question_names(),
        answers=answer_names(),
        texts=texts,
    )


@bp.get("/outcomes")
@officers_and_viewers
def show_outcomes() -> Any:
    filters, period = chosen_filters()
    choices = services.neighbourhood_choices()
    if filters.neighbourhood_id not in {None, *(n for n, _ in choices)}:
        filters = services.Filters(start=filters.start, end=filters.end)
    return render_template(
        "insight/outcomes.html",
        outcomes=outcomes.build(filters),
        filters=filters,
        periods=services.PERIOD_NAMES,
        period=period,
        neighbourhoods=choices,
    )


@bp.get("/where-people-give-up")
@role_required(Role.PROGRAMME_OFFICER)
def show_journey() -> Any:
    """A pot's question pages for a month: opened, went on, left there; chosen by the form on the page (a GET)."""
    pots = journey.pot_choices()
    if not pots:
        return render_template("insight/journey.html", pots=pots, figures=None, months=[])
    pot_id = request.args.get("pot", type=int)
    pot_id = pot_id if pot_id in {p for p, _ in pots} else pots[0][0]
    months = journey.months_counted(pot_id)
    month = request.args.get("month", "")
    month = month if month in months else months[0]
    return render_template(
        "insight/journey.html",
        pots=pots,
        months=months,
        month_dates={m: journey.first_day(m) for m in months},
        figures=journey.journey_figures(pot_id, month),
    )


# The commissioner report ----------------------------------------------------------------------------------------

yours_or_programme_officer = object_access(
    lambda user, kwargs: (
        user.has_role(Role.PROGRAMME_OFFICER, Role.VIEWER) and reports.report_for(kwargs["report_id"], user) is not None
    ),
    "the person who asked for the report, or a programme officer",
)


class ReportForm(Form):
    period = RadioField(
        _l("Which period?"),
        choices=[SelectChoice(value, text) for value, text in services.PERIOD_NAMES.items()],
        widget=GovRadioInput(),
        validators=[DataRequired(message=_l("Select a period"))],
    )
    neighbourhoods = SelectMultipleField(
        _l("Which neighbourhoods?"),
        coerce=int,
        description=_l("Choose none for every neighbourhood"),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    submit = submit(_l("Make the report"))


@bp.route("/report", methods=["GET", "POST"])
@officers_and_viewers
def new_report() -> Any:
    if request.method == "GET":  # start from what the dashboard showed
        period = request.args.get("period", "all")
        chosen = request.args.get("neighbourhood", type=int)
        form = ReportForm(
            period=period if period in services.PERIOD_NAMES else "all", neighbourhoods=[chosen] if chosen else []
        )
    else:
        form = ReportForm()
    form.neighbourhoods.choices = [SelectChoice(n, name) for n, name in services.neighbourhood_choices()]
    if form.validate_on_submit():
        start, end = period_dates(form.period.data)
        report = reports.request_report(
            current_user,
            period=form.period.data,
            starts_on=start,
            ends_on=end,
            neighbourhood_ids=form.neighbourhoods.data or [],
            language=str(get_locale() or "en"),
        )
        return redirect(url_for("insight.show_report", report_id=report.id))
    return render_template("insight/new_report.html", form=form, earlier=reports.reports_of(current_user))


@bp.get("/reports/<int:report_id>")
@yours_or_programme_officer
def show_report(report_id: int) -> Any:
    report = reports.report_for(report_id, current_user) or abort(404)
    return render_template(
        "insight/show_report.html",
        report=report,
        shareable=reports.shareable(report),
        replacement=reports.replacement_of(report),
        progress=_report_progress(report),
    )


@bp.get("/reports/<int:report_id>/status")
@yours_or_programme_officer
def report_status(report_id: int) -> Response:
    report = reports.report_for(report_id, current_user) or abort(404)
    return progress_response(_report_progress(report))


def _report_progress(report: Any) -> Progress:
    """What the report's page (and its status route, for the page's script) says about the report now."""
    if report.status == FileStatus.READY and not reports.shareable(report):
        return Progress(
            FileStatus.FAILED.value,  # done, and nothing to download: it was taken down
            _(
                "This report has been taken down. It held a story or a photo that the resident no longer lets us "
                "share, so you cannot download it any more."
            ),
            url_for("insight.show_report", report_id=report.id),
            _("See what happens next"),
        )
    if report.status == FileStatus.READY:
        return Progress(
            report.status,
            _("The report is ready."),
            url_for("insight.download_report", report_id=report.id),
            _("Download the report (PDF)"),
        )
    if report.status == FileStatus.FAILED:
        return Progress(
            report.status,
            _("The report could not be made. Try again, or tell the programme team: %(reason)s", reason=report.error),
            url_for("insight.new_report"),
            _("Try again"),
        )
    if report.status == FileStatus.RUNNING:
        return Progress(report.status, _("The report is being made: %(percent)s%% done.", percent=report.progress))
    return Progress(report.status, _("The report is waiting to be made."))


@bp.get("/reports/<int:report_id>/download")
@yours_or_programme_officer
def download_report(report_id: int) -> Any:
    report = reports.report_for(report_id, current_user) or abort(404)
    if report.content is None or not reports.shareable(report):  # not made yet, or withdrawn
        return redirect(url_for("insight.show_report", report_id=report_id))
    return pdf_response(report.content, report.filename)


# Spreadsheets for officers ---------------------------------------------------------------------------------------

downloads = Blueprint("exports", __name__, url_prefix="/exports")
SPREADSHEETS = {
    "applications": (exports.applications_csv, (Role.PROGRAMME_OFFICER,)),
    "decisions": (exports.decisions_csv, (Role.PROGRAMME_OFFICER,)),
    "awards": (exports.awards_csv, (Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER)),
    "payments": (exports.payments_csv, (Role.FINANCE_OFFICER,)),
}


@downloads.get("")
@role_required(Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER)
def list_spreadsheets() -> Any:
    mine = [name for name, (_, roles) in SPREADSHEETS.items() if current_user.has_role(*roles)]
    return render_template("insight/spreadsheets.html", names=mine)


def _spreadsheet(name: str) -> Response:
    make, _ = SPREADSHEETS[name]
    exports.note_download(current_user, name)
    return Response(
        stream_with_context(make()),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="small-sparks-{name}.csv"', "Cache-Control": "no-store"},
    )


@downloads.get("/applications.csv")
@role_required(Role.PROGRAMME_OFFICER)
def applications_csv() -> Response:
    return _spreadsheet("applications")


@downloads.get("/decisions.csv")
@role_required(Role.PROGRAMME_OFFICER)
def decisions_csv() -> Response:
    return _spreadsheet("decisions")


@downloads.get("/awards.csv")
@role_required(Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER)
def awards_csv() -> Response:
    return _spreadsheet("awards")


@downloads.get("/payments.csv")
@role_required(Role.FINANCE_OFFICER)
def payments_csv() -> Response:
    return _spreadsheet("payments")


# The log of changes to how institutions work -------------------------------------------------------------------


class ChangeForm(Form):
    what_changed = TextAreaField(
        _l("What changed?"),
        description=_l("For example, the library now opens on Saturdays for the seed swap"),
        widget=GovTextArea(),
        validators=[
            DataRequired(message=_l("Say what changed")),
            Length(max=1000, message=_l("Write 1000 characters or fewer")),
        ],
    )
    happened_on = DateField(
        _l("When did it change?"),
        description=_l("For example, 1 4 2026"),
        validators=[DataRequired(message=_l("Enter the date it changed"))],
    )
    neighbourhood_id = SelectField(_l("Neighbourhood"), coerce=int, widget=GovSelect(), validators=[Optional()])
    references = TextField(
        _l("The ideas it came from (optional)"),
        description=_l("Their references, with spaces between them, like K7M2-Q9TX"),
    )
    submit = submit(_l("Add to the log"))


@bp.route("/changes", methods=["GET", "POST"])
@officers_and_viewers
def list_changes() -> Any:
    """Viewers read the log; programme officers add to it."""
    form = ChangeForm()
    form.neighbourhood_id.choices = [SelectChoice(0, _("The whole programme"))] + [
        SelectChoice(n, name) for n, name in services.neighbourhood_choices()
    ]
    officer = current_user.has_role(Role.PROGRAMME_OFFICER)
    if officer and form.validate_on_submit():
        try:
            changes.log_change(
                current_user,
                what_changed=form.what_changed.data,
                happened_on=form.happened_on.data,
                neighbourhood_id=form.neighbourhood_id.data or None,
                references=changes.references_from(form.references.data or ""),
            )
        except changes.UnknownReferences as unknown:
            form.references.errors = [
                _("We cannot find an idea with the reference %(references)s", references=", ".join(unknown.references))
            ]
        else:
            flash(_("The change has been added to the log."), "success")
            return redirect(url_for("insight.list_changes"))
    return render_template(
        "insight/changes.html",
        form=form,
        officer=officer,
        changes=changes.list_changes(),
        names=dict(services.neighbourhood_choices()),
        remove_form=ButtonForm(prefix="remove"),
    )


@bp.post("/changes/<int:change_id>/remove")
@role_required(Role.PROGRAMME_OFFICER, scope="programme officers keep the programme's log")
def remove_change(change_id: int) -> Any:
    if ButtonForm(prefix="remove").validate_on_submit() and changes.remove_change(current_user, change_id):
        flash(_("The change has been taken off the log."), "success")
    return redirect(url_for("insight.list_changes"))
