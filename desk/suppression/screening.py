"""Screening one list against the register: the rows nobody on it matches go out, a report names the removed ones.

Rows go through in chunks: the names of a chunk are looked up in one pass (each distinct
name normalised and hashed once per list), only rows whose name is on the register are
examined further, and a chunk is written with one call of csv's C loop. Each step below
works on a whole chunk; the per-row work stays inside list comprehensions.
"""

from __future__ import annotations

import csv
import gc
import io
from dataclasses import dataclass
from itertools import islice, repeat
from typing import BinaryIO

from desk.suppression.csv_input import (
    Columns,
    CsvSource,
    cell,
    lines_of_records,
    open_csv,
    read_errors,
    resolve_columns,
)
from desk.suppression.errors import SuppressionError
from desk.suppression.matching import EMPTY, MISSING, Matcher

REPORT_HEADER = ["row", "line", "rule", "entry", "scope", "display_name", "source_case"]
CHUNK_ROWS = 256  # small enough to stay in the CPU cache; larger chunks measured slower
#: Distinct names remembered per list before the cache starts again (bounds the memory).
NAME_CACHE_LIMIT = 2_000_000


@dataclass
class ScreeningResult:
    rows_in: int
    rows_removed: int
    encoding: str
    register_size: int
    matches: list[tuple[int, str, str]]  # (row, rule, entry number)
    #: Rows removed by the channel's consent filter (desk.consent.screening), when one was given.
    consent_removed: int = 0


def screen_stream(
    source: BinaryIO,
    output: BinaryIO,
    report: BinaryIO,
    *,
    matcher: Matcher,
    overrides: dict[str, list[str]] | None = None,
    consent=None,
    tap=None,
) -> ScreeningResult:
    """Read a CSV list from `source`, write the rows nobody on the register matches to
    `output` and one line per removed row to `report`, both in the list's own encoding.
    `consent` (a desk.consent.screening.ChannelFilter) also removes the rows its channel's
    consent does not allow, with its reason in the report. `tap` (a provision record's
    index, desk.provisions.screening.IndexTap) is shown the screening once its header is
    written, then every chunk with the rows removed from it, so the list's index is gathered
    in this same pass.
    Raises SuppressionError (with the line) on malformed input; the caller discards the outputs."""
    # Rows are plain lists without cycles: the cyclic collector would only walk the large
    # caches again and again (a third of the run on a million rows). Reference counting
    # still frees every row.
    collecting = gc.isenabled()
    gc.disable()
    try:
        csv_in = open_csv(source)
        screening = _Screening(csv_in, output, matcher, consent, tap)
        with read_errors(source, csv_in, screening.reader):
            screening.read(overrides)
        screening.close()
        _fill_in_lines(source, csv_in.encoding, screening.matches)
        _write_report(report, csv_in, matcher, screening.matches)
        return ScreeningResult(
            screening.rows_in,
            screening.removed,
            csv_in.encoding,
            matcher.size,
            [(m[0], m[2], m[3]) for m in screening.matches],
            consent.removed if consent is not None else 0,
        )
    finally:
        if collecting:
            gc.enable()


class _Screening:
    """One pass over one list: its columns, the rows kept so far and the matches found."""

    def __init__(self, csv_in: CsvSource, output: BinaryIO, matcher: Matcher, consent=None, tap=None):
        self.csv_in, self.matcher, self.consent, self.tap = csv_in, matcher, consent, tap
        self.reader = csv.reader(csv_in.text)
        self.output = output
        self.out_text = io.TextIOWrapper(output, encoding=csv_in.encoding, newline="")
        self.writer = csv.writer(self.out_text, lineterminator=csv_in.newline)
        self.rows_in = self.removed = self.records = 0
        #: [row, line or None, rule, entry id]; the report adds scope, masked name and source.
        self.matches: list[list] = []

    def read(self, overrides: dict[str, list[str]] | None) -> None:
        """The header, then every chunk: its matches reported, the other rows written out."""
        try:
            header = next(self.reader)
        except StopIteration:
            raise SuppressionError("ファイルが空です。", "the file is empty", line=1) from None
        self._plan(resolve_columns(header, overrides))
        if self.consent is not None:
            self.consent.plan(header, self.columns)
        self.width = len(header)
        self.writer.writerow(header)
        if self.tap is not None:
            self.tap.plan(self)
        line = self.reader.line_num
        while chunk := list(islice(self.reader, CHUNK_ROWS)):
            exact_lines = self.reader.line_num - line == len(chunk)  # no quoted line breaks in this chunk
            first_line, line = line + 1, self.reader.line_num
            first_line = first_line if exact_lines else None
            blanks = self._blank_rows(chunk, first_line)
            found = self._matches(chunk, blanks)
            if self.consent is not None:
                found += self.consent.removals(chunk, {k for k, _, _ in found})
            self._write(chunk, found, first_line)
            if self.tap is not None:
                self.tap.take(chunk, self.digests, {k for k, _, _ in found})
            self.records += len(chunk)
            self.rows_in += len(chunk) - blanks
            if len(self.name_digests) > NAME_CACHE_LIMIT:
                self.matcher.forget_names()

    def _plan(self, columns: Columns) -> None:
        """What every chunk needs from the columns and the matcher, looked up once per list."""
        self.columns = columns
        self.name_columns, self.kana_columns = columns.name, columns.kana
        self.single = columns.name[0] if len(columns.name) == 1 else None
        self.dob_index = columns.birth_date[0] if len(columns.birth_date) == 1 else None
        self.name_digests, self.hits_get = self.matcher.name_digests, self.matcher.hits_by_digest.get
        self.births_get, self.birth_digest = self.matcher.birth_digests.get, self.matcher.birth_digest

    def _blank_rows(self, chunk: list[list[str]], first_line: int | None) -> int:
        """How many rows of the chunk are blank lines (they stay blank lines); a row with
        another number of fields than the header stops the screening, naming its line."""
        if set(map(len, chunk)) == {self.width}:
            return 0
        for k, row in enumerate(chunk):
            if row and len(row) != self.width:
                raise SuppressionError(
                    f"列の数が {len(row)} です（見出しは {self.width} 列）。",
                    f"{len(row)} fields where the header has {self.width}",
                    line=first_line + k if first_line is not None else None,
                    record=self.records + k + 1,
                )
        return chunk.count([])

    def _matches(self, chunk: list[list[str]], blanks: int) -> list[tuple[int, str, int]]:
        """(row in chunk, rule, entry id) of every row someone on the register matches."""
        single = self.single
        if single is not None and not blanks:
            names = [row[single] for row in chunk]
        else:
            names = [
                (row[single] if single is not None else cell(row, self.name_columns)) if row else "" for row in chunk
            ]
        # A new name is normalised and hashed once; a name has hits only if someone on the
        # register may have it. (The digests are kept for a tap: a recorded list's index.)
        self.digests = digests = list(map(self.name_digests.__getitem__, names))
        hits_of = list(map(self.hits_get, digests, repeat(())))
        # Rows whose name is on the register; rows with no name but a reading (kana column).
        flagged = [k for k, hits in enumerate(hits_of) if hits]
        undecided = [k for k, hits in enumerate(hits_of) if hits is EMPTY and chunk[k]] if self.kana_columns else []
        found: list[tuple[int, str, int]] = []
        if flagged and self.dob_index is not None:
            found, unsettled = self._by_birth_date(chunk, flagged, hits_of)
            undecided += unsettled
        else:
            undecided += flagged
        if undecided:
            found += self._by_rules(chunk, undecided, hits_of)
        return found

    def _by_birth_date(self, chunk, flagged: list[int], hits_of: list) -> tuple[list, list[int]]:
        """The fast path, a column at a time: each flagged row's date of birth against its
        namesakes'. Returns the matches and the rows it cannot settle."""
        dob_index, births_get = self.dob_index, self.births_get
        flagged_hits = [hits_of[k] for k in flagged]
        raw_births = [chunk[k][dob_index] for k in flagged]
        dobs = [births_get(raw, MISSING) for raw in raw_births]
        if MISSING in dobs:
            birth_digest = self.birth_digest
            dobs = [birth_digest(raw) if dob is MISSING else dob for raw, dob in zip(raw_births, dobs, strict=True)]
        entries = [
            hits[0][2].get(dob) if dob is not None else None for hits, dob in zip(flagged_hits, dobs, strict=True)
        ]
        found = [
            (k, flagged_hits[i][0][0] + "+birth_date", entry_id)
            for i, (k, entry_id) in enumerate(zip(flagged, entries, strict=True))
            if entry_id is not None
        ]
        # Unsettled: no birth date to compare, more than one way the name matched, or a
        # namesake without a birth date on the register (phone and address decide).
        # Otherwise every namesake was born on another day: a different person.
        unsettled = [
            k
            for k, hits, dob, entry_id in zip(flagged, flagged_hits, dobs, entries, strict=True)
            if entry_id is None and (dob is None or len(hits) > 1 or not hits[0][3])
        ]
        return found, unsettled

    def _by_rules(self, chunk, rows: list[int], hits_of: list) -> list[tuple[int, str, int]]:
        """The slow path, a row at a time: the matcher's rules for each row (a row without a
        name is looked up by its reading)."""
        matcher, found = self.matcher, []
        for k in rows:
            row, hits = chunk[k], hits_of[k]
            if hits is EMPTY:
                hits = matcher.kana_candidates(cell(row, self.kana_columns))
                if not hits:
                    continue
            result = matcher.rule(hits, row, self.columns)
            if result is not None:
                found.append((k,) + result)
        return found

    def _write(self, chunk: list[list[str]], found: list[tuple[int, str, int]], first_line: int | None) -> None:
        """The chunk's matches noted for the report, its other rows written out."""
        if not found:
            self.writer.writerows(chunk)
            return
        records = self.records
        for k, rule, entry_id in sorted(found):
            self.matches.append([records + k + 1, first_line + k if first_line is not None else None, rule, entry_id])
        drop = {k for k, _, _ in found}
        self.writer.writerows([row for k, row in enumerate(chunk) if k not in drop])
        self.removed += len(drop)

    def written(self) -> int:
        """How many bytes of the screened list are written so far."""
        self.out_text.flush()
        return self.output.tell()

    def close(self) -> None:
        """Hand the underlying files back to the caller."""
        self.out_text.flush()
        self.out_text.detach()
        self.csv_in.text.detach()


def _fill_in_lines(source: BinaryIO, encoding: str, matches: list[list]) -> None:
    """The line of each match in a chunk whose quoted fields held line breaks (one more
    pass over the file, only for lists that have them)."""
    if any(m[1] is None for m in matches):
        lines = lines_of_records(source, encoding, {m[0] for m in matches if m[1] is None})
        for match in matches:
            match[1] = match[1] or lines.get(match[0])


def _write_report(report: BinaryIO, csv_in: CsvSource, matcher: Matcher, matches: list[list]) -> None:
    """One line per removed row, with the entry that matched it, in the list's encoding."""
    report_text = io.TextIOWrapper(report, encoding=csv_in.encoding, errors="replace", newline="")
    report_writer = csv.writer(report_text, lineterminator=csv_in.newline)
    report_writer.writerow(REPORT_HEADER)
    described = matcher.describe({m[3] for m in matches if isinstance(m[3], int)})
    for match in matches:
        # a register entry's id, or the consent filter's own report columns
        match[3:] = described[match[3]] if isinstance(match[3], int) else match[3]
    report_writer.writerows(matches)
    report_text.flush()
    report_text.detach()
