"""A community builder's patch (/neighbourhoods/<slug>/ideas): every idea in the neighbourhood by stage; these pages
join the applications blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template

from portal.applications import patch
from portal.applications.routes import bp
from portal.assetmap import services as map_services
from portal.common.access import object_access


def _builds_here(user: Any, kwargs: dict[str, Any]) -> bool:
    return map_services.builds_in(user, kwargs["slug"])


@bp.get("/neighbourhoods/<string:slug>/ideas")
@object_access(_builds_here, "the neighbourhood's community builders, and every programme officer")
def show_patch(slug: str) -> str:
    neighbourhood = map_services.shown_neighbourhood(slug) or abort(404)
    return render_template(
        "applications/patch.html",
        neighbourhood=neighbourhood,
        stages=patch.ideas_in_patch(neighbourhood.id),
        shown_a_stage=patch.SHOWN_A_STAGE,
        stalled_days=patch.STALLED_AFTER.days,
    )
