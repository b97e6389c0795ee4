"""Counting where residents give up (portal/applications/journey_counts.py), from outside the journey's views: after
a question page is shown it is counted as seen, and after its answers are saved and the resident sent on, as
continued. Only a draft's pages, only once the view has let the person in."""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user

from portal.applications import journey_counts, services
from portal.applications.routes import bp
from portal.domain.states import ApplicationStatus

# The journey's views, and the page each one is.
PAGES = {
    "applications.answer_question": lambda args: args["question"],
    "applications.answer_pot_question": lambda args: f"pot-question-{args['number']}",
    "applications.costs": lambda args: "costs",
    "applications.finish_costs": lambda args: "costs",
    "applications.check_answers": lambda args: journey_counts.CHECK_ANSWERS,
}


@bp.after_request
def count_the_journey(response: Response) -> Response:
    page_of = PAGES.get(request.endpoint or "")
    if page_of is None or response.status_code not in (200, 302):
        return response
    args = request.view_args or {}
    if not current_user.is_authenticated or not services.may_see_application(current_user, args["application_id"]):
        return response  # sent to sign in, or not theirs: nothing was shown or saved
    application = services.get_application(args["application_id"])
    if application is None:
        return response
    page = page_of(args)
    if request.method == "GET" and response.status_code == 200:
        if application.status == ApplicationStatus.DRAFT.value and request.endpoint != "applications.finish_costs":
            journey_counts.page_seen(application, page)
    elif request.method == "POST" and response.status_code == 302 and response.location != request.path:
        if page == journey_counts.CHECK_ANSWERS:
            if application.status != ApplicationStatus.DRAFT.value:
                journey_counts.idea_sent(application)
        elif application.status == ApplicationStatus.DRAFT.value and request.endpoint != "applications.costs":
            journey_counts.page_continued(application, page)
    return response
