"""References are short, unambiguous and catch typing mistakes."""

import pytest

from portal.domain.references import ALPHABET, NotAReference, new_reference, normalise_reference


def test_a_reference_uses_no_look_alike_characters():
    for _ in range(500):
        reference = new_reference()
        assert len(reference) == 9 and reference[4] == "-"
        assert set(reference.replace("-", "")) <= set(ALPHABET)
        assert not set(reference) & set("0O1IL")


def test_references_are_read_back_however_they_are_typed():
    reference = new_reference()
    typed = " " + reference.lower().replace("-", " ") + " "
    assert normalise_reference(typed) == reference


def test_one_wrong_character_is_caught():
    reference = new_reference().replace("-", "")
    for position in range(len(reference)):
        for replacement in ALPHABET:
            if replacement == reference[position]:
                continue
            typo = reference[:position] + replacement + reference[position + 1 :]
            with pytest.raises(NotAReference):
                normalise_reference(typo)


@pytest.mark.parametrize("text", ["", "ABC", "ABCD-EFGH-J", "ABCD-EFG0", "ABCD-EFGI"])
def test_text_that_cannot_be_a_reference_is_refused(text):
    with pytest.raises(NotAReference):
        normalise_reference(text)


def test_references_do_not_repeat_in_practice():
    # 31^7 bodies: two equal among 5,000 happens about once in 2,200 runs (the birthday bound), and the database
    # refuses a repeat anyway; three or more would mean the generator is broken.
    references = [new_reference() for _ in range(5000)]
    assert len(set(references)) >= len(references) - 1


def test_two_neighbours_swapped_are_caught_the_check_character_included():
    # Many references, so that a check missing a swap now and then would be found on every run.
    for _ in range(2_000):
        reference = new_reference().replace("-", "")
        for position in range(len(reference) - 1):
            a, b = reference[position], reference[position + 1]
            if a == b:
                continue
            swapped = reference[:position] + b + a + reference[position + 2 :]
            with pytest.raises(NotAReference):
                normalise_reference(swapped)


def test_any_one_wrong_character_is_caught():
    for _ in range(200):
        reference = new_reference().replace("-", "")
        for position, right in enumerate(reference):
            for wrong in ALPHABET.replace(right, ""):
                with pytest.raises(NotAReference):
                    normalise_reference(reference[:position] + wrong + reference[position + 1 :])
