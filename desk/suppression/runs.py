"""Screening runs: a file from the command line or an upload from the web, each logged; web results kept encrypted until they are shredded."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from desk import settings
from desk.audit.service import record
from desk.clock import local_zone, now
from desk.extensions import db
from desk.memory import collector_paused
from desk.storage import service as storage
from desk.suppression.errors import SuppressionError
from desk.suppression.matching import Matcher
from desk.suppression.models import DIRECTIONS, ScreeningFile, ScreeningRun
from desk.suppression.screening import ScreeningResult, screen_stream


def _sha256_of(path_or_bytes) -> str:
    digest = hashlib.sha256()
    if isinstance(path_or_bytes, (bytes, bytearray)):
        digest.update(path_or_bytes)
    else:
        with open(path_or_bytes, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def default_report_path(output: Path) -> Path:
    return output.with_name(output.stem + ".report.csv")


@collector_paused()  # the register and the list's rows freed before it runs again
def screen_file(
    input_path: Path,
    output_path: Path,
    report_path: Path | None = None,
    *,
    direction: str = "delivery",
    overrides: dict[str, list[str]] | None = None,
    actor=None,
    operator: str | None = None,
    matcher: Matcher | None = None,
    consent=None,
    tap=None,
) -> ScreeningRun:
    """Screen a CSV file into OUTPUT and REPORT (beside it by default), and log the run.
    Both are written to temporary files in their own directories and renamed only when the
    whole list has been read without error: a failure leaves nothing behind."""
    _check_direction(direction)
    input_path, output_path = Path(input_path), Path(output_path)
    report_path = Path(report_path) if report_path else default_report_path(output_path)
    if output_path.resolve() == input_path.resolve() or report_path.resolve() == input_path.resolve():
        raise SuppressionError("出力先が入力ファイルと同じです。", "the output would overwrite the input")
    matcher = matcher or Matcher.from_database()
    temporaries = []
    try:
        with open(input_path, "rb") as source:
            out_fd, out_tmp = tempfile.mkstemp(dir=output_path.parent, prefix=".screen-", suffix=".part")
            temporaries.append(out_tmp)
            rep_fd, rep_tmp = tempfile.mkstemp(dir=report_path.parent, prefix=".screen-", suffix=".part")
            temporaries.append(rep_tmp)
            with open(out_fd, "wb", buffering=1 << 20) as out, open(rep_fd, "wb") as rep:
                result = screen_stream(source, out, rep, matcher=matcher, overrides=overrides, consent=consent, tap=tap)
        os.replace(out_tmp, output_path)
        temporaries.remove(out_tmp)
        os.replace(rep_tmp, report_path)
        temporaries.remove(rep_tmp)
    finally:
        for path in temporaries:
            Path(path).unlink(missing_ok=True)
    return log_screening(
        result,
        list_name=input_path.name,
        direction=direction,
        actor=actor,
        operator=operator,
        via="cli",
        input_sha256=_sha256_of(input_path),
        output_sha256=_sha256_of(output_path),
        consent=consent,
    )


@collector_paused()
def screen_upload(
    data: bytes,
    *,
    list_name: str,
    direction: str,
    actor,
    overrides: dict[str, list[str]] | None = None,
    consent=None,
    matcher: Matcher | None = None,
) -> ScreeningRun:
    """Screen an uploaded list; keep the screened list and the report encrypted for download."""
    _check_direction(direction)
    output, report = io.BytesIO(), io.BytesIO()
    result = screen_stream(
        io.BytesIO(data),
        output,
        report,
        matcher=matcher or Matcher.from_database(),
        overrides=overrides,
        consent=consent,
    )
    run = log_screening(
        result,
        list_name=list_name,
        direction=direction,
        actor=actor,
        operator=None,
        via="web",
        input_sha256=_sha256_of(data),
        output_sha256=_sha256_of(output.getvalue()),
        consent=consent,
    )
    for kind, buffer in (("output", output), ("report", report)):
        stored = ScreeningFile(run_id=run.id, kind=kind)
        storage.store(stored, buffer.getvalue(), "text/csv")
        db.session.add(stored)
    db.session.flush()
    return run


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise SuppressionError(
            "方向は acquired（取得）か delivery（提供）を指定してください。",
            "direction must be acquired or delivery",
            field="direction",
        )


def log_screening(
    result: ScreeningResult,
    *,
    list_name: str,
    direction: str,
    actor,
    operator: str | None,
    via: str,
    input_sha256: str,
    output_sha256: str,
    consent=None,
) -> ScreeningRun:
    run = ScreeningRun(
        screened_at=now(),
        staff_id=getattr(actor, "id", None),
        operator=operator,
        via=via,
        list_name=(list_name or "list.csv")[:200],
        direction=direction,
        rows_in=result.rows_in,
        rows_removed=result.rows_removed,
        register_size=result.register_size,
        encoding=result.encoding,
        input_sha256=input_sha256,
        output_sha256=output_sha256,
        channel=getattr(consent, "channel", None),
        purpose=getattr(consent, "purpose", None),
        consent_removed=result.consent_removed if consent is not None else None,
    )
    db.session.add(run)
    db.session.flush()
    record(
        "suppression.screened",
        actor=actor,
        actor_kind=None if actor is not None or via == "web" else "system",
        detail={
            "run_id": run.id,
            "direction": direction,
            "rows_in": result.rows_in,
            "rows_removed": result.rows_removed,
            **({"channel": consent.channel, "purpose": consent.purpose} if consent is not None else {}),
        },
    )
    return run


def screening_log(page: int = 1, per_page: int = 50):
    return db.paginate(
        select(ScreeningRun).order_by(ScreeningRun.id.desc()), page=page, per_page=per_page, error_out=False
    )


def result_file(run: ScreeningRun, kind: str, actor) -> bytes:
    stored = next((f for f in run.files if f.kind == kind and f.wrapped_key is not None), None)
    if stored is None:
        raise SuppressionError(
            "このファイルは保存期間を過ぎたため削除されました。",
            "This file has been deleted (its keeping period is over).",
        )
    record("suppression.result_read", actor=actor, detail={"run_id": run.id, "kind": kind})
    return storage.read(stored)


def purge_results(as_of: date) -> int:
    """Shred the stored results of web screenings older than screening_result_days."""
    days = int(settings.get("screening_result_days"))
    cutoff = datetime.combine(as_of - timedelta(days=days), time.min, tzinfo=local_zone())
    stale = db.session.scalars(
        select(ScreeningFile)
        .join(ScreeningRun)
        .where(ScreeningRun.screened_at < cutoff, ScreeningFile.wrapped_key.is_not(None))
    )
    count = 0
    for stored in stale:
        name = stored.storage_name
        storage.shred_key(stored)
        db.session.info.setdefault("desk_remove_after_commit", []).append(name)
        count += 1
    db.session.flush()
    return count
