"""The encrypted store: nothing readable on disk, nothing orphaned, keys shredded."""

from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from desk.extensions import db
from desk.identity.models import Document
from desk.storage import service as storage
from tests.helpers import make_case

SECRET = "運転免許証 番号 123456789012 山田花子".encode() * 50


def _files(app) -> list[Path]:
    return [p for p in Path(app.config["DOCUMENT_DIR"]).rglob("*") if p.is_file()]


def _stored(media_type="image/png", commit=True) -> Document:
    document = Document(case_id=make_case().id, kind="passport", party="principal")
    storage.store(document, SECRET, media_type)
    db.session.add(document)
    if commit:
        db.session.commit()
    return document


def test_round_trip_and_no_plaintext_on_disk(app):
    document = _stored("application/pdf")
    assert storage.read(document) == SECRET
    files = _files(app)
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert SECRET[:40] not in raw and "山田".encode() not in raw
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"


def test_rollback_leaves_no_orphan_file(app):
    _stored(commit=False)
    db.session.flush()
    assert len(_files(app)) == 1
    db.session.rollback()
    assert _files(app) == []


def test_shredded_key_makes_the_file_unreadable(app):
    document = _stored()
    name = document.storage_name
    storage.shred_key(document)
    db.session.commit()
    with pytest.raises(storage.StorageError):
        storage.read(document)
    assert storage.remove_file(name) and _files(app) == []


def test_another_master_key_cannot_read(app):
    document = _stored()
    app.config["MASTER_KEY"] = "a different master key entirely"
    with pytest.raises(InvalidTag):  # the document's key cannot be unwrapped
        storage.read(document)


def test_storage_names_cannot_escape_the_directory(app):
    with pytest.raises(storage.StorageError):
        storage.path_of("../../etc/passwd")
