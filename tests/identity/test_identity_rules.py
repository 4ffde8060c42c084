"""The identity rules, table-driven, through the case page's actions: "identified" needs
evidence the catalogue accepts and agreeing addresses (or, where the business allows it, a
reviewed document linking them); never a typed reason alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk import settings
from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.extensions import db
from desk.identity.models import Verification
from tests.helpers import login, make_case, make_staff
from tests.workbench.helpers import make_document

APPLICATION = "東京都渋谷区神宮前一丁目2番3号"  # the principal's address in make_case
SAME = "渋谷区神宮前1-2-3"
OTHER = "東京都世田谷区三軒茶屋2-11-22"


def _url(case, action):
    return f"/staff/cases/{case.reference}/{action}"


def _reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _actions(case) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)))


def _accept(client, case, kind, party="principal", review="acceptable"):
    document = make_document(case, kind, party)
    client.post(_url(case, f"documents/{document.id}/review"), data={"review": review})
    return document


RULES = [
    # (name, documents, counter kinds, (document address, records address), settings, identified?, message)
    ("no document", [], [], (SAME, SAME), {}, False, "「適」と確認した本人確認書類がありません"),
    ("a document not yet reviewed", [("drivers_licence", "received")], [], (SAME, SAME), {}, False, "ありません"),
    ("a deficient licence", [("drivers_licence", "deficient")], [], (SAME, SAME), {}, False, "ありません"),
    ("passport alone", [("passport", "acceptable")], [], (SAME, SAME), {}, False, "パスポートなど"),
    (
        "passport + resident record",
        [("passport", "acceptable"), ("resident_record", "acceptable")],
        [],
        (SAME, SAME),
        {},
        True,
        None,
    ),
    ("driver's licence", [("drivers_licence", "acceptable")], [], (SAME, SAME), {}, True, None),
    ("My Number card front", [("my_number_card", "acceptable")], [], (SAME, SAME), {}, True, None),
    ("one document without a photo", [("pension_book", "acceptable")], [], (SAME, SAME), {}, False, "2点"),
    (
        "two without a photo",
        [("health_insurance", "acceptable"), ("pension_book", "acceptable")],
        [],
        (SAME, SAME),
        {},
        True,
        None,
    ),
    ("counter check of a licence", [], ["drivers_licence"], (SAME, SAME), {}, True, None),
    (
        "counter passport + resident record scan",
        [("resident_record", "acceptable")],
        ["passport"],
        (SAME, SAME),
        {},
        True,
        None,
    ),
    ("addresses not entered", [("drivers_licence", "acceptable")], [], ("", ""), {}, False, "住所を入力"),
    ("records not entered", [("drivers_licence", "acceptable")], [], (SAME, ""), {}, False, "住所を入力"),
    (
        "document address differs",
        [("drivers_licence", "acceptable")],
        [],
        (OTHER, SAME),
        {},
        False,
        "当社の方針では本人確認ができない",
    ),
    (
        "records differ",
        [("drivers_licence", "acceptable")],
        [],
        (SAME, "渋谷区神宮前1-2-4"),
        {},
        False,
        "当社の方針では本人確認ができない",
    ),
    (
        "mismatch, linking allowed but no document",
        [("drivers_licence", "acceptable")],
        [],
        (OTHER, SAME),
        {"identity_accept_linking_document": True},
        False,
        "住所のつながりを示す書類",
    ),
    (
        "a building on the identity document only",
        [("drivers_licence", "acceptable")],
        [],
        ("渋谷区神宮前1-2-3 サンハイツ101号室", SAME),
        {},
        True,
        None,
    ),
]


@pytest.mark.parametrize(
    "documents, counter, addresses, policy, identified, message",
    [r[1:] for r in RULES],
    ids=[r[0] for r in RULES],
)
def test_identity_rules(client, app, documents, counter, addresses, policy, identified, message):
    """Each row: the evidence on the case, and whether 'identified' is possible."""
    settings.update(policy) if policy else None
    db.session.commit()
    officer = make_staff("officer")
    login(client, officer)
    case = make_case()
    for kind, review in documents:
        _accept(client, case, kind, review=review)
    if counter:
        assert client.post(_url(case, "identity/counter"), data={"kinds": counter}).status_code == 302
    client.post(
        _url(case, "identity/addresses"), data={"document_address": addresses[0], "records_address": addresses[1]}
    )
    response = client.post(_url(case, "identity/confirm"), follow_redirects=True)
    html = response.get_data(as_text=True)
    check = db.session.scalars(select(Verification).where(Verification.case_id == case.id)).first()
    if identified:
        assert check.identity_result == "identified" and _reload(case).status == "in_progress"
        assert "identity.confirmed" in _actions(case)
    else:
        assert check is None or check.identity_result is None
        assert _reload(case).status == "received"
        assert message in html


def test_building_missing_counts_where_the_business_says_so(client, app):
    """A building named on one side only is shown as such; a setting makes it a difference."""
    settings.update({"identity_building_missing_counts": True})
    db.session.commit()
    login(client, make_staff("officer"))
    case = make_case()
    _accept(client, case, "drivers_licence")
    client.post(
        _url(case, "identity/addresses"),
        data={"document_address": "渋谷区神宮前1-2-3 サンハイツ101号室", "records_address": SAME},
    )
    html = client.post(_url(case, "identity/confirm"), follow_redirects=True).get_data(as_text=True)
    assert "建物名・部屋番号が一方にだけ記載" in html and "相違あり" in html
    assert "<mark>サンハイツ101</mark>" in html
    assert _reload(case).status == "received"


def test_mismatch_is_cleared_only_by_a_reviewed_linking_document(client, app):
    """With the policy allowing it, the officer names a reviewed linking document; a typed
    note changes nothing; the link is audited and shown."""
    settings.update({"identity_accept_linking_document": True})
    db.session.commit()
    login(client, make_staff("officer"))
    case = make_case()
    _accept(client, case, "drivers_licence")
    client.post(_url(case, "identity/addresses"), data={"document_address": OTHER, "records_address": OTHER})
    client.post(_url(case, "notes"), data={"body": "転居したと電話で聞いた"})
    client.post(_url(case, "identity/confirm"))
    assert _reload(case).status == "received"
    unreviewed = make_document(case, "resident_record_removed", "principal")
    page = client.post(_url(case, "identity/link"), data={"document_id": str(unreviewed.id)}, follow_redirects=True)
    assert "「適」と確認したもの" in page.get_data(as_text=True)
    client.post(_url(case, f"documents/{unreviewed.id}/review"), data={"review": "acceptable"})
    client.post(_url(case, "identity/link"), data={"document_id": str(unreviewed.id)})
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "住所のつながりを示す書類" in html and "住民票の除票の写し" in html
    client.post(_url(case, "identity/confirm"))
    assert _reload(case).status == "in_progress"
    assert {"identity.addresses_linked", "identity.confirmed"} <= set(_actions(case))


def test_linking_is_refused_when_the_policy_does_not_allow_it(client, app):
    """By default a mismatch is a mismatch: no document can be named."""
    login(client, make_staff("officer"))
    case = make_case()
    link = _accept(client, case, "register_annex")
    html = client.post(_url(case, "identity/link"), data={"document_id": str(link.id)}, follow_redirects=True)
    assert "当社の方針では" in html.get_data(as_text=True)
    assert "identity.addresses_linked" not in _actions(case)


def test_proxy_case_compares_the_proxy_with_the_proxys_document(client, app):
    """The proxy's identity document against the proxy's address; the principal's address
    against our records. The proxy lives elsewhere than the principal."""
    login(client, make_staff("officer"))
    case = make_case(proxy_kind="parent")
    case.proxy.address = "大阪府大阪市北区中之島一丁目3番20号"
    db.session.commit()
    _accept(client, case, "drivers_licence", party="proxy")
    client.post(
        _url(case, "identity/addresses"),
        data={"document_address": "大阪市北区中之島1-3-20", "records_address": "東京都渋谷区神宮前1-2-3"},
    )
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "代理人の住所（申請書）と代理人の本人確認書類" in html and "相違あり" not in html
    client.post(_url(case, "identity/confirm"))
    assert db.session.scalars(select(Verification)).one().identity_result == "identified"


def test_principals_document_does_not_identify_a_proxy(client, app):
    """Where a proxy asks, it is the proxy who must be identified."""
    login(client, make_staff("officer"))
    case = make_case(proxy_kind="parent")
    _accept(client, case, "drivers_licence", party="principal")
    client.post(_url(case, "identity/addresses"), data={"document_address": SAME, "records_address": SAME})
    html = client.post(_url(case, "identity/confirm"), follow_redirects=True).get_data(as_text=True)
    assert "ありません" in html and _reload(case).status == "received"


def test_counter_number_tail_only_where_the_business_records_it(client, app):
    """The last digits are refused by default, and kept (and erased at disposal) when on."""
    login(client, make_staff("officer"))
    case = make_case()
    html = client.post(
        _url(case, "identity/counter"),
        data={"kinds": ["drivers_licence"], "number_tail": "1234"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "番号を記録しません" in html
    settings.update({"identity_record_number_tail": True})
    db.session.commit()
    client.post(_url(case, "identity/counter"), data={"kinds": ["drivers_licence"], "number_tail": "1234"})
    check = db.session.scalars(select(Verification)).one()
    assert check.counter_kinds == ["drivers_licence"] and check.counter_number_tail == "1234"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "identity.counter_checked")).all()
    assert events and all("1234" not in str(e.detail) for e in events)


def test_the_comparison_says_nothing_before_the_addresses_exist(client, app):
    """No 'differs', no 'do not all match' warning until an address is typed."""
    login(client, make_staff("officer"))
    case = make_case()
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "相違あり" not in html and "一致していません" not in html and "未入力" in html
