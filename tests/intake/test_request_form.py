"""The public request form over HTTP: what a requester sends becomes one case, or nothing."""

import re

from sqlalchemy import select

from desk.audit.models import AuditEvent
from desk.cases.models import Case
from desk.extensions import db
from desk.identity.models import Document
from desk.storage import service as storage
from tests.intake import samples
from tests.intake.helpers import case_count, confirm, document_count, files_under, send, submit
from tests.intake.samples import delegated_fields, errors, principal_fields


def test_start_page_asks_who_is_asking(client):
    """The first page offers the principal and every proxy kind."""
    html = client.get("/requests/new").get_data(as_text=True)
    for who in ("principal", "parent", "minor_guardian", "adult_guardian", "delegated"):
        assert f"/requests/new/{who}" in html
    assert "/application-form.pdf" in html


def test_form_shows_slots_fee_and_mask_reminder(client):
    """The delegated agent's form lists the power of attorney and seal certificate, the fee and the masking rules."""
    html = client.get("/requests/new?who=delegated").get_data(as_text=True)
    assert "委任状（本人の実印を押印したもの）" in html and "印鑑登録証明書" in html
    assert "authority_power_of_attorney-files" in html and "proxy_id-files" in html
    assert "1,000円" in html and "郵便切手" in html
    assert "被保険者等記号・番号" in html and "裏面（個人番号）は送らないでください" in html


def test_form_in_english(client):
    """The same form in English, with the catalogue's English labels."""
    english = client.get("/requests/new?who=delegated&lang=en").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Power of attorney sealed with the principal" in english and "Black out" in english


def test_principal_disclosure_request_end_to_end(client, app):
    """A principal's request with a licence (front and back) becomes a case with two encrypted documents."""
    reference, code = submit(
        client, principal_fields(), {"principal_id": [(samples.jpeg(), "front.jpg"), (samples.png(), "back.png")]}
    )
    case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
    assert case.channel == "web" and case.status == "received" and case.delivery_method == "electronic"
    assert case.kinds == ["disclosure"] and case.requester_type == "principal"
    person = case.principal
    assert (person.furigana, person.postal_code, person.birth_date.isoformat()) == (
        "ヤマダ ハナコ",
        "1500001",
        "1980-04-01",
    )
    documents = db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)).all()
    assert [(d.party, d.kind, d.label) for d in documents] == [
        ("principal", "drivers_licence", "運転免許証 1/2"),
        ("principal", "drivers_licence", "運転免許証 2/2"),
    ]
    assert storage.read(documents[0]) == samples.jpeg()
    assert case.access_code_hash and code not in case.access_code_hash
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    # Staged copies are gone once the case holds the documents.
    assert not any("staging" in str(p) for p in files_under(app))


def test_delegated_agent_request(client, app):
    """A delegated agent sends the power of attorney, the seal certificate and their own ID."""
    reference, _ = submit(
        client,
        delegated_fields(),
        {
            "authority_power_of_attorney": [(samples.pdf(), "poa.pdf")],
            "authority_seal_certificate": [(samples.jpeg(), "seal.jpg")],
            "proxy_id": [(samples.jpeg(), "residence-card.jpg")],
        },
    )
    case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
    assert case.requester_type == "proxy" and case.proxy_kind == "delegated"
    assert case.proxy.name == "佐藤 次郎" and case.proxy.postal_code == "5300001"
    kinds = sorted((d.party, d.kind) for d in case.documents)
    assert kinds == [("proxy", "power_of_attorney"), ("proxy", "residence_card"), ("proxy", "seal_certificate")]


def test_wrong_postal_code_keeps_what_was_typed_and_stores_nothing(client, app):
    """A bad postal code is explained next to the field; values stay; files must be chosen again."""
    response = confirm(
        client,
        principal_fields(**{"principal-postal_code": "150-001"}),
        {"principal_id": [(samples.jpeg(), "licence.jpg")]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "郵便番号は7桁の数字で入力してください（例: 150-0001）。" in errors(html)
    assert 'value="山田 花子"' in html and 'value="150-001"' in html
    assert "ファイルをもう一度選んでください" in html
    assert case_count() == 0 and document_count() == 0 and files_under(app) == []


def test_messages_follow_the_language(client):
    """An English requester gets English messages."""
    client.get("/?lang=en")
    html = confirm(
        client, principal_fields(**{"principal-postal_code": "abc"}), {"principal_id": [(samples.jpeg(), "l.jpg")]}
    ).get_data(as_text=True)
    assert "Enter the 7-digit postal code, e.g. 150-0001." in errors(html)


def test_renamed_exe_is_refused_and_nothing_is_stored(client, app):
    """A program renamed license.jpg is refused by content, with a reason next to the slot."""
    response = confirm(client, principal_fields(), {"principal_id": [(samples.windows_exe(), "license.jpg")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert any("PDF・JPEG・PNG" in e for e in errors(html))
    assert case_count() == 0 and files_under(app) == []


def test_missing_required_document_is_refused(client, app):
    """A delegated agent without the seal certificate is told what is missing."""
    response = confirm(
        client,
        delegated_fields(),
        {"authority_power_of_attorney": [(samples.pdf(), "poa.pdf")], "proxy_id": [(samples.jpeg(), "id.jpg")]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "この書類を添付してください。" in errors(html)
    assert case_count() == 0 and files_under(app) == []


def test_non_photo_id_needs_a_second_document(client):
    """A health insurance card alone is not enough: a second document of another kind is asked for."""
    response = confirm(
        client,
        principal_fields(**{"principal_id-kind": "health_insurance"}),
        {"principal_id": [(samples.jpeg(), "card.jpg")]},
    )
    assert response.status_code == 400
    assert any("もう1点" in e for e in errors(response.get_data(as_text=True)))


def test_parent_may_send_either_document(client):
    """A parent proves authority with the family register or the dependent's insurance card."""
    data = delegated_fields(who="parent")
    ok = confirm(
        client,
        data,
        {
            "authority_dependent_insurance_card": [(samples.jpeg(), "card.jpg")],
            "proxy_id": [(samples.jpeg(), "id.jpg")],
        },
    )
    assert ok.status_code == 200, errors(ok.get_data(as_text=True))
    client.get("/requests/new?who=parent")  # starting again drops the files kept from before
    none = confirm(client, data, {"proxy_id": [(samples.jpeg(), "id.jpg")]})
    assert "次のいずれか1点を添付してください。" in errors(none.get_data(as_text=True))


def test_disclosure_needs_a_delivery_method_and_kinds_are_required(client):
    """The delivery choice is asked for disclosures; at least one kind must be chosen."""
    html = confirm(
        client, principal_fields(delivery_method=None, kinds=[]), {"principal_id": [(samples.jpeg(), "l.jpg")]}
    ).get_data(as_text=True)
    assert "ご請求の種類を1つ以上選んでください。" in errors(html)
    html = confirm(
        client, principal_fields(delivery_method=None), {"principal_id": [(samples.jpeg(), "l.jpg")]}
    ).get_data(as_text=True)
    assert "開示の方法を選んでください。" in errors(html)


def test_confirmation_shows_everything_and_nothing_is_saved_yet(client, app):
    """The confirmation page reads back the details and the fee; no case exists until sent."""
    response = confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    html = response.get_data(as_text=True)
    assert "ヤマダ ハナコ" in html and "〒150-0001" in html and "昭和55年4月1日" in html
    assert "運転免許証" in html and "1ファイル" in html and "1,000円" in html
    assert case_count() == 0
    # The staged file is ciphertext only.
    staged = [p for p in files_under(app) if "staging" in str(p)]
    assert len(staged) == 1 and samples.MARKER not in staged[0].read_bytes()


def test_going_back_keeps_values_and_attached_files(client):
    """“Go back and change” keeps the typed values and the files already attached."""
    page = confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]}).get_data(as_text=True)
    from tests.intake.samples import hidden_fields

    data = hidden_fields(page)
    data["action"] = "edit"
    html = client.post("/requests/new", data=data).get_data(as_text=True)
    assert 'value="山田 花子"' in html and "前の画面で添付したファイルをお預かりしています" in html
    # Confirming again without choosing files uses the kept ones.
    data["action"] = "confirm"
    again = client.post("/requests/new", data=data, content_type="multipart/form-data")
    assert again.status_code == 200 and "1ファイル" in again.get_data(as_text=True)
    assert send(client, again.get_data(as_text=True)).status_code == 302
    assert case_count() == 1


def test_code_is_shown_once(client):
    """Reloading the completion page does not show the access code again."""
    submit(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    again = client.get("/requests/done").get_data(as_text=True)
    assert "access-code" not in again and "一度だけ表示しました" in again


def test_sending_twice_makes_one_case(client):
    """A second press of “send” (or a replay) creates nothing: it leads to the first case's
    completion page (tests/intake/test_send_once.py)."""
    page = confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]}).get_data(as_text=True)
    assert send(client, page).status_code == 302
    again = send(client, page)
    assert again.status_code == 302 and again.headers["Location"].endswith("/requests/done")
    assert case_count() == 1


def test_a_storage_failure_leaves_no_row_and_no_file(client, app, monkeypatch):
    """If writing the second document fails, the first file and the case are both gone."""
    page = confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "a.jpg"), (samples.png(), "b.png")]})
    calls = []
    real_store = storage.store

    def failing_store(record, data, media_type, session=None):
        calls.append(1)
        if len(calls) == 2:
            raise storage.StorageError("disk full")
        return real_store(record, data, media_type, session)

    monkeypatch.setattr("desk.intake.service.storage.store", failing_store)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = send(client, page.get_data(as_text=True))
    assert response.status_code == 500
    assert case_count() == 0 and document_count() == 0
    assert [p for p in files_under(app) if "staging" not in str(p)] == []


def test_uploaded_bytes_appear_nowhere_under_the_document_directory(client, app):
    """Neither the staged nor the stored copy of an upload contains any run of its bytes."""
    content = samples.jpeg(800, 600, "navy")
    submit(client, principal_fields(), {"principal_id": [(content, "licence.jpg")]})
    stored = files_under(app)
    assert stored
    probes = [content[i : i + 32] for i in range(0, len(content) - 32, 97)]
    for path in stored:
        raw = path.read_bytes()
        assert samples.MARKER not in raw
        assert not any(probe in raw for probe in probes), f"plaintext found in {path.name}"


def test_possible_duplicate_is_flagged_not_merged(client):
    """The same principal asking for the same kind within 30 days is flagged; both cases exist."""
    first, _ = submit(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    second, _ = submit(
        client,
        principal_fields(**{"principal-name": "山田　花子", "principal-birth_date": "1980-04-01"}),
        {"principal_id": [(samples.jpeg(), "l.jpg")]},
    )
    cases = {c.reference: c for c in db.session.scalars(select(Case))}
    assert not cases[first].possible_duplicate and cases[second].possible_duplicate
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.possible_duplicate")).one()
    assert event.detail == {"matches": [first]}
    other, _ = submit(
        client,
        principal_fields(kinds=["correction"], delivery_method=None),
        {"principal_id": [(samples.jpeg(), "l.jpg")]},
    )
    assert not db.session.scalars(select(Case).where(Case.reference == other)).one().possible_duplicate


def test_audit_trail_has_no_personal_data(client):
    """The intake events carry codes and numbers only."""
    submit(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    for event in db.session.scalars(select(AuditEvent)):
        text = str(event.detail)
        assert "山田" not in text and "hanako" not in text and "渋谷" not in text


def test_stale_staged_files_are_purged_by_the_daily_job(client, app, runner):
    """Files left by someone who never pressed send are removed by `desk daily`."""
    confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]})
    assert [p for p in files_under(app) if "staging" in str(p)]
    app.config["STAGING_MAX_AGE_MINUTES"] = 0
    result = runner.invoke(args=["desk", "daily"])
    assert result.exit_code == 0 and "1 abandoned upload(s) removed" in result.output
    assert files_under(app) == []


def test_a_name_in_latin_letters_needs_no_furigana(client):
    """A foreign requester writing their name in Latin letters is not asked for katakana."""
    response = confirm(
        client,
        principal_fields(**{"principal-name": "Anna Schmidt", "principal-furigana": ""}),
        {"principal_id": [(samples.jpeg(), "l.jpg")]},
    )
    assert response.status_code == 200, errors(response.get_data(as_text=True))
    japanese = confirm(
        client, principal_fields(**{"principal-furigana": ""}), {"principal_id": [(samples.jpeg(), "l.jpg")]}
    )
    assert "フリガナを入力してください。" in errors(japanese.get_data(as_text=True))


def test_rejected_form_lists_the_problems_at_the_top(client):
    """A summary links to each field that needs attention, documents included."""
    html = confirm(client, principal_fields(**{"principal-postal_code": "12"}), {}).get_data(as_text=True)
    summary = html.split('class="error-summary"')[1].split("</ul>")[0]
    assert 'href="#principal-postal_code"' in summary and 'href="#principal_id-files"' in summary


def test_language_switch_keeps_the_requester_kind(client):
    """The form's address names the requester kind, so switching language keeps it."""
    html = client.get("/requests/new/adult_guardian?lang=en").get_data(as_text=True)
    assert 'href="/requests/new/adult_guardian?lang=ja"' in html and "Certificate of registered matters" in html


def test_a_passport_alone_is_not_enough(client):
    """A passport issued since February 2020 has no address: the form asks for a second
    document showing the address, and a second one without it is refused too."""
    files = {"principal_id": [(samples.jpeg(), "passport.jpg")]}
    alone = confirm(client, principal_fields(**{"principal_id-kind": "passport"}), files)
    assert alone.status_code == 400
    assert any("現住所の記載がある書類（住民票の写しなど）をもう1点" in e for e in errors(alone.get_data(as_text=True)))
    files["principal_id2"] = [(samples.jpeg(), "pension.jpg")]
    no_address = confirm(
        client, principal_fields(**{"principal_id-kind": "passport", "principal_id2-kind": "pension_book"}), files
    )
    assert no_address.status_code == 400
    assert any("現住所の記載がある書類" in e for e in errors(no_address.get_data(as_text=True)))
    files["principal_id2"] = [(samples.jpeg(), "juminhyo.jpg")]
    ok = confirm(
        client, principal_fields(**{"principal_id-kind": "passport", "principal_id2-kind": "resident_record"}), files
    )
    assert ok.status_code == 200, errors(ok.get_data(as_text=True))


def test_completion_page_says_how_to_replace_a_lost_code(client):
    """The status page sends a new code to the address on file, so the completion page must
    not say a lost code can never be replaced: it links to the request for a new one."""
    page = confirm(client, principal_fields(), {"principal_id": [(samples.jpeg(), "l.jpg")]}).get_data(as_text=True)
    send(client, page)
    done = client.get("/requests/done").get_data(as_text=True)
    assert "再発行はできません" not in done
    link = re.search(r'<a href="([^"]+)">新しいアクセスコードをお申し込みください</a>', done).group(1)
    assert client.get(link).status_code == 200
