"""Screening a list by channel: e-mail and SMS keep only addresses with a valid, unwithdrawn opt-in for the purpose; every channel removes its opt-outs.

Plugged into the suppression screening (desk.suppression.screening) as its `consent`
filter, so one pass over the list applies both, the statutory register on top. Per chunk
of rows the e-mail cells are normalised together (one NFKC and lower-casing of the joined
chunk) and each is hashed once with keyed BLAKE2b; the opt-ins and opt-outs are sets of
digests in memory. Phones are normalised once per distinct number; post looks at the
address only for a row whose name is that of someone who opted out.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import compress
from operator import itemgetter, methodcaller, not_

from sqlalchemy import select

from desk.cases.lifecycle import Refused
from desk.consent.channels import ALL_PURPOSES, CHANNELS
from desk.consent.keys import Keyring, address_for, email_key, postal_key
from desk.consent.models import ConsentState
from desk.consent.purposes import purposes
from desk.extensions import db
from desk.suppression.csv_input import Columns, cell, header_key
from desk.suppression.errors import SuppressionError
from desk.text import names, phones

#: Header spellings of the e-mail column (compared as desk.suppression.csv_input.header_key does).
EMAIL_HEADERS = (
    "メールアドレス",
    "メール",
    "電子メール",
    "電子メールアドレス",
    "Eメール",
    "Eメールアドレス",
    "email",
    "e-mail",
    "emailaddress",
    "mail",
    "mailaddress",
)
_EMAIL_KEYS = {header_key(h) for h in EMAIL_HEADERS}
_WHITESPACE = re.compile(r"[^\S\x00]+")
_DIGEST = methodcaller("digest")

#: report rule -> (ja, en)
RULES = {
    "consent_no_opt_in": ("同意（オプトイン）がない", "No opt-in for this purpose"),
    "consent_opted_out": ("配信停止の申出がある", "Opted out"),
    "consent_no_address": ("宛先が空欄", "No address in the row"),
}


class ChannelFilter:
    """The consent register of one channel and purpose in memory, and the rows it removes."""

    def __init__(self, channel: str, purpose: str, given: set[bytes], opted_out: set[bytes], names_out: set[bytes]):
        self.channel, self.purpose = channel, purpose
        self.opt_in = CHANNELS[channel].opt_in_required
        self.given, self.opted_out, self.names_out = given, opted_out, names_out
        keyring = Keyring()
        self.keyring = keyring
        self.removed = 0
        self._digest = keyring.digest[CHANNELS[channel].key]
        self._name_digest = keyring.digest["name"]
        self._phones: dict[str, bytes | None] = {}
        self._names: dict[str, bool] = {}
        self.scope = f"{channel}:{purpose}"

    @classmethod
    def from_database(cls, channel: str, purpose: str) -> ChannelFilter:
        if channel not in CHANNELS:
            raise Refused(
                f"媒体は {', '.join(CHANNELS)} のいずれかです。", f"channel must be one of {', '.join(CHANNELS)}"
            )
        if purpose not in purposes():
            raise Refused(
                f"目的は {', '.join(purposes())} のいずれかです（設定 consent_purposes）。",
                f"purpose must be one of {', '.join(purposes())} (setting consent_purposes)",
            )
        table = ConsentState.__table__
        connection = db.session.connection()

        def digests(*conditions) -> set[bytes]:
            # Read with the driver's own cursor: SQLAlchemy's result rows cost as much again as
            # the query on a large register (benchmarks/screen.py --channel email). The values
            # are inlined, safely: the channel is a catalogue code and the purpose a code of the
            # setting, both checked above (lower-case letters, digits and _).
            query = select(table.c.key_hash).where(table.c.channel == channel, *conditions)
            sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                cursor.execute(sql)
                found = set(map(itemgetter(0), cursor))
            finally:
                cursor.close()
            # Both drivers give bytes for a binary column; a memoryview (another driver's
            # choice) would never equal a digest.
            if found and not isinstance(next(iter(found)), bytes):
                found = {bytes(value) for value in found}
            return found

        given = digests(table.c.purpose == purpose, table.c.state == "given")
        opted_out = digests(table.c.purpose == purpose, table.c.state == "withdrawn")
        opted_out |= digests(table.c.purpose == ALL_PURPOSES, table.c.state == "withdrawn") - given
        names_out = set()
        if CHANNELS[channel].key == "postal":
            rows = connection.execute(
                select(table.c.name_hash).where(
                    table.c.channel == channel,
                    table.c.purpose.in_((purpose, ALL_PURPOSES)),
                    table.c.state == "withdrawn",
                    table.c.name_hash.is_not(None),
                )
            ).scalars()
            names_out = set(map(bytes, rows.all()))
        return cls(channel, purpose, given, opted_out, names_out)

    def plan(self, header: list[str], columns: Columns) -> None:
        """The columns this channel reads; a list without them stops before anything is written."""
        self.columns = columns
        kind = CHANNELS[self.channel].key
        if kind == "email":
            found = [i for i, h in enumerate(header) if header_key(h) in _EMAIL_KEYS]
            if not found:
                raise SuppressionError(
                    "メールアドレスの列が見つかりません（メールアドレス、email など）。",
                    "no e-mail column found (looked for メールアドレス, メール, email, e-mail …)",
                    line=1,
                )
            self.column = found[0]
        elif kind == "phone" and not columns.phone:
            raise SuppressionError(
                "電話番号の列が見つかりません。", "no phone column found (電話番号, TEL, phone …)", line=1
            )
        elif kind == "postal" and not columns.address:
            raise SuppressionError("住所の列が見つかりません。", "no address column found (住所, address …)", line=1)

    def removals(self, chunk: list[list[str]], skip: set[int]) -> list[tuple[int, str, tuple]]:
        """(row in chunk, rule, report columns) of every row this channel removes; rows in
        `skip` (blank lines, rows the register already removed) are left alone."""
        kind = CHANNELS[self.channel].key
        if kind == "email":
            digests, empty = self._email_digests(chunk)
        elif kind == "phone":
            digests, empty = self._phone_digests(chunk)
        else:
            return self._post_removals(chunk, skip)
        described = ("", self.scope, "", "")
        found = []
        if self.opt_in:
            given, opted_out = self.given, self.opted_out
            # The rows without an opt-in (nearly none on a list kept to its opt-ins), found by
            # the set's own test mapped over the chunk, without a step per row in Python.
            for k in compress(range(len(digests)), map(not_, map(given.__contains__, digests))):
                if k in skip or not chunk[k]:
                    continue
                d = digests[k]
                rule = (
                    "consent_no_address"
                    if d is None
                    else "consent_opted_out"
                    if d in opted_out
                    else "consent_no_opt_in"
                )
                found.append((k, rule, described))
        else:
            opted_out = self.opted_out
            found = [
                (k, "consent_opted_out", described)
                for k, d in enumerate(digests)
                if d is not None and d in opted_out and k not in skip
            ]
        del empty
        self.removed += len(found)
        return found

    def _email_digests(self, chunk):
        column = self.column
        cells = [row[column] if row else "" for row in chunk] if [] in chunk else list(map(itemgetter(column), chunk))
        joined = "\x00".join(cells)
        if joined.isascii():
            text = joined.lower()
            if " " in text or "\t" in text:
                text = _WHITESPACE.sub("", text)
        else:
            text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", joined).lower())
        # Encoded once for the chunk; UTF-8 writes a NUL byte only for a NUL, which splits the
        # same way as the text.
        parts = text.encode().split(b"\x00")
        if len(parts) != len(cells):  # a cell held a NUL: one at a time
            parts = [(email_key(c) or "").encode() for c in cells]
        digests = list(map(_DIGEST, map(self._digest, parts)))
        if b"" in parts:  # an empty cell has no address, not the digest of nothing
            digests = [d if p else None for p, d in zip(parts, digests, strict=True)]
        return digests, None

    def _phone_digests(self, chunk):
        columns, cache, digest = self.columns.phone, self._phones, self._digest
        found = []
        for row in chunk:
            raw = cell(row, columns) if row else ""
            value = cache.get(raw, False)
            if value is False:
                key = phones.phone_key(raw)
                value = cache[raw] = digest(key.encode()).digest() if key else None
                if len(cache) > 2_000_000:
                    cache.clear()
            found.append(value)
        return found, None

    def _post_removals(self, chunk, skip):
        if not self.names_out:
            return []
        name_columns, address_columns = self.columns.name, self.columns.address
        known, name_digest, names_out = self._names, self._name_digest, self.names_out
        found = []
        for k, row in enumerate(chunk):
            if not row or k in skip:
                continue
            raw = cell(row, name_columns)
            hit = known.get(raw)
            if hit is None:
                key = names.name_key(raw)
                hit = known[raw] = bool(key) and name_digest(key.encode()).digest() in names_out
            if not hit:
                continue
            key = postal_key(raw, cell(row, address_columns))
            if key and self._digest(key.encode()).digest() in self.opted_out:
                found.append((k, "consent_opted_out", ("", self.scope, "", "")))
        self.removed += len(found)
        return found


def decide_one(channel: str, purpose: str, *, email=None, phone=None, name=None, postal_address=None):
    """One person on one channel for one purpose, by the list filter's rules: (state, may
    send). state is "given", "withdrawn" or None (never asked); an opt-in channel (e-mail,
    SMS) may send only after consent, the others unless the person opted out (by post, a
    withdrawal under the same name also counts). No address for the channel: (None, False)."""
    from desk.consent.service import check_purpose, state_of

    check_purpose(purpose, "given")
    try:
        address = address_for(channel, email=email, phone=phone, name=name, postal_address=postal_address)
    except Refused:
        return None, False
    keyring = Keyring()
    state = state_of(channel, address.digest(keyring), purpose)
    name_digest = address.name_digest(keyring)
    if state != "given" and name_digest is not None:
        table = ConsentState.__table__
        named_out = db.session.execute(
            select(table.c.id).where(
                table.c.channel == channel,
                table.c.purpose.in_((purpose, ALL_PURPOSES)),
                table.c.state == "withdrawn",
                table.c.name_hash == name_digest,
            )
        ).first()
        if named_out is not None:
            state = "withdrawn"
    if CHANNELS[channel].opt_in_required:
        return state, state == "given"
    return state, state != "withdrawn"
