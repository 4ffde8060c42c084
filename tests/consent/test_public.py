"""The public side: sign-up with double opt-in, the confirmation, one-click unsubscribe (RFC 8058), the opt-out page; over HTTP against a real SMTP server."""

from __future__ import annotations

from sqlalchemy import func, select

from desk.audit.models import AuditEvent
from desk.consent import links
from desk.consent.keys import Keyring, address_for
from desk.consent.models import ConsentRecord, ConsentSignup, ConsentState
from desk.extensions import db
from tests.consent.conftest import link_in, messages, set_setting


def _records(action=None):
    db.session.expire_all()
    query = select(ConsentRecord).order_by(ConsentRecord.id)
    if action:
        query = query.where(ConsentRecord.action == action)
    return list(db.session.scalars(query))


def sign_up(client, email="Taro.Yamada@Example.jp", purposes=("newsletter",)):
    response = client.post(
        "/consent/signup", data={"email": email, "purposes": list(purposes), "agree": "y"}, follow_redirects=False
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_double_opt_in_counts_from_the_click(client, app, smtp, runner):
    """The form records a request only (with the text shown and its version); the mailed link's
    click records the consent; the welcome mail carries exactly `consent-headers`; the address in clear is gone."""
    _, inbox = smtp
    set_setting("consent_public_url", "https://privacy.example.jp")
    sign_up(client)
    requested = _records()
    assert [r.action for r in requested] == ["requested"]
    assert requested[0].shown_text.startswith("当社から、選択した内容の広告・宣伝メール")
    assert requested[0].text_version == "2026-12-01" and requested[0].method == "web_form"
    assert requested[0].address_masked == "ta＊＊＊@example.jp"
    assert db.session.scalar(select(func.count()).select_from(ConsentState)) == 0
    (confirmation,) = messages(inbox)
    assert confirmation["To"] == "Taro.Yamada@Example.jp".lower()
    link = link_in(confirmation, links.CONFIRM_PATH)
    assert link.startswith("https://privacy.example.jp/consent/confirm/")
    path = link.removeprefix("https://privacy.example.jp")

    page = client.get(path)
    assert page.status_code == 200 and "登録を確定する" in page.get_data(as_text=True)
    assert _records("given") == []  # opening the link is not the click
    assert client.post(path).status_code == 302
    given = _records("given")
    assert len(given) == 1 and given[0].method == "email_confirmation"
    assert given[0].shown_text == requested[0].shown_text and given[0].text_version == "2026-12-01"
    assert given[0].occurred_at >= requested[0].occurred_at
    signup = db.session.get(ConsentSignup, given[0].signup_id)
    assert signup.email is None and signup.confirmed_at is not None
    assert "登録が完了しました" in client.get(path).get_data(as_text=True)
    client.post(path)
    assert len(_records("given")) == 1  # a second click changes nothing

    welcome = messages(inbox)[1]
    printed = runner.invoke(args=["desk", "consent-headers", "taro.yamada@example.jp", "newsletter"])
    assert printed.exit_code == 0, printed.output
    assert printed.output.splitlines() == [
        f"List-Unsubscribe: {welcome['List-Unsubscribe']}",
        f"List-Unsubscribe-Post: {welcome['List-Unsubscribe-Post']}",
    ]
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert links.UNSUBSCRIBE_PATH in welcome.get_content()  # the body says how to opt out too
    assert "taro" not in welcome["List-Unsubscribe"].lower()  # the link names nobody


def test_one_click_post_unsubscribes_without_a_page(client, app, smtp):
    """RFC 8058: a POST with List-Unsubscribe=One-Click and no cookie or CSRF token unsubscribes;
    the GET only shows a confirmation; a repeated POST adds nothing."""
    set_setting("consent_public_url", "https://privacy.example.jp")
    sign_up(client)
    _, inbox = smtp
    client.post(link_in(messages(inbox)[0], links.CONFIRM_PATH).removeprefix("https://privacy.example.jp"))
    target = messages(inbox)[1]["List-Unsubscribe"].strip("<>").removeprefix("https://privacy.example.jp")
    shown = client.get(target)
    assert shown.status_code == 200 and "配信を停止する" in shown.get_data(as_text=True)
    assert _records("withdrawn") == []

    mail_client = app.test_client()
    response = mail_client.post(target, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    (withdrawn,) = _records("withdrawn")
    assert withdrawn.method == "unsubscribe_link" and withdrawn.address_masked == "ta＊＊＊@example.jp"
    mail_client.post(target, data={"List-Unsubscribe": "One-Click"})
    assert len(_records("withdrawn")) == 1
    state = db.session.scalar(select(ConsentState))
    assert state.state == "withdrawn"


def test_forged_or_altered_unsubscribe_token_is_refused(client, app):
    """A token not signed by this desk, or one with a changed character, is refused on GET and POST and records nothing."""
    digest = address_for("email", email="hanako@example.com").digest(Keyring())
    genuine = links.unsubscribe_token("email", digest, "newsletter")
    altered = genuine[:-3] + ("AAA" if genuine[-3:] != "AAA" else "BBB")
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not-our-secret", salt="desk.consent.unsubscribe").dumps(
        ["email", digest.hex(), "newsletter"]
    )
    other_address = genuine.split(".")[0]  # the payload alone, without its signature
    for token in (altered, forged, other_address, "nonsense"):
        page = client.get(links.UNSUBSCRIBE_PATH + token)
        assert page.status_code == 400 and "このリンクは無効です" in page.get_data(as_text=True)
        post = client.post(links.UNSUBSCRIBE_PATH + token, data={"List-Unsubscribe": "One-Click"})
        assert post.status_code == 400
    assert _records() == []
    assert client.get(links.UNSUBSCRIBE_PATH + genuine).status_code == 200


def test_signup_needs_agreement_a_purpose_and_an_address(client, app, smtp):
    """Without the tick, a purpose or a valid address nothing is recorded or sent."""
    _, inbox = smtp
    assert client.post("/consent/signup", data={"email": "a@example.jp", "purposes": ["newsletter"]}).status_code == 400
    assert client.post("/consent/signup", data={"email": "a@example.jp", "agree": "y"}).status_code == 400
    bad = client.post("/consent/signup", data={"email": "not-an-address", "purposes": ["newsletter"], "agree": "y"})
    assert bad.status_code == 400 and "メールアドレスを正しく入力してください" in bad.get_data(as_text=True)
    assert _records() == [] and inbox.messages == []


def test_expired_or_tampered_confirmation_link(client, app, smtp):
    """A link older than consent_confirm_hours, or altered, records no consent."""
    import time_machine

    _, inbox = smtp
    with time_machine.travel("2026-12-01 09:00 +0900", tick=False):
        sign_up(client)
    path = "/consent/confirm/" + link_in(messages(inbox)[0], links.CONFIRM_PATH).rsplit("/", 1)[1]
    with time_machine.travel("2026-12-04 09:01 +0900", tick=False):
        expired = client.post(path)
    assert expired.status_code == 400 and "期限が過ぎました" in expired.get_data(as_text=True)
    assert client.post(path[:-2] + "xx").status_code == 400
    assert _records("given") == []


def test_public_optout_for_post_and_phone(client, app):
    """The opt-out page records a withdrawal at once (hashes only), audited without the address."""
    post = client.post(
        "/consent/optout",
        data={"channel": "post", "purpose": "all", "name": "山田 花子", "postal_address": "東京都渋谷区神宮前1-2-3"},
    )
    assert post.status_code == 302
    phone = client.post("/consent/optout", data={"channel": "phone", "purpose": "offers", "phone": "090-1234-5678"})
    assert phone.status_code == 302
    missing = client.post("/consent/optout", data={"channel": "phone", "purpose": "all"})
    assert missing.status_code == 400
    records = _records("withdrawn")
    assert [(r.channel, r.purpose, r.method) for r in records] == [
        ("post", "all", "optout_page"),
        ("phone", "offers", "optout_page"),
    ]
    assert records[0].address_masked == "山＊ 花＊ 東京都渋谷区＊＊＊" and records[1].address_masked.endswith("5678")
    details = [e.detail for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consent.withdrawn"))]
    assert details and all("山田" not in str(d) and "5678" not in str(d) for d in details)


def test_sign_up_form_may_be_framed_only_by_the_configured_sites(client, app):
    """consent_embed_origins lets those sites frame the sign-up form (and only it); otherwise no one may."""
    assert "frame-ancestors 'none'" in client.get("/consent/signup?embed=1").headers["Content-Security-Policy"]
    set_setting("consent_embed_origins", "https://www.example.jp")
    embedded = client.get("/consent/signup?embed=1")
    assert "frame-ancestors 'self' https://www.example.jp" in embedded.headers["Content-Security-Policy"]
    assert 'class="public-header"' not in embedded.get_data(as_text=True)
    assert embedded.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in client.get("/consent/optout").headers["Content-Security-Policy"]
