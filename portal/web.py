"""The app shell: the register_* steps create_app runs to wire every feature in (extensions, templates and the layout,
blueprints, commands) and every module that defines background jobs. The error pages are in portal/errors.py."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup
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
import portal.retention.copies  # noqa: F401
import portal.retention.rules  # noqa: F401
import portal.stories.invitations  # noqa: F401
import portal.stories.photo_services  # noqa: F401
import portal.stories.services  # noqa: F401
import portal.stories.still_going  # noqa: F401
from portal.accounts import contact_routes  # noqa: F401 - its pages join the accounts blueprint
from portal.accounts.cli import users_cli
from portal.accounts.routes import bp as accounts_bp
from portal.accounts.services import load_user_from_session
from portal.api.routes import init_api
from portal.applications import (  # noqa: F401 - their pages join the applications blueprint
    agreement_routes,
    assisted_routes,
    counting_routes,
    eligibility_routes,
    letter_routes,
    not_yet_routes,
    patch_routes,
    pot_question_routes,
)
from portal.applications.cli import drafts_cli
from portal.applications.journey import FIELD_LABELS
from portal.applications.routes import bp as applications_bp
from portal.assetmap import introduction_routes, profile_routes  # noqa: F401 - their pages join the assetmap blueprint
from portal.assetmap.routes import bp as assetmap_bp
from portal.awards.routes import bp as awards_bp
from portal.common.cli import audit_cli, backup_cli, jobs_cli, keys_cli
from portal.common.crypto import fernet_keys
from portal.common.dev import bp as dev_bp
from portal.common.forms import error_summary
from portal.common.fragments import fragment_marks, kept_fragment
from portal.common.front_door import address_language, init_front_door
from portal.common.jobs import init_jobs
from portal.common.languages import in_words_around, written
from portal.common.markup import breakable, nowrap
from portal.common.navigation import service_navigation
from portal.common.page_cache import init_page_cache, register_page_keeping, serve_kept
from portal.common.paging import page_url
from portal.common.time import utcnow
from portal.demo.data import demo_data
from portal.domain.asset_map import tile_origin
from portal.domain.direction import direction_of
from portal.domain.mobiles import shown as shown_mobile
from portal.domain.money import format_pence
from portal.extensions import babel, compress, csrf, db, limiter, login_manager, migrate, talisman
from portal.insight import evaluation_routes  # noqa: F401 - its pages join the insight blueprint
from portal.insight.reach_routes import bp as reach_bp
from portal.insight.routes import bp as insight_bp
from portal.insight.routes import downloads as exports_bp
from portal.opendata.routes import bp as opendata_bp
from portal.pages.routes import bp as pages_bp
from portal.panels import translation_routes  # noqa: F401 - its pages join the panels blueprint
from portal.panels.routes import answers as answers_bp
from portal.panels.routes import bp as panels_bp
from portal.payments import finance_awards, finance_runs  # noqa: F401 - their pages join the finance blueprint
from portal.payments.finance import finance as finance_bp
from portal.payments.payee_routes import bp as payments_bp
from portal.programme import question_routes, text_routes  # noqa: F401 - their pages join the programme blueprint
from portal.programme.routes import bp as programme_bp
from portal.retention.routes import bp as retention_bp
from portal.stories import still_going_routes  # noqa: F401 - its pages join the stories blueprint
from portal.stories.moderation_routes import moderation as moderation_bp
from portal.stories.routes import bp as stories_bp
from portal.stories.routes import photos_bp

# The page's one inline script (GOV.UK Frontend's, marking the body as able to run JavaScript), allowed by its hash:
# a per-request nonce would make every public page different bytes for every visitor.
JS_ENABLED_SCRIPT = Markup(
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? "
    "' govuk-frontend-supported' : '');"
)
JS_ENABLED_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(JS_ENABLED_SCRIPT.encode()).digest()).decode() + "'"

CSP = {
    "default-src": "'self'",
    "script-src": f"'self' {JS_ENABLED_HASH}",
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
    """The language the address names (`/cy/…`), else the one chosen with the switch, else the signed-in person's,
    else English (never guessed from the browser: a public page is the same for everyone at its address)."""
    languages = current_app.config["LANGUAGES"]
    chosen = address_language() or session.get("lang")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return "en"


def _tiles_allowed(response: Any) -> Any:
    """Where the programme configures a tile server for the neighbourhoods' maps, its images are allowed; nothing
    else from any other server."""
    origin = tile_origin(current_app.config.get("MAP_TILE_URL", ""))
    policy = response.headers.get("Content-Security-Policy")
    if origin and policy:
        response.headers["Content-Security-Policy"] = policy.replace(
            f"img-src {CSP['img-src']}", f"img-src {CSP['img-src']} {origin}", 1
        )
    return response


def register_extensions(app: Flask) -> None:

    fernet_keys(app.config["ENCRYPTION_KEY"])  # a key that is not a real Fernet key stops the app here, not later
    init_page_cache(app)
    register_page_keeping(app)  # first: it keeps a page with the headers every later-registered hook gives it
    init_front_door(app, serve_kept)  # inside ProxyFix, so it sees the scheme the proxy was asked with
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
    app.after_request(_tiles_allowed)  # registered before Talisman's, so it runs after Talisman has set the header
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS"],
        strict_transport_security_max_age=31536000,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    WTFormsHelpers(app)
    init_jobs(app)
    # Flask-Compress's streaming path does not close the file behind a static asset, so it is switched off and
    # assets (a few small files) are read into memory first, where the ordinary path compresses them.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)

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
    app.jinja_env.filters["shown_mobile"] = shown_mobile
    app.jinja_env.filters["direction"] = direction_of
    app.jinja_env.filters["isolated"] = in_words_around
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["written"] = written
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals["js_enabled_script"] = JS_ENABLED_SCRIPT
    app.jinja_env.globals["kept_fragment"] = kept_fragment
    app.jinja_env.globals["marks"] = fragment_marks()
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
        navigation = service_navigation()
        return {
            "current_language": language,
            "is_rtl": language in app.config["RTL_LANGUAGES"],
            "service_navigation": navigation,
            "navigation_key": tuple((item["href"], item["active"]) for item in navigation),
            "field_labels": field_labels(),
            "now": utcnow(),
        }


def field_labels() -> dict[str, Any]:
    return FIELD_LABELS


def register_blueprints(app: Flask) -> None:

    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(assetmap_bp)
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


def register_commands(app: Flask) -> None:

    app.cli.add_command(demo_data)
    app.cli.add_command(users_cli)
    app.cli.add_command(drafts_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(backup_cli)
