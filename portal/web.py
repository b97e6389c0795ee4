"""The register_* steps create_app runs: extensions, templates, security, blueprints, errors, commands."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, flash, has_request_context, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

# Every module that defines background jobs: each registers its jobs (@job) when imported, so the app (and so every
# worker process, which builds it) knows them all. Common and the features never import one another's jobs.
import portal.applications.jobs  # noqa: F401
import portal.common.audit  # noqa: F401
import portal.common.email  # noqa: F401
import portal.common.sqlite  # noqa: F401 - SQLite transaction behaviour
import portal.insight.reports  # noqa: F401
import portal.models  # noqa: F401 - registers every table
import portal.payments.exports  # noqa: F401
import portal.stories.services  # noqa: F401
from portal.accounts.cli import users_cli
from portal.accounts.routes import bp as accounts_bp
from portal.accounts.services import load_user_from_session
from portal.api.routes import api, init_api
from portal.applications.cli import drafts_cli
from portal.applications.journey import FIELD_LABELS
from portal.applications.routes import bp as applications_bp
from portal.awards.routes import bp as awards_bp
from portal.common.cli import audit_cli, jobs_cli, keys_cli
from portal.common.crypto import fernet_keys
from portal.common.dev import bp as dev_bp
from portal.common.forms import error_summary
from portal.common.jobs import init_jobs
from portal.common.page_cache import init_page_cache
from portal.common.paging import page_url
from portal.common.time import utcnow
from portal.common.urls import is_local_request
from portal.demo.data import demo_data
from portal.domain.money import format_pence
from portal.domain.roles import Role
from portal.domain.states import InvalidTransition
from portal.extensions import babel, compress, csrf, db, limiter, login_manager, migrate, talisman
from portal.insight.reach_routes import bp as reach_bp
from portal.insight.routes import bp as insight_bp
from portal.insight.routes import downloads as exports_bp
from portal.opendata.routes import bp as opendata_bp
from portal.pages.routes import bp as pages_bp
from portal.panels.routes import answers as answers_bp
from portal.panels.routes import bp as panels_bp
from portal.payments import finance_awards, finance_runs  # noqa: F401 - their pages join the finance blueprint
from portal.payments.finance import finance as finance_bp
from portal.payments.payee_routes import bp as payments_bp
from portal.programme.routes import bp as programme_bp
from portal.stories.routes import bp as stories_bp
from portal.stories.routes import moderation as moderation_bp
from portal.stories.routes import photos_bp

log = logging.getLogger(__name__)

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def select_locale() -> str:
    """The language chosen with the switch, else the signed-in person's, else the browser's, else English."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(list(languages)) or "en"


def register_extensions(app: Flask) -> None:

    fernet_keys(app.config["ENCRYPTION_KEY"])  # a key that is not a real Fernet key stops the app here, not later
    if app.config["TRUSTED_PROXIES"]:
        # Only this many proxies' X-Forwarded-* headers are believed, so a client cannot pose as another address.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user_from_session)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.session_protection = None  # the session is renewed at sign-in and ended by token rotation
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS"],
        strict_transport_security_max_age=31536000,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    WTFormsHelpers(app)
    init_jobs(app)
    # Flask-Compress's streaming path does not close the file behind a static asset, so it is switched off and
    # assets (a few small files) are read into memory first, where the ordinary path compresses them.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    init_page_cache(app)

    @app.after_request  # registered after Compress, so it runs before Compress's own hook
    def read_static_files_for_compression(response: Any) -> Any:
        if request.endpoint == "static" and response.direct_passthrough:
            # Read (200) or dropped (304) now, and the file closed here: a browser that drops the connection (as
            # Chromium does with an icon on a quick navigation) would otherwise leave it open.
            response.direct_passthrough = False
            data = response.get_data() if response.status_code == 200 else b""
            response.close()
            response.set_data(data)
        return response

    app.permanent_session_lifetime = timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"])


def register_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [
            FileSystemLoader(app.template_folder),  # type: ignore[arg-type]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.filters["money"] = format_pence
    app.jinja_env.filters["nowrap"] = nowrap
    app.jinja_env.filters["breakable"] = breakable
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        """What the layout needs, worked out once a request: Flask asks again for every template rendered, and each
        govuk-frontend-wtf field renders a template of its own."""
        if not has_request_context():
            return _layout_context()
        if "portal.layout_context" not in request.environ:
            request.environ["portal.layout_context"] = _layout_context()
        return request.environ["portal.layout_context"]  # type: ignore[no-any-return]

    def _layout_context() -> dict[str, Any]:
        from flask_babel import get_locale

        language = str(get_locale() or "en")
        return {
            "current_language": language,
            "is_rtl": language in app.config["RTL_LANGUAGES"],
            "service_navigation": service_navigation(),
            "field_labels": field_labels(),
            "now": utcnow(),
        }


def nowrap(text: Any) -> Markup:
    """Text kept on one line, such as a reference with a hyphen in it ("6TZU-7WWZ")."""
    return Markup('<span class="app-nowrap">%s</span>') % text


def breakable(text: Any) -> Markup:
    """A long unbroken string, such as an email address, that may break anywhere rather than push a narrow page
    sideways (every other word breaks only between words)."""
    return Markup('<span class="govuk-!-text-break-word">%s</span>') % text


def service_navigation() -> list[dict[str, Any]]:
    """The links in the header, by what the signed-in person may do."""
    items: list[tuple[str, str, bool]] = [(_("Home"), "pages.home", True)]
    if current_user.is_authenticated:
        items.append((_("Your ideas"), "applications.list_ideas", current_user.has_role(Role.RESIDENT)))
        items.append(
            (_("Ideas you helped with"), "applications.list_assisted", current_user.has_role(Role.COMMUNITY_BUILDER))
        )
        items.append(
            (
                _("Panels") if current_user.has_role(Role.PROGRAMME_OFFICER) else _("Your panels"),
                "panels.list_panels",
                current_user.has_role(Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER),
            )
        )
        items.append(
            (_("Neighbourhoods"), "programme.list_neighbourhoods", current_user.has_role(Role.PROGRAMME_OFFICER))
        )
        items.append((_("Stories"), "moderation.list_stories", current_user.has_role(Role.PROGRAMME_OFFICER)))
        items.append(
            (_("Insight"), "insight.show_dashboard", current_user.has_role(Role.PROGRAMME_OFFICER, Role.VIEWER))
        )
        items.append((_("Payments"), "finance.list_payments", current_user.has_role(Role.FINANCE_OFFICER)))
        items.append((_("Your account"), "accounts.account", True))
        if app_shows_outbox():
            items.append((_("Outbox"), "dev.outbox", True))
    else:
        items.append((_("Sign in"), "accounts.sign_in", True))
    result = []
    for text, endpoint, allowed in items:
        if allowed:
            href = url_for(endpoint)
            result.append({"text": text, "href": href, "active": request.path == href})
    return result


def field_labels() -> dict[str, Any]:
    return FIELD_LABELS


def app_shows_outbox() -> bool:
    return (
        bool(current_app.config["SHOW_DEV_OUTBOX"])
        and current_app.config["MAIL_BACKEND"] == "outbox"
        and is_local_request()
    )


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def end_idle_and_old_sessions() -> Any:
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = int(utcnow().timestamp())
        last = session.get("last_active", now)
        idle = now - last > app.config["IDLE_TIMEOUT_MINUTES"] * 60
        # A session without its start time predates the limit: it is treated as just begun, never as endless.
        started = session.setdefault("signed_in_at", now)
        too_old = now - started > app.config["SESSION_MAX_HOURS"] * 3600
        if idle or too_old:
            logout_user()
            session.clear()
            flash(
                _("You were signed out because you had not done anything for a while. Sign in again to carry on.")
                if idle
                else _("You were signed out because you signed in a long time ago. Sign in again to carry on.")
            )
            return redirect(url_for("accounts.sign_in"))
        session["last_active"] = now
        session.permanent = True
        return None

    @app.after_request
    def personal_pages_are_not_stored(response: Any) -> Any:
        if request.endpoint != "static" and (current_user.is_authenticated or request.method == "POST"):
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def register_blueprints(app: Flask) -> None:

    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(panels_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(answers_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(finance_bp)
    app.register_blueprint(stories_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(photos_bp)
    app.register_blueprint(opendata_bp)
    app.register_blueprint(insight_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(reach_bp)
    init_api(app)
    if app.config["SHOW_DEV_OUTBOX"] and app.config["MAIL_BACKEND"] == "outbox":
        app.register_blueprint(dev_bp)


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
        if request.path.startswith("/api/"):  # the API answers in JSON, as its OpenAPI document says
            answer = app.make_response(api.handle_http_exception(error))
        elif (error.code or 500) in ERROR_TEXT:
            answer = app.make_response(render_error(error.code or 500))
        else:
            return error
        # What the error itself says in headers is kept: a 405's Allow (RFC 9110 requires it), a 429's Retry-After.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                answer.headers[name] = value
        return answer

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


def register_commands(app: Flask) -> None:

    app.cli.add_command(demo_data)
    app.cli.add_command(users_cli)
    app.cli.add_command(drafts_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(keys_cli)
