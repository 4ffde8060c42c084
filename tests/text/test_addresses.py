"""Addresses: kanji numerals become digits where they are address numbers, never inside place names."""

import pytest

from desk.text import addresses

#: Real place names whose kanji are numerals: each must survive as written.
PLACE_NAMES = [
    "千代田",
    "八王子",
    "六本木",
    "四日市",
    "三軒茶屋",
    "北九州",
    "九段南",
    "一宮",
    "五所川原",
    "十日町",
    "百人町",
    "二子玉川",
    "三鷹",
    "七尾",
    "八幡平",
    "十和田",
    "四万十市",
    "九十九里",
    "西五反田",
    "上十条",
    "三の丸",
    "八丁堀",
    "千駄ヶ谷",
    "千葉",
]


@pytest.mark.parametrize("place", PLACE_NAMES)
def test_place_names_keep_their_kanji(place):
    """A place name alone, before an address number, and before kanji address numbers."""
    assert addresses.notation(place) == place
    assert addresses.notation(f"{place}1-2-3") == f"{place}1-2-3"
    assert addresses.notation(f"{place}一丁目二番三号") == f"{place}1-2-3"
    assert addresses.notation(f"{place}二十三番地") == f"{place}23"
    assert addresses.address_key(f"{place}一丁目二番三号") == addresses.address_key(f"{place}1-2-3")


@pytest.mark.parametrize(
    "written,digits",
    [
        ("六丁目八番一号", "6-8-1"),
        ("二十三番地", "23"),
        ("二十三番地の五", "23-5"),
        ("一丁目二番地三", "1-2-3"),
        ("三の二", "3-2"),
        ("百五番地", "105"),
        ("千二百三十四番地", "1234"),
        ("二〇二号", "202"),
        ("十一番地", "11"),
        ("五丁目", "5"),
        ("四丁目5-6", "4-5-6"),
        ("六本木九", "六本木9"),
        ("１丁目２番３号", "1-2-3"),
        ("6丁目10番1号", "6-10-1"),
    ],
)
def test_address_numbers_become_digits(written, digits):
    """丁目・番地・番・号, の between numbers, and a numeral that ends the address (a block
    number, so a place name is never written last): digits joined by hyphens."""
    assert addresses.notation(written) == digits


@pytest.mark.parametrize(
    "written,expected",
    [
        ("東京都千代田区九段南一丁目二番三号", "東京都千代田区九段南1-2-3"),
        ("東京都港区六本木六丁目十番一号", "東京都港区六本木6-10-1"),
        ("東京都八王子市元本郷町三丁目二十四番一号", "東京都八王子市元本郷町3-24-1"),
        ("三重県四日市市諏訪町一番五号", "三重県四日市市諏訪町1-5"),
        ("東京都世田谷区三軒茶屋二丁目十一番二十二号", "東京都世田谷区三軒茶屋2-11-22"),
        ("福岡県北九州市小倉北区城内一番一号", "福岡県北九州市小倉北区城内1-1"),
        ("愛知県一宮市本町二丁目五番六号", "愛知県一宮市本町2-5-6"),
        ("青森県五所川原市字布屋町四十一番地一", "青森県五所川原市字布屋町41-1"),
        ("新潟県十日町市千歳町三丁目三番地", "新潟県十日町市千歳町3-3"),
        ("東京都新宿区百人町二丁目四番五号", "東京都新宿区百人町2-4-5"),
        ("愛知県名古屋市中区三の丸三丁目一番一号", "愛知県名古屋市中区三の丸3-1-1"),
        ("〒102-0074 東京都千代田区九段南１－２－１", "東京都千代田区九段南1-2-1"),
        ("東京都八王子市四谷町二十三番地の五", "東京都八王子市四谷町23-5"),
    ],
)
def test_full_addresses_mixing_place_names_and_numbers(written, expected):
    """Place names keep their kanji while the numbers after them become digits."""
    assert addresses.notation(written) == expected
    assert addresses.address_key(written) == addresses.address_key(expected)


@pytest.mark.parametrize(
    "variant",
    [
        "東京都渋谷区神宮前一丁目2番3号",
        "東京都渋谷区神宮前１丁目２番３号",
        "東京都渋谷区神宮前1-2-3",
        "東京都渋谷区神宮前１－２－３",
        "東京都渋谷区神宮前1‐2‐3",
        "東京都渋谷区神宮前1ー2ー3",
        "東京都渋谷区神宮前1—2—3",
        "東京都渋谷区神宮前1−2−3",
        "東京都渋谷区神宮前1―2―3",
        "東京都渋谷区神宮前1–2–3",
        "〒150-0001 東京都渋谷区神宮前一丁目二番三号",
        "〒１５０－０００１　東京都渋谷区　神宮前　１－２－３",
        "1500001 東京都渋谷区神宮前1丁目2番地3",
        "渋谷区神宮前1-2-3",
        "東京都 渋谷区 神宮前 1 - 2 - 3",
    ],
)
def test_address_notations_are_one_key(variant):
    """Kanji numerals, 丁目・番地・号, hyphen variants, 〒 and postal code, spaces, prefecture."""
    assert addresses.address_key(variant) == "渋谷区神宮前1-2-3"


def test_notation_keeps_the_prefecture_and_the_script():
    """What an officer reads keeps the prefecture, kana and kanji as written; the key folds them."""
    assert addresses.notation("〒330-9588 埼玉県さいたま市浦和区常盤六丁目4番4号") == "埼玉県さいたま市浦和区常盤6-4-4"
    assert addresses.address_key("埼玉県さいたま市浦和区常盤6-4-4") == "サイタマ市浦和区常盤6-4-4"
    assert addresses.notation("") == "" and addresses.address_key("") is None


def test_address_ga_and_ke_are_one():
    """霞が関 / 霞ヶ関 / 霞ケ関 are one place."""
    assert (
        addresses.address_key("千代田区霞が関二丁目1番2号")
        == addresses.address_key("千代田区霞ヶ関2-1-2")
        == addresses.address_key("千代田区霞ケ関２－１－２")
    )


def test_different_blocks_and_towns_stay_different():
    """A different block number, town or ward is a different key."""
    assert addresses.address_key("八王子市四谷町1-2") != addresses.address_key("八王子市四谷町1-3")
    assert addresses.address_key("渋谷区神宮前1-2-3") != addresses.address_key("渋谷区神宮前1-2-4")
    assert addresses.address_key("千代田区九段南1-2-3") != addresses.address_key("千代田区九段北1-2-3")


def test_banchou_quirk_is_kept():
    """N番町 (千代田区一番町) reads its numeral as a number: odd, but register keys depend on it.
    Both writings still agree, and one 番町 never becomes another."""
    assert addresses.address_key("千代田区一番町5") == addresses.address_key("千代田区1番町5") == "千代田区1町5"
    assert addresses.address_key("千代田区一番町5") != addresses.address_key("千代田区三番町5")


@pytest.mark.parametrize("typed", ["1500001", "150-0001", "〒150-0001", "１５０－０００１", "150ー0001", " 150 0001 "])
def test_postal_code_forms(typed):
    """Seven digits, with or without hyphen, any width."""
    assert addresses.postal_code(typed) == "1500001"


@pytest.mark.parametrize("typed", ["150-001", "12345678", "abc-defg", ""])
def test_wrong_postal_codes(typed):
    """Anything but seven digits is refused."""
    with pytest.raises(ValueError):
        addresses.postal_code(typed)
