"""Screening one list against the register: the rows nobody on it matches go out, a report names the removed ones.

Rows go through in chunks: the names of a chunk are looked up in one pass (each distinct
name normalised and hashed once per list), only rows whose name is on the register are
examined further, and the rows kept are written out as the list wrote them, its own
lines (quoting, line ends and all), not parsed and written again: the screened list is
the list received less the rows removed. Each step below works on a whole chunk; the
per-row work stays inside list comprehensions.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from typing import BinaryIO

from desk.suppression.csv_input import (
    Columns,
    CsvSource,
    cell,
    open_csv,
    read_errors,
    resolve_columns,
)
from desk.suppression.errors import SuppressionError
from desk.suppression.matching import EMPTY, Matcher

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
    Raises SuppressionError (with the line) on malformed input; the caller discards the outputs.
    Called with the cyclic collector paused (desk.memory), by the runs that load the register."""
    csv_in = open_csv(source)
    screening = _Screening(csv_in, output, matcher, consent, tap)
    with read_errors(source, csv_in, screening):
        screening.read(overrides)
    screening.close()
    _write_report(report, csv_in, matcher, screening.matches)
    return ScreeningResult(
        screening.rows_in,
        screening.removed,
        csv_in.encoding,
        matcher.size,
        [(m[0], m[2], m[3]) for m in screening.matches],
        consent.removed if consent is not None else 0,
    )


class _Screening:
    """One pass over one list: its columns, the rows kept so far and the matches found."""

    def __init__(self, csv_in: CsvSource, output: BinaryIO, matcher: Matcher, consent=None, tap=None):
        self.csv_in, self.matcher, self.consent, self.tap = csv_in, matcher, consent, tap
        self.lines = csv_in.text
        self.output = output
        # The list's own encoding (a UTF-8 list with a BOM gets its BOM once, at the start).
        self._encode = codecs.getincrementalencoder(csv_in.encoding)().encode
        self.bytes_written = 0
        #: lines read so far (a read error names the line after them)
        self.line_num = 0
        self.rows_in = self.removed = self.records = 0
        #: [row, line, rule, entry id]; the report adds scope, masked name and source.
        self.matches: list[list] = []

    def read(self, overrides: dict[str, list[str]] | None) -> None:
        """The header, then every chunk: its matches reported, the other rows written out."""
        header, header_text, _ = self._records(1)
        if not header:
            raise SuppressionError("ファイルが空です。", "the file is empty", line=1)
        header = header[0]
        self._plan(resolve_columns(header, overrides))
        if self.consent is not None:
            self.consent.plan(header, self.columns)
        self.width = len(header)
        self._put(header_text)
        if self.tap is not None:
            self.tap.plan(self)
        while True:
            chunk, texts, starts = self._records(CHUNK_ROWS)
            if not chunk:
                break
            blanks = self._blank_rows(chunk, starts)
            found = self._matches(chunk, blanks)
            if self.consent is not None:
                found += self.consent.removals(chunk, {k for k, _, _ in found})
            self._write(texts, found, starts)
            if self.tap is not None:
                self.tap.take(self, chunk, self.digests, {k for k, _, _ in found})
            self.records += len(chunk)
            self.rows_in += len(chunk) - blanks
            if len(self.name_digests) > NAME_CACHE_LIMIT:
                self.matcher.forget_names()

    def _records(self, count: int) -> tuple[list[list[str]], list[str], Sequence[int]]:
        """The next `count` records (fewer at the end of the list), each record's text as
        the list holds it, and the line each record begins on."""
        block = list(islice(self.lines, count))
        if not block:
            return [], [], ()
        reader = csv.reader(block)
        try:
            rows = list(reader)
        except csv.Error:
            self.line_num += reader.line_num
            raise
        # One record a line, unless a quoted field holds a line break: then there are fewer
        # records than lines, or the last line opens a field that goes on past the block
        # (a line break read into that field would make it swallow the next line). A field
        # already at csv's size limit fails that test: the record-at-a-time read decides,
        # and names the true line if the list is broken.
        try:
            ends_here = '"' not in block[-1] or len(list(csv.reader((block[-1], "\n")))) == 2
        except csv.Error:
            ends_here = False
        if len(rows) == len(block) and ends_here:
            first = self.line_num + 1
            self.line_num += len(block)
            return rows, block, range(first, first + len(block))
        return self._regrouped(block)

    def _regrouped(self, block: list[str]) -> tuple[list[list[str]], list[str], list[int]]:
        """A block whose records span lines, read a record at a time (reading on past the
        block for a record it ends inside)."""
        consumed: list[str] = []

        def feed():
            for line in chain(block, self.lines):
                consumed.append(line)
                yield line

        reader, base = csv.reader(feed()), self.line_num
        rows, texts, starts, used = [], [], [], 0
        try:
            while used < len(block):
                row = next(reader, None)
                if row is None:
                    break
                rows.append(row)
                texts.append("".join(consumed[used:]))
                starts.append(base + used + 1)
                used = len(consumed)
        finally:
            self.line_num = base + reader.line_num
        return rows, texts, starts

    def _plan(self, columns: Columns) -> None:
        """What every chunk needs from the columns and the matcher, looked up once per list."""
        self.columns = columns
        self.name_columns, self.kana_columns = columns.name, columns.kana
        self.single = columns.name[0] if len(columns.name) == 1 else None
        self.dob_index = columns.birth_date[0] if len(columns.birth_date) == 1 else None
        self.name_digests, self.hits_get = self.matcher.name_digests, self.matcher.hits_by_digest.get
        self.birth_of = self.matcher.birth_digests.__getitem__

    def _blank_rows(self, chunk: list[list[str]], starts: Sequence[int]) -> int:
        """How many rows of the chunk are blank lines (they stay blank lines); a row with
        another number of fields than the header stops the screening, naming its line."""
        if set(map(len, chunk)) == {self.width}:
            return 0
        for k, row in enumerate(chunk):
            if row and len(row) != self.width:
                raise SuppressionError(
                    f"列の数が {len(row)} です（見出しは {self.width} 列）。",
                    f"{len(row)} fields where the header has {self.width}",
                    line=starts[k],
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
        # (digests are never empty bytes: all() is False only where a name is missing)
        undecided = (
            [k for k, hits in enumerate(hits_of) if hits is EMPTY and chunk[k]]
            if self.kana_columns and not all(digests)
            else []
        )
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
        dob_index = self.dob_index
        flagged_hits = list(map(hits_of.__getitem__, flagged))
        dobs = list(map(self.birth_of, [chunk[k][dob_index] for k in flagged]))
        # {birth digest: entry id} of the name's namesakes (its keys are never None)
        entries = [hits[0][2].get(dob) for hits, dob in zip(flagged_hits, dobs, strict=True)]
        found = (
            [
                (k, flagged_hits[i][0][0] + "+birth_date", entry_id)
                for i, (k, entry_id) in enumerate(zip(flagged, entries, strict=True))
                if entry_id is not None
            ]
            if any(entries)  # entry ids are never 0
            else []
        )
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

    def _write(self, texts: list[str], found: list[tuple[int, str, int]], starts: Sequence[int]) -> None:
        """The chunk's matches noted for the report, its other rows written out as they stand."""
        if found:
            records = self.records
            for k, rule, entry_id in sorted(found):
                self.matches.append([records + k + 1, starts[k], rule, entry_id])
            drop = {k for k, _, _ in found}
            texts = [text for k, text in enumerate(texts) if k not in drop]
            self.removed += len(drop)
        self._put(texts)

    def _put(self, texts: list[str]) -> None:
        data = self._encode("".join(texts))
        self.output.write(data)
        self.bytes_written += len(data)

    def written(self) -> int:
        """How many bytes of the screened list are written so far."""
        return self.bytes_written

    def close(self) -> None:
        """Hand the underlying files back to the caller."""
        self.output.write(self._encode("", final=True))
        self.csv_in.text.detach()


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
