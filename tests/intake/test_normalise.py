"""What people type is made regular, or refused."""
from datetime import date

import pytest

from desk.intake import codes, normalise

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("typed", ["1500001", "150-0001", "〒150-0001", "１５０－０００１", "150ー0001", " 150 0001 "])
def test_postal_code_forms(typed):
    """Seven digits, with or without hyphen, any width."""
    assert normalise.postal_code(typed) == "1500001"


@pytest.mark.parametrize("typed", ["150-001", "12345678", "abc-defg", ""])
def test_wrong_postal_codes(typed):
    """Anything but seven digits is refused."""
    with pytest.raises(ValueError):
        normalise.postal_code(typed)


def test_furigana_hiragana_and_half_width_become_katakana():
    """Hiragana and half-width katakana are converted; other scripts are refused."""
    assert normalise.furigana("やまだ　はなこ") == "ヤマダ ハナコ"
    assert normalise.furigana("ﾔﾏﾀﾞ ﾊﾅｺ") == "ヤマダ ハナコ"
    with pytest.raises(ValueError):
        normalise.furigana("山田 花子")


@pytest.mark.parametrize("typed,expected", [
    ("1980-04-01", date(1980, 4, 1)), ("1980/4/1", date(1980, 4, 1)), ("1980年4月1日", date(1980, 4, 1)),
    ("昭和55年4月1日", date(1980, 4, 1)), ("S55.4.1", date(1980, 4, 1)), ("平成元年1月8日", date(1989, 1, 8)),
    ("令和2年5月3日", date(2020, 5, 3)), ("１９８０／４／１", date(1980, 4, 1)), ("19800401", date(1980, 4, 1)),
])
def test_birth_dates_in_western_and_era_years(typed, expected):
    """Western and Japanese era dates are understood."""
    assert normalise.birth_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["1980/2/30", "2030/1/1", "yesterday", "1980/13/1"])
def test_impossible_birth_dates(typed):
    """Dates that do not exist or lie in the future are refused."""
    with pytest.raises(ValueError):
        normalise.birth_date(typed, TODAY)


def test_phone_numbers():
    """Japanese numbers have 10-11 digits starting with 0; international ones a +."""
    assert normalise.phone("０３－１２３４－５６７８") == "03-1234-5678"
    assert normalise.phone("+81 3 1234 5678") == "+81 3 1234 5678"
    for bad in ("1234", "03-1234-567a", "12345678901"):
        with pytest.raises(ValueError):
            normalise.phone(bad)


def test_access_code_has_80_bits_and_forgives_typing(app):
    """16 characters of a 32-letter alphabet; lower case, O/I/L and missing hyphens still match."""
    code = codes.new_code()
    assert len(codes.normalise(code)) == 16 and len(codes.ALPHABET) == 32
    assert code.count("-") == 3
    assert len({codes.new_code() for _ in range(200)}) == 200
    stored = codes.code_hash("2026-000001", code)
    assert code not in stored and codes.normalise(code) not in stored
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert codes.matches("2026-000001", typed, stored)
    assert not codes.matches("2026-000002", code, stored)
    assert not codes.matches("2026-000001", code, None)
