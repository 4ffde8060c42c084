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


def test_daily_sweeps_files_no_record_names(app, runner):
    """What a worker killed between writing a file and committing its row leaves behind
    (ciphertext and a .part) is removed by desk daily once an hour old; a named file, a
    fresh orphan (its transaction may still commit) and staging are left alone."""
    import os
    import time

    kept = _stored()
    folder = storage.path_of(kept.storage_name).parent
    orphan, half_written, fresh = folder / ("a" * 32), folder / ("b" * 32 + ".part"), folder / ("c" * 32)
    staged = storage.document_dir() / "staging" / ("d" * 32)
    staged.parent.mkdir(exist_ok=True)
    for path in (orphan, half_written, fresh, staged):
        path.write_bytes(b"ciphertext")
    two_hours_ago = time.time() - 7200
    for path in (orphan, half_written, storage.path_of(kept.storage_name)):
        os.utime(path, (two_hours_ago, two_hours_ago))
    # Older than the sweep's hour, younger than staging's own limit (120 minutes).
    os.utime(staged, (time.time() - 5400, time.time() - 5400))

    result = runner.invoke(args=["desk", "daily"])
    assert result.exit_code == 0 and "storage: 2 file(s) that no record names removed" in result.output
    assert not orphan.exists() and not half_written.exists()
    assert fresh.exists() and staged.exists() and storage.read(kept)
