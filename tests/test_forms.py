"""Input hygiene: every field of every form refuses control characters and keeps to its column."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FileField, Form, FormField, StringField

import desk
from desk.cases.models import Requester
from desk.extensions import db
from desk.forms import CONTROL_MESSAGE, DeskForm, DeskSubform, column_length, field_maximum, fits
from tests.helpers import make_staff
from tests.intake.helpers import case_count, confirm
from tests.intake.samples import errors, jpeg, principal_fields


def _form_modules():
    for info in pkgutil.iter_modules(desk.__path__):
        if info.ispkg:
            for name in ("forms", "status"):
                try:
                    yield importlib.import_module(f"desk.{info.name}.{name}")
                except ModuleNotFoundError:
                    continue


def every_form_class() -> list[type]:
    found = {}
    for module in _form_modules():
        for _, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Form) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


def _build(form_class, formdata=None):
    """An instance of any form, giving constructor arguments beyond the form data empty values."""
    parameters = [
        p
        for p in list(inspect.signature(form_class.__init__).parameters.values())[1:]
        if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty
    ]
    from desk.cases.models import Case

    args = [[] if p.name == "letters" else Case() if p.name == "case" else "ja" for p in parameters]
    if issubclass(form_class, FlaskForm):
        return form_class(*args, formdata=formdata, meta={"csrf": False})
    return form_class(formdata, *args)


def _leaf_fields(form):
    for field in form:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif field.name != "csrf_token":
            yield field


def test_the_walk_finds_the_forms(app):
    """The walk reaches the public form, the status form, sign-in and the case page's forms."""
    names = {f.__name__ for f in every_form_class()}
    assert {"RequestForm", "PersonForm", "StatusForm", "LoginForm", "ExtendForm", "EntryForm", "HoldForm"} <= names


@pytest.mark.sqlite_only
def test_every_form_derives_from_the_one_base(app):
    """Every form is a DeskForm (or a DeskSubform inside one): the hygiene cannot be forgotten. (No database needed.)"""
    for form_class in every_form_class():
        assert issubclass(form_class, DeskForm | DeskSubform), f"{form_class} must derive from desk.forms.DeskForm"


@pytest.mark.sqlite_only
def test_every_field_of_every_form_refuses_nul_and_controls(app):
    """NUL, ESC, DEL, a C1 control and a bidi override in any field: an error of its own, in both languages."""
    for bad in ("a\x00b", "a\x1bb", "a\x7f", "a\x9bb", "a\u202eb", "a\ufffe"):
        with app.test_request_context("/"):
            for form_class in every_form_class():
                fields = list(_leaf_fields(_build(form_class)))
                form = _build(form_class, MultiDict({f.name: bad for f in fields}))
                form.validate()
                for field in _leaf_fields(form):
                    if isinstance(field, FileField):
                        continue
                    if field.name.startswith("proxy-") and not form.is_proxy:
                        continue  # the proxy's fields are ignored unless a proxy is asking
                    assert str(CONTROL_MESSAGE) in field.errors, (form_class.__name__, field.name, bad, field.errors)


@pytest.mark.sqlite_only
def test_text_areas_keep_line_breaks_and_one_line_fields_do_not(app):
    """A note may have lines and tabs; a name may not; U+2028 in a text area becomes a plain line break."""
    from desk.workbench.forms import ExtendForm, NoteForm

    with app.test_request_context("/"):
        note = _build(NoteForm, MultiDict({"body": "一行目\r\n二行目\t三"}))
        assert note.validate() and note.body.data == "一行目\r\n二行目\t三"
        extend = _build(ExtendForm, MultiDict({"business_days": "5", "reason": "理由\u2028@attachment zz"}))
        assert extend.validate(), extend.errors
        assert extend.reason.data == "理由\n@attachment zz"
        login = _build(importlib.import_module("desk.auth.forms").LoginForm, MultiDict({"email": "a@b.jp\n"}))
        assert not login.validate() and str(CONTROL_MESSAGE) in login.email.errors


@pytest.mark.sqlite_only
def test_every_text_field_has_a_bound_and_says_it(app):
    """Each text field has a maximum; one character more gets a message in the page's language."""
    with app.test_request_context("/"):
        for form_class in every_form_class():
            for field in _leaf_fields(_build(form_class)):
                if not isinstance(field, StringField):
                    continue
                maximum = field_maximum(field)
                assert maximum is not None, f"{form_class.__name__}.{field.name} has no length bound"
                form = _build(form_class, MultiDict({field.name: "あ" * (maximum + 1)}))
                form.validate()
                if field.name.startswith("proxy-") and not form.is_proxy:
                    continue
                flat = {f.name: f for f in _leaf_fields(form)}
                assert f"{maximum}文字以内で入力してください。" in flat[field.name].errors or any(
                    "文字以内" in e for e in flat[field.name].errors
                ), (form_class.__name__, field.name, flat[field.name].errors)


@pytest.mark.sqlite_only
def test_every_string_column_a_form_fills_is_read_from_the_model(app):
    """Each `fits` is the length of its column (and of the key columns beside it), read from the model;
    every String column people type into is bound by one."""
    bound = set()
    with app.test_request_context("/"):
        for form_class in every_form_class():
            for field in _leaf_fields(_build(form_class)):
                for validator in field.validators:
                    if isinstance(validator, fits):
                        assert validator.max == column_length(validator.column)
                        bound.add(str(validator.column))
                        for key_column, _ in validator.derived:
                            assert str(key_column) in {str(c) for c in db.metadata.tables["requesters"].columns} | {
                                str(key_column)
                            }
    typed = {
        "Requester.name",
        "Requester.furigana",
        "Requester.postal_code",
        "Requester.address",
        "Requester.phone",
        "Requester.email",
        "Requester.known_as",
        "StaffUser.email",
        "StaffUser.name",
        "SuppressionEntry.source_reference",
    }
    assert typed <= bound, typed - bound
    # The walk itself: every String column has a length a validator can read.
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.type.__class__.__name__ == "String":
                assert column.type.length, f"{table.name}.{column.name} has no length"
    assert column_length(Requester.name) == 100


# --------------------------------------------------------------------------- over HTTP, both databases


def _confirm_errors(client, **overrides):
    response = confirm(client, principal_fields(**overrides), {"principal_id": [(jpeg(), "front.jpg")]})
    return response, errors(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "field",
    ["name", "furigana", "birth_date", "postal_code", "address", "phone", "email", "known_as"],
)
def test_nul_in_any_field_of_the_public_form_is_a_message_not_a_500(client, app, field):
    """NUL in any field of the request form: the form again with the message, no case (PostgreSQL refused it with 500)."""
    response, messages = _confirm_errors(client, **{f"principal-{field}": "山田\x00花子"})
    assert response.status_code == 400
    assert "使用できない制御文字（NUL など）が含まれています。削除してもう一度入力してください。" in messages
    assert case_count() == 0


def test_nul_in_particulars_is_a_message(client, app):
    """The request's details (a text area) refuse NUL too."""
    response, messages = _confirm_errors(client, particulars="開示\x00")
    assert response.status_code == 400 and any("制御文字" in m for m in messages)


def test_a_name_whose_folded_form_is_too_long_is_refused(client, app):
    """100 characters of ㍿ fold to 400 (the search key column holds 100): refused with the length message."""
    response, messages = _confirm_errors(client, **{"principal-name": "㍿" * 100})
    assert response.status_code == 400 and "100文字以内で入力してください。" in messages
    assert case_count() == 0


def test_a_phone_number_too_long_for_its_column_is_refused(client, app):
    """A phone of digits and brackets over 30 characters: the length message, not a 500."""
    response, messages = _confirm_errors(client, **{"principal-phone": "(0)(3)-(1)(2)(3)(4)-(5)(6)(7)(8)"})
    assert response.status_code == 400 and "30文字以内で入力してください。" in messages
    assert case_count() == 0


def test_nul_in_the_status_reference_is_a_message(client, app):
    """The status page with NUL in the reference or the code answers with the form again."""
    for data in ({"reference": "R\x00", "code": "AAAA"}, {"reference": "R-1", "code": "A\x00"}):
        response = client.post("/requests/status", data=data)
        assert response.status_code in (200, 400)
        assert "制御文字" in response.get_data(as_text=True)


def test_nul_in_the_sign_in_email_is_a_message(client, app):
    """Sign-in with NUL in the e-mail: the form again, no 500."""
    make_staff()
    response = client.post("/staff/login", data={"email": "officer\x00@example.jp", "password": "x" * 12})
    assert response.status_code in (200, 400)
    assert "制御文字" in response.get_data(as_text=True)


def test_nul_in_the_queue_search_finds_nothing_instead_of_failing(client, app):
    """The queue's search box (a GET form) with NUL: the queue, not a 500."""
    from tests.helpers import login

    login(client, make_staff())
    assert client.get("/staff/cases?q=%E5%B1%B1%00").status_code == 200


def test_nul_in_a_setting_is_a_message(client, app):
    """The settings page (fields generated from the definitions) refuses NUL in a text setting too."""
    from desk import settings
    from tests.helpers import login, settings_form

    login(client, make_staff("admin"))
    response = client.post("/staff/settings", data=settings_form(business_name="株式会社\x00見本"))
    assert response.status_code == 400 and "制御文字" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "\x00" not in settings.get("business_name")


def test_wtforms_own_messages_are_in_the_requests_language_read_once(app, monkeypatch):
    """A message WTForms writes itself (an integer field given letters) is in the request's
    language, and its catalogue is read from disk once per language, not once a request."""
    from babel import support
    from flask_babel import refresh
    from wtforms import IntegerField

    from desk import forms

    class Numbers(DeskForm):
        count = IntegerField()

    forms._wtforms_translations.cache_clear()
    loads = []
    real_load = support.Translations.load
    monkeypatch.setattr(
        support.Translations, "load", lambda *a, **k: loads.append(a) or real_load(*a, **k), raising=True
    )
    seen = {}
    for lang in ("ja", "en", "ja", "en"):
        with app.test_request_context(f"/?lang={lang}", method="POST", data={"count": "abc"}):
            refresh()  # as every request starts (desk's first before_request hook)
            form = Numbers(meta={"csrf": False})
            assert not form.validate()
            seen.setdefault(lang, set()).add(form.count.errors[0])
    assert seen["en"] == {"Not a valid integer value."}
    assert seen["ja"] != seen["en"] and len(seen["ja"]) == 1
    assert len(loads) == 2
