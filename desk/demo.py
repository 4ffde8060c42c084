"""Demo data: believable Japanese cases in every state, with their history.

Deterministic (seeded), so a screenshot taken today looks like one taken tomorrow.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from desk import catalogue, settings
from desk.auth.models import StaffUser
from desk.auth.service import create_user, find_by_email
from desk.cases import service
from desk.cases.models import Case, CaseNote, Requester, RequestItem
from desk.cases.search import search_keys
from desk.clock import local_zone, today, travel
from desk.decisions.models import Approval, DataSearch
from desk.extensions import db
from desk.fees.models import FeePayment
from desk.identity.models import Document, Verification
from desk.inquiries.service import Particulars, close_case_as_inquiry, receive, record_answer
from desk.intake.samples import add_sample_documents
from desk.letters.models import Letter
from desk.letters.service import dispatch

DEMO_PASSWORD = "desk-demo-2026"
DEMO_STAFF = (
    ("officer@example.jp", "officer", "佐藤 花子"),
    ("officer2@example.jp", "officer", "鈴木 一郎"),
    ("supervisor@example.jp", "supervisor", "高橋 誠"),
    ("admin@example.jp", "admin", "田中 健"),
    ("auditor@example.jp", "auditor", "渡辺 直子"),
)
DEMO_STAFF_LOGINS = tuple((email, role) for email, role, _ in DEMO_STAFF)

SURNAMES = [
    ("佐々木", "ササキ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("髙橋", "タカハシ"),
    ("齋藤", "サイトウ"),
]
GIVEN = [
    ("陽子", "ヨウコ"),
    ("健一", "ケンイチ"),
    ("美咲", "ミサキ"),
    ("大輔", "ダイスケ"),
    ("由美", "ユミ"),
    ("翔太", "ショウタ"),
    ("恵子", "ケイコ"),
    ("拓也", "タクヤ"),
    ("真由美", "マユミ"),
    ("浩二", "コウジ"),
    ("さくら", "サクラ"),
    ("蓮", "レン"),
    ("結衣", "ユイ"),
    ("和夫", "カズオ"),
    ("千尋", "チヒロ"),
]
PLACES = [
    ("1500001", "東京都渋谷区神宮前", "03"),
    ("5300001", "大阪府大阪市北区梅田", "06"),
    ("4600008", "愛知県名古屋市中区栄", "052"),
    ("8100001", "福岡県福岡市中央区天神", "092"),
    ("0600001", "北海道札幌市中央区北一条西", "011"),
    ("2310023", "神奈川県横浜市中区山下町", "045"),
    ("9800811", "宮城県仙台市青葉区一番町", "022"),
    ("7300011", "広島県広島市中区基町", "082"),
    ("6008216", "京都府京都市下京区東塩小路町", "075"),
    ("3300063", "埼玉県さいたま市浦和区高砂", "048"),
]
KIND_SETS = [
    ("disclosure",),
    ("disclosure", "record_disclosure"),
    ("purpose_notice",),
    ("correction",),
    ("stop_provision",),
    ("cessation", "stop_provision"),
    ("disclosure", "correction"),
]
#: The journey each demo case has travelled, as (state, days after arrival).
JOURNEYS = {
    "received": [],
    "awaiting_fee": [("awaiting_fee", 1)],
    "awaiting_documents": [("verifying", 1), ("awaiting_documents", 2)],
    "awaiting_clarification": [("in_progress", 2), ("awaiting_clarification", 3)],
    "verifying": [("verifying", 1)],
    "in_progress": [("verifying", 1), ("in_progress", 2)],
    "decision_drafted": [("verifying", 1), ("in_progress", 2), ("decision_drafted", 6)],
    "awaiting_approval": [("verifying", 1), ("in_progress", 2), ("decision_drafted", 5), ("awaiting_approval", 6)],
    "approved": [("verifying", 1), ("in_progress", 2), ("decision_drafted", 5), ("approved", 6)],
    "completed": [
        ("verifying", 1),
        ("in_progress", 2),
        ("decision_drafted", 6),
        ("approved", 7),
        ("dispatched", 8),
        ("completed", 8),
    ],
    "withdrawn": [("verifying", 1), ("withdrawn", 3)],
    "lapsed": [("awaiting_fee", 1), ("lapsed", 16)],
    # An heir asked about a deceased parent: closed into an inquiry (desk.inquiries).
    "not_a_request": [("verifying", 1), ("not_a_request", 2)],
}
#: How long ago (days) cases of each state arrived: open work is recent, closed work older.
AGE = {
    "received": (0, 2),
    "awaiting_fee": (3, 10),
    "awaiting_documents": (3, 10),
    "awaiting_clarification": (4, 9),
    "verifying": (1, 4),
    "in_progress": (3, 21),
    "decision_drafted": (7, 12),
    "awaiting_approval": (8, 13),
    "approved": (8, 12),
    "completed": (20, 400),
    "withdrawn": (10, 300),
    "lapsed": (30, 300),
    "not_a_request": (5, 60),
}
#: What a granted cessation did (catalogue.CESSATION_MEASURES), as officers record it.
MEASURES = (["use_stopped"], ["erased"], ["use_stopped", "erased"])
GRANT = {
    "purpose_notice": "notified",
    "disclosure": "disclosed",
    "record_disclosure": "disclosed",
    "correction": "corrected",
    "cessation": "done",
    "stop_provision": "done",
}


def has_cases() -> bool:
    return (db.session.scalar(select(func.count()).select_from(Case)) or 0) > 0


def ensure_staff() -> dict[str, StaffUser]:
    users = {}
    for email, role, name in DEMO_STAFF:
        users[email] = find_by_email(email) or create_user(email, role, DEMO_PASSWORD, name=name, temporary=False)
    return users


def _moment(day: date, rng: random.Random) -> datetime:
    local_time = datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), tzinfo=local_zone())
    return local_time.astimezone(UTC)


def _person(rng: random.Random, role: str, surname=None, proxy_kind=None) -> Requester:
    family = surname or rng.choice(SURNAMES)
    given = rng.choice(GIVEN)
    postal, town, area = rng.choice(PLACES)
    block = f"{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
    building = rng.choice(["", "", f" サンハイツ{rng.randint(1, 9)}0{rng.randint(1, 9)}号室"])
    phone = (
        f"{area}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        if rng.random() < 0.5
        else f"0{rng.choice(['90', '80', '70'])}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    )
    born = date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
    person = Requester(
        role=role,
        proxy_kind=proxy_kind,
        name=f"{family[0]} {given[0]}",
        furigana=f"{family[1]} {given[1]}",
        birth_date=born,
        postal_code=postal,
        address=f"{town}{block}{building}",
        phone=phone,
        email=f"user{rng.randint(100, 999)}@example.com" if rng.random() < 0.7 else None,
        known_as=rng.choice(
            [
                "会員番号 A-" + str(rng.randint(100000, 999999)),
                "通信販売のご利用",
                "ポイントカード会員",
                "メールマガジン購読",
            ]
        )
        if role == "principal"
        else None,
    )
    person.name_key, person.kana_key, person.phone_key, person.email_key = search_keys(
        person.name, person.furigana, person.phone, person.email
    )
    return person


def _make_case(state: str, rng: random.Random, staff: dict[str, StaffUser], arrived: date) -> Case:
    officers = [staff["officer@example.jp"], staff["officer2@example.jp"]]
    supervisor = staff["supervisor@example.jp"]
    kinds = rng.choice(KIND_SETS)
    proxy_kind = rng.choice([None, None, None, "parent", "delegated", "adult_guardian"])
    channel = rng.choice(["web", "web", "web", "mail", "mail", "email", "counter"])
    officer = rng.choice(officers)
    with travel(_moment(arrived, rng)):
        principal = _person(rng, "principal")
        family = next(f for f in SURNAMES if principal.name.startswith(f[0] + " "))
        if proxy_kind == "parent":
            principal.birth_date = date(arrived.year - rng.randint(8, 16), rng.randint(1, 12), rng.randint(1, 28))
        case = service.open_case(
            channel=channel,
            arrived_on=arrived,
            language="en" if rng.random() < 0.1 else "ja",
            requester_type="proxy" if proxy_kind else "principal",
            proxy_kind=proxy_kind,
            delivery_method=rng.choice(["electronic", "paper"])
            if any(k in ("disclosure", "record_disclosure") for k in kinds)
            else None,
            actor=officer if channel != "web" else None,
        )
        case.requesters.append(principal)
        if proxy_kind:
            # A parent usually shares the child's family name; other proxies do not.
            case.requesters.append(
                _person(rng, "proxy", surname=family if proxy_kind == "parent" else None, proxy_kind=proxy_kind)
            )
        for kind in kinds:
            case.items.append(RequestItem(kind=kind, particulars=None))
        if state != "received":
            service.assign(case, officer, actor=officer)
    for step, offset in JOURNEYS[state]:
        day = arrived + timedelta(days=offset)
        actor = (
            supervisor
            if step in ("approved",) and state in ("approved", "completed") and rng.random() < 0.5
            else officer
        )
        with travel(_moment(day, rng)):
            if step in ("decision_drafted",):
                for item in case.items:
                    item.outcome = GRANT[item.kind]
                    if item.kind == "cessation" and item.outcome == "done":
                        item.details = {**(item.details or {}), "measures": MEASURES[(case.id or 0) % len(MEASURES)]}
                    item.decided_by_id = officer.id
                if state == "awaiting_approval":
                    item = case.items[0]
                    item.details = {k: v for k, v in (item.details or {}).items() if k != "measures"}
                    item.outcome = {
                        "disclosure": "partly_disclosed",
                        "record_disclosure": "partly_disclosed",
                        "purpose_notice": "not_notified",
                        "correction": "not_corrected",
                    }.get(item.kind, "alternative_measure")
                    item.grounds = (
                        ["business_impediment"]
                        if item.kind in ("disclosure", "record_disclosure")
                        else ["purpose_evident"]
                        if item.kind == "purpose_notice"
                        else ["content_true"]
                        if item.kind == "correction"
                        else []
                    )
                    item.explanation = (
                        "Our internal assessment notes are withheld: disclosing them would seriously impede our business."
                        if case.language == "en"
                        else "社内の評価に関する記録は、開示により業務の適正な実施に著しい支障を及ぼすおそれがあるため一部を開示しません。"
                    )
                _located_and_drafted(case, officer)
            if step == "withdrawn":
                for item in case.items:
                    item.outcome = "withdrawn"
            if step == "lapsed":
                for item in case.items:
                    item.outcome = "lapsed"
                    if item.kind in ("purpose_notice", "disclosure", "record_disclosure"):
                        item.grounds = ["fee_unpaid"]
            if step == "awaiting_approval":
                # As decisions.submit() does: the supervisor's inbox lists the pending approval.
                db.session.flush()
                db.session.add(Approval(case_id=case.id, drafter_id=officer.id))
            if step == "not_a_request":
                close_case_as_inquiry(case, "deceased", actor=actor, on=day)
            else:
                service.transition(case, step, actor=None if step == "lapsed" else actor, on=day)
            if step == "in_progress" and rng.random() < 0.4:
                case.notes.append(
                    CaseNote(
                        author_id=officer.id, body="顧客管理システムと通販受注システムを検索し、該当データを確認した。"
                    )
                )
    fee = settings.fee_due(case.kinds)
    if fee and state not in ("awaiting_fee", "lapsed", "received", "not_a_request"):
        with travel(_moment(arrived + timedelta(days=1), rng)):
            db.session.add(
                FeePayment(
                    case_id=case.id,
                    amount=fee,
                    method="postage_stamps" if channel == "mail" else "bank_transfer",
                    received_on=arrived + timedelta(days=1),
                    recorded_by_id=officer.id,
                )
            )
    if state in ("awaiting_fee",) and fee and rng.random() < 0.5:
        db.session.add(
            FeePayment(
                case_id=case.id,
                amount=fee // 2,
                method="postage_stamps",
                received_on=arrived,
                recorded_by_id=officer.id,
                note="切手500円分のみ同封",
            )
        )
    return case


def plan(count: int) -> list[tuple[str, int]]:
    """Which state each demo case ends in: every state at least once, two cases completed
    over two years ago (due for disposal), the rest spread like a real desk's queue."""
    states = list(JOURNEYS)
    weights = {"completed": 4, "in_progress": 3, "verifying": 2, "received": 2}
    chosen = [(s, -1) for s in states]
    chosen += [("completed", 800), ("completed", 760)][: max(0, count - len(chosen))]
    rng = random.Random(7)
    pool = [s for s in states for _ in range(weights.get(s, 1))]
    while len(chosen) < count:
        chosen.append((rng.choice(pool), -1))
    return chosen[:count]


def load(count: int = 60) -> int:
    rng = random.Random(20261122)
    staff = ensure_staff()
    db.session.commit()
    now_day = today()
    for state, age in plan(count):
        low, high = AGE[state]
        days_ago = age if age >= 0 else rng.randint(low, high)
        arrived = now_day - timedelta(days=days_ago)
        case = _make_case(state, rng, staff, arrived)
        add_sample_documents(case, random.Random(case.id))
        _identity_confirmed(case, staff["officer@example.jp"])
        _post_last_weeks_letters(case, staff["officer@example.jp"], now_day, rng)
        db.session.commit()
    _demo_inquiries(staff, now_day)
    return count


#: States a case reaches only once its requester was identified (and a proxy's authority confirmed).
IDENTIFIED_STATES = {
    "in_progress",
    "awaiting_clarification",
    "decision_drafted",
    "awaiting_approval",
    "approved",
    "completed",
}


def _identity_confirmed(case: Case, officer: StaffUser) -> None:
    """What the officer recorded before the case could go on: its documents reviewed as
    acceptable and the identity (and authority) confirmed. Without it a case "in progress"
    asks for its identity check again on the case page."""
    if case.status not in IDENTIFIED_STATES:
        return
    db.session.flush()
    checked = datetime.combine(case.arrived_on + timedelta(days=1), time(10, 30), tzinfo=local_zone()).astimezone(UTC)
    for document in db.session.scalars(select(Document).where(Document.case_id == case.id)):
        document.review = "acceptable"
        document.issued_on = document.issued_on or case.arrived_on - timedelta(days=12)
    applicant = case.proxy or case.principal
    check = Verification(
        case_id=case.id,
        document_address=applicant.address,
        records_address=case.principal.address,
        identity_result="identified",
        identity_by_id=officer.id,
        identity_at=checked,
    )
    if case.proxy_kind:
        check.proxy_result, check.proxy_by_id, check.proxy_at = "confirmed", officer.id, checked
    db.session.add(check)


def _located_and_drafted(case: Case, officer: StaffUser) -> None:
    """The data located and what each decision states, as an officer records them before
    drafting: the search, the table a disclosure discloses, what a correction changed, the
    items withheld and the alternative measure, so every reply says what it decided."""
    english = case.language == "en"
    name = case.principal.name if case.principal else ""
    if any(catalogue.REQUEST_KINDS[item.kind].disclosure for item in case.items):
        db.session.add(
            DataSearch(
                case_id=case.id,
                systems="Customer database, mail-order system" if english else "顧客管理システム、通販受注システム",
                findings="One member record, three orders" if english else "会員情報1件、購入履歴3件",
                recorded_by_id=officer.id,
            )
        )
    for item in case.items:
        details = dict(item.details or {})
        if item.outcome in ("disclosed", "partly_disclosed"):
            columns = ["Item", "Detail"] if english else ["項目", "内容"]
            rows = (
                [["Name", name], ["Member no.", f"M-{case.id:05d}"], ["Orders", "3 (2025-2026)"]]
                if english
                else [["氏名", name], ["会員番号", f"M-{case.id:05d}"], ["購入履歴", "3件（2025年〜2026年）"]]
            )
            details["disclosed"] = {"columns": columns, "rows": rows}
        if item.outcome == "partly_disclosed":
            details["withheld"] = ["Internal assessment notes"] if english else ["社内の評価に関する記録"]
        if item.outcome == "corrected":
            details["corrected"] = (
                "We corrected your address to the one you gave."
                if english
                else "ご住所を、ご請求のとおりの住所に訂正しました。"
            )
        if item.outcome == "alternative_measure":
            details["alternative_measure"] = (
                "We stopped sending you direct mail and removed you from the mailing list."
                if english
                else "ダイレクトメールの送付を停止し、配信名簿から削除しました。"
            )
        item.details = details


def _post_last_weeks_letters(case: Case, officer: StaffUser, now_day: date, rng: random.Random) -> None:
    """A working desk posts its letters within a day: those queued before yesterday went
    out the day after, so the print run holds this week's post, not a year of lapse notices
    and requests for the fee nobody sent. An approved case's reply still waits there, as
    its state says."""
    db.session.flush()
    waiting = db.session.scalars(
        select(Letter)
        .where(Letter.case_id == case.id, Letter.dispatched_on.is_(None), Letter.withdrawn_at.is_(None))
        .order_by(Letter.id)
    ).all()
    for letter in waiting:
        if letter.dated_on >= now_day - timedelta(days=1) or (letter.kind == "reply" and case.status == "approved"):
            continue
        day = letter.dated_on + timedelta(days=1)
        with travel(_moment(day, rng)):
            dispatch(letter, on=day, method="ordinary_mail", actor=officer)


def _demo_inquiries(staff, now_day: date) -> None:
    """A complaint from the web form, answered by phone, and an anonymous question by phone."""
    officer = staff["officer@example.jp"]
    with travel(_moment(now_day - timedelta(days=6), random.Random(1))):
        complaint = receive(
            Particulars(
                category="complaint",
                matter="退会の手続をしたのに、ダイレクトメールが届き続けています。",
                channel="web",
                name="小林 直子",
                email="naoko.kobayashi@example.com",
            )
        )
    with travel(_moment(now_day - timedelta(days=4), random.Random(2))):
        record_answer(
            complaint,
            "お詫びのうえ、配信を停止したこと、次回の発送分から届かなくなることをお伝えした。",
            now_day - timedelta(days=4),
            "phone",
            actor=officer,
        )
    with travel(_moment(now_day - timedelta(days=1), random.Random(3))):
        receive(
            Particulars(
                category="question",
                matter="会員情報をどの会社と共同利用しているか知りたいとの電話（匿名）。",
                channel="phone",
            ),
            actor=officer,
        )
    db.session.commit()
