"""Recording from a screening: the list delivered (the screened output, exactly what left)
as a provision, or the list acquired (as it arrived) as a receipt, once the provider's
statement of how it acquired the list is confirmed. The record is checked before the
list is screened, so a refused receipt leaves no screening behind either."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from desk.cases.lifecycle import Refused
from desk.clock import today
from desk.extensions import db
from desk.memory import collector_paused
from desk.provisions.index import IndexBuilder
from desk.provisions.models import Counterparty, ProvisionRecord
from desk.provisions.service import Particulars, check, counterparty_by_code, index_record, record_list
from desk.storage import service as storage
from desk.suppression import runs
from desk.suppression.csv_input import open_csv
from desk.suppression.matching import Matcher
from desk.suppression.models import ScreeningRun

#: screening direction -> record direction
RECORDED_AS = {"delivery": "provision", "acquired": "receipt"}


def items_of_list(data: storage.Content) -> str:
    """The data items of a list: its header, as the list names its columns."""
    with storage.open_content(data) as source:
        csv_in = open_csv(source)
        try:
            header = next(csv.reader(csv_in.text), [])
        finally:
            csv_in.text.detach()
    return "、".join(h.strip().lstrip("\ufeff") for h in header if h.strip())


def particulars(direction: str, counterparty: Counterparty | str, basis: str, acquisition: str | None, items="-"):
    if direction not in RECORDED_AS:
        raise Refused("名簿の種類を選んでください。", "Choose which list this is.")
    if isinstance(counterparty, str):
        counterparty = counterparty_by_code(counterparty)
    found = Particulars(
        direction=RECORDED_AS[direction],
        counterparty=counterparty,
        basis=basis,
        items=items,
        occurred_on=today(),
        acquisition=acquisition,
    )
    check(found)
    return found


class IndexTap:
    """The recorded list's index, gathered in the screening's own pass over the list (so the
    list is not read a second time): for a delivery the rows the screening kept, exactly
    the screened list it writes; for a receipt every row, the list as received. The name
    digests are the screening's own; where the list's pieces may begin, the screening's
    place in what it writes (a delivery) or in what it reads (a receipt)."""

    def __init__(self, *, every_row: bool):
        self.every_row = every_row
        self.builder: IndexBuilder | None = None

    def plan(self, screening) -> None:
        """After the header: the list's columns and encoding, and the header's end. (The
        screening is passed to each call, not kept: a tap that held it, and it the tap, would
        leave the register's matcher to the cyclic collector.)"""
        # No matcher: the screening hands over each row's digest, and the builder outlives
        # the screening (until the index is written) without keeping its register alive.
        self.builder = IndexBuilder(screening.columns, screening.csv_in.encoding, by_line=self.every_row)
        self.builder.mark(self._where(screening))

    def _where(self, screening) -> int:
        return screening.line_num if self.every_row else screening.written()

    def take(self, screening, chunk: list[list[str]], digests: list[bytes | None], removed: set[int]) -> None:
        """A chunk as the screening read it, the digest of each row's name, and the rows it removed."""
        if removed and not self.every_row:
            kept = [k for k in range(len(chunk)) if k not in removed]
            chunk, digests = [chunk[k] for k in kept], [digests[k] for k in kept]
        self.builder.add(chunk, digests)
        self.builder.mark(self._where(screening))


@dataclass
class Listed:
    """The list a screening recorded (the file it was stored from), and its index as the
    screening gathered it."""

    data: storage.Content
    index: IndexBuilder | None = None


@collector_paused()
def screen_file_and_record(
    input_path: Path,
    output_path: Path,
    report_path: Path | None,
    *,
    direction: str,
    counterparty: str,
    basis: str,
    acquisition: str | None,
    overrides=None,
    operator: str | None = None,
    matcher=None,
    consent=None,
):
    """`desk screen … --to/--from COUNTERPARTY`: the screening, then its record."""
    wanted = particulars(direction, counterparty, basis, acquisition)
    matcher = matcher or Matcher.from_database()
    tap = IndexTap(every_row=direction != "delivery")
    run = runs.screen_file(
        input_path,
        output_path,
        report_path,
        direction=direction,
        overrides=overrides,
        operator=operator,
        matcher=matcher,
        consent=consent,
        tap=tap,
    )
    # Stored from the file, a piece at a time (not read into memory whole).
    listed = Path(output_path if direction == "delivery" else input_path)
    wanted.items = items_of_list(listed)
    entry = record_list(
        wanted,
        listed,
        list_name=Path(input_path).name,
        via="screening",
        operator=operator,
        screening_run_id=run.id,
        overrides=overrides,
        index_now=False,
        index=tap.builder,
    )
    return run, entry, Listed(listed, tap.builder)


def index_screened(entry: ProvisionRecord, listed: Listed) -> int:
    """After the screening and its record are committed: the list's people indexed (if this is
    interrupted, `desk daily` indexes the stored list; until then the case page says so)."""
    count = index_record(entry, listed.data, builder=listed.index)
    db.session.commit()
    return count


@collector_paused()  # the register and the list freed before it runs again
def screen_upload_and_record(
    data: bytes, *, list_name: str, direction: str, wanted: Particulars | None, actor
) -> tuple[ScreeningRun, ProvisionRecord | None]:
    """The staff screening page: the upload screened and, when a record was asked for (and
    checked before), recorded; the register loaded once for both."""
    matcher = Matcher.from_database()
    run = runs.screen_upload(data, list_name=list_name, direction=direction, actor=actor, matcher=matcher)
    entry = record_upload(run, data, wanted, actor=actor, matcher=matcher) if wanted is not None else None
    return run, entry


def record_upload(run, data: bytes, wanted: Particulars, *, actor, matcher=None) -> ProvisionRecord:
    """The screening page: record the run's output (delivery) or the upload itself (acquired)."""
    if wanted.direction == "provision":
        output = next(f for f in run.files if f.kind == "output")
        data = storage.read(output)
    wanted.items = items_of_list(data)
    return record_list(
        wanted, data, list_name=run.list_name, via="screening", actor=actor, screening_run_id=run.id, matcher=matcher
    )
