"""Names and readings: the key every variant real Japanese lists contain folds to, and the cleaners of the forms."""

import pytest

from desk.text import kana, names
from desk.text.variants import VARIANTS


@pytest.mark.parametrize(
    "variant",
    [
        "山田 花子",
        "山田　花子",
        "山田花子",
        " 山田  花子 ",
        "山田・花子",
        "山田･花子",
        "山田花子 様",
        "山田 花子様",
    ],
)
def test_name_spaces_dots_and_honorifics(variant):
    """Full- and half-width spaces, middle dots and 様 do not change who a name is."""
    assert names.name_key(variant) == "山田花子"


@pytest.mark.parametrize("variant", ["ヤマダ ハナコ", "やまだ はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ・ハナコ", "やまだハナコ"])
def test_kana_scripts_and_widths_are_one(variant):
    """Hiragana, katakana and half-width katakana (with dakuten) fold to one key."""
    assert names.kana_key(variant) == "ヤマダハナコ"


@pytest.mark.parametrize(
    "variant,standard",
    [
        ("髙橋 一郎", "高橋一郎"),
        ("山﨑 太郎", "山崎太郎"),
        ("渡邊 大輔", "渡辺大輔"),
        ("渡邉 大輔", "渡辺大輔"),
        ("齋藤 聡", "斎藤聡"),
        ("齊藤 聡", "斎藤聡"),
        ("斉藤 聡", "斎藤聡"),
        ("濵田 健", "浜田健"),
        ("濱田 健", "浜田健"),
        ("澤田 優子", "沢田優子"),
        ("廣瀬 剛", "広瀬剛"),
        ("國井 修", "国井修"),
        ("櫻井 翔子", "桜井翔子"),
        ("眞鍋 薫", "真鍋薫"),
        ("德永 英明", "徳永英明"),
        ("槇原 敬", "槙原敬"),
        ("𠮷田 沙織", "吉田沙織"),
        ("冨田 勝", "富田勝"),
        ("嶋田 陽子", "島田陽子"),
        ("瀧本 美織", "滝本美織"),
        ("渡邉\U000e0102 大輔", "渡辺大輔"),
    ],
)
def test_old_and_variant_kanji_fold(variant, standard):
    """Old and variant kanji (and ideographic variation selectors) fold to the common form."""
    assert names.name_key(variant) == standard


def test_variant_table_is_data_of_single_characters():
    """The variant table is data: single characters to single characters, a few dozen of them."""
    assert len(VARIANTS) >= 40
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in VARIANTS.items())


def test_full_width_latin_names():
    """Ｊｏｈｎ ＳＭＩＴＨ and John Smith are one name."""
    assert names.name_key("Ｊｏｈｎ ＳＭＩＴＨ") == names.name_key("john smith") == "johnsmith"


@pytest.mark.parametrize("name", ["一宮 一郎", "五十嵐 六郎", "千葉 百合子", "八木 三郎", "九鬼 千尋"])
def test_numerals_in_names_stay_kanji(name):
    """A name is never read as a number: 一宮, 五十嵐, 千葉, 百合子 keep their kanji."""
    assert names.name_key(name) == name.replace(" ", "")
    assert names.tidy_name(name) == name


def test_an_honorific_alone_is_kept():
    """様 is dropped after a name, not when it is all there is (nor from a one-character name)."""
    assert names.name_key("様") == "様" and names.name_key("林様") == "林様" and names.name_key("林 様") == "林様"


def test_tidy_name_keeps_what_was_typed():
    """The stored name is as typed, with one half-width space between its parts."""
    assert names.tidy_name("  山田　　花子 ") == "山田 花子"
    assert names.tidy_name("髙橋 﨑子") == "髙橋 﨑子"


def test_furigana_hiragana_and_half_width_become_katakana():
    """Hiragana and half-width katakana are converted; other scripts are refused."""
    assert kana.furigana("やまだ　はなこ") == "ヤマダ ハナコ"
    assert kana.furigana("ﾔﾏﾀﾞ ﾊﾅｺ") == "ヤマダ ハナコ"
    assert kana.furigana("ゔぁいおれっと") == "ヴァイオレット"
    for bad in ("山田 花子", "yamada", "", "   "):
        with pytest.raises(ValueError):
            kana.furigana(bad)


def test_is_kana():
    """A key written only in katakana may be someone's reading; one with kanji may not."""
    assert kana.is_kana(names.name_key("やまだ はなこ"))
    assert not kana.is_kana(names.name_key("山田 はなこ"))
