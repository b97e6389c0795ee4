"""The API keeps to its own contract: Schemathesis reads /api/v1/openapi.json from the app and sends the requests
it generates from it (documented examples, the coverage of every parameter's edges, undeclared methods, and
random fuzzing) through the WSGI app, with all of its default checks. The seed and the number of examples are
fixed, so a run is the same on every machine; a failure prints the request that reproduces it."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from portal.domain.roles import Role
from portal.extensions import limiter
from portal.stories import publishing
from portal.stories.models import Consent
from tests.factories import make_staff
from tests.integration.opendata.test_open_data import grants_of_each_kind, publish_settings
from tests.integration.stories.test_stories import told_story

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260401,
        # Positive and negative data; "database" none: nothing is saved between runs, so every run is the same.
        "generation": {"mode": "all", "max-examples": 50, "database": "none"},
        # Schemathesis sends requests' default Accept-Encoding but its WSGI client does not decompress what
        # Flask-Compress then sends; a real client does. Ask for plain bodies so every check can read them.
        "headers": {"Accept-Encoding": "identity"},
    }
)

ALLOWED_ON_THE_API = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def api_schema(app, db_session, request):
    """The document as the app serves it, over published grants (to a person and to a group) and a public story."""
    publish_settings()
    grants_of_each_kind()
    _, story = told_story(consent=Consent.PUBLIC_ANONYMOUS, photos=())
    publishing.publish_story(story.id, make_staff(Role.PROGRAMME_OFFICER)[0], public_text="We planted 200 bulbs.")
    # Schemathesis 4.32 names each operation's subtest through pytest 8's private `_nodeid`; pytest 9 has none.
    request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_the_api_keeps_to_its_own_openapi_document(case):
    limiter.reset()  # the rate limit has its own test; here every generated request must reach the API itself
    case.call_and_validate()


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "PATCH", "DELETE", "CONNECT"])
def test_every_method_the_api_does_not_offer_is_refused_with_the_methods_it_does(client, method):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in [*document["paths"], "/api/v1/openapi.json"]:
        response = client.open(path, method=method)
        assert response.status_code == 405, (method, path, response.status_code)
        assert set(response.headers["Allow"].replace(" ", "").split(",")) == ALLOWED_ON_THE_API, (method, path)
        assert response.get_json()["code"] == 405


def test_a_page_of_the_site_refused_a_method_says_which_it_accepts_too(client):
    response = client.open("/privacy", method="DELETE")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
