"""Finding one person across three years of weekly lists: the record-disclosure search.

Builds LISTS provision records of ROWS people each: the list stored encrypted in pieces as a
screening stores it, its index written by desk.provisions.index's own IndexBuilder and
write_index (sealed buckets by the name's digest, each entry a row of the list), from
generated rows: names drawn from 520,000, as many as screen.py's 260 surnames
x 2,000 given names make, so every name is shared by about 300 rows across 150 lists of a
million (on smaller lists proportionally fewer names, so a name is shared as often as at
full size); one planted person on every fifth list and namesakes of hers, born on other
days, on every list. Then times desk.provisions.index.find_person, the case page's search,
for the planted person and for a stranger. Target: within 1 s at 150 lists of 1,000,000
rows, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/provisions.py [--lists 150] [--rows 1000000]
        [--database-url postgresql+psycopg://…/db]   (default: a throw-away SQLite file)

Never touches instance/. The stored lists take some 90 MB each on disk (13 GB at full size),
in a temporary directory removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path[0] = str(Path(__file__).resolve().parent.parent)

#: Distinct names per million rows (screen.py's 260 surnames x 2,000 given names).
NAMES_PER_MILLION = 520_000
PLANTED = ("髙橋 美咲", "1985-03-09", "090-1234-5678", "東京都渋谷区神宮前1-2-3")


def build(args, db) -> None:
    from sqlalchemy import text

    from desk.provisions import service
    from desk.provisions.index import CHUNK_ROWS, IndexBuilder, write_index
    from desk.provisions.models import ProvisionRecord
    from desk.suppression.csv_input import resolve_columns
    from desk.suppression.keys import Hasher, matching_key
    from desk.text import names as name_text

    party = service.save_counterparty(None, {"code": "bench", "name": "株式会社ベンチ", "active": True}, actor=None)
    db.session.commit()
    rng = random.Random(args.seed)
    draw = rng.randrange
    hasher = Hasher(matching_key())
    # Shared as often as on lists of a million: fewer names on smaller lists. Each generated
    # name stands for its digest (random, as a keyed hash is); the planted one is real.
    count = max(1, NAMES_PER_MILLION * args.rows // 1_000_000)
    pool = [f"名{k}" for k in range(count)]
    digests = {name: rng.randbytes(32) for name in pool}
    digests[PLANTED[0]] = hasher("name", name_text.name_key(PLANTED[0]))
    matcher = SimpleNamespace(hasher=hasher, name_digests=digests)
    header = ["氏名", "生年月日", "電話番号", "住所"]
    columns = resolve_columns(header, None)
    started, indexing = time.perf_counter(), 0.0
    gc.disable()
    for n in range(args.lists):
        day = date(2024, 1, 1) + timedelta(weeks=n)
        entry = ProvisionRecord(
            direction="provision",
            occurred_on=day,
            counterparty_id=party.id,
            basis="optout",
            items="氏名、住所、電話番号、生年月日",
            list_name=f"weekly-{n:03d}.csv",
            via="screening",
            person_count=args.rows,
            indexed_count=args.rows,
            keep_until=day + timedelta(days=3 * 365),
        )
        db.session.add(entry)
        db.session.flush()
        rows = [
            [
                pool[draw(count)],
                f"{1940 + draw(65)}-{1 + draw(12):02d}-{1 + draw(28):02d}",
                f"0{draw(10)}0-{draw(10000):04d}-{draw(10000):04d}",
                f"東京都港区六本木{draw(9) + 1}-{draw(29) + 1}-{draw(19) + 1}",
            ]
            for _ in range(args.rows)
        ]
        for k in (args.rows // 3, 2 * args.rows // 3):  # namesakes: her name, born on other days
            rows[k] = [PLANTED[0], "1970-01-01", "", ""]
        if n % 5 == 0:
            rows[args.rows // 2] = list(PLANTED)
        began = time.perf_counter()
        # As a delivery's screening does: the list written a chunk at a time, the index
        # told where each chunk ends, the names' digests taken as the screening has them.
        out = io.BytesIO()
        text_out = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text_out, lineterminator="\r\n")
        writer.writerow(header)
        builder = IndexBuilder(columns, "utf-8", matcher)
        text_out.flush()
        builder.mark(out.tell())
        for at in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[at : at + CHUNK_ROWS]
            writer.writerows(chunk)
            builder.add(chunk, [digests[row[0]] for row in chunk])
            text_out.flush()
            builder.mark(out.tell())
        listed = out.getvalue()
        service.keep_list(entry, listed, builder)
        write_index(entry, builder)
        db.session.commit()
        indexing += time.perf_counter() - began
        if n % 10 == 9:
            print(f"  {n + 1} lists, {(n + 1) * args.rows:,} people, {time.perf_counter() - started:.0f} s", flush=True)
    gc.enable()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    print(
        f"each name on about {args.lists * args.rows // count:,} rows (as on {args.lists} lists of a million); "
        f"built {args.lists} lists x {args.rows:,} people in {time.perf_counter() - started:.0f} s "
        f"(indexing {indexing / args.lists:.2f} s a list)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=150)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="an empty database (default: a throw-away SQLite file)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from desk import create_app
    from desk.extensions import db
    from desk.provisions.index import find_person, wanted_person

    work = Path(tempfile.mkdtemp(prefix="desk-bench-provisions-"))
    try:
        app = create_app(
            {
                "INSTANCE_DIR": str(work / "instance"),
                "SECRET_KEY": "bench",
                "MASTER_KEY": "bench-master-key",
                "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{work / 'bench.sqlite3'}",
            }
        )
        with app.app_context():
            db.create_all()
            print(f"database: {db.engine.dialect.name}")
            build(args, db)
            people = {
                "a person on every fifth list": (
                    "高橋 美咲",
                    date(1985, 3, 9),
                    "09012345678",
                    "東京都渋谷区神宮前一丁目2番3号",
                ),
                "a stranger": ("田中 一", date(1960, 5, 5), "090-9999-9999", "北海道札幌市中央区北1条西2-1"),
            }
            for label, (name, born, phone, address) in people.items():
                times = []
                for _ in range(args.repeat):
                    db.session.expire_all()
                    started = time.perf_counter()
                    hits = find_person(wanted_person(name, born, phone, address))
                    times.append(time.perf_counter() - started)
                print(
                    f"{label}: {len(hits)} record(s) found; median {statistics.median(times) * 1000:.1f} ms, "
                    f"worst {max(times) * 1000:.1f} ms over {args.repeat} searches (target: within 1 s)"
                )
            db.session.remove()
            db.drop_all() if args.database_url else None
            db.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
