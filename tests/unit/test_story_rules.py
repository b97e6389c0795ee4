"""The rules of what the public may see of a story, table-driven: a change after sending that makes anything more
private applies at once, anything else waits for review; only a reviewed photo, and only a first name, is shown."""

from itertools import product

import pytest

from portal.domain.stories import (
    Consent,
    PhotoStatus,
    StoryStatus,
    after_a_change,
    first_name_of,
    photo_is_public,
    proposed_name,
    public_name,
)


@pytest.mark.parametrize(
    ("public_now", "proposed", "shown", "waits"),
    [
        # More private: at once.
        ("Neighbours planting bulbs", None, None, False),  # a photo no longer to be shared, or showing children
        ("Rosa", None, None, False),  # no name any more
        (None, None, None, False),  # nothing public before or after
        # More public, or new words the public would read: waits, and the public keeps what it sees.
        (None, "Neighbours planting bulbs", None, True),  # a photo newly allowed
        (None, "Amina", None, True),  # a name newly chosen
        ("Neighbours planting bulbs", "12 Mill Lane, 07700 900982", "Neighbours planting bulbs", True),
        ("Rosa", "Ro", "Rosa", True),
        # The same as the public sees: nothing to review.
        ("Neighbours planting bulbs", "Neighbours planting bulbs", "Neighbours planting bulbs", False),
    ],
)
def test_a_change_after_sending_is_at_once_only_when_it_makes_things_more_private(public_now, proposed, shown, waits):
    assert after_a_change(public_now, proposed) == (shown, waits)


@pytest.mark.parametrize(
    ("status", "consent", "photo", "may_share", "shows_children", "reviewed"),
    list(product(StoryStatus, [None, *Consent], PhotoStatus, [True, False], [True, False], [True, False])),
)
def test_a_photo_is_public_only_when_every_answer_and_the_review_allow_it(
    status, consent, photo, may_share, shows_children, reviewed
):
    expected = (
        status is StoryStatus.PUBLISHED
        and consent in (Consent.PUBLIC_NAMED, Consent.PUBLIC_ANONYMOUS)
        and photo is PhotoStatus.READY
        and may_share
        and not shows_children
        and reviewed
    )
    assert (
        photo_is_public(status, consent, photo, may_share=may_share, shows_children=shows_children, reviewed=reviewed)
        is expected
    )


@pytest.mark.parametrize(
    ("name", "first"),
    [("Amina Khan", "Amina"), ("  Amina  ", "Amina"), ("Amina", "Amina"), ("", None), (None, None), ("   ", None)],
)
def test_only_the_first_name_is_ever_taken(name, first):
    assert first_name_of(name) == first


@pytest.mark.parametrize("consent", [None, *Consent])
def test_a_name_is_asked_for_and_shown_only_when_the_resident_chose_to_be_named(consent):
    named = consent is Consent.PUBLIC_NAMED
    assert proposed_name(consent, "Amina Khan") == ("Amina" if named else None)
    assert public_name(consent, "Amina") == ("Amina" if named else None)
