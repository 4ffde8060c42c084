"""The public notice (Art. 32(1)): every required item, from settings, in both languages."""

from desk import settings
from desk.catalogue import IDENTITY_DOCUMENTS, PROXY_DOCUMENTS, PROXY_KINDS, REQUEST_KINDS
from desk.extensions import db


def test_notice_states_everything_the_law_asks_in_japanese(client):
    """Business, purposes, each kind, how to apply, documents, fee, security, complaints."""
    html = client.get("/").get_data(as_text=True)
    for key in ("business_name", "business_address", "representative", "desk_phone"):
        assert str(settings.get(key)) in html, key
    assert "商品・サービスの提供のため" in html  # purposes of use
    for kind in REQUEST_KINDS.values():
        assert kind.ja in html and kind.hint_ja in html
    assert 'href="/requests/new"' in html and 'href="/application-form.pdf"' in html
    assert "開示等請求書在中" in html and "〒100-0005" in html
    for document in list(IDENTITY_DOCUMENTS.values()) + list(PROXY_DOCUMENTS.values()):
        assert document.ja in html, document.code
    for proxy in PROXY_KINDS.values():
        assert proxy.ja in html
    assert "顔写真付きの書類なら1点、顔写真のない書類なら2点" in html
    assert "1,000円" in html and "郵便切手" in html
    assert "銀行振込" not in html  # no account configured: not offered
    assert "安全管理措置" in html and "苦情" in html
    assert "第35条第3項・第5項、第27条第2項" in html
    assert "認定個人情報保護団体" not in html  # none set: the section is left out


def test_notice_in_english(client):
    """The English page uses the English settings and labels."""
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Sample Shoji Co., Ltd." in html and "Taro Yamada, Representative Director" in html
    assert "To provide our goods and services" in html
    for kind in REQUEST_KINDS.values():
        assert kind.en in html
    assert "one document with your photo, or two documents without a photo" in html
    assert "¥1,000" in html and "開示等請求書在中" in html


def test_notice_follows_settings(client, app):
    """An administrator's settings change the page: fee, fee kinds, accredited organisation."""
    settings.update(
        {
            "fee_amount": 800,
            "fee_kinds": ["disclosure"],
            "accredited_organisation": "一般財団法人サンプル個人情報保護協会（電話 03-9999-9999）",
        }
    )
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "800円" in html and "1,000円" not in html.replace("1,000円分", "")
    assert "認定個人情報保護団体" in html and "サンプル個人情報保護協会" in html
    settings.update({"fee_kinds": []})
    db.session.commit()
    assert "手数料はいただいておりません" in client.get("/").get_data(as_text=True)
