"""Fault drill (R5): the object store stops. A photo upload says plainly to try again and loses nothing else typed
on the page; a photo asked for meanwhile is a plain "try again" page; once the store is back, the upload works.
The store is a real SeaweedFS S3 server; "stopped" is its address with nothing listening there, which is what a
stopped server leaves (connections refused), without stopping the server the rest of the suite shares."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.common.storage import S3Storage
from portal.extensions import db
from portal.stories import photo_services, services
from portal.stories.models import StoryPhoto
from tests.conftest import explained, login_as
from tests.integration.stories.helpers import paid_award, photo_bytes
from tests.integration.stories.test_stories import ANSWERS, upload
from tests.support.seaweedfs import S3Server
from tests.support.stack import free_port

TRY_AGAIN = "Your photo could not be kept just now. Try again in a few minutes: choose the photo again."


def photos_stored() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(StoryPhoto)))


def s3_storage(server: S3Server) -> S3Storage:
    return S3Storage(server.bucket, server.endpoint_url, server.access_key_id, server.secret_access_key, server.region)


@pytest.mark.s3
def test_a_photo_upload_while_the_store_is_down_says_try_again_and_keeps_what_was_typed(
    app, client, monkeypatch, seaweedfs: S3Server
):
    store = s3_storage(seaweedfs)
    monkeypatch.setitem(app.extensions, "storage", store)
    case = paid_award()
    application_id = case.application.id
    services.save_story(application_id, case.resident, what_happened="Forty of us came.")
    login_as(client, case.resident)
    photo_services.add_photo(application_id, case.resident, photo_bytes(), ANSWERS)  # one kept while it was up
    photo_id = db.session.scalars(sa.select(StoryPhoto.id)).one()
    stopped = S3Storage(
        seaweedfs.bucket,
        f"http://127.0.0.1:{free_port()}",
        seaweedfs.access_key_id,
        seaweedfs.secret_access_key,
        seaweedfs.region,
    )
    monkeypatch.setitem(app.extensions, "storage", stopped)  # the store stops
    try:
        response = upload(client, application_id, photo_bytes(colour=(10, 200, 30)), alt_text="The bench, painted")
        explained(response, TRY_AGAIN, ("The bench, painted",))
        assert photos_stored() == 1  # nothing half-kept
        assert services.story_for(application_id).what_happened == "Forty of us came."
        served = client.get(f"/story-photos/{photo_id}/large")
        assert served.status_code == 503 and "Try again in a few minutes" in served.get_data(as_text=True)
    finally:
        monkeypatch.setitem(app.extensions, "storage", store)  # and is back
        stopped.client.close()
    again = upload(client, application_id, photo_bytes(colour=(10, 200, 30)), alt_text="The bench, painted")
    assert again.status_code == 302
    assert photos_stored() == 2
    assert client.get(f"/story-photos/{photo_id}/large").status_code == 200
    store.client.close()
