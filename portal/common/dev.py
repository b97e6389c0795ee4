"""The development outbox: emails the portal would have sent. Registered only when MAIL_BACKEND is outbox.

It is public on purpose: a newcomer running `make run` reads their sign-in email here before they can sign in.
Production never registers this blueprint (ProductionConfig sets SHOW_DEV_OUTBOX to False).
"""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.common.access import public
from portal.common.email import list_outbox

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/outbox")
@public
def outbox() -> str:
    return render_template("dev/outbox.html", messages=list_outbox(limit=20))
