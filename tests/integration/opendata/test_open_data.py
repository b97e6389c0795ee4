"""Open data in the 360Giving Data Standard: the package validates against the published schema (read in place from
../shared/data/360giving), grants to people follow the guidance for individuals, groups get their own identifier,
and no resident's personal data is in any file."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from portal.common.audit import AuditEvent
from portal.common.crypto import encrypt
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.opendata import services
from portal.payments import services as payments
from tests.conftest import count_queries, explained, login_as, post_form
from tests.factories import make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award
from tests.integration.stories.helpers import paid_award

STANDARD = Path(__file__).resolve().parents[4] / "shared" / "data" / "360giving"
PREFIX = "360G-sparkstest"


def codelist(name: str) -> set[str]:
    with (STANDARD / "codelists" / name).open(encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def package_validator() -> Draft202012Validator:
    """The package schema, with the grant schema it names by URL resolved to the local copy (no network here)."""
    package = json.loads((STANDARD / "360-giving-package-schema.json").read_text())
    grant = json.loads((STANDARD / "360-giving-schema.json").read_text())
    url = package["properties"]["grants"]["items"]["$ref"]
    # The files say "$schema": "http://json-schema.org/draft/2020-12/schema" (http), which `referencing` does not
    # recognise; they are draft 2020-12, so say so.
    resource = Resource(contents=grant, specification=DRAFT202012)
    registry = Registry().with_resources([(url, resource), (grant["$id"], resource)])
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def publish_settings(officer=None):
    officer = officer or make_staff(Role.PROGRAMME_OFFICER)[0]
    return services.save_settings(
        officer,
        prefix=PREFIX,
        funder_name="Leeds Community Foundation",
        funder_id="GB-CHC-1096892",
        reason="GTIR120",
        purposes=["GTIP160", "GTIP150"],
    )


def grants_of_each_kind():
    person = paid_award()  # paid: it has an amount disbursed
    group = accepted_award(pence=9_000)
    group.application.applicant_type = "informal_group"
    group.application.group_name = '=HYPERLINK("http://evil.example")'
    place = group.application.pot.neighbourhood
    place.geo_code, place.geo_code_type = "E05011111", "WD"
    for case, phone, where in ((person, "07700 900123", "LS7 3EX"), (group, "07700 900456", "LS8 5QR")):
        case.application.contact_name = f"{case.resident.name} Secret"
        case.application.where_text = f"Outside 12 Elm Street, {where}"
        case.application.contact_phone_encrypted = encrypt(phone)
        case.resident.name = "Rosa Resident"
    db.session.commit()
    payments.save_payee_details(group.application.id, group.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    return person, group


def package(client) -> dict:
    response = client.get("/open-data/grants.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_the_package_validates_with_a_grant_to_a_person_and_one_to_a_group(client, package_validator):
    publish_settings()
    person, group = grants_of_each_kind()
    data = package(client)
    errors = sorted(package_validator.iter_errors(data), key=lambda e: e.path)
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    grants = {g["id"]: g for g in data["grants"]}
    assert set(grants) == {f"{PREFIX}-AWD-{person.award.id}", f"{PREFIX}-AWD-{group.award.id}"}
    # Not the idea's reference: that is on the resident's receipt and would let anyone who saw it find the grant.
    assert person.application.reference not in json.dumps(data)

    to_person = grants[f"{PREFIX}-AWD-{person.award.id}"]
    assert to_person["recipientIndividual"] == {"id": f"{PREFIX}-IND-{person.award.id}", "name": "Individual Recipient"}
    assert "recipientOrganization" not in to_person
    assert to_person["title"] == "Small Sparks grant to an individual"  # generic: nothing of the idea or the person
    assert person.application.idea_name not in json.dumps(to_person)
    details = to_person["toIndividualsDetails"]
    assert details["primaryGrantReason"] in codelist("grantToIndividualsReason.csv")
    assert set(details["grantPurpose"]) <= codelist("grantToIndividualsPurpose.csv") and details["grantPurpose"]
    assert to_person["amountAwarded"] == 200 and to_person["amountDisbursed"] == 200 and to_person["currency"] == "GBP"
    assert to_person["fundingOrganization"] == [{"id": "GB-CHC-1096892", "name": "Leeds Community Foundation"}]

    to_group = grants[f"{PREFIX}-AWD-{group.award.id}"]
    assert to_group["recipientOrganization"][0]["id"] == f"{PREFIX}-GRP-{group.application.id}"
    assert "recipientIndividual" not in to_group and "toIndividualsDetails" not in to_group
    assert to_group["amountAwarded"] == 90 and "amountDisbursed" not in to_group
    assert to_group["beneficiaryLocation"] == [
        {
            "name": group.application.pot.neighbourhood.name,
            "geoCode": "E05011111",
            "geoCodeType": "WD",
            "countryCode": "GB",
        }
    ]
    assert data["publisher"] == {"name": "Leeds Community Foundation", "identifier": "GB-CHC-1096892"}


def test_no_resident_s_personal_data_is_in_any_open_data_file(client):
    publish_settings()
    cases = grants_of_each_kind()
    files = [
        client.get("/open-data/grants.json").get_data(as_text=True),
        client.get("/open-data/grants.csv").get_data(as_text=True),
    ]
    for case in cases:
        personal = [
            case.resident.name,
            "Rosa",
            "Secret",
            case.resident.email,
            case.application.contact_name,
            "07700 900",
            "Elm Street",
            "LS7 3EX",
            "LS8 5QR",
            "00733445",
            "30-94-30",
            "309430",
            GOOD_BANK.account_name,
        ]
        for text in files:
            found = [value for value in personal if value and value in text]
            assert found == [], found


def test_the_csv_has_the_standard_s_columns_and_cannot_run_in_a_spreadsheet(client):
    publish_settings()
    person, group = grants_of_each_kind()
    response = client.get("/open-data/grants.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    by_id = {row["Identifier"]: row for row in rows}
    row = by_id[f"{PREFIX}-AWD-{group.award.id}"]
    assert row["Recipient Org:Name"].startswith("'=HYPERLINK")  # formula neutralised
    assert row["Beneficiary Location:Geographic Code"] == "E05011111"
    individual = by_id[f"{PREFIX}-AWD-{person.award.id}"]
    assert individual["Recipient Ind:Name"] == "Individual Recipient"
    assert individual["To Individuals Details:Grant Purpose"] == "GTIP150;GTIP160"
    assert individual["Amount Awarded"] == "200" and individual["Award Date"]


def test_only_accepted_awards_are_published_and_nothing_before_the_settings_are_set(client):
    offered = accepted_award()
    assert client.get("/open-data/grants.json").status_code == 404
    assert "has not published its grants yet" in client.get("/open-data").get_data(as_text=True)
    publish_settings()
    assert [g["id"] for g in package(client)["grants"]] == [f"{PREFIX}-AWD-{offered.award.id}"]
    offered.award.status = "declined"
    db.session.commit()
    # A package with no grants is not a valid 360Giving file: the page says so rather than publish one.
    response = client.get("/open-data/grants.json")
    assert response.status_code == 404 and "No grants have been awarded yet" in response.get_data(as_text=True)


def test_the_files_make_the_same_queries_for_2_or_8_grants(client):
    publish_settings()
    for _ in range(2):
        accepted_award()

    def queries() -> int:
        db.session.close()
        with count_queries() as statements:
            client.get("/open-data/grants.json").get_data()
            client.get("/open-data/grants.csv").get_data()
        return len(statements)

    few = queries()
    for _ in range(6):
        accepted_award()
    assert queries() == few <= 12


def test_programme_officers_set_the_open_data_settings_with_plain_errors(client):
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    form = {
        "prefix": "sparks",
        "funder_name": "Leeds Community Foundation",
        "funder_id": "charity 1096892",
        "reason": "GTIR120",
        "purposes": ["GTIP160"],
    }
    response = post_form(client, "/programme/open-data", form)
    explained(response, "Enter a 360Giving prefix like 360G-smallsparks", kept=["Leeds Community Foundation"])
    explained(response, "Enter an identifier like GB-LAE-LDS", kept=["charity 1096892"])  # both at once
    form["prefix"], form["funder_id"] = PREFIX, "GB-CHC-1096892"
    response = post_form(client, "/programme/open-data", form)
    assert response.status_code == 302
    assert services.get_settings().prefix == PREFIX
    assert db.session.query(AuditEvent).filter_by(action="open_data.settings_changed").count() == 1
    assert "The open data settings have been saved" in client.get("/programme/open-data").get_data(as_text=True)
    for role in (Role.FINANCE_OFFICER, Role.RESIDENT):
        login_as(client, make_staff(role)[0])
        assert client.get("/programme/open-data").status_code == 403


def test_a_neighbourhood_s_area_code_is_checked(client):
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    form = {
        "name": "Gipton",
        "description": "Homes around a green.",
        "host_organisation": "Gipton Hub",
        "builder_contact": "Sam at the hub",
        "decision_weeks": "2",
        "is_active": "y",
        "geo_code": "LS9 6NA",
        "geo_code_type": "WD",
    }
    explained(post_form(client, "/programme/neighbourhoods/new", form), "Enter an ONS code", kept=["Gipton Hub"])
    form["geo_code"], form["geo_code_type"] = "e05001234", ""
    explained(post_form(client, "/programme/neighbourhoods/new", form), "Select what kind of area the code is for")
    form["geo_code_type"] = "CTY"  # a ward's code (E05…) is not a county's
    explained(post_form(client, "/programme/neighbourhoods/new", form), "The code is not for this kind of area")
    form["geo_code_type"] = "WD"
    assert post_form(client, "/programme/neighbourhoods/new", form).status_code == 302
    from portal.programme.services import list_neighbourhoods

    saved = next(n for n in list_neighbourhoods() if n.name == "Gipton")
    assert (saved.geo_code, saved.geo_code_type) == ("E05001234", "WD")


def test_the_files_are_limited_to_a_few_a_minute_for_each_address(client):
    publish_settings()
    accepted_award()
    codes = [client.get("/open-data/grants.csv").status_code for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_changing_the_prefix_never_renames_a_grant_already_published(client):
    officer = make_staff(Role.PROGRAMME_OFFICER)[0]
    publish_settings(officer)
    person, group = grants_of_each_kind()
    before = {g["id"]: g for g in package(client)["grants"]}
    assert set(before) == {f"{PREFIX}-AWD-{person.award.id}", f"{PREFIX}-AWD-{group.award.id}"}

    def change_prefix(prefix):
        services.save_settings(
            officer,
            prefix=prefix,
            funder_name="Leeds Community Foundation",
            funder_id="GB-CHC-1096892",
            reason="GTIR120",
            purposes=["GTIP160"],
        )

    change_prefix("360G-renamed")
    later = paid_award()  # published after the change
    change_prefix("360G-third")  # and a second change leaves both as they were first published
    after = {g["id"]: g for g in package(client)["grants"]}
    assert set(after) == set(before) | {f"360G-renamed-AWD-{later.award.id}"}
    assert after[f"{PREFIX}-AWD-{person.award.id}"]["recipientIndividual"]["id"] == f"{PREFIX}-IND-{person.award.id}"
    assert after[f"{PREFIX}-AWD-{group.award.id}"]["recipientOrganization"][0]["id"] == (
        f"{PREFIX}-GRP-{group.application.id}"
    )
    assert after[f"360G-renamed-AWD-{later.award.id}"]["recipientIndividual"]["id"] == (
        f"360G-renamed-IND-{later.award.id}"
    )
    newest = paid_award()
    ids = {row["Identifier"] for row in csv.DictReader(io.StringIO(client.get("/open-data/grants.csv").text))}
    assert f"360G-third-AWD-{newest.award.id}" in ids and f"{PREFIX}-AWD-{person.award.id}" in ids
    api = {g["id"] for g in client.get("/api/v1/grants").get_json()["grants"]}
    assert api == ids
    # The programme's code is one for all its grants, so it follows the prefix now in use.
    assert {g["grantProgramme"][0]["code"].split("-POT-")[0] for g in after.values()} == {"360G-third"}


def test_the_settings_page_says_a_published_grant_keeps_its_identifier(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = client.get("/programme/open-data").get_data(as_text=True)
    assert "A grant keeps the identifier it was first published with." in html.unescape(page)


def test_the_open_data_page_links_to_the_api_and_the_csv_says_its_encoding_once(client):
    """Found on a new user's walk: the API's address was plain text, and the CSV's Content-Type read
    "text/csv; charset=utf-8; charset=utf-8"."""
    publish_settings()
    grants_of_each_kind()
    page = client.get("/open-data").get_data(as_text=True)
    assert re.search(r'<a class="govuk-link[^"]*" href="http://[^"]+/api/v1/?">http://[^<]+/api/v1/?</a>', page)
    assert client.get("/open-data/grants.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
