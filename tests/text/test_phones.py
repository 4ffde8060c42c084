"""Phone numbers: as stored from a form, and their national digits for search and matching."""

import pytest

from desk.text import phones


@pytest.mark.parametrize(
    "variant",
    [
        "090-1234-5678",
        "09012345678",
        "090 1234 5678",
        "090(1234)5678",
        "０９０－１２３４－５６７８",
        "+81 90-1234-5678",
        "+81-90-1234-5678",
        "+81 (0)90 1234 5678",
        "0081 90 1234 5678",
        "090ー1234ー5678",
        "090‐1234‐5678",
        "090−1234−5678",
        "090–1234–5678",
        "090―1234―5678",
    ],
)
def test_phone_numbers_to_digits(variant):
    """Separators, full width and the +81 country code do not change a number."""
    assert phones.phone_key(variant) == "09012345678"


def test_phone_junk_is_not_a_number():
    """なし, a short extension or nothing gives no key (and so never matches)."""
    assert phones.phone_key("なし") is None and phones.phone_key("内線123") is None and phones.phone_key("") is None


def test_national_digits_of_the_start_of_a_number():
    """A search may type only the start of a number: any length is kept."""
    assert phones.national_digits("+81 90") == "090" and phones.national_digits("03-12") == "0312"
    assert phones.national_digits("なし") == ""


def test_phone_numbers_as_written():
    """Japanese numbers have 10-11 digits starting with 0; international ones a +."""
    assert phones.phone_number("０３－１２３４－５６７８") == "03-1234-5678"
    assert phones.phone_number("03ー1234ー5678") == "03-1234-5678"
    assert phones.phone_number("+81 3 1234 5678") == "+81 3 1234 5678"
    for bad in ("1234", "03-1234-567a", "12345678901"):
        with pytest.raises(ValueError):
            phones.phone_number(bad)
