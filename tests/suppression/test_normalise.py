"""Normalisation: every rule with the variants real Japanese lists contain."""
import pytest

from desk.suppression import normalise
from desk.suppression.variants import VARIANTS


@pytest.mark.parametrize("variant", [
    "山田 花子", "山田　花子", "山田花子", " 山田  花子 ", "山田・花子", "山田･花子", "山田花子 様", "山田 花子様",
])
def test_name_spaces_dots_and_honorifics(variant):
    """Full- and half-width spaces, middle dots and 様 do not change who a name is."""
    assert normalise.name(variant) == "山田花子"


@pytest.mark.parametrize("variant", ["ヤマダ ハナコ", "やまだ はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ・ハナコ", "やまだハナコ"])
def test_kana_scripts_and_widths_are_one(variant):
    """Hiragana, katakana and half-width katakana (with dakuten) fold to one key."""
    assert normalise.kana(variant) == "ヤマダハナコ"


@pytest.mark.parametrize("variant,standard", [
    ("髙橋 一郎", "高橋一郎"), ("山﨑 太郎", "山崎太郎"), ("渡邊 大輔", "渡辺大輔"), ("渡邉 大輔", "渡辺大輔"),
    ("齋藤 聡", "斎藤聡"), ("齊藤 聡", "斎藤聡"), ("斉藤 聡", "斎藤聡"), ("濵田 健", "浜田健"), ("濱田 健", "浜田健"),
    ("澤田 優子", "沢田優子"), ("廣瀬 剛", "広瀬剛"), ("國井 修", "国井修"), ("櫻井 翔子", "桜井翔子"),
    ("眞鍋 薫", "真鍋薫"), ("德永 英明", "徳永英明"), ("槇原 敬", "槙原敬"), ("𠮷田 沙織", "吉田沙織"),
    ("冨田 勝", "富田勝"), ("嶋田 陽子", "島田陽子"), ("瀧本 美織", "滝本美織"), ("渡邉\U000E0102 大輔", "渡辺大輔"),
])
def test_old_and_variant_kanji_fold(variant, standard):
    """Old and variant kanji (and ideographic variation selectors) fold to the common form."""
    assert normalise.name(variant) == standard


def test_variant_table_is_data_of_single_characters():
    """The variant table is data: single characters to single characters, a few dozen of them."""
    assert len(VARIANTS) >= 40
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in VARIANTS.items())


def test_full_width_latin_names():
    """Ｊｏｈｎ ＳＭＩＴＨ and John Smith are one name."""
    assert normalise.name("Ｊｏｈｎ ＳＭＩＴＨ") == normalise.name("john smith") == "johnsmith"


@pytest.mark.parametrize("variant", [
    "東京都渋谷区神宮前一丁目2番3号",
    "東京都渋谷区神宮前１丁目２番３号",
    "東京都渋谷区神宮前1-2-3",
    "東京都渋谷区神宮前１－２－３",
    "東京都渋谷区神宮前1‐2‐3",
    "東京都渋谷区神宮前1ー2ー3",
    "東京都渋谷区神宮前1—2—3",
    "東京都渋谷区神宮前1−2−3",
    "〒150-0001 東京都渋谷区神宮前一丁目二番三号",
    "〒１５０－０００１　東京都渋谷区　神宮前　１－２－３",
    "1500001 東京都渋谷区神宮前1丁目2番地3",
    "渋谷区神宮前1-2-3",
    "東京都 渋谷区 神宮前 1 - 2 - 3",
])
def test_address_notations_are_one(variant):
    """Kanji numerals, 丁目・番地・号, hyphen variants, 〒 and postal code, spaces, prefecture."""
    assert normalise.address(variant) == "渋谷区神宮前1-2-3"


def test_address_large_kanji_numerals_and_no():
    """二十三番地の五 is 23-5; 霞が関/霞ヶ関/霞ケ関 are one place."""
    assert normalise.address("東京都八王子市四谷町二十三番地の五") == normalise.address("八王子市四谷町23-5")
    assert normalise.address("千代田区霞が関二丁目1番2号") == normalise.address("千代田区霞ヶ関2-1-2") \
        == normalise.address("千代田区霞ケ関２－１－２")


def test_address_place_names_keep_their_kanji():
    """八王子, 四谷, 千代田, 六本木 are names, not numbers; different blocks stay different."""
    key = normalise.address("東京都港区六本木六丁目10番1号")
    assert key == "港区六本木6-10-1"
    assert normalise.address("八王子市四谷町1-2") != normalise.address("八王子市四谷町1-3")
    assert normalise.address("渋谷区神宮前1-2-3") != normalise.address("渋谷区神宮前1-2-4")


def test_kanji_number():
    """The numeral reader handles units and digit-by-digit writing."""
    assert [normalise.kanji_number(t) for t in ("一", "十", "十二", "二十", "二十三", "百五", "千二百三十四", "二〇二")] \
        == [1, 10, 12, 20, 23, 105, 1234, 202]


@pytest.mark.parametrize("variant", [
    "090-1234-5678", "09012345678", "090 1234 5678", "090(1234)5678", "０９０－１２３４－５６７８",
    "+81 90-1234-5678", "+81-90-1234-5678", "+81 (0)90 1234 5678", "0081 90 1234 5678", "090ー1234ー5678",
])
def test_phone_numbers_to_digits(variant):
    """Separators, full width and the +81 country code do not change a number."""
    assert normalise.phone(variant) == "09012345678"


def test_phone_junk_is_not_a_number():
    """なし, a short extension or nothing gives no key (and so never matches)."""
    assert normalise.phone("なし") is None and normalise.phone("内線123") is None and normalise.phone("") is None


@pytest.mark.parametrize("variant", [
    "1980-04-01", "1980/4/1", "1980/04/01", "1980.4.1", "1980年4月1日", "19800401", "１９８０年４月１日",
    "昭和55年4月1日", "昭和５５年４月１日", "S55.4.1", "s55/4/1", "Ｓ５５．４．１", "昭和五十五年四月一日",
])
def test_birth_dates_in_every_common_form(variant):
    """Western, compact, full-width, era (昭和/S) and kanji-numeral dates all read the same."""
    assert normalise.birth_date(variant) == "1980-04-01"


def test_era_first_years_and_impossible_dates():
    """元年 is year one; 30 February is not a date."""
    assert normalise.birth_date("平成元年1月8日") == "1989-01-08"
    assert normalise.birth_date("令和元年5月1日") == "2019-05-01"
    assert normalise.birth_date("H2/3/4") == "1990-03-04"
    assert normalise.birth_date("1980-02-30") is None
    assert normalise.birth_date("不明") is None
