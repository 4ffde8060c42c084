"""Dates as people write them: Western, compact, era (昭和/S), kanji numerals, any width."""

from datetime import date

import pytest

from desk.text import dates
from desk.text.numerals import kanji_number

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "variant",
    [
        "1980-04-01",
        "1980/4/1",
        "1980/04/01",
        "1980.4.1",
        "1980年4月1日",
        "19800401",
        "１９８０年４月１日",
        "昭和55年4月1日",
        "昭和５５年４月１日",
        "S55.4.1",
        "s55/4/1",
        "Ｓ５５．４．１",
        "昭和五十五年四月一日",
        "１９８０／４／１",
        "1980 年 4 月 1 日",
    ],
)
def test_dates_in_every_common_form(variant):
    """Western, compact, full-width, era (昭和/S) and kanji-numeral dates all read the same."""
    assert dates.date_key(variant) == "1980-04-01"
    assert dates.birth_date(variant, TODAY) == date(1980, 4, 1)


def test_era_first_years_and_impossible_dates():
    """元年 is year one; 30 February is not a date."""
    assert dates.date_key("平成元年1月8日") == "1989-01-08"
    assert dates.date_key("令和元年5月1日") == "2019-05-01"
    assert dates.date_key("令和2年5月3日") == "2020-05-03"
    assert dates.date_key("H2/3/4") == "1990-03-04"
    assert dates.date_key("1980-02-30") is None
    assert dates.date_key("不明") is None
    assert dates.date_key(date(1980, 4, 1)) == "1980-04-01"


@pytest.mark.parametrize("typed", ["1980/2/30", "2030/1/1", "yesterday", "1980/13/1", "1890/1/1", ""])
def test_impossible_birth_dates(typed):
    """Dates that do not exist, lie in the future or more than 130 years back are refused."""
    with pytest.raises(ValueError):
        dates.birth_date(typed, TODAY)


def test_kanji_number():
    """The numeral reader handles units and digit-by-digit writing."""
    assert [kanji_number(t) for t in ("一", "十", "十二", "二十", "二十三", "百五", "千二百三十四", "二〇二")] == [
        1,
        10,
        12,
        20,
        23,
        105,
        1234,
        202,
    ]
