"""The read-only API, tested against its own OpenAPI document: every answer (errors too) matches the schema the
document gives for it; pages, a rate limit, and no personal data."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from portal.domain.roles import Role
from portal.stories import publishing
from tests.factories import make_staff
from tests.integration.opendata.test_open_data import PREFIX, grants_of_each_kind, publish_settings
from tests.integration.stories.test_stories import told_story

DOCUMENT = "urn:small-sparks:openapi"


@pytest.fixture
def conforms(client):
    """check(path, response): the response's JSON matches what the OpenAPI document says that path answers."""
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    registry = Registry().with_resource(DOCUMENT, Resource(contents=document, specification=DRAFT202012))

    def check(path: str, response) -> dict:
        assert response.mimetype == "application/json", response.mimetype
        answers = document["paths"][path]["get"]["responses"]
        described = answers.get(str(response.status_code)) or answers["default"]
        if "$ref" in described:  # a shared response, such as the default error
            described = document["components"]["responses"][described["$ref"].rsplit("/", 1)[1]]
        schema = described["content"]["application/json"]["schema"]
        pointer = schema["$ref"].split("#", 1)[1] if "$ref" in schema else None
        target = {"$ref": f"{DOCUMENT}#{pointer}"} if pointer else schema
        validator = Draft202012Validator(target, registry=registry)
        data = response.get_json()
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], errors
        return data

    return check


def test_the_document_describes_every_api_path(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"]) == {"/api/v1", "/api/v1/grants", "/api/v1/stories", "/api/v1/pots"}
    assert all("get" in item and len(item) == 1 for item in document["paths"].values())  # read-only


def test_grants_and_pots_match_the_document_and_the_open_data(client, conforms):
    publish_settings()
    person, group = grants_of_each_kind()
    data = conforms("/api/v1/grants", client.get("/api/v1/grants"))
    assert (data["page"], data["pages"], data["total"]) == (1, 1, 2)
    from_file = json.loads(client.get("/open-data/grants.json").get_data(as_text=True))["grants"]
    assert data["grants"] == from_file
    assert {g["id"] for g in data["grants"]} == {f"{PREFIX}-AWD-{person.award.id}", f"{PREFIX}-AWD-{group.award.id}"}
    assert conforms("/api/v1/grants", client.get("/api/v1/grants?page=2"))["grants"] == []
    pots = conforms("/api/v1/pots", client.get("/api/v1/pots"))["pots"]
    mine = next(p for p in pots if p["id"] == person.application.pot_id)
    assert mine["awarded_pence"] == 20_000 and mine["paid_pence"] == 20_000
    assert mine["remaining_pence"] == mine["budget_pence"] - 20_000


def test_stories_are_published_ones_only_without_names(client, conforms):
    case, story = told_story()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    assert conforms("/api/v1/stories", client.get("/api/v1/stories"))["stories"] == []
    publishing.publish_story(story.id, officer, public_text="We planted 200 bulbs.")
    data = conforms("/api/v1/stories", client.get("/api/v1/stories"))
    assert [s["text"] for s in data["stories"]] == ["We planted 200 bulbs."]
    photo = data["stories"][0]["photos"][0]
    assert photo["alt"] == "Neighbours planting bulbs" and photo["large"].endswith("/large")
    assert client.get(photo["large"].replace("http://localhost", "")).status_code == 200
    text = client.get("/api/v1/stories").get_data(as_text=True)
    for personal in (case.resident.name, case.resident.name.split()[0], case.resident.email):
        assert personal not in text  # the public page may show a first name the resident chose; the API never


def test_errors_are_json_as_documented(client, conforms):
    bad = client.get("/api/v1/stories?page=0")
    assert bad.status_code == 422
    assert "page" in conforms("/api/v1/stories", bad)["errors"]["query"]
    unpublished = client.get("/api/v1/grants")
    assert unpublished.status_code == 404
    assert conforms("/api/v1/grants", unpublished)["message"] == "The programme has not published its grants yet."
    assert client.get("/api/v1/nothing-here").get_json()["code"] == 404


def test_the_api_is_rate_limited_and_open_to_other_sites(client):
    first = client.get("/api/v1/pots")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    codes = [client.get("/api/v1/pots").status_code for _ in range(125)]
    assert codes.count(200) == 119 and codes[-1] == 429
    limited = client.get("/api/v1/pots")
    assert limited.status_code == 429 and limited.get_json()["code"] == 429


def test_the_api_front_page_lists_what_is_there(client, conforms):
    index = conforms("/api/v1", client.get("/api/v1"))
    for name in ("grants", "stories", "pots", "openapi"):
        assert client.get(index[name].replace("http://localhost", "")).status_code in (200, 404), name
    assert index["openapi"].endswith("/api/v1/openapi.json")


def test_one_limit_covers_the_whole_api_for_each_address(client):
    here = {"REMOTE_ADDR": "198.51.100.7"}
    paths = ["/api/v1", "/api/v1/grants", "/api/v1/stories", "/api/v1/pots", "/api/v1/openapi.json"]
    answers = [client.get(paths[n % len(paths)], environ_base=here) for n in range(120)]
    assert all(answer.status_code != 429 for answer in answers)  # 404 for grants: nothing is published yet
    refused = client.get("/api/v1/stories", environ_base=here)
    assert refused.status_code == 429 and refused.mimetype == "application/json"
    assert refused.get_json()["code"] == 429
    assert client.get("/api/v1/openapi.json", environ_base=here).status_code == 429
    elsewhere = client.get("/api/v1/stories", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert elsewhere.status_code == 200


def test_story_content_is_never_sent_cacheable_by_shared_caches(client):
    """Consent can be withdrawn at any moment; a copy in a proxy or CDN would outlive it. Every public answer
    that carries a story's words is checked, the open-data files too."""
    publish_settings()
    grants_of_each_kind()
    _, story = told_story(photos=())
    publishing.publish_story(story.id, make_staff(Role.PROGRAMME_OFFICER)[0], public_text="We planted 200 bulbs.")
    carried = []
    for url in (
        "/api/v1",
        "/api/v1/grants",
        "/api/v1/stories",
        "/api/v1/stories?page=2",
        "/api/v1/pots",
        "/api/v1/openapi.json",
        "/open-data/grants.json",
        "/open-data/grants.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        if "We planted 200 bulbs." in response.get_data(as_text=True) or url.startswith("/api/v1/stories"):
            carried.append(url)
            assert response.headers["Cache-Control"] == "no-store", url
    assert carried == ["/api/v1/stories", "/api/v1/stories?page=2"]
    assert client.get("/api/v1/grants").headers["Cache-Control"] == "public, max-age=60"  # no story: may be kept


def test_api_errors_are_never_kept_by_caches(client):
    assert client.get("/api/v1/grants").status_code == 404  # not published yet: kept, it would hide publication
    assert client.get("/api/v1/grants").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/stories?page=0").headers["Cache-Control"] == "no-store"
    for _ in range(120):
        client.get("/api/v1/pots")
    limited = client.get("/api/v1/pots")
    assert limited.status_code == 429 and limited.headers["Cache-Control"] == "no-store"
