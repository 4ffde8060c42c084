"""Every letter kind in both languages, read back with pdftotext."""

from __future__ import annotations

from datetime import date

import pytest

from desk.catalogue import OUTCOMES, REFUSAL_GROUNDS
from desk.formatting import era_date
from desk.letters import service
from desk.letters.kinsoku import NO_START
from tests.letters.conftest import page_count, pdf_text, squash

DAY = date(2026, 11, 22)
KINDS = ("ack", "shortfall", "extension", "reply")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_kind_names_the_addressee_reference_and_date(full_case, lapsed_case, lang, tmp_path):
    """Each letter carries the proxy as addressee with the principal named, the reference and the date."""
    for case, kinds in ((full_case, KINDS), (lapsed_case, ("lapse",))):
        for kind in kinds:
            text = squash(pdf_text(service.render(case, kind, lang, dated=DAY), tmp_path))
            assert squash(case.reference) in text, kind
            assert squash("令和8年11月22日" if lang == "ja" else "22 November 2026") in text, kind
            addressee = case.addressee.name
            assert squash(addressee + (" 様" if lang == "ja" else "")) in text, kind
            if case.proxy:
                expected = (
                    f"（本人 {case.principal.name} 様の代理人）"
                    if lang == "ja"
                    else f"(agent for {case.principal.name})"
                )
                assert squash(expected) in text, kind


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_reply_states_every_outcome_and_every_ground_in_full_words(full_case, lang, tmp_path):
    """Outcome labels, ground sentences, explanations, withheld items and details all appear."""
    from desk.extensions import db
    from desk.fees.models import FeePayment

    db.session.add(
        FeePayment(case_id=full_case.id, amount=1000, method="postage_stamps", received_on=date(2026, 11, 5))
    )
    text = squash(pdf_text(service.render(full_case, "reply", lang, dated=DAY), tmp_path))
    for item in full_case.items:
        assert squash(OUTCOMES[item.outcome].label(lang)) in text, item.outcome
        for code in item.grounds:
            assert squash(REFUSAL_GROUNDS[code].letter(lang)) in text, code
        if item.explanation:
            assert squash(item.explanation) in text
    for withheld in ("他のお客様の氏名", "社内の与信評価"):
        assert withheld in text
    assert squash("ご住所を「東京都渋谷区神宮前一丁目2番3号」に訂正しました。") in text
    assert "ダイレクトメールの送付を停止しました。" in text
    fee_note = (
        "お支払いいただいた手数料は返還いたしません"
        if lang == "ja"
        else "The fee is not refunded when a request is refused."
    )
    assert squash(fee_note) in text
    assert squash("商品・サービスの提供のため" if lang == "ja" else "To provide our goods and services") in text
    assert squash("ご購入履歴（注文番号A00003）") in text  # the 別紙 table


def test_a_refusal_without_a_payment_has_no_fee_note(app, tmp_path):
    """Nothing is 'not refunded' to a requester who paid nothing (seen in the PNG of an
    `unidentified` refusal)."""
    from tests.helpers import make_case

    case = make_case(("disclosure",))
    case.items[0].outcome, case.items[0].grounds = "not_disclosed", ["unidentified"]
    text = squash(pdf_text(service.render(case, "reply", "ja", dated=DAY), tmp_path))
    assert "不開示" in text and "手数料は返還" not in text


def test_reply_without_refusal_has_no_fee_note(app, tmp_path):
    """The fee-not-refunded note appears only when disclosure is refused."""
    from tests.helpers import make_case

    case = make_case(("disclosure",))
    case.items[0].outcome = "disclosed"
    text = squash(pdf_text(service.render(case, "reply", "ja", dated=DAY), tmp_path))
    assert "全部開示" in text and "手数料は返還" not in text


def test_japanese_reply_uses_the_business_form(full_case, tmp_path):
    """Title, opening from the request date, 記 … 以上 and the contact line from settings."""
    text = pdf_text(service.render(full_case, "reply", "ja", dated=DAY), tmp_path)
    flat = squash(text)
    assert "保有個人データの開示等の請求について（回答）" in flat
    assert (
        squash(
            "令和8年11月2日付けで受け付けました保有個人データの開示等の請求につきまして、下記のとおり回答いたします。"
        )
        in flat
    )
    lines = [line.strip() for line in text.splitlines()]
    assert "記" in lines and "以上" in lines and lines.index("記") < lines.index("以上")
    assert "個人情報お問合せ窓口" in flat and "03-0000-0000" in flat
    assert "拝啓" not in flat  # default opening is plain


def test_haikei_opening_is_a_setting(full_case, tmp_path):
    """With letter_opening = haikei the letter opens with 拝啓 and closes with 敬具."""
    from desk import settings
    from desk.extensions import db

    settings.update({"letter_opening": "haikei"})
    db.session.commit()
    flat = squash(pdf_text(service.render(full_case, "ack", "ja", dated=DAY), tmp_path))
    assert flat.index("拝啓") < flat.index("さて、") < flat.index("敬具") < flat.index("以上")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_shortfall_says_what_is_owed_how_to_pay_by_when_and_the_consequence(full_case, lang, tmp_path):
    """Amount from the fee balance, payment instructions, due date and 'treated as not made'."""
    text = squash(pdf_text(service.render(full_case, "shortfall", lang, dated=DAY), tmp_path))
    assert squash("1,000円" if lang == "ja" else "¥1,000") in text
    assert squash("令和8年11月18日" if lang == "ja" else "18 November 2026") in text  # due 14 days after 4 Nov
    # A web application: the stamps are posted with the reference, not "enclosed with the application".
    assert (
        squash("郵便切手（1,000円分）を、受付番号（" if lang == "ja" else "Post stamps worth ¥1,000 to our desk")
        in text
    )
    assert "同封" not in text and "Enclose" not in text
    assert (
        squash(
            "ご請求はなかったものとして取り扱わせていただきます"
            if lang == "ja"
            else "we will close your request, treating it as though it had not been made"
        )
        in text
    )


def test_shortfall_for_documents_lists_the_deficient_ones(app, tmp_path):
    """A documents shortfall names each deficient document and the officer's note."""
    from desk.cases.service import transition
    from desk.extensions import db
    from desk.identity.models import Document
    from tests.helpers import make_case

    case = make_case(("correction",))
    db.session.add(
        Document(
            case_id=case.id,
            party="principal",
            kind="drivers_licence",
            review="deficient",
            deficiency="住所の記載が読み取れません",
        )
    )
    transition(case, "awaiting_documents", on=date(2026, 11, 4))
    text = squash(pdf_text(service.render(case, "shortfall", "ja", dated=DAY), tmp_path))
    assert "運転免許証（住所の記載が読み取れません）" in text and "ご提出期限" in text


def test_shortfall_for_documents_of_a_proxy_names_what_proves_the_authority(app, tmp_path):
    """With nothing sent yet, the letter asks for the proxy's identity and each document of
    the proxy kind's checklist."""
    from desk.cases.service import transition
    from tests.helpers import make_case

    case = make_case(("correction",), proxy_kind="delegated")
    transition(case, "awaiting_documents", on=date(2026, 11, 4))
    text = squash(pdf_text(service.render(case, "shortfall", "ja", dated=DAY), tmp_path))
    assert squash("・委任状（本人の実印を押印したもの）・本人の印鑑登録証明書（発行から3か月以内）") in text
    assert squash("・代理人の本人確認書類（運転免許証など顔写真付きのもの1点") in text
    text = squash(pdf_text(service.render(case, "shortfall", "en", dated=DAY), tmp_path))
    assert squash("- Power of attorney sealed with the principal's registered seal") in text
    assert squash("- The principal's seal registration certificate") in text
    assert squash("- The proxy's proof of identity") in text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_extension_and_lapse_give_their_reasons(full_case, lapsed_case, lang, tmp_path):
    """The extension reason from CaseExtension; the lapse notice says the request is treated as not made."""
    text = squash(pdf_text(service.render(full_case, "extension", lang, dated=DAY), tmp_path))
    assert squash("対象の記録が複数の部署にまたがり、確認に時間を要するため。") in text
    text = squash(pdf_text(service.render(lapsed_case, "lapse", lang, dated=DAY), tmp_path))
    assert (
        squash(
            "ご請求はなかったものとして取り扱わせていただきました"
            if lang == "ja"
            else "we have closed your request and will take no further action on it"
        )
        in text
    )
    assert squash("令和8年11月18日" if lang == "ja" else "18 November 2026") in text


def test_long_attachment_runs_over_pages_with_header_and_page_numbers(app, tmp_path):
    """500 disclosed rows: many pages, the header row on each attachment page, n / N on each."""
    from tests.helpers import make_case
    from tests.letters.conftest import decide_everything

    case = make_case(("disclosure",))
    decide_everything(case, rows=500)
    data = service.render(case, "reply", "ja", dated=DAY)
    pages = page_count(data)
    assert pages >= 12
    for number in range(2, pages + 1):
        page = pdf_text(data, tmp_path, number, number)
        assert f"{number} / {pages}" in page
        assert "取得日" in page, f"header missing on page {number}"
    rows = squash(pdf_text(data, tmp_path))
    assert "ご購入履歴（注文番号A00500）" in rows and "ご購入履歴（注文番号A00001）" in rows


def test_one_page_letter_has_no_page_number(full_case, tmp_path):
    """'n / N' only appears when a letter runs over one page."""
    data = service.render(full_case, "ack", "ja", dated=DAY)
    assert page_count(data) == 1 and "1 / 1" not in pdf_text(data, tmp_path)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2026, 11, 22), "令和8年11月22日"),
    ],
)
def test_era_dates_on_both_sides_of_the_change(full_case, day, expected, tmp_path):
    """Japanese letters print the era date; 2019-05-01 is 令和元年."""
    assert era_date(day) == expected
    assert expected in squash(pdf_text(service.render(full_case, "ack", "ja", dated=day), tmp_path))


def test_no_japanese_line_starts_with_a_forbidden_character(full_case, lapsed_case, tmp_path):
    """Kinsoku: no extracted line of any Japanese letter starts with 、。」 and the like."""
    for case, kinds in ((full_case, KINDS), (lapsed_case, ("lapse",))):
        for kind in kinds:
            for line in pdf_text(service.render(case, kind, "ja", dated=DAY), tmp_path).splitlines():
                line = line.strip()
                # 「・」 also serves as the bullet of a list, which starts a line by design.
                assert not line or line[0] not in NO_START - {"・"}, f"{kind}: line starts with {line[:10]!r}"


def test_requester_text_cannot_inject_markup(app, tmp_path):
    """Explanations with <, & and line breaks print as typed and cannot start a directive."""
    from tests.helpers import make_case

    case = make_case(("correction",))
    item = case.items[0]
    item.outcome, item.grounds = "not_corrected", ["content_true"]
    item.explanation = "記録 <b>A</b> & B\n@title 偽の表題"
    text = pdf_text(service.render(case, "reply", "ja", dated=DAY), tmp_path)
    assert "記録 <b>A</b> & B" in text and "@title 偽の表題" in text


def test_staff_text_from_any_path_cannot_start_or_break_a_directive(full_case, tmp_path):
    """An extension reason stored with every kind of line break, a directive after each and a " | "
    (as the CLI, an API or an old row may have it): the letter renders and prints the text."""
    from sqlalchemy import select

    from desk.cases.models import CaseExtension
    from desk.extensions import db

    extension = db.session.scalars(select(CaseExtension).where(CaseExtension.case_id == full_case.id)).one()
    breaks = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r"]
    extension.reason = "理由A | 右" + "".join(f"{b}@attachment zz | 見出し" for b in breaks) + "\n@pagebreak"
    db.session.commit()
    text = squash(pdf_text(service.render(full_case, "extension", "ja", dated=DAY), tmp_path))
    assert "理由A|右" in text and text.count("@attachmentzz|見出し") == len(breaks) and "@pagebreak" in text


def test_letters_that_do_not_apply_are_refused_with_a_reason(app):
    """A reply before every decision, a lapse notice for an open case: LetterError, not a PDF."""
    from tests.helpers import make_case

    case = make_case(("disclosure", "correction"))
    case.items[0].outcome = "disclosed"
    with pytest.raises(service.LetterError) as refused:
        service.render(case, "reply", "ja")
    assert "訂正・追加・削除" in refused.value.ja
    with pytest.raises(service.LetterError):
        service.render(case, "lapse", "en")
    assert service.applicable_kinds(case) == ["ack"]


def test_fonts_are_embedded(full_case):
    """IPAex is embedded (subset) so the letter prints the same anywhere."""
    data = service.render(full_case, "ack", "ja", dated=DAY)
    assert b"FontFile2" in data and b"IPAexMincho" in data


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_nothing_but_the_address_shows_in_the_window(full_case, lang, tmp_path):
    """Every word inside the window block (plus 5 mm clearance) belongs to the address block,
    and the address block stays within its 80 × 35 mm from the settings' position."""
    import re
    import subprocess

    path = tmp_path / "letter.pdf"
    path.write_bytes(service.render(full_case, "reply", lang, dated=DAY))
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    mm = 72 / 25.4
    left, top, width, height, clear = 20 * mm, 15 * mm, 80 * mm, 35 * mm, 5 * mm
    address_words = {
        "〒150-0001",
        "東京都渋谷区神宮前一丁目2番3号",
        "山田",
        "太郎",
        "様",
        "（本人",
        "花子",
        "様の代理人）",
        "(agent",
        "for",
        "花子)",
    }
    inside = []
    for x0, y0, x1, y1, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html
    ):
        x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))
        if x1 > left - clear and x0 < left + width + clear and y1 > top - clear and y0 < top + height + clear:
            inside.append(word)
            assert x0 >= left - 0.5 and x1 <= left + width + 0.5 and y0 >= top - 0.5 and y1 <= top + height + 0.5, word
    assert set(inside) <= address_words, set(inside) - address_words
    assert "山田" in inside and "〒150-0001" in inside


def test_window_position_follows_the_settings(full_case, tmp_path):
    """Moving the block in settings moves the postcode line by the same millimetres."""
    import re
    import subprocess

    from desk import settings
    from desk.extensions import db

    def postcode_box():
        path = tmp_path / "letter.pdf"
        path.write_bytes(service.render(full_case, "ack", "ja", dated=DAY))
        html = subprocess.run(
            ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True
        ).stdout.decode()
        x0, y0 = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>〒150-0001<', html).groups()
        return float(x0), float(y0)

    before = postcode_box()
    settings.update({"window_left_mm": 30, "window_top_mm": 20})
    db.session.commit()
    after = postcode_box()
    mm = 72 / 25.4
    assert abs((after[0] - before[0]) - 10 * mm) < 0.5 and abs((after[1] - before[1]) - 5 * mm) < 0.5


def test_paper_fallback_is_explained(app, tmp_path):
    """When the chosen electronic method is not practicable, the letter says paper, and why."""
    from tests.helpers import make_case

    case = make_case(("disclosure",))
    case.delivery_method = "electronic"
    case.items[0].outcome = "disclosed"
    case.items[0].details = {"fallback_to_paper_reason": "ご指定のアドレスに送信できなかったため。"}
    text = squash(pdf_text(service.render(case, "reply", "ja", dated=DAY), tmp_path))
    assert "書面の交付（ご指定の「電磁的記録の提供」による開示が困難であるため" in text
    assert "ご指定のアドレスに送信できなかったため。" in text


def test_frame_is_reusable_without_an_addressee(app, tmp_path):
    """Other PDFs (application form, disposal certificate) use the frame with their own story."""
    from desk.letters.frame import LetterFrame

    frame = LetterFrame.from_settings("ja", reference="D-2026-001", dated=DAY)
    data = frame.build(
        [
            frame.title("保有個人データの廃棄証明書"),
            frame.para("下記の書類を廃棄したことを証明します。"),
            frame.ki(),
            frame.table(["書類", "廃棄日"], [["本人確認書類", "令和8年11月22日"]]),
            frame.ijo(),
        ]
    )
    text = squash(pdf_text(data, tmp_path))
    assert "保有個人データの廃棄証明書" in text and "D-2026-001" in text and "株式会社サンプル商事" in text
    assert page_count(data) == 1


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_lapse_letter_names_what_did_not_arrive(app, lang, tmp_path):
    """Documents: the ones still needed; a question: the question as asked; the fee: the
    amount unpaid. Never a fee where the case lapsed for something else."""
    from desk.cases.service import open_pause, transition
    from desk.decisions.service import lapse
    from tests.helpers import make_case, make_staff

    supervisor = make_staff("supervisor")
    documents = make_case(("correction",), proxy_kind="delegated")
    transition(documents, "awaiting_documents", on=date(2026, 11, 4))
    lapse(documents, "documents", actor=supervisor, on=date(2026, 11, 19))
    question = make_case(("disclosure",), name="照会 未回答")
    transition(question, "awaiting_clarification", on=date(2026, 11, 4))
    open_pause(question).message = "どの期間の購入履歴をご希望でしょうか。"
    lapse(question, "clarification", actor=supervisor, on=date(2026, 11, 19))
    fee = make_case(("disclosure",), name="手数料 未納")
    transition(fee, "awaiting_fee", on=date(2026, 11, 4))
    lapse(fee, "fee", actor=supervisor, on=date(2026, 11, 19))

    text = squash(pdf_text(service.render(documents, "lapse", lang, dated=DAY), tmp_path))
    if lang == "ja":
        assert squash("未提出の書類・委任状（本人の実印を押印したもの）・本人の印鑑登録証明書") in text
        assert "手数料" not in text
    else:
        assert squash("Not received- Power of attorney sealed with the principal's registered seal") in text
        assert squash("asking you to send the documents listed below by 18 November 2026") in text
        assert "fee" not in text
    text = squash(pdf_text(service.render(question, "lapse", lang, dated=DAY), tmp_path))
    assert (
        squash(("未回答のお尋ね" if lang == "ja" else "Our question") + "どの期間の購入履歴をご希望でしょうか。")
        in text
    )
    text = squash(pdf_text(service.render(fee, "lapse", lang, dated=DAY), tmp_path))
    assert squash("未納の手数料1,000円" if lang == "ja" else "Fee unpaid¥1,000") in text
