"""Japanese line breaking (禁則処理) rules, on their own."""

from __future__ import annotations

import logging
from itertools import pairwise

import pytest

from desk.letters import fonts
from desk.letters.kinsoku import NO_END, NO_START, allowed_break, break_points, wrap_text

# Every glyph 10 points wide: a line of width 50 holds five.
W = 10.0


def lines(text: str, per_line: int) -> list[str]:
    return [text[s:e] for s, e, _ in break_points(text, [W] * len(text), [per_line * W])]


def test_closing_bracket_after_a_full_stop_is_pushed_out_together():
    """reportlab hangs 。 and starts the next line with 」; we move a character down instead."""
    result = lines("あいうえお。」かきく", 5)
    assert all(line[0] not in NO_START for line in result), result
    assert "".join(result) == "あいうえお。」かきく"


def test_a_single_comma_hangs_in_the_margin():
    """One 、 or 。 may hang beyond the line (ぶら下げ) rather than start the next line."""
    assert lines("あいうえお、かきく", 5) == ["あいうえお、", "かきく"]


def test_opening_bracket_never_ends_a_line():
    """「 goes down with the word it opens."""
    result = lines("あいうえ「かき」くけ", 5)
    assert all(line[-1] not in NO_END for line in result), result


def test_runs_of_dashes_and_leaders_stay_together():
    """―― and …… are never split."""
    for text in ("あいうえ――かき", "あいうえ……かき"):
        result = lines(text, 5)
        assert not any(line.endswith(text[4]) and nxt.startswith(text[4]) for line, nxt in pairwise(result)), result


def test_small_kana_and_long_vowel_do_not_start_a_line():
    """ッ, ょ and ー stay with the character before them."""
    for text in ("あいうえおッか", "あいうえおょか", "あいうえおーか"):
        assert lines(text, 5)[1][0] not in NO_START


def test_latin_words_and_numbers_are_not_split():
    """A reference number moves to the next line whole."""
    result = lines("あいう2026-000123です", 12)
    assert "2026-000123" in "".join(result) and any(line.startswith("2026-000123") for line in result), result


def test_rules_cover_what_reportlab_misses():
    """The characters LETTERS.md lists that reportlab's CJK wrap lets start or end a line."""
    for ch in "！？：；〉》’”｡｣､･ﾞﾟ，．":
        assert ch in NO_START
    for ch in "（［｛「『【〔〈《＄£¥‘“｢":
        assert ch in NO_END
    assert not allowed_break("あ」", 1, 0) and not allowed_break("「あ", 1, 0)


def test_wrap_text_with_the_letter_font():
    """With IPAex metrics a long sentence wraps with no forbidden line start."""
    f = fonts.letter_fonts()
    text = "ご請求の内容が、個人情報保護法第35条に定める利用停止等又は第三者提供の停止の要件に該当しないため。「確認」しました。"
    for width in range(60, 300, 7):
        for line in wrap_text(text, width, f.mincho, 10.5)[1:]:
            assert line[0] not in NO_START, (width, line)


def test_missing_fonts_fall_back_to_cid_and_warn_once(monkeypatch, caplog):
    """Without IPAex the built-in CID fonts are used, with one warning."""
    monkeypatch.setattr(fonts, "SEARCH_PATHS", ())
    fonts._register.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="desk.letters.fonts"):
            first = fonts._register("/nonexistent")
            second = fonts._register("/nonexistent")
        assert first.embedded is False and first.mincho == "HeiseiMin-W3" and second == first
        assert len([r for r in caplog.records if "IPAex fonts not found" in r.getMessage()]) == 1
    finally:
        fonts._register.cache_clear()


@pytest.mark.parametrize(
    ("address", "building"),
    [
        ("東京都世田谷区三軒茶屋一丁目2番3号サンハイツ305", "サンハイツ305"),
        ("大阪府大阪市北区梅田3-1-1サウスゲートビルディング", "サウスゲートビルディング"),
        (
            "東京都渋谷区神宮前一丁目2番3号 グランドメゾン表参道ウエストタワー 1205号室",
            "グランドメゾン表参道ウエストタワー",
        ),
    ],
)
def test_the_window_address_breaks_between_words_never_inside_one(address, building):
    """The address block breaks at a space or between the block number and the building
    name (and keeps a room number with its building), never inside a name (サンハ|イツ)."""
    from desk.letters.frame import WINDOW_WIDTH, address_lines

    f = fonts.letter_fonts()
    lines = address_lines(address, WINDOW_WIDTH, f.mincho, 10)
    assert len(lines) == 2 and "".join(lines).replace(" ", "") == address.replace(" ", "")
    assert any(building in line for line in lines)
