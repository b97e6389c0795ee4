"""The error pages: plain words for every error a person can meet, never a stack trace (the API answers in JSON)."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError, ServiceUnavailable

from portal.api.routes import api
from portal.common.storage import StoreUnavailable
from portal.domain.states import InvalidTransition
from portal.extensions import db, login_manager

log = logging.getLogger(__name__)


ERROR_TEXT = {
    400: (
        _l("Sorry, there is a problem with that request"),
        _l("Something in what was sent did not make sense to us. Go back and try again."),
    ),
    403: (
        _l("You cannot see this page"),
        _l("Your account does not let you see this page. If you think it should, talk to your programme officer."),
    ),
    404: (
        _l("Page not found"),
        _l(
            "If you typed the web address, check it is correct. If you pasted the web address, check you copied "
            "the entire address."
        ),
    ),
    405: (
        _l("Sorry, you cannot do that here"),
        _l("This page does not accept that kind of request. Go back and use the buttons on the page."),
    ),
    409: (
        _l("This changed while you were looking at it"),
        _l("Someone else changed this at the same moment. Go back, refresh the page and try again."),
    ),
    413: (_l("That file is too big"), _l("What you sent was larger than we can take. Go back and try a smaller file.")),
    429: (
        _l("Too many tries"),
        _l("You have tried this too many times in a short time. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later. What you saved before is still saved."),
    ),
    503: (
        _l("Sorry, the service is unavailable"),
        _l(
            "Try again in a few minutes. What you saved before is still saved. If you had just sent something, "
            "check whether it arrived before you send it again."
        ),
    ),
}


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[500])
    return render_template("errors/error.html", title=title, text=message or text, code=code), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, _("This page was open for too long or was sent twice. Go back, refresh the page and try again.")
        )

    @app.errorhandler(SecurityError)
    def unknown_host(error: SecurityError) -> Any:
        # A Host header that is not one of the portal's own names (TRUSTED_HOSTS): no address can be built for it,
        # so the answer is plain, without the layout's links.
        return app.response_class(str(ERROR_TEXT[400][0]), status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        return error_page(error)

    @app.errorhandler(InvalidTransition)
    def lost_a_race(error: InvalidTransition) -> tuple[str, int]:
        # A view that does not expect a status to have moved on meanwhile still gets a plain page, never a 500.
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        log.exception("unexpected error on %s %s", request.method, request.endpoint)
        db.session.rollback()
        return render_error(500)

    register_outage_handlers(app)


def error_page(error: HTTPException) -> Any:
    """The page for an HTTP error, or JSON under /api/, keeping what the error says in its headers."""
    if request.path.startswith("/api/"):  # the API answers in JSON, as its OpenAPI document says
        answer = current_app.make_response(api.handle_http_exception(error))
    elif (error.code or 500) in ERROR_TEXT:
        answer = current_app.make_response(render_error(error.code or 500))
    else:
        return error
    # What the error itself says in headers is kept: a 405's Allow (RFC 9110 requires it), a 429's Retry-After.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            answer.headers[name] = value
    return answer


def register_outage_handlers(app: Flask) -> None:
    """The database or the file store out of reach: a plain "try again" page (README: When something fails)."""

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    def database_unavailable(error: sa.exc.DBAPIError) -> Any:
        # The database is down, restarting, or dropped our connection (or, rarely, chose this request to end a
        # deadlock): a plain "try again" page. Nothing here may ask the database anything, not even who is signed
        # in; the pool checks each connection before use (pool_pre_ping), so the portal recovers by itself.
        log.error("the database failed on %s %s: %s", request.method, request.endpoint, type(error.orig).__name__)
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.close()
        g._login_user = login_manager.anonymous_user()  # flask-login's own cache of who is signed in
        return error_page(ServiceUnavailable(retry_after=30))

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(error: StoreUnavailable) -> Any:
        # The file store is down (a photo asked for): the same plain "try again" page as for the database.
        log.error("the file store failed on %s %s: %s", request.method, request.endpoint, error)
        return error_page(ServiceUnavailable(retry_after=30))

    @app.teardown_appcontext
    def drop_a_dead_connection(error: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own teardown (registered earlier), whose rollback raises when the database
        # ended the connection after the answer was made: the server would then send a bare 500 in its place.
        try:
            db.session.close()
        except sa.exc.DBAPIError:
            db.session().invalidate()  # the scoped session proxies close, not invalidate
