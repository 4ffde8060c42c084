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


def _pieced(cuts) -> Document:
    document = Document(case_id=make_case().id, kind="passport", party="principal")
    storage.store(document, SECRET, "text/csv", cuts=cuts)
    db.session.add(document)
    db.session.commit()
    return document


def test_a_file_stored_in_pieces_reads_whole_and_a_piece_at_a_time(app):
    """Stored in pieces, the file is read back whole as it was given, and each piece alone;
    nothing of it is readable on disk. A file stored whole is one piece."""
    cuts = [100, 1000, 2000]
    document = _pieced(cuts)
    assert storage.read(document) == SECRET
    pieces = storage.Pieces(document)
    assert pieces.count == 4 and pieces.cuts == cuts
    bounds = [0, *cuts, len(SECRET)]
    assert [pieces.read(k) for k in range(4)] == [SECRET[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    [file] = _files(app)
    assert "山田".encode() not in file.read_bytes()
    whole = _stored()
    assert storage.Pieces(whole).count == 1 and storage.Pieces(whole).cuts == []
    assert storage.Pieces(whole).read(0) == SECRET


def test_a_piece_moved_or_dropped_does_not_open(app):
    """Each piece is bound to its place: two pieces of equal length swapped on disk, or the
    last one cut off, refuse to decrypt rather than give another part of the list."""
    document = _pieced([500, 1000])
    path = storage.path_of(document.storage_name)
    raw = path.read_bytes()
    start = len(raw) - (len(SECRET) + 3 * storage.TAG_BYTES)
    first, second = raw[start : start + 516], raw[start + 516 : start + 1032]
    path.write_bytes(raw[:start] + second + first + raw[start + 1032 :])
    with pytest.raises(InvalidTag):
        storage.Pieces(document).read(0)
    with pytest.raises(InvalidTag):
        storage.read(document)
    path.write_bytes(raw[:-10])
    with pytest.raises(InvalidTag):
        storage.Pieces(document).read(2)


@pytest.mark.parametrize("cuts", [[0, 10], [10, 10], [20, 10], [10, len(SECRET)]])
def test_pieces_are_cut_inside_the_file_in_order(app, cuts):
    document = Document(case_id=make_case().id, kind="passport", party="principal")
    with pytest.raises(storage.StorageError):
        storage.store(document, SECRET, "text/csv", cuts=cuts)


def test_a_file_is_stored_in_pieces_from_its_path(app, tmp_path):
    """A list stored from its file (read a piece at a time) reads back as the file was; a
    file shorter than its cuts say is refused and leaves nothing behind."""
    source = tmp_path / "list.csv"
    source.write_bytes(SECRET)
    document = Document(case_id=make_case().id, kind="passport", party="principal")
    storage.store(document, source, "text/csv", cuts=[100, 1000])
    db.session.add(document)
    db.session.commit()
    assert storage.read(document) == SECRET and document.size == len(SECRET)
    assert storage.Pieces(document).read(1) == SECRET[100:1000]
    stored = _files(app)
    source.write_bytes(SECRET[:500])
    other = Document(case_id=make_case().id, kind="passport", party="principal")
    with pytest.raises(storage.StorageError):
        storage.store(other, source, "text/csv", cuts=[100, 1000])
    assert _files(app) == stored
