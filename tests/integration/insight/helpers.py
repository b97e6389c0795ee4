"""Published stories with photos, for the commissioner report's tests."""

from __future__ import annotations

import itertools

from portal.common.transactions import finish_reading
from portal.domain.roles import Role
from portal.domain.stories import Consent
from portal.stories import photo_services, publishing
from portal.stories import services as stories
from tests.factories import make_staff
from tests.integration.stories.helpers import paid_award, photo_bytes

SHAREABLE = photo_services.PhotoAnswers("Neighbours planting bulbs", may_share=True, shows_children=False)
_colours = itertools.count(1)  # every photo a different colour, so a PDF holding it can be told apart


def published_story(text: str = "We planted 200 bulbs by the school.", *, photos: int = 1, officer=None):
    """A paid award's story, with photos the resident allowed to be shared, sent and published by an officer.
    Returns (case, story id)."""
    case = paid_award()
    application_id, resident = case.application.id, case.resident
    stories.save_story(application_id, resident, what_happened=text, consent=Consent.PUBLIC_ANONYMOUS)
    for _ in range(photos):
        finish_reading()  # a photo is stored with no transaction open
        shade = next(_colours) * 7 % 256
        photo_services.add_photo(application_id, resident, photo_bytes(colour=(shade, 255 - shade, 90)), SHAREABLE)
    stories.send_story(application_id, resident)
    story_id = stories.story_for(application_id).id
    officer = officer or make_staff(Role.PROGRAMME_OFFICER)[0]
    publishing.publish_story(story_id, officer, public_text=text)
    return case, story_id
