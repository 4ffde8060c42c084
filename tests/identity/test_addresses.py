"""The identity check's address comparison on real Japanese addresses, each written the ways people write it."""

from __future__ import annotations

import pytest

from desk.identity.addresses import agree, compare, compare_pair, difference, same_address

#: (postal code, prefecture, municipality and town, address numbers, a building or None).
#: Public offices and landmarks; many of their place names are written with numerals.
ADDRESSES = [
    ("100-8914", "東京都", "千代田区永田町", (1, 6, 1), "中央合同庁舎第8号館"),
    ("100-8968", "東京都", "千代田区永田町", (2, 3, 1), None),
    ("102-8688", "東京都", "千代田区九段南", (1, 2, 1), None),
    ("100-8111", "東京都", "千代田区千代田", (1, 1), None),
    ("100-0005", "東京都", "千代田区丸の内", (1, 9, 1), None),
    ("100-8926", "東京都", "千代田区霞が関", (2, 1, 2), "中央合同庁舎第2号館"),
    ("150-8010", "東京都", "渋谷区宇田川町", (1, 1), None),
    ("150-0043", "東京都", "渋谷区道玄坂", (2, 24, 1), "渋谷マークシティ"),
    ("160-8484", "東京都", "新宿区歌舞伎町", (1, 4, 1), None),
    ("163-8001", "東京都", "新宿区西新宿", (2, 8, 1), "東京都庁第一本庁舎"),
    ("169-0073", "東京都", "新宿区百人町", (2, 4, 5), "グリーンハイツ201号室"),
    ("106-6108", "東京都", "港区六本木", (6, 10, 1), "六本木ヒルズ森タワー"),
    ("105-0011", "東京都", "港区芝公園", (4, 2, 8), None),
    ("154-0024", "東京都", "世田谷区三軒茶屋", (2, 11, 22), "サンタワーズ"),
    ("158-0094", "東京都", "世田谷区玉川", (2, 21, 1), "二子玉川ライズ"),
    ("131-0045", "東京都", "墨田区押上", (1, 1, 2), None),
    ("104-0061", "東京都", "中央区銀座", (4, 6, 16), None),
    ("104-0032", "東京都", "中央区八丁堀", (3, 22, 13), None),
    ("141-0031", "東京都", "品川区西五反田", (8, 4, 13), None),
    ("114-0034", "東京都", "北区上十条", (2, 13, 8), None),
    ("181-8555", "東京都", "三鷹市野崎", (1, 1, 1), None),
    ("192-8501", "東京都", "八王子市元本郷町", (3, 24, 1), None),
    ("510-8601", "三重県", "四日市市諏訪町", (1, 5), None),
    ("803-8501", "福岡県", "北九州市小倉北区城内", (1, 1), None),
    ("810-8620", "福岡県", "福岡市中央区天神", (1, 8, 1), None),
    ("491-8501", "愛知県", "一宮市本町", (2, 5, 6), None),
    ("460-8508", "愛知県", "名古屋市中区三の丸", (3, 1, 1), None),
    ("037-8686", "青森県", "五所川原市字布屋町", (41, 1), None),
    ("031-8686", "青森県", "八戸市内丸", (1, 1, 1), None),
    ("034-8615", "青森県", "十和田市西十二番町", (6, 1), None),
    ("948-8501", "新潟県", "十日町市千歳町", (3, 3), None),
    ("955-8686", "新潟県", "三条市旭町", (2, 3, 1), None),
    ("926-8611", "石川県", "七尾市袖ケ江町", (1,), None),
    ("028-7397", "岩手県", "八幡平市野駄", (21, 170), None),
    ("787-8501", "高知県", "四万十市中村大橋通", (4, 10), None),
    ("283-0104", "千葉県", "山武郡九十九里町片貝", (4099,), None),
    ("260-8722", "千葉県", "千葉市中央区千葉港", (1, 1), None),
    ("330-9588", "埼玉県", "さいたま市浦和区常盤", (6, 4, 4), None),
    ("231-0005", "神奈川県", "横浜市中区本町", (6, 50, 10), None),
    ("530-8201", "大阪府", "大阪市北区中之島", (1, 3, 20), None),
    ("650-8570", "兵庫県", "神戸市中央区加納町", (6, 5, 1), None),
    ("060-8611", "北海道", "札幌市中央区北1条西", (2,), None),
    ("980-8671", "宮城県", "仙台市青葉区国分町", (3, 7, 1), None),
    ("980-0811", "宮城県", "仙台市青葉区一番町", (4, 9, 1), "藤崎本館"),
    ("730-8586", "広島県", "広島市中区国泰寺町", (1, 6, 34), None),
    ("900-8585", "沖縄県", "那覇市泉崎", (1, 1, 1), None),
    ("890-8577", "鹿児島県", "鹿児島市山下町", (11, 1), None),
    ("380-8512", "長野県", "長野市大字鶴賀緑町", (1613,), None),
]

_KANJI_DIGITS = "〇一二三四五六七八九"
HYPHENS = ["-", "ー", "－", "‐", "―", "−", "–"]


def kanji(number: int) -> str:
    """1613 -> 千六百十三, 24 -> 二十四, 10 -> 十: how addresses write numbers in kanji."""
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, number = divmod(number, value)
        if count:
            out += ("" if count == 1 else _KANJI_DIGITS[count]) + unit
    return out + (_KANJI_DIGITS[number] if number else "")


def full_width(text: str) -> str:
    return text.translate({ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789"})


def in_units(numbers: tuple[int, ...], write=str) -> list[str]:
    """The numbers with 丁目・番(地)・号 in the ways Japanese addresses use them."""
    if len(numbers) == 3:
        a, b, c = map(write, numbers)
        return [f"{a}丁目{b}番{c}号", f"{a}丁目{b}番地{c}", f"{a}丁目{b}番地の{c}"]
    if len(numbers) == 2:
        a, b = map(write, numbers)
        return [f"{a}丁目{b}番", f"{a}番{b}号", f"{a}番地{b}", f"{a}番地の{b}"]
    return [f"{write(numbers[0])}番地", f"{write(numbers[0])}丁目" if numbers[0] < 10 else f"{write(numbers[0])}番地"]


def writings(postal, prefecture, town, numbers, building):
    """Every way this test writes one address: numbers, hyphens, 〒, prefecture, building, spaces."""
    plain = "-".join(map(str, numbers))
    blocks = [plain, full_width(plain)]
    blocks += [h.join(map(str, numbers)) for h in HYPHENS[1:]]
    blocks += [full_width(h.join(map(str, numbers))) for h in HYPHENS[1:3]]
    blocks += in_units(numbers) + in_units(numbers, kanji) + [full_width(w) for w in in_units(numbers)]
    found = []
    for block in blocks:
        found += [f"{prefecture}{town}{block}", f"{town}{block}", f"{prefecture} {town} {block}"]
    found += [
        f"〒{postal} {prefecture}{town}{plain}",
        f"{postal} {prefecture}{town}{kanji_block(numbers)}",
        f"〒{full_width(postal)}　{prefecture}　{town}{full_width(plain)}",
        f"〒{postal.replace('-', '')}{town}{plain}",
    ]
    if building:
        found += [
            f"{prefecture}{town}{plain} {building}",
            f"{town}{in_units(numbers, kanji)[0]}{building}",
            f"〒{postal} {prefecture}{town}{plain}　{building}",
        ]
    return found


def kanji_block(numbers) -> str:
    return in_units(numbers, kanji)[0]


def canonical(postal, prefecture, town, numbers, building) -> str:
    return f"{prefecture}{town}{'-'.join(map(str, numbers))}"


def test_the_list_is_long_enough():
    """At least 40 real addresses, written many ways each."""
    assert len(ADDRESSES) >= 40
    assert all(len(writings(*a)) >= 40 for a in ADDRESSES)


@pytest.mark.parametrize("address", ADDRESSES, ids=[a[2] for a in ADDRESSES])
def test_every_writing_of_an_address_agrees(address):
    """Kanji numerals, 丁目・番地・号, hyphens of every width, 〒 and postal code, prefecture
    or not, building or not: one place."""
    reference = canonical(*address)
    disagreeing = [w for w in writings(*address) if not (same_address(reference, w) and same_address(w, reference))]
    assert disagreeing == []


def _another_block(numbers: tuple[int, ...]) -> tuple[int, ...]:
    return numbers[:-1] + (numbers[-1] + 1,)


@pytest.mark.parametrize("address", ADDRESSES, ids=[a[2] for a in ADDRESSES])
def test_a_different_block_number_differs(address):
    """The last number one higher, or one number fewer or more, is another address."""
    postal, prefecture, town, numbers, building = address
    reference = canonical(*address)
    for other in (_another_block(numbers), numbers + (7,), numbers[:-1]):
        if not other:
            continue
        for written in (
            f"{prefecture}{town}{'-'.join(map(str, other))}",
            f"{town}{kanji_block(other)}",
            f"{town}{kanji_block(other)} {building or 'コーポ青山'}",
        ):
            assert not same_address(reference, written), written


def test_different_towns_and_wards_differ():
    """The same numbers in another town, ward or city are another address."""
    pairs = [
        ("千代田区九段南1-2-1", "千代田区九段北1-2-1"),
        ("港区六本木6-10-1", "港区赤坂6-10-1"),
        ("千代田区永田町1-6-1", "中央区永田町1-6-1"),
        ("仙台市青葉区一番町4-9-1", "仙台市青葉区二番町4-9-1"),
        ("四日市市諏訪町1-5", "一宮市諏訪町1-5"),
        ("世田谷区三軒茶屋2-11-22", "世田谷区太子堂2-11-22"),
        ("東京都千代田区千代田1-1", "東京都千代田区丸の内1-1"),
        ("札幌市中央区北1条西2", "札幌市中央区北2条西2"),
    ]
    for one, other in pairs:
        assert not same_address(one, other), (one, other)


def test_two_different_buildings_differ():
    """A building on one side only agrees; two different buildings or rooms do not."""
    assert same_address("新宿区百人町2-4-5", "新宿区百人町二丁目四番五号 グリーンハイツ201号室")
    assert not same_address("新宿区百人町2-4-5 グリーンハイツ201号室", "新宿区百人町2-4-5 グリーンハイツ305号室")
    assert not same_address("新宿区百人町2-4-5 グリーンハイツ", "新宿区百人町2-4-5 コーポ青山")


def test_nothing_agrees_with_nothing():
    """An empty address agrees with none, itself included."""
    assert not same_address("", "") and not same_address(None, "渋谷区神宮前1-2-3")


def test_compare_shows_one_notation_and_marks_what_differs():
    """The page's rows: each address in one notation, highlighted against the application's."""
    result = compare(
        "〒150-0001 東京都渋谷区神宮前一丁目2番3号 サンハイツ101号室",
        "東京都渋谷区神宮前１－２－３",
        "渋谷区神宮前1丁目2番4号",
    )
    rows = {row["key"]: row for row in result["rows"]}
    assert rows["application"]["normalised"] == "東京都渋谷区神宮前1-2-3サンハイツ101"
    assert rows["document"]["normalised"] == "東京都渋谷区神宮前1-2-3" and rows["document"]["agrees"]
    assert not rows["records"]["agrees"] and "<mark>4</mark>" in rows["records"]["marked"]
    assert not result["all_agree"]
    assert compare("港区六本木6-10-1", "東京都港区六本木六丁目十番一号", "港区六本木６－１０－１")["all_agree"]


@pytest.mark.parametrize(
    "one, other, expected",
    [
        ("渋谷区神宮前1-2-3", "東京都渋谷区神宮前一丁目二番三号", None),
        ("渋谷区神宮前1-2-3", "渋谷区神宮前1-2-4", "block"),
        ("渋谷区神宮前1-2", "渋谷区神宮前1-2-3", "block"),
        ("千代田区九段南1-2-1", "千代田区九段北1-2-1", "town"),
        ("港区六本木6-10-1", "港区赤坂6-10-1", "town"),
        ("新宿区百人町2-4-5", "新宿区百人町2-4-5 グリーンハイツ201号室", "building_missing"),
        ("新宿区百人町2-4-5 グリーンハイツ201号室", "新宿区百人町2-4-5 グリーンハイツ305号室", "building"),
        ("新宿区百人町2-4-5 グリーンハイツ", "新宿区百人町2-4-5 コーポ青山", "building"),
        ("世田谷区三軒茶屋2-11-22", "世田谷区三軒茶屋二丁目11番22号 サンタワーズ", "building_missing"),
    ],
)
def test_difference_names_the_part_that_differs(one, other, expected):
    """Which part differs: the town, the block number, the building, or a building on one side only."""
    assert difference(one, other) == expected


def test_a_missing_building_agrees_unless_the_policy_counts_it():
    one, other = "新宿区百人町2-4-5", "新宿区百人町2-4-5 グリーンハイツ201号室"
    assert agree(one, other) and not agree(one, other, building_counts=True)
    pair = compare_pair(one, other, building_counts=True)
    assert pair["difference"] == "building_missing" and not pair["agrees"]
    assert "<mark>グリーンハイツ201</mark>" in pair["other"]["marked"]


def test_compare_pair_says_nothing_until_both_exist():
    pair = compare_pair("渋谷区神宮前1-2-3", "")
    assert not pair["entered"] and pair["difference"] is None and not pair["agrees"]
    assert "<mark>" not in pair["reference"]["marked"]


def test_an_address_in_latin_letters_agrees_with_or_without_commas():
    """A requester living in Japan may write the address in Latin letters; our records may
    have it without the commas, or in capitals. One place; another block still differs."""
    written = "3-4-5 Roppongi, Minato-ku, Tokyo"
    for other in (
        "3-4-5 Roppongi Minato-ku Tokyo",
        "3-4-5 ROPPONGI, MINATO-KU, TOKYO",
        "3-4-5 Roppongi. Minato-ku. Tokyo",
    ):
        assert same_address(written, other) and agree(written, other), other
        assert compare_pair(written, other)["agrees"]
    assert not same_address(written, "3-4-6 Roppongi, Minato-ku, Tokyo")
    assert difference(written, "3-4-6 Roppongi Minato-ku Tokyo") == "block"
    # A separator between two numbers parts them: they never run together into one.
    assert not agree("Room 101, 1-2-3 Jingumae", "Room 10, 11-2-3 Jingumae")
    assert not agree("Flat 2, 13 Roppongi", "Flat 21, 3 Roppongi")
    assert not agree("1.2.3 Roppongi", "123 Roppongi")
    assert difference("渋谷区神宮前1-2-3、101号室", "渋谷区神宮前1-2-3") == "building_missing"
