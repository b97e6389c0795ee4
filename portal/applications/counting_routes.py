"""Counting where residents give up (portal/applications/journey_counts.py), from outside the journey's views and only
on what a resident sends (a GET never changes anything): when a save sends them on to another page, the page they
left counts as went on, and the page they are sent to as opened; sending the idea from check your answers ends the
count. Only a draft's pages, only once the view has let the person in."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from portal.applications import journey_counts, services
from portal.applications.pot_questions import SLUG
from portal.applications.routes import bp
from portal.domain.states import ApplicationStatus

# The journey's pages, by the view that shows or saves each.
PAGES = {
    "applications.answer_question": lambda args: args["question"],
    "applications.answer_pot_question": lambda args: f"{SLUG}{args['number']}",
    "applications.costs": lambda args: "costs",
    "applications.finish_costs": lambda args: "costs",
    "applications.check_answers": lambda args: journey_counts.CHECK_ANSWERS,
}
# The views that show a page (finishing the costs only saves them).
SHOWN_BY = set(PAGES) - {"applications.finish_costs"}


def _draft(application_id: int) -> Any:
    """The idea, if it is a draft this person may see."""
    if not services.may_see_application(current_user, application_id):
        return None
    application = services.get_application(application_id)
    return application if application is not None and application.status == ApplicationStatus.DRAFT.value else None


def _sent_to(location: str) -> tuple[int, str] | None:
    """The idea and page a redirect sends the resident to, if it is a page of the journey."""
    path = location.split("?", 1)[0]
    try:
        endpoint, args = current_app.url_map.bind("").match(path, method="GET")
    except HTTPException:
        return None
    if endpoint not in SHOWN_BY or endpoint == "applications.answer_question" and args["question"] == "costs":
        return None
    return args["application_id"], PAGES[endpoint](args)


@bp.after_request
def count_the_journey(response: Response) -> Response:
    if request.method != "POST" or response.status_code != 302 or not current_user.is_authenticated:
        return response
    left_page = PAGES.get(request.endpoint or "")
    args = request.view_args or {}
    left = None
    if left_page is not None and response.location.split("?", 1)[0] != request.path:
        application = services.get_application(args["application_id"])
        if application is not None and services.may_see_application(current_user, application.id):
            if application.status == ApplicationStatus.DRAFT.value:
                left = (application, left_page(args))
            elif request.endpoint == "applications.check_answers":
                journey_counts.idea_sent(application)
    target = _sent_to(response.location)
    draft = _draft(target[0]) if target is not None else None
    if left is not None or draft is not None:
        journey_counts.moved_on(left, (draft, target[1]) if draft is not None and target is not None else None)
    return response
