"""Inquiries and complaints through their public interfaces: the public form, staff pages,
the print run, the case page, the daily job, the dashboard and export-inquiries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from desk.audit.service import verify
from desk.cases.models import Case
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.inquiries.models import Inquiry, InquiryAttachment
from desk.letters.models import Letter
from desk.reports.figures import DateRange, dashboard
from desk.storage import service as storage
from tests.helpers import login, make_case, make_staff
from tests.letters.conftest import pdf_text, squash

TODAY = date(2026, 11, 24)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
    b"\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\r\xefF\xb8\x00\x00\x00\x00IEND\xaeB`\x82"
)


def csrf_token(html: str) -> str:
    """The page's CSRF token (the tests' app turns CSRF off, so usually none)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def _frozen(day=TODAY):
    return time_machine.travel(f"{day.isoformat()} 10:00 +09:00", tick=False)


@pytest.fixture(autouse=True)
def _on_today():
    """Every test runs on TODAY (a test may travel further inside)."""
    with _frozen():
        yield


def _post_public(client, **data):
    page = client.get("/inquiries/new")
    html = page.get_data(as_text=True)
    token = csrf_token(html)
    send = re.search(r'name="send_token"[^>]*value="([^"]*)"', html).group(1)
    return client.post("/inquiries/new", data={"csrf_token": token, "send_token": send, **data})


def _staff_post(client, url, **data):
    page = client.get(url.rsplit("/", 1)[0] if not url.endswith("/new") else url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


def _inquiry(reference: str) -> Inquiry:
    db.session.expire_all()
    return db.session.scalars(select(Inquiry).where(Inquiry.reference == reference)).one()


def _register(client, **data) -> Inquiry:
    page = client.get("/staff/inquiries/new")
    values = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "channel": "phone",
        "received_on": TODAY.isoformat(),
        "language": "ja",
        "category": "question",
        "matter": "利用目的について確認したい",
    }
    values.update(data)
    response = client.post("/staff/inquiries/new", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.get(response.headers["Location"])  # the page shows (and so clears) the message
    return _inquiry(response.headers["Location"].rsplit("/", 1)[-1].split("#")[0])


#: The inquiry page's two answer forms carry their own prefixes.
PREFIXES = {"reply": "reply-", "answer": "said-"}


def _act(client, inquiry: Inquiry, action: str, **data):
    prefix = PREFIXES.get(action, "")
    data = {f"{prefix}{key}": value for key, value in data.items()}
    page = client.get(f"/staff/inquiries/{inquiry.reference}")
    response = client.post(
        f"/staff/inquiries/{inquiry.reference}/{action}",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data},
    )
    if response.status_code == 302:
        client.get(response.headers["Location"])  # shows (and clears) the message
    return response


def test_a_complaint_on_the_public_form_is_recorded_without_fee_or_code(client, app):
    """Anonymous or not, only the matter is required; a file is kept encrypted; no access code, no case."""
    with _frozen():
        response = _post_public(
            client,
            category="complaint",
            matter="ダイレクトメールが止まりません。",
            name="苦情 太郎",
            email="taro@example.com",
            files=(io.BytesIO(PNG), "photo.png"),
        )
        assert response.status_code == 302
        done = client.get(response.headers["Location"]).get_data(as_text=True)
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.reference in done and "アクセスコード" not in done
    assert inquiry.category == "complaint" and inquiry.channel == "web" and inquiry.status == "open"
    assert inquiry.due_on > TODAY
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    attachment = db.session.scalars(select(InquiryAttachment)).one()
    assert attachment.media_type == "image/png"
    assert PNG not in storage.path_of(attachment.storage_name).read_bytes()
    assert storage.read(attachment) == PNG
    # Anonymous works too; an empty matter does not.
    assert _post_public(client, category="question", matter="匿名での質問です").status_code == 302
    rejected = _post_public(client, category="question", matter="")
    assert rejected.status_code == 400 and "お問い合わせの内容を入力してください" in rejected.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 2


def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_stored(client, app):
    response = _post_public(
        client, category="question", matter="添付があります", files=(io.BytesIO(b"%PDF-1.4 nonsense"), "a.png")
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_the_request_form_sends_a_deceased_person_to_the_inquiry_form(client, app):
    """Ticking 'the person has died' on the request form opens no case: the inquiry form explains why."""
    page = client.get("/requests/new/principal").get_data(as_text=True)
    response = client.post(
        "/requests/new",
        data={"csrf_token": csrf_token(page), "who": "principal", "principal_deceased": "1", "kinds": ["disclosure"]},
    )
    assert response.status_code == 302 and "/inquiries/new?about=deceased" in response.headers["Location"]
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "生存する個人ご本人" in form and 'value="deceased" checked' in form
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    # The start page offers the same path.
    assert "/inquiries/new?about=deceased" in client.get("/requests/new").get_data(as_text=True)


def test_staff_registration_sends_a_deceased_person_to_inquiry_registration(client, app):
    officer = make_staff("officer")
    login(client, officer)
    page = client.get("/staff/intake/new").get_data(as_text=True)
    response = client.post(
        "/staff/intake/new",
        data={"csrf_token": csrf_token(page), "who": "principal", "principal_deceased": "1", "channel": "mail"},
    )
    assert response.status_code == 302 and "/staff/inquiries/new" in response.headers["Location"]
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "法律上の開示等の請求に当たりません" in form and 'value="deceased" checked' in form
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_answered_by_letter_through_the_print_run_then_closed(client, app, tmp_path):
    """The reply letter joins the print run; marked sent, the inquiry is answered by letter; then closed."""
    officer = make_staff("officer")
    login(client, officer)
    with _frozen():
        inquiry = _register(
            client,
            channel="mail",
            category="complaint",
            name="山田 一郎",
            postal_code="150-0001",
            address="東京都渋谷区神宮前一丁目2番3号",
        )
        assert (
            _act(
                client, inquiry, "reply", answer="ご不便をおかけしました。\n\n配信を停止しました。", lang="ja"
            ).status_code
            == 302
        )
        letter = db.session.scalars(select(Letter).where(Letter.inquiry_id == inquiry.id)).one()
        assert letter.kind == "inquiry_reply" and letter.case_id is None
        run = client.get("/staff/letters/print-run").get_data(as_text=True)
        assert inquiry.reference in run and "山田 一郎" in run
        pdf = client.get("/staff/letters/print-run.pdf")
        text = squash(pdf_text(pdf.data, tmp_path))
        assert "ご意見（苦情）について（回答）" in text and "配信を停止しました" in text and inquiry.reference in text
        response = client.post(
            "/staff/letters/print-run",
            data={
                "csrf_token": csrf_token(run),
                "letter_ids": [letter.id],
                "sent_on": TODAY.isoformat(),
                "method": "ordinary_mail",
            },
        )
        assert response.status_code == 302
        answered = _inquiry(inquiry.reference)
        assert answered.status == "answered" and answered.answer_channel == "letter"
        assert answered.first_answered_on == TODAY
        assert _act(client, answered, "close").status_code == 302
        page = client.get(f"/staff/inquiries/{inquiry.reference}").get_data(as_text=True)
    closed = _inquiry(inquiry.reference)
    assert closed.status == "closed" and closed.closed_on == TODAY
    assert "問い合わせに回答" in page and "問い合わせを終了" in page
    stored = client.get(f"/staff/inquiries/{inquiry.reference}/reply.pdf")
    assert stored.status_code == 200 and "令和8年11月24日" in squash(pdf_text(stored.data, tmp_path))
    assert verify().ok


def test_a_reply_in_english_and_an_answer_by_phone(client, app, tmp_path):
    officer = make_staff("officer")
    login(client, officer)
    with _frozen():
        inquiry = _register(
            client, language="en", name="John Smith", postal_code="1500001", address="1-2-3 Jingumae, Shibuya-ku, Tokyo"
        )
        pdf = client.get(f"/staff/inquiries/{inquiry.reference}/reply.pdf?lang=en")
        assert pdf.status_code == 302  # no answer yet: back to the page with the reason
        assert (
            _act(client, inquiry, "reply", answer="We use your data only for deliveries.", lang="en").status_code == 302
        )
        text = squash(pdf_text(client.get(f"/staff/inquiries/{inquiry.reference}/reply.pdf").data, tmp_path))
        assert "Replytoyourinquiry" in text and "24November2026" in text
        other = _register(client, name=None)
        response = _act(
            client, other, "answer", answer="電話で説明しました", channel="phone", answered_on=TODAY.isoformat()
        )
        assert response.status_code == 302
    answered = _inquiry(other.reference)
    assert answered.status == "answered" and answered.answer_channel == "phone"
    # A letter needs a name and an address.
    assert _act(client, answered, "reply", answer="書面で").status_code == 302
    assert db.session.scalars(select(Letter).where(Letter.inquiry_id == answered.id)).first() is None


def test_a_phone_inquiry_becomes_a_disclosure_case_and_both_show_the_link(client, app):
    officer = make_staff("officer")
    login(client, officer)
    with _frozen():
        inquiry = _register(client, name="佐藤 花子", phone="090-1111-2222", matter="自分の購入履歴を見たい")
        response = _act(client, inquiry, "open-case", kinds=["disclosure"], arrived_on=TODAY.isoformat())
        assert response.status_code == 200
    case = db.session.scalars(select(Case)).one()
    assert case.channel == "phone" and case.kinds == ["disclosure"] and case.status == "received"
    assert case.principal.name == "佐藤 花子"
    case_page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert inquiry.reference in case_page and "この請求は問い合わせから開始しました" in case_page
    inquiry_page = client.get(f"/staff/inquiries/{inquiry.reference}").get_data(as_text=True)
    assert case.reference in inquiry_page and "この問い合わせから開始した請求" in inquiry_page


def test_a_case_closed_as_not_a_statutory_request_keeps_no_fee_and_leaves_the_register(client, app, runner, tmp_path):
    officer = make_staff("officer")
    supervisor = make_staff("supervisor")
    with _frozen():
        case = make_case(("disclosure",), name="相続 次郎")
        db.session.add(FeePayment(case_id=case.id, amount=1000, method="bank_transfer", received_on=TODAY))
        kept = make_case(("correction",), name="残る 請求")
        db.session.commit()
        login(client, officer)
        page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
        assert "法定の請求に当たらないものとして終了" in page
        response = client.post(
            f"/staff/inquiries/from-case/{case.reference}",
            data={"csrf_token": csrf_token(page), "category": "deceased"},
        )
        assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == "not_a_request" and [i.outcome for i in case.items] == ["not_a_request"]
    assert db.session.scalar(select(func.sum(FeePayment.amount)).where(FeePayment.case_id == case.id)) == 0
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.category == "deceased" and inquiry.channel == "case" and inquiry.name == "相続 次郎"
    assert inquiry.links[0].case_id == case.id and inquiry.links[0].relation == "from_case"
    # Out of the register of requests, web and command line; the other case stays.
    out = tmp_path / "register.csv"
    assert runner.invoke(args=["desk", "export-register", "-o", str(out)]).exit_code == 0
    register = out.read_text(encoding="utf-8-sig")
    assert case.reference not in register and kept.reference in register
    auditing = app.test_client()
    login(auditing, supervisor)
    web_register = auditing.get("/staff/register.csv").get_data(as_text=True)
    assert kept.reference in web_register and case.reference not in web_register
    # Nor among the dashboard's requests: of the two cases that arrived, one is counted.
    board = dashboard(DateRange(date(2026, 11, 1), date(2026, 11, 30)), TODAY)
    assert board.received["2026-11"]["disclosure"] == 0 and board.received["2026-11"]["correction"] == 1
    # Closed, it offers the conversion no more.
    assert "法定の請求に当たらないものとして終了" not in client.get(f"/staff/cases/{case.reference}").get_data(
        as_text=True
    )


def test_disposal_erases_an_inquiry_after_its_retention_and_keeps_the_skeleton(client, app, runner):
    """Closed 24 Nov 2026, two years' retention: kept on 24 Nov 2028, disposed of on the 25th by desk daily."""
    officer = make_staff("officer")
    login(client, officer)
    with _frozen():
        inquiry = _register(client, name="廃棄 対象", phone="03-5555-0000", address="東京都港区1-1")
        _act(client, inquiry, "attachments", files=(io.BytesIO(PNG), "scan.png"))
        assert _act(client, inquiry, "close").status_code == 302
        still_open = _register(client, name="対応 中")
    attachment = db.session.scalars(select(InquiryAttachment)).one()
    path = storage.path_of(attachment.storage_name)
    assert path.exists()
    with _frozen(date(2028, 11, 24)):
        result = runner.invoke(args=["desk", "daily"])
        assert result.exit_code == 0, result.output
        assert "inquiries: 0 inquiry record(s) disposed" in result.output
    with _frozen(date(2028, 11, 25)):
        rehearsal = runner.invoke(args=["desk", "dispose", "--dry-run"])
        assert inquiry.reference in rehearsal.output and _inquiry(inquiry.reference).status == "closed"
        result = runner.invoke(args=["desk", "daily"])
        assert result.exit_code == 0, result.output
        assert "inquiries: 1 inquiry record(s) disposed of" in result.output and inquiry.reference in result.output
    gone = _inquiry(inquiry.reference)
    assert gone.status == "disposed" and gone.disposed_on == date(2028, 11, 25)
    assert (gone.name, gone.phone, gone.address, gone.matter, gone.answer) == (None, None, None, None, None)
    assert (gone.category, gone.channel, gone.received_on, gone.closed_on) == ("question", "phone", TODAY, TODAY)
    assert db.session.get(InquiryAttachment, attachment.id).wrapped_key is None and not path.exists()
    assert _inquiry(still_open.reference).name == "対応 中"
    page = client.get(f"/staff/inquiries/{inquiry.reference}").get_data(as_text=True)
    assert "廃棄 対象" not in page and "廃棄しました" in page
    assert verify().ok


def test_dashboard_counts_inquiries_by_month_and_category_and_the_time_to_answer(client, app):
    """Figures checked against a hand count: 3 in October (2 complaints, 1 question), 1 in November;
    answers after 2, 4 and 9 days (median 4, p90 nearest rank 9)."""
    officer = make_staff("officer")
    login(client, officer)
    plan = [
        (date(2026, 10, 1), "complaint", date(2026, 10, 3)),
        (date(2026, 10, 6), "complaint", date(2026, 10, 10)),
        (date(2026, 10, 20), "question", date(2026, 10, 29)),
        (date(2026, 11, 2), "deceased", None),
    ]
    with _frozen():
        for received, category, answered in plan:
            inquiry = _register(client, received_on=received.isoformat(), category=category)
            if answered:
                _act(client, inquiry, "answer", answer="回答", channel="phone", answered_on=answered.isoformat())
        overseer = app.test_client()
        login(overseer, make_staff("supervisor"))
        html = overseer.get("/staff/dashboard?from=2026-10-01&to=2026-11-30").get_data(as_text=True)

    section = html[html.index('id="inquiries"') :]

    def row(marker):
        part = section[section.index(marker) :]
        return re.findall(r'<td class="num">([^<]*)</td>', part[: part.index("</tr>")])

    assert row('data-category="complaint"') == ["2", "0", "2"]
    assert row('data-category="question"') == ["1", "0", "1"]
    assert row('data-category="deceased"') == ["0", "1", "1"]
    assert row('data-row="count"') == ["3", "0", "3"]
    assert row('data-row="median"') == ["4", "—", "4"]
    assert row('data-row="p90"') == ["9", "—", "9"]
    assert "対応中" in section and "<strong>1</strong>" in section


def test_export_inquiries_has_codes_and_dates_and_no_names(client, app, runner, tmp_path):
    officer = make_staff("officer")
    login(client, officer)
    with _frozen():
        inquiry = _register(client, name="秘密 花子", phone="090-9999-8888", matter="秘密の内容")
        out = tmp_path / "inquiries.csv"
        result = runner.invoke(args=["desk", "export-inquiries", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0 and "1 row(s)" in result.output
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    assert "秘密" not in text and "090" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Reference", "Channel", "Channel code", "Received"]
    assert rows[1][0] == inquiry.reference and rows[1][2] == "phone" and rows[1][5] == "question"


def test_queue_due_first_filters_in_the_url_and_search(client, app):
    officer = make_staff("officer")
    login(client, officer)
    with _frozen():
        late = _register(client, received_on="2026-11-02", name="遅い 案件", category="complaint")
        fresh = _register(client, received_on="2026-11-20", name="新しい 相談", phone="090-1234-0000")
        page = client.get("/staff/inquiries").get_data(as_text=True)
        assert page.index(late.reference) < page.index(fresh.reference) and "row-overdue" in page
        only = client.get("/staff/inquiries?category=complaint").get_data(as_text=True)
        assert late.reference in only and fresh.reference not in only
        assert fresh.reference in client.get("/staff/inquiries?q=新しい").get_data(as_text=True)
        assert late.reference not in client.get("/staff/inquiries?q=09012340000").get_data(as_text=True)
        assert late.reference in client.get(f"/staff/inquiries?q={late.reference}").get_data(as_text=True)
        overdue = client.get("/staff/inquiries?overdue=1").get_data(as_text=True)
        assert late.reference in overdue and fresh.reference not in overdue


def test_auditors_read_and_change_nothing(client, app):
    officer = make_staff("officer")
    login(client, officer)
    with _frozen():
        inquiry = _register(client)
    auditor = make_staff("auditor")
    other = app.test_client()
    login(other, auditor)
    page = other.get(f"/staff/inquiries/{inquiry.reference}")
    assert page.status_code == 200 and "閲覧のみ" in page.get_data(as_text=True)
    response = other.post(
        f"/staff/inquiries/{inquiry.reference}/close", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    assert response.status_code == 403
