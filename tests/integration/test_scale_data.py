"""The scale dataset (P5): every state appears, the numbers hang together, and the portal's pages read it."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.services import get_user_by_email
from portal.applications.forms import WhoIsApplyingForm
from portal.applications.models import Application
from portal.awards.models import Award
from portal.demo.scale import STATUS_SHARES, build, many_ideas_resident_email
from portal.domain.states import ApplicationStatus
from portal.extensions import db
from portal.payments.models import Payment
from portal.stories.models import Story
from tests.conftest import login_as


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_the_scale_dataset_has_every_state_and_hangs_together(app, client):
    made = build(1_500)
    assert made.applications == 1_500 == count(Application)
    statuses = set(db.session.scalars(sa.select(Application.status).distinct()))
    assert statuses == set(STATUS_SHARES) == {s.value for s in ApplicationStatus}
    assert made.awards == count(Award) == count(Application, Application.status == "approved")
    assert {"offered", "accepted", "paid"} <= set(db.session.scalars(sa.select(Award.status).distinct()))
    assert count(Payment, Payment.status == "paid") == count(Award, Award.status == "paid")
    assert made.stories == count(Story) and count(Story, Story.status == "published") > 0
    # Who applies is one of the question page's own answers, as the portal's pages and open data expect.
    choices = {choice.value for choice in WhoIsApplyingForm.applicant_type.kwargs["choices"]}
    assert set(db.session.scalars(sa.select(Application.applicant_type).distinct())) == choices
    # A resident with many ideas, for the "Your ideas" benchmark, whose page opens.
    resident = get_user_by_email(many_ideas_resident_email())
    assert count(Application, Application.applicant_id == resident.id) >= 200
    login_as(client, resident)
    assert client.get("/ideas").status_code == 200
    assert client.get("/stories").status_code == 200
