"""Staff: permissions, entry by phone or counter, look-up with the history, a case's opt-outs and history, the dashboard, the export, disposal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desk import daily
from desk.consent import service
from desk.consent.keys import address_for
from desk.consent.models import ConsentRecord, ConsentState
from desk.extensions import db
from tests.helpers import login, make_case, make_staff, settings_form


@pytest.mark.parametrize(
    "role,path,expected",
    [
        ("officer", "/staff/consent", 200),
        ("auditor", "/staff/consent", 200),
        ("admin", "/staff/consent", 403),
        ("auditor", "/staff/consent/new", 403),
        ("auditor", "/staff/consent/import", 403),
        ("supervisor", "/staff/consent/new", 200),
        ("auditor", "/staff/consent/export.csv", 200),
    ],
)
def test_permissions(client, app, role, path, expected):
    """Viewing and the export need consent.view; entry and import need consent.manage."""
    login(client, make_staff(role))
    assert client.get(path).status_code == expected


def test_phone_opt_out_by_staff_then_look_up_shows_the_history(client, app):
    """An officer records a consent on paper and a withdrawal by phone; the look-up lists both with times, newest state withdrawn."""
    officer = make_staff("officer", name="佐藤 花子")
    login(client, officer)
    form = {
        "channel": "email",
        "purpose": "newsletter",
        "action": "given",
        "method": "paper_form",
        "occurred_at": "2026-11-01 10:00",
        "email": "hanako@example.com",
        "shown_text": "メールマガジンの送付に同意します。",
        "text_version": "paper-3",
    }
    assert client.post("/staff/consent/new", data=form).status_code == 302
    no_time = client.post("/staff/consent/new", data={**form, "occurred_at": "そのうち"})
    assert no_time.status_code == 400 and "日時として読めません" in no_time.get_data(as_text=True)
    assert (
        client.post(
            "/staff/consent/new",
            data={**form, "action": "withdrawn", "method": "phone", "occurred_at": "2026-11-20 15:30"},
        ).status_code
        == 302
    )
    page = client.post("/staff/consent", data={"email": "HANAKO@example.com"}).get_data(as_text=True)
    assert "2026/11/01 10:00" in page and "2026/11/20 15:30" in page
    assert "ha＊＊＊@example.com" in page and "佐藤 花子" in page and "停止" in page
    assert "hanako@example.com" not in page.split('id="history"')[1]


def test_case_records_opt_outs_and_disclosure_lists_history(client, app):
    """A cessation case records the principal's opt-outs from its panel (tied to the case);
    a disclosure case of the same person lists them."""
    officer = make_staff("officer")
    login(client, officer)
    case = make_case(("cessation",), email="hanako@example.com")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert 'id="consent"' in page and "配信停止を記録" in page
    response = client.post(
        f"/staff/consent/cases/{case.reference}/opt-out",
        data={"channels": ["email", "post", "phone"], "purpose": "all"},
    )
    assert response.status_code == 302
    records = list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))
    assert [(r.channel, r.purpose, r.method, r.case_id) for r in records] == [
        ("email", "all", "case", case.id),
        ("post", "all", "case", case.id),
        ("phone", "all", "case", case.id),
    ]
    disclosure = make_case(("disclosure",), email="hanako@example.com")
    page = client.get(f"/staff/cases/{disclosure.reference}").get_data(as_text=True)
    section = page.split('id="consent"')[1]
    assert section.count('data-action="withdrawn"') == 3 and "配信停止を記録" not in section
    other = make_case(("correction",))
    assert 'id="consent"' not in client.get(f"/staff/cases/{other.reference}").get_data(as_text=True)


def test_dashboard_counts_and_export(client, app):
    """Opt-ins and opt-outs per month per channel; the export has every record, masked, and is audited."""
    address = address_for("email", email="hanako@example.com")
    service.add(
        address,
        purpose="newsletter",
        action="given",
        method="paper_form",
        occurred_at=datetime(2026, 10, 5, tzinfo=UTC),
    )
    service.add(
        address, purpose="newsletter", action="withdrawn", method="phone", occurred_at=datetime(2026, 11, 5, tzinfo=UTC)
    )
    service.add(address_for("phone", phone="090-1234-5678"), purpose="all", action="withdrawn", method="phone")
    db.session.commit()
    login(client, make_staff("supervisor"))
    page = client.get("/staff/dashboard?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    section = page.split('data-table="consent-months"')[1].split("</table>")[0]
    assert "2026-10" in section and "2026-11" in section
    export = client.get("/staff/consent/export.csv")
    text = export.data.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert len(lines) == 4 and lines[0].startswith("記録番号,媒体,目的")
    assert "hanako@example.com" not in text and "ha＊＊＊@example.com" in text
    from desk.audit.models import AuditEvent

    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "consent.exported")) == 1


def test_daily_disposes_of_history_after_the_keeping_period(app):
    """consent_keep_days after a withdrawal: e-mail history and state go (nothing can be sent
    without an opt-in anyway); for phone the opt-out stays as a key and screening still removes it."""
    email = address_for("email", email="hanako@example.com")
    phone = address_for("phone", phone="090-1234-5678")
    service.add(
        email, purpose="newsletter", action="given", method="paper_form", occurred_at=datetime(2026, 9, 1, tzinfo=UTC)
    )
    service.add(
        email, purpose="newsletter", action="withdrawn", method="phone", occurred_at=datetime(2026, 10, 1, tzinfo=UTC)
    )
    service.add(phone, purpose="all", action="withdrawn", method="phone", occurred_at=datetime(2026, 10, 1, tzinfo=UTC))
    service.add(
        address_for("email", email="kept@example.com"),
        purpose="newsletter",
        action="given",
        method="paper_form",
        occurred_at=datetime(2026, 9, 1, tzinfo=UTC),
    )
    db.session.commit()
    early = daily.run(date(2026, 11, 1), echo=lambda *_: None)
    assert early["consent_disposed"]["records"] == 0
    report = daily.run(date(2026, 11, 2), echo=lambda *_: None)
    assert report["consent_disposed"]["records"] == 3
    db.session.expire_all()
    left = list(db.session.scalars(select(ConsentRecord)))
    assert [r.address_masked for r in left] == ["ke＊＊＊@example.com"]
    states = {(s.channel, s.state, s.record_id is None) for s in db.session.scalars(select(ConsentState))}
    assert states == {("phone", "withdrawn", True), ("email", "given", False)}
    from desk.consent.screening import ChannelFilter

    assert (
        phone.digest(__import__("desk.consent.keys", fromlist=["Keyring"]).Keyring())
        in ChannelFilter.from_database("phone", "offers").opted_out
    )


def test_figures_count_by_local_month_in_the_database(app):
    """The dashboard's counts per month and channel come from one grouped query; a record at
    00:30 on 1 November in Tokyo (15:30 UTC on 31 October) counts in November."""
    email = address_for("email", email="hanako@example.com")
    post = address_for("post", name="山田 花子", postal_address="東京都渋谷区神南1-2-3")
    at = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    service.add(email, purpose="newsletter", action="given", method="paper_form", occurred_at=at(2026, 10, 31, 14, 59))
    service.add(email, purpose="offers", action="given", method="paper_form", occurred_at=at(2026, 10, 31, 15, 30))
    service.add(email, purpose="newsletter", action="withdrawn", method="phone", occurred_at=at(2026, 11, 20, 9, 0))
    service.add(post, purpose="all", action="withdrawn", method="phone", occurred_at=at(2026, 11, 30, 15, 0))
    service.add(
        address_for("email", email="taro@example.com"),
        purpose="newsletter",
        action="requested",
        method="web_form",
        occurred_at=at(2026, 9, 1),
    )
    db.session.commit()
    months = service.figures()
    assert [m["month"] for m in months] == ["2026-12", "2026-11", "2026-10"]
    december, november, october = months
    assert (october["email_given"], october["email_withdrawn"]) == (1, 0)
    assert (november["email_given"], november["email_withdrawn"]) == (1, 1)
    assert december["post_withdrawn"] == 1 and december["email_given"] == 0
    assert [m["month"] for m in service.figures(months=2)] == ["2026-12", "2026-11"]


def test_records_of_a_dropped_purpose_are_kept_then_disposed_of(app):
    """A purpose taken out of consent_purposes: its records stay (and stay in the history)
    for consent_keep_days from the day the disposal run first finds it gone, then go; a
    phone opt-out for it stays as a key; the purposes still in the setting are untouched."""
    import time_machine

    from tests.consent.conftest import set_setting

    email = address_for("email", email="hanako@example.com")
    phone = address_for("phone", phone="090-1234-5678")
    with time_machine.travel("2026-09-01 10:00 +0900", tick=False):
        service.add(email, purpose="offers", action="given", method="paper_form")
        service.add(email, purpose="newsletter", action="given", method="paper_form")
        service.add(phone, purpose="offers", action="withdrawn", method="phone")
        db.session.commit()
    set_setting("consent_purposes", ["newsletter|メールマガジン|Newsletter"])
    with time_machine.travel("2026-10-01 10:00 +0900", tick=False):
        first = daily.run(date(2026, 10, 1), echo=lambda *_: None)
        db.session.commit()
    assert first["consent_disposed"]["records"] == 0
    assert db.session.scalar(select(func.count(ConsentRecord.id))) == 3
    with time_machine.travel("2026-11-01 10:00 +0900", tick=False):
        dry = daily.run(date(2026, 11, 1), echo=lambda *_: None, dry_run=True)
        kept = daily.run(date(2026, 11, 1), echo=lambda *_: None)
        db.session.commit()
    # The phone opt-out went its own way, 31 days after it was made; the e-mail consent
    # for the dropped purpose is still kept on 1 November ...
    assert dry["consent_disposed"]["records"] == kept["consent_disposed"]["records"] == 1
    assert kept["consent_disposed"]["dropped_purposes"] == []
    assert [(r.channel, r.purpose) for r in db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id))] == [
        ("email", "offers"),
        ("email", "newsletter"),
    ]
    # ... and goes on 2 November, 31 days after the run first found the purpose gone.
    with time_machine.travel("2026-11-02 10:00 +0900", tick=False):
        gone = daily.run(date(2026, 11, 2), echo=lambda *_: None)
        db.session.commit()
    assert gone["consent_disposed"]["records"] == 1
    assert gone["consent_disposed"]["dropped_purposes"] == ["offers"]
    db.session.expire_all()
    left = [(r.channel, r.purpose) for r in db.session.scalars(select(ConsentRecord))]
    assert left == [("email", "newsletter")]
    states = {(s.channel, s.purpose, s.state, s.record_id is None) for s in db.session.scalars(select(ConsentState))}
    assert states == {("email", "newsletter", "given", False), ("phone", "offers", "withdrawn", True)}
    with time_machine.travel("2026-11-03 10:00 +0900", tick=False):
        again = daily.run(date(2026, 11, 3), echo=lambda *_: None)
    assert again["consent_disposed"]["records"] == 0
    from desk.audit.models import AuditEvent

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent.disposed").order_by(AuditEvent.id)
    ).all()
    assert [e.detail.get("dropped_purposes") for e in events] == [None, ["offers"]]


def test_a_purpose_that_comes_back_is_no_longer_counted_as_dropped(app):
    """Dropped, then restored before the period ends: nothing is disposed of."""
    import time_machine

    from tests.consent.conftest import set_setting

    email = address_for("email", email="hanako@example.com")
    with time_machine.travel("2026-09-01 10:00 +0900", tick=False):
        service.add(email, purpose="offers", action="given", method="paper_form")
        db.session.commit()
    original = service.purposes()
    set_setting("consent_purposes", ["newsletter|メールマガジン|Newsletter"])
    with time_machine.travel("2026-09-02 10:00 +0900", tick=False):
        daily.run(date(2026, 9, 2), echo=lambda *_: None)
        db.session.commit()
    set_setting("consent_purposes", [f"{c}|{e.ja}|{e.en}" for c, e in original.items()])
    with time_machine.travel("2026-12-01 10:00 +0900", tick=False):
        report = daily.run(date(2026, 12, 1), echo=lambda *_: None)
        db.session.commit()
    assert report["consent_disposed"]["records"] == 0
    assert db.session.scalar(select(func.count(ConsentRecord.id))) == 1


def test_a_purpose_dropped_at_the_settings_page_starts_its_period_when_saved(client, app):
    """The administrator removes a purpose on the settings page: desk notes it gone at that
    moment (not at the next daily run), and its records go consent_keep_days after the save."""
    import time_machine

    from desk import settings
    from desk.consent.models import ConsentDroppedPurpose

    email = address_for("email", email="hanako@example.com")
    with time_machine.travel("2026-09-01 10:00 +0900", tick=False):
        service.add(email, purpose="offers", action="given", method="paper_form")
        db.session.commit()
    keep = int(settings.get("consent_keep_days"))
    kept = [line for line in settings.get("consent_purposes") if not line.startswith("offers|")]
    admin = make_staff("admin")
    with time_machine.travel("2026-10-01 10:00 +0900", tick=False):
        login(client, admin)
        saved = client.post("/staff/settings", data=settings_form(consent_purposes="\n".join(kept)))
        assert saved.status_code == 302 and saved.headers["Location"].endswith("/staff/settings")
    db.session.expire_all()
    dropped = db.session.scalars(select(ConsentDroppedPurpose)).one()
    assert dropped.purpose == "offers" and dropped.dropped_at.date() == date(2026, 10, 1)
    last_day = date(2026, 10, 1) + timedelta(days=keep - 1)
    with time_machine.travel(f"{last_day.isoformat()} 10:00 +0900", tick=False):
        assert daily.run(last_day, echo=lambda *_: None)["consent_disposed"]["records"] == 0
        db.session.commit()
    after = last_day + timedelta(days=2)
    with time_machine.travel(f"{after.isoformat()} 10:00 +0900", tick=False):
        assert daily.run(after, echo=lambda *_: None)["consent_disposed"]["records"] == 1
