"""The status page: reference + code in, plain words out; wrong pairs learn nothing."""

from datetime import date

from desk.cases.service import transition
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.intake.service import Application, Person, submit
from desk.letters.models import Letter


def make_request(kinds=("disclosure",), arrived_on=date(2026, 11, 2)):
    application = Application(
        kinds=list(kinds),
        delivery_method="paper",
        arrived_on=arrived_on,
        principal=Person(
            name="山田 花子",
            furigana="ヤマダ ハナコ",
            birth_date=date(1980, 4, 1),
            postal_code="1500001",
            address="東京都渋谷区神宮前1-2-3",
            phone="03-1234-5678",
        ),
    )
    result = submit(application)
    db.session.commit()
    return result.case, result.access_code


def look(client, reference, code):
    return client.post("/requests/status", data={"reference": reference, "code": code}).get_data(as_text=True)


def test_status_shows_stage_fee_owed_due_date_and_letters(client, app):
    """A case waiting for its fee shows the amount still owed, the due date and letters sent."""
    case, code = make_request()
    transition(case, "awaiting_fee", on=date(2026, 11, 4))
    db.session.add(FeePayment(case_id=case.id, amount=400, method="postage_stamps", received_on=date(2026, 11, 5)))
    db.session.add(
        Letter(case_id=case.id, kind="shortfall", dated_on=date(2026, 11, 4), dispatched_on=date(2026, 11, 4))
    )
    db.session.add(Letter(case_id=case.id, kind="reply", dated_on=date(2026, 11, 6)))  # queued, not sent
    db.session.commit()
    html = look(client, case.reference, code)
    assert "手数料のお支払いをお待ちしています" in html
    assert "600円" in html and "令和8年11月18日" in html
    assert "令和8年11月4日 — 手数料・書類のご案内" in html and "回答書" not in html
    assert "山田" not in html and "渋谷" not in html


def test_an_unpaid_fee_ends_only_the_kinds_that_carry_one_and_the_page_says_so(client, app):
    """Disclosure (fee) with stop-provision (free): the page warns that the disclosure
    would end, and says the stop goes on, as the fee notice does; a fee-only case keeps
    the plain warning."""
    both, code = make_request(kinds=("disclosure", "stop_provision"))
    transition(both, "awaiting_fee", on=date(2026, 11, 4))
    db.session.commit()
    html = look(client, both.reference, code)
    assert "期限までに届かない場合、保有個人データの開示のご請求はなかったものとして取り扱います。" in html
    assert "第三者提供の停止のご請求は手数料を要しませんので、引き続き対応いたします。" in html
    client.get("/?lang=en")
    english = look(client, both.reference, code)
    assert "your request for disclosure of retained personal data is treated as not made" in english
    assert "cessation of provision to third parties carries no fee, and we go on with it" in english
    client.get("/?lang=ja")
    alone, alone_code = make_request()
    transition(alone, "awaiting_fee", on=date(2026, 11, 4))
    db.session.commit()
    assert "期限までに届かない場合、ご請求はなかったものとして取り扱います。" in look(
        client, alone.reference, alone_code
    )


def test_status_in_english_and_with_a_sloppily_typed_code(client, app):
    """Full-width reference, lower-case code without hyphens: still found, in English."""
    case, code = make_request(kinds=("correction",))
    client.get("/?lang=en")
    typed_reference = case.reference.replace("2", "２").replace("-", "－")
    html = look(client, typed_reference, code.lower().replace("-", ""))
    assert "Received" in html and "Correction, addition or deletion" in html
    assert "What we are waiting for" not in html


def test_wrong_pairs_get_one_generic_message(client, app):
    """Unknown reference and wrong code give the same page."""
    case, code = make_request()
    wrong_code = look(client, case.reference, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    no_case = look(client, "2026-999999", code)
    message = "受付番号またはアクセスコードが正しくありません。"
    assert message in wrong_code and message in no_case
    strip = lambda html: html.replace(case.reference, "").replace("2026-999999", "")  # noqa: E731
    assert strip(wrong_code) == strip(no_case)


def test_code_is_never_in_the_url(client, app):
    """The lookup is a POST form; a GET with parameters shows the empty form."""
    case, code = make_request()
    html = client.get(f"/requests/status?reference={case.reference}&code={code}").get_data(as_text=True)
    assert 'method="post"' in html and "status-now" not in html


def test_documents_awaited_are_named(client, app):
    """A case waiting for documents says so, with the date they are needed by."""
    case, code = make_request(kinds=("correction",))
    transition(case, "awaiting_documents", on=date(2026, 11, 10))
    db.session.commit()
    html = look(client, case.reference, code)
    assert "書類のご提出" in html and "令和8年11月24日" in html


def test_the_question_asked_is_on_the_status_page(client, app):
    """A case waiting for an answer shows the question, in the officer's words, and the due date."""
    from desk.cases.service import open_pause

    case, code = make_request()
    transition(case, "awaiting_clarification", on=date(2026, 11, 4))
    open_pause(case).message = "どの期間の購入履歴をご希望か、お知らせください。"
    db.session.commit()
    html = look(client, case.reference, code)
    assert "下記のお尋ねへのご回答" in html and "どの期間の購入履歴をご希望か、お知らせください。" in html
    assert "令和8年11月18日" in html
    english = client.post("/requests/status?lang=en", data={"reference": case.reference, "code": code})
    assert "Your answer to our question below" in english.get_data(as_text=True)
