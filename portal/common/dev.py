"""The development outbox: emails the portal would have sent. Registered only when MAIL_BACKEND is outbox.

It needs no sign-in on purpose: a newcomer running `make run` reads their sign-in email here before they can sign in.
So it answers only requests from the machine itself (anyone else gets "Page not found"), and production never
registers it (ProductionConfig sets SHOW_DEV_OUTBOX to False).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.common.access import public
from portal.common.email import list_outbox
from portal.common.urls import is_local_request

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/outbox")
@public
def outbox() -> str:
    if not is_local_request():
        abort(404)
    return render_template("dev/outbox.html", messages=list_outbox(limit=20))
