"""A date's problem is linked to its Day box (found on a new user's walk: the error summary linked to the boxes'
wrapper, which cannot take the focus, and the wrapper carried a meaningless `required`)."""

from __future__ import annotations

import re

from wtforms.validators import DataRequired

from portal.common.forms import DateField, Form
from portal.domain.roles import Role
from tests.conftest import login_as, post_form
from tests.factories import NeighbourhoodFactory, make_staff
from tests.integration.programme.test_set_up import POT


def test_a_date_s_error_links_to_its_day_box(client):
    user, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, user)
    place = NeighbourhoodFactory()
    page = post_form(
        client, f"/programme/neighbourhoods/{place.id}/pots/new", {**POT, "closes_on": ["", "", ""]}
    ).get_data(as_text=True)
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    assert re.search(r'<a href="#closes_on-day">Enter the date the pot closes, or say it is rolling</a>', summary)
    assert 'href="#closes_on"' not in summary
    assert re.search(r'<input[^>]*id="closes_on-day"', page)  # the link's target is the box a keyboard can type in


def test_a_required_date_s_boxes_wrapper_carries_no_required_attribute(app):
    class AskedDate(Form):
        agreed_on = DateField("When?", validators=[DataRequired(message="Enter the date")])

    with app.test_request_context("/"):
        html = str(AskedDate(formdata=None).agreed_on())
    wrapper = re.search(r'<div class="govuk-date-input"[^>]*>', html)
    assert wrapper and 'id="agreed_on"' in wrapper.group(0) and "required" not in wrapper.group(0)
