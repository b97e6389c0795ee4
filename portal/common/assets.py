"""Static assets under the content-hashed names the build lists in static/manifest.json, kept by browsers for a
year: a resident's second page asks for no asset again, and a new build is new names, so nothing goes stale."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request

YEAR_SECONDS = 365 * 24 * 3600


class Manifest:
    """The build's map from each asset's plain name to its hashed name, read again whenever the build rewrites it."""

    def __init__(self, static_folder: str) -> None:
        self.path = Path(static_folder) / "manifest.json"
        self.stamp: int | None = None
        self.names: dict[str, str] = {}
        self.hashed: frozenset[str] = frozenset()
        self.build = "unbuilt"  # a short hash of the manifest: which build of the assets pages point to

    def current(self) -> dict[str, str]:
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:  # assets not built (a bare checkout): plain names still work
            return {}
        if stamp != self.stamp:
            text = self.path.read_text()
            self.names = json.loads(text)
            self.hashed = frozenset(self.names.values())
            self.build = hashlib.sha256(text.encode()).hexdigest()[:12]
            self.stamp = stamp
        return self.names


def asset_build() -> str:
    """Which build of the static assets the pages now point to (it changes whenever the build rewrites them)."""
    manifest: Manifest = current_app.extensions["asset_manifest"]
    manifest.current()
    return manifest.build


def register_assets(app: Flask) -> None:
    manifest = Manifest(app.static_folder or "static")
    app.extensions["asset_manifest"] = manifest

    @app.url_defaults
    def content_hashed_names(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in manifest.current():
            values["filename"] = manifest.names[values["filename"]]

    @app.after_request
    def keep_hashed_assets_for_a_year(response: Any) -> Any:
        if request.endpoint == "static" and response.status_code in (200, 304):
            manifest.current()
            if (request.view_args or {}).get("filename") in manifest.hashed:
                response.cache_control.public = True
                response.cache_control.max_age = YEAR_SECONDS
                response.cache_control.immutable = True
                response.cache_control.no_cache = None
        return response
