"""Assets a phone downloads once: pages link content-hashed names, served to be kept for a year."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_pages_link_the_hashed_assets_and_browsers_keep_them_for_a_year(client):
    manifest = json.loads((ROOT / "static" / "manifest.json").read_text())
    page = client.get("/").get_data(as_text=True)
    for plain in ("css/app.css", "js/app.mjs"):
        hashed = manifest[plain]
        assert re.search(r"\.[0-9a-f]{12}\.", hashed), hashed
        assert f"/static/{hashed}" in page and f'"/static/{plain}"' not in page
        response = client.get(f"/static/{hashed}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The module's own import names GOV.UK Frontend's hashed file, so that is fetched once too.
    module = client.get(f"/static/{manifest['js/app.mjs']}").get_data(as_text=True)
    frontend = manifest["js/govuk-frontend.min.js"].split("/")[-1]
    assert f'"./{frontend}"' in module
    assert "immutable" in client.get(f"/static/js/{frontend}").headers["Cache-Control"]


def test_a_plain_asset_name_is_still_served_but_checked_again_each_time(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")
