"""The Small Sparks portal: participatory micro-grants for neighbourhoods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None) -> Flask:
    """Build the portal with `config` (a class or mapping), or from the environment."""
    # Imported here, so `import portal.domain` stays free of Flask and the database (tests/unit check it).
    from portal.common.assets import register_assets
    from portal.common.front_door import Portal
    from portal.common.sessions import register_session_hooks
    from portal.config import PROJECT_ROOT, config_from_environment
    from portal.errors import register_error_handlers
    from portal.web import register_blueprints, register_commands, register_extensions, register_templates

    app = Portal(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    if isinstance(config, Mapping):
        app.config.from_mapping(config)
    else:
        app.config.from_object(config or config_from_environment())
    register_extensions(app)
    register_templates(app)
    register_assets(app)
    register_session_hooks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app
