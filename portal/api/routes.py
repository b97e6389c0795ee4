"""/api/v1: published data only (grants, public stories, pot totals), paged, rate-limited, no personal data."""

from __future__ import annotations

import functools
from typing import Any, cast

import flask
from flask import Flask, request
from flask_smorest import Api, Blueprint, abort

from portal.api import schemas
from portal.common.access import public
from portal.common.urls import absolute_url
from portal.extensions import limiter
from portal.opendata import services as open_data
from portal.payments.ledger import ledger
from portal.stories import photo_services, publishing

api = Api()
bp = Blueprint(
    "api", __name__, url_prefix="/api/v1", description="Published data: grants, residents' public stories, pot totals."
)
# One allowance for the whole API (every list and its OpenAPI document) per address, as the README promises: a
# limit on the blueprint alone would count each endpoint apart, so four endpoints would allow four times as much.
API_LIMIT = limiter.shared_limit("120 per minute", scope="api")
API_LIMIT(bp)
GRANTS_PER_PAGE = 100


# Story content is never kept by shared caches: a resident may withdraw consent at any moment, and a copy in a proxy
# or CDN would outlive it. Nor is an error (a 429 kept by a CDN would refuse everyone behind it).
NEVER_KEPT = frozenset({"api.list_stories"})


@bp.after_request
def open_to_everyone(response: Any) -> Any:
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code >= 400 or request.endpoint in NEVER_KEPT:
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


@bp.get("")
@public
@bp.response(200, schemas.Index)
def index() -> dict[str, Any]:
    """What is here: each list's address, and the OpenAPI document that describes them."""
    return {
        "grants": absolute_url("api.list_grants"),
        "stories": absolute_url("api.list_stories"),
        "pots": absolute_url("api.list_pots"),
        "openapi": absolute_url("api-docs.openapi_json"),
    }


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


@bp.get("/grants")
@public
@bp.arguments(schemas.PageArgs, location="query")
@bp.response(200, schemas.GrantPage)
def list_grants(args: dict[str, Any]) -> dict[str, Any]:
    """Awarded grants in the 360Giving Data Standard, oldest first, 100 a page."""
    if not open_data.get_settings().is_ready:
        abort(404, message="The programme has not published its grants yet.")
    grants, total = open_data.grant_page(args["page"], GRANTS_PER_PAGE)
    return {"page": args["page"], "pages": _pages(total, GRANTS_PER_PAGE), "total": total, "grants": grants}


@bp.get("/stories")
@public
@bp.arguments(schemas.PageArgs, location="query")
@bp.response(200, schemas.StoryPage)
def list_stories(args: dict[str, Any]) -> dict[str, Any]:
    """Stories residents allowed the public to read, newest first, 10 a page, without anyone's name."""
    found = publishing.list_public_stories(args["page"])
    return {
        "page": found.page,
        "pages": found.pages,
        "total": found.total,
        "stories": [_story(story) for story in found.stories],
    }


def _story(story: Any) -> dict[str, Any]:
    def photo_url(photo: Any, size: str) -> str:
        return absolute_url("story_photos.show_photo", photo_id=photo.id, size=size)

    return {
        "id": story.id,
        "title": story.shown_title,
        "text": story.shown_text,
        "neighbourhood": story.application.pot.neighbourhood.name,
        "published_at": story.published_at,
        "url": absolute_url("stories.show_public_story", story_id=story.id),
        "photos": [
            {
                "large": photo_url(photo, "large"),
                "small": photo_url(photo, "small"),
                "alt": photo.alt_text,
                "width": photo.large_width,
                "height": photo.large_height,
            }
            for photo in photo_services.public_photos(story)
        ],
    }


@bp.get("/pots")
@public
@bp.response(200, schemas.PotList)
def list_pots() -> dict[str, Any]:
    """Each pot's budget, what has been awarded and paid from it, and what is left, in pence."""
    return {
        "pots": [
            {
                "id": row.pot.id,
                "pot": row.pot.name,
                "neighbourhood": row.pot.neighbourhood.name,
                "budget_pence": row.budget_pence,
                "awarded_pence": row.awarded_pence,
                "paid_pence": row.paid_pence,
                "remaining_pence": row.remaining_pence,
            }
            for row in ledger()
        ]
    }


def init_api(app: Flask) -> None:
    app.config.update(
        API_TITLE=f"{app.config['PROGRAMME_NAME']} open data API",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api.init_app(app)
    api.register_blueprint(bp)
    API_LIMIT(cast(flask.Blueprint, app.blueprints["api-docs"]))
    # The OpenAPI document is public, like the data it describes.
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api-docs.") and not hasattr(view, "access"):
            app.view_functions[endpoint] = public(functools.wraps(view)(lambda *a, _view=view, **k: _view(*a, **k)))
