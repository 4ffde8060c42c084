"""Settings: defaults, the admin page, validation that loses nothing."""

import re

from desk import settings
from desk.extensions import db
from tests.helpers import login, make_staff, settings_form


def test_defaults(app):
    assert settings.get("fee_amount") == 1000
    assert settings.get("target_business_days") == 7
    assert settings.fee_due(["correction"]) == 0
    assert settings.fee_due(["disclosure", "purpose_notice"]) == 1000  # once per application


def test_admin_changes_a_setting(client, app):
    login(client, make_staff("admin"))
    response = client.post("/staff/settings", data=settings_form(fee_amount="1,500", target_business_days="7"))
    assert response.status_code == 302
    db.session.expire_all()
    assert settings.get("fee_amount") == 1500 and settings.get("target_business_days") == 7


def test_invalid_values_are_explained_and_nothing_is_saved(client, app):
    login(client, make_staff("admin"))
    response = client.post(
        "/staff/settings",
        data=settings_form(fee_amount="千円", business_name="新しい名前", closed_periods="12/29-1/3x"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "整数で入力してください" in page and "MM-DD/MM-DD" in page
    assert "新しい名前" in page  # what was typed is kept
    db.session.expire_all()
    assert settings.get("business_name") != "新しい名前"


def test_a_free_kind_cannot_be_made_fee_bearing(client, app):
    login(client, make_staff("admin"))
    response = client.post("/staff/settings", data=settings_form(fee_kinds=["disclosure", "correction"]))
    assert response.status_code == 400
    assert "手数料を徴収できません" in response.get_data(as_text=True)


def test_payment_methods_are_chosen_by_name(client, app):
    """Payment methods are checkboxes named in the reader's language, never raw codes; none
    chosen is refused with a message and keeps what was saved."""
    login(client, make_staff("admin"))
    for lang, name in (("ja", "郵便切手"), ("en", "Postage stamps")):
        page = client.get(f"/staff/settings?lang={lang}").get_data(as_text=True)
        group = page[page.index('<fieldset class="checks" id="payment_methods"') :].split("</fieldset>")[0]
        assert re.findall(r'value="([a-z_]+)" checked', group) == ["postage_stamps", "bank_transfer", "cash"]
        assert name in group and "<textarea" not in group and ">postage_stamps<" not in page
    refused = client.post("/staff/settings?lang=ja", data=settings_form(payment_methods=None))
    assert refused.status_code == 400 and "支払方法を1つ以上選んでください" in refused.get_data(as_text=True)
    assert (
        client.post("/staff/settings", data=settings_form(payment_methods=["cash", "postage_stamps"])).status_code
        == 302
    )
    db.session.expire_all()
    assert settings.get("payment_methods") == ["postage_stamps", "cash"]
    wrong = client.post("/staff/settings", data=settings_form(payment_methods=["refund"]))
    assert wrong.status_code == 400 and "不明な支払方法" in wrong.get_data(as_text=True)


def test_closure_setting_moves_targets(app):
    from datetime import date

    from tests.helpers import make_case

    settings.update({"closed_periods": []})
    db.session.commit()
    case = make_case(arrived_on=date(2026, 12, 25))
    # No closure: 28–31 Dec count, 1 Jan (元日) does not: the seventh is Wed 6 Jan.
    assert case.internal_target_on == date(2027, 1, 6)
    settings.update({"closed_periods": ["12-29/01-03"]})
    db.session.commit()
    closed = make_case(arrived_on=date(2026, 12, 25))
    # With the year-end closure the seventh business day is 12 Jan (11 Jan is 成人の日), past
    # the statutory horizon (8 Jan): the horizon binds.
    assert closed.internal_target_on == closed.statutory_horizon_on == date(2027, 1, 8)
