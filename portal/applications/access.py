"""Who may see an application's pages: the resident whose idea it is, or the community builder who entered it."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from portal.applications.services import may_see_application
from portal.common.access import object_access

your_application = object_access(
    lambda user, kwargs: may_see_application(user, kwargs["application_id"]),
    "this application is yours, or you entered it with the resident",
)


def yours_only(application: Any) -> None:
    """The resident's own decisions: a community builder who helped does not accept or answer for them (404)."""
    if current_user.id != application.applicant_id:
        abort(404)
