"""The evaluator's download: pseudonymised, consented data. Names, emails, phone numbers, postcodes and addresses
are planted everywhere a resident or builder could write them, and none reaches the files; stories residents did
not agree to share, people's gifts, and where or whom to ask are not there at all."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from portal.assetmap.models import MapEntry, ResidentProfile
from portal.common.audit import AuditEvent
from portal.domain.pseudonyms import scrub
from portal.domain.roles import Role
from portal.extensions import db
from portal.stories import services as stories
from tests.conftest import login_as
from tests.factories import UserFactory, make_staff
from tests.integration.insight.helpers import published_story
from tests.integration.stories.helpers import paid_award

URL = "/insight/evaluation/small-sparks-evaluation.zip"
PLANTED = (
    "Rosa Resident",
    "Rosa",
    "rosa.resident@example.org",
    "07700 900123",
    "0113 496 0123",
    "LS8 3QB",
    "14 Roundhay Road",
    "Flat 2",
    "Nadia",
    "Bob Builder",
    "bob@example.org",
    "07700 900999",
)


def download(client) -> dict[str, str]:
    response = client.get(URL)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def a_programme_full_of_personal_details():
    text = (
        "Rosa Resident ran it with her neighbours. Call Rosa on 07700 900123 or 0113 496 0123, or email "
        "rosa.resident@example.org. We met at 14 Roundhay Road, LS8 3QB, and at Flat 2 round the corner. "
        "Forty people planted bulbs."
    )
    case, _story_id = published_story(text)
    case.resident.name, case.resident.email = "Rosa Resident", "rosa.resident@example.org"
    case.resident.postal_address = "Flat 2, 14 Roundhay Road, Leeds"
    place = case.application.pot.neighbourhood
    hidden = paid_award()  # a story kept to the programme
    stories.save_story(hidden.application.id, hidden.resident, what_happened="PROGRAMME ONLY WORDS", consent=None)
    nadia = UserFactory(name="Nadia Needle")
    db.session.add(ResidentProfile(user_id=nadia.id, neighbourhood_id=place.id, can_do="Sewing", interests=["sewing"]))
    db.session.add_all(
        [
            MapEntry(
                neighbourhood_id=place.id,
                kind="individual",
                name="Nadia's sewing",
                status="published",
                shown_publicly=True,
            ),
            MapEntry(
                neighbourhood_id=place.id,
                kind="associational",
                name="Tuesday knitters",
                description="Ask Bob Builder, bob@example.org or 07700 900999",
                where_text="14 Roundhay Road",
                who_to_ask="Bob Builder",
                status="published",
            ),
        ]
    )
    db.session.commit()
    return case


def test_the_download_holds_consented_pseudonymised_data_and_no_planted_personal_detail(client):
    case = a_programme_full_of_personal_details()
    evaluator = make_staff(Role.EVALUATOR)[0]
    login_as(client, evaluator)
    assert "Download the data (zip file)" in client.get("/insight/evaluation").get_data(as_text=True)
    files = download(client)
    assert set(files) == {"README.txt", "stories.csv", "outcomes.json", "map.csv"}
    everything = "\n".join(files.values())
    for planted in PLANTED:
        assert planted.lower() not in everything.lower(), planted
    assert "PROGRAMME ONLY WORDS" not in everything
    assert case.application.reference not in everything and f",{case.application.id}," not in everything
    assert "Forty people planted bulbs." in files["stories.csv"] and "[phone]" in files["stories.csv"]
    assert "Tuesday knitters" in files["map.csv"] and "sewing" not in files["map.csv"].lower()
    counts = json.loads(files["outcomes.json"])
    assert counts["introductions"] == {"asked": 0, "both_accepted": 0} and counts["neighbourhoods"]
    pseudonym = files["stories.csv"].splitlines()[1].split(",")[0]
    assert len(pseudonym) == 12 and pseudonym in download(client)["stories.csv"]  # the same in every download
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "evaluation.downloaded")) == 2


def test_only_evaluators_and_programme_officers_download(client):
    for person in (make_staff(Role.VIEWER)[0], UserFactory(roles=[Role.RESIDENT]), make_staff(Role.FINANCE_OFFICER)[0]):
        login_as(client, person)
        assert client.get(URL).status_code == 403
        assert client.get("/insight/evaluation").status_code == 403
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert client.get(URL).status_code == 200


def test_an_evaluator_lands_on_their_page_and_sees_nothing_else(client):
    evaluator = make_staff(Role.EVALUATOR)[0]
    login_as(client, evaluator)
    page = client.get("/account").get_data(as_text=True)
    assert "/insight/evaluation" in page
    for other in ("/insight", "/programme/neighbourhoods", "/finance/payments", "/programme/stories"):
        assert client.get(other).status_code in (403, 404), other


def test_scrubbing_takes_out_each_kind_of_personal_detail():
    said = scrub(
        "Ask Ann Other at ann@example.org, +44 7700 900456, 3 Mill Lane, LS7 4AB. Ann has 35 chairs for 2027.",
        names=["Ann Other"],
    )
    assert said == "Ask [name] at [email], [phone], [address], [postcode]. [name] has 35 chairs for 2027."
    assert scrub("Ask the front desk", names=["The Front Desk"]) == "Ask [name]"  # the whole, never "the" alone
    assert scrub("the other day", names=["Ann Other"]) == "the other day"  # a name's word in lower case is a word
