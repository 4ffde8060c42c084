"""The form that adds a document arriving after the application (staff on the case page,
the requester on the status page): whose it is and what kind, and the files."""

from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from desk import catalogue
from desk.forms import DeskForm
from desk.i18n import label, lazy, tr
from desk.identity.service import addable_kinds
from desk.identity.uploads import ACCEPT_ATTRIBUTE, Limits, UploadRefused, check, total_too_large

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms

    def SelectChoice(value, label):  # noqa: N802
        return (value, label)


class AddDocumentForm(DeskForm):
    document = SelectField(lazy("書類の種類", "Kind of document"), choices=[], validate_choice=False)
    files = MultipleFileField(lazy("ファイル（PDF・JPEG・PNG）", "Files (PDF, JPEG, PNG)"))

    def __init__(self, case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.document.choices = [SelectChoice("", tr("選んでください", "Choose"))] + [
            SelectChoice(f"{party}:{code}", _choice_label(case, party, kind))
            for party, code, kind in addable_kinds(case)
        ]
        self.accept = ACCEPT_ATTRIBUTE

    def chosen(self) -> tuple[str, str] | None:
        party, _, code = (self.document.data or "").partition(":")
        if (party, code) in {(p, c) for p, c, _ in addable_kinds(self.case)}:
            return party, code
        return None

    def checked_files(self, limits: Limits | None = None) -> list:
        """The chosen files, each checked by content as on the public form; the messages
        go beside the fields and nothing is stored when one is refused."""
        limits = limits or Limits.from_settings()
        if self.chosen() is None:
            self.document.errors = list(self.document.errors) + [
                tr("書類の種類を選んでください。", "Choose what kind of document it is.")
            ]
        uploads = [f for f in (self.files.data or []) if f and f.filename]
        if not uploads:
            self.files.errors = list(self.files.errors) + [tr("ファイルを選んでください。", "Choose a file.")]
            return []
        if len(uploads) > limits.files:
            self.files.errors = list(self.files.errors) + [
                tr(f"一度に選べるファイルは{limits.files}個までです。", f"Choose at most {limits.files} files at once.")
            ]
            return []
        checked, total = [], 0
        for upload in uploads:
            data = upload.read(limits.file_bytes + 1)
            # Bytes beyond the request's limit were counted and dropped as they arrived
            # (desk.intake.limits): the file is then judged by its size alone.
            total += int(getattr(upload.stream, "seen", len(data)))
            if getattr(upload.stream, "overflowed", False):
                continue
            try:
                checked.append(check(data, upload.filename, limits))
            except UploadRefused as refused:
                self.files.errors = list(self.files.errors) + [refused.message()]
        too_large = total_too_large(total, limits)
        if too_large:
            self.files.errors = list(self.files.errors) + [too_large.message()]
        return [] if self.files.errors or self.document.errors else checked


def _choice_label(case, party: str, kind) -> str:
    if not case.proxy_kind:
        return tr(kind.ja, kind.en)
    whose = tr("代理人", "Proxy") if party == "proxy" else tr("本人", "Principal")
    return f"{whose}: {tr(kind.ja, kind.en)}"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CounterCheckForm(DeskForm):
    """An in-person check at the counter: the originals the officer saw."""

    kinds = MultiCheckboxField(
        lazy("窓口で確認した書類（原本）", "Originals checked at the counter"), choices=[], validate_choice=False
    )
    number_tail = StringField(
        lazy("書類の番号の下4桁", "Last four digits of the document's number"), validators=[Optional(), Length(max=8)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds.choices = [SelectChoice(code, label(entry)) for code, entry in catalogue.IDENTITY_DOCUMENTS.items()]


class LinkForm(DeskForm):
    """The reviewed document that links disagreeing addresses."""

    document_id = SelectField(
        lazy("住所のつながりを示す書類", "Document linking the addresses"), choices=[], validate_choice=False
    )
