"""Panel members see the neighbourhoods whose panels they sit on."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal.common.access import panel_neighbourhood, role_required
from portal.domain.roles import Role
from portal.programme.services import get_neighbourhood, list_neighbourhoods

bp = Blueprint("panels", __name__, url_prefix="/panels")


@bp.get("")
@role_required(Role.PANEL_MEMBER)
def list_panels() -> str:
    mine = [n for n in list_neighbourhoods() if n.id in current_user.panel_neighbourhood_ids]
    return render_template("panels/list_panels.html", neighbourhoods=mine)


@bp.get("/<int:neighbourhood_id>")
@panel_neighbourhood
def show_panel(neighbourhood_id: int) -> Any:
    neighbourhood = get_neighbourhood(neighbourhood_id) or abort(404)
    return render_template("panels/show_panel.html", neighbourhood=neighbourhood)
