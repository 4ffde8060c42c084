"""The data items a record names (氏名、住所、…), as a catalogue: a label in each language for
the column headings lists come with, so a reply in English names the items in English.

A record keeps its items as recorded (a screening: the list's own header; the staff form:
as typed). They are read back here, at the time a letter is made, one item at a time: a
heading the catalogue knows (compared as the screening compares headings) takes the
catalogue's label; else an item of the opt-out notice's settings (optout_items and
optout_items_en, item for item) takes the setting's; anything else is shown as recorded.
"""

from __future__ import annotations

import re

from desk import settings
from desk.catalogue import Entry
from desk.suppression.csv_input import header_key


class DataItem(Entry):
    pass


#: item -> the headings it goes by (besides its own labels), compared by header_key.
_ITEMS: list[tuple[DataItem, tuple[str, ...]]] = [
    (
        DataItem("name", "氏名", "Name"),
        (
            "名前",
            "お名前",
            "氏名漢字",
            "姓名",
            "顧客名",
            "会員名",
            "本人氏名",
            "fullname",
            "customername",
            "personname",
        ),
    ),
    (DataItem("family_name", "姓", "Family name"), ("氏", "苗字", "名字", "lastname", "familyname", "surname")),
    (DataItem("given_name", "名", "Given name"), ("firstname", "givenname")),
    (
        DataItem("kana", "フリガナ", "Name in kana"),
        ("ふりがな", "カナ", "かな", "よみがな", "ヨミガナ", "氏名カナ", "氏名フリガナ", "氏名ふりがな", "カナ氏名")
        + ("フリガナ氏名", "kana", "furigana", "namekana", "kananame", "reading"),
    ),
    (DataItem("family_kana", "セイ", "Family name in kana"), ("姓カナ", "姓フリガナ", "せい", "lastnamekana")),
    (DataItem("given_kana", "メイ", "Given name in kana"), ("名カナ", "名フリガナ", "めい", "firstnamekana")),
    (DataItem("birth_date", "生年月日", "Date of birth"), ("誕生日", "birthdate", "dob", "dateofbirth", "birthday")),
    (DataItem("age", "年齢", "Age"), ("age",)),
    (DataItem("sex", "性別", "Sex"), ("sex", "gender", "男女")),
    (
        DataItem("address", "住所", "Address"),
        ("所在地", "住所1", "住所2", "現住所", "ご住所", "address", "address1", "address2", "addr", "streetaddress"),
    ),
    (DataItem("prefecture", "都道府県", "Prefecture"), ("prefecture",)),
    (DataItem("city", "市区町村", "City, ward, town or village"), ("city",)),
    (DataItem("street", "番地", "Street address"), ("町名番地", "町域番地")),
    (DataItem("building", "建物名", "Building"), ("建物", "マンション名", "building")),
    (DataItem("postal_code", "郵便番号", "Postal code"), ("〒", "postalcode", "zipcode", "zip", "postcode")),
    (
        DataItem("phone", "電話番号", "Phone number"),
        ("電話", "tel", "telno", "連絡先電話番号", "phone", "phonenumber", "telephone"),
    ),
    (DataItem("mobile", "携帯電話番号", "Mobile phone number"), ("携帯電話", "携帯番号", "mobile", "mobilephone")),
    (DataItem("fax", "FAX番号", "Fax number"), ("ファックス番号", "fax", "faxno")),
    (
        DataItem("email", "メールアドレス", "E-mail address"),
        ("メール", "電子メール", "eメール", "email", "emailaddress", "mail", "mailaddress"),
    ),
    (
        DataItem("member_number", "会員番号", "Membership number"),
        ("会員ID", "memberid", "membernumber", "membershipno"),
    ),
    (DataItem("customer_number", "顧客番号", "Customer number"), ("顧客ID", "customerid", "customernumber")),
    (DataItem("occupation", "職業", "Occupation"), ("occupation", "job")),
    (DataItem("employer", "勤務先", "Employer"), ("会社名", "勤務先名", "company", "employer")),
    (DataItem("household", "世帯構成", "Household"), ("家族構成", "household")),
    (DataItem("purchases", "購入履歴", "Purchase history"), ("購買履歴", "purchasehistory")),
]

DATA_ITEMS: dict[str, DataItem] = {item.code: item for item, _ in _ITEMS}
_BY_HEADING = {header_key(heading): item for item, headings in _ITEMS for heading in (item.ja, item.en, *headings)}
#: How recorded items are separated: the ideographic comma, commas, slashes, line breaks.
_SEPARATORS = re.compile(r"[、，,/／\n]+")


def split_items(text: str | None) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def _settings_pairs() -> dict[str, dict[str, str]]:
    """The opt-out notice's items, Japanese item -> {ja, en}, where both settings list as many."""
    ja, en = split_items(settings.get("optout_items")), split_items(settings.get("optout_items_en"))
    if len(ja) != len(en):
        return {}
    return {header_key(j): {"ja": j, "en": e} for j, e in zip(ja, en, strict=True)}


def item_label(recorded: str, lang: str, pairs: dict | None = None) -> str:
    """One recorded item in `lang`: the catalogue's label, the settings', or as recorded."""
    key = header_key(recorded)
    item = _BY_HEADING.get(key)
    if item is not None:
        return item.label(lang)
    pair = (pairs if pairs is not None else _settings_pairs()).get(key)
    if pair is not None:
        return pair["en" if lang == "en" else "ja"]
    return recorded


def items_in(text: str | None, lang: str) -> str:
    """The items of a record, as recorded, named in `lang` (「氏名、住所」 / "Name, address")."""
    pairs = _settings_pairs()
    labels: list[str] = []
    for recorded in split_items(text):
        label = item_label(recorded, lang, pairs)
        if label not in labels:
            labels.append(label)
    if lang == "en":
        return ", ".join(labels[:1] + [label[:1].lower() + label[1:] for label in labels[1:]])
    return "、".join(labels)
