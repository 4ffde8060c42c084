"""Finding one person across three years of weekly lists: the record-disclosure search.

Builds LISTS provision records of ROWS people each directly in the database (keyed digests
as desk.provisions.index writes them: names drawn from 520,000, as many as screen.py's
260 surnames x 2,000 given names make, so every name is shared by about 300 rows across 150
lists of a million — on smaller lists proportionally fewer names, so a name is shared as
often as at full size; one planted person on every fifth list and namesakes of hers on every list),
then times desk.provisions.index.find_person — the case page's search — for the planted
person and for a stranger. Target: within 1 s at 150 lists of 1,000,000 rows, on SQLite and
on PostgreSQL.

    .venv/bin/python benchmarks/provisions.py [--lists 150] [--rows 1000000]
        [--database-url postgresql+psycopg://…/db]   (default: a throw-away SQLite file)

Never touches instance/.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

KEY_INDEXES = ("name_key",)
#: Distinct names per million rows (screen.py's 260 surnames x 2,000 given names).
NAMES_PER_MILLION = 520_000


def build(args, db, connection) -> None:
    from sqlalchemy import text

    from desk.provisions import service
    from desk.provisions.index import COLUMNS, DIGEST_BYTES, person_digests
    from desk.provisions.models import ProvisionRecord

    table = "provision_record_people"
    for column in KEY_INDEXES:  # built after the load: what a bulk load does, not what desk does per list
        db.session.execute(text(f"DROP INDEX IF EXISTS ix_{table}_{column}"))
    party = service.save_counterparty(None, {"code": "bench", "name": "株式会社ベンチ", "active": True}, actor=None)
    planted = person_digests("髙橋 美咲", "1985-03-09", "090-1234-5678", "東京都渋谷区神宮前1-2-3")
    db.session.commit()
    rng = random.Random(args.seed)
    randbytes, draw = rng.randbytes, rng.randrange
    # Shared as often as on lists of a million: fewer names on smaller lists.
    names = max(1, NAMES_PER_MILLION * args.rows // 1_000_000)
    pool = [randbytes(DIGEST_BYTES) for _ in range(names)]
    started = time.perf_counter()
    dialect = db.engine.dialect.name
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
            (
                entry.id,
                i + 1,
                pool[draw(names)],
                randbytes(DIGEST_BYTES),
                randbytes(DIGEST_BYTES),
                randbytes(DIGEST_BYTES),
            )
            for i in range(args.rows)
        ]
        for k in (args.rows // 3, 2 * args.rows // 3):  # namesakes: her name, born on other days
            rows[k] = (entry.id, k + 1, planted.name, randbytes(DIGEST_BYTES), None, None)
        if n % 5 == 0:
            rows[args.rows // 2] = (
                entry.id,
                args.rows // 2 + 1,
                planted.name,
                planted.birth,
                planted.phone,
                planted.address,
            )
        raw = db.session.connection().connection.driver_connection
        if dialect == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(["int4", "int4", "bytea", "bytea", "bytea", "bytea"])
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(f"INSERT INTO {table} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.session.commit()
        if n % 10 == 9:
            print(f"  {n + 1} lists, {(n + 1) * args.rows:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
    for column in KEY_INDEXES:
        db.session.execute(text(f"CREATE INDEX ix_{table}_{column} ON {table} ({column})"))
    db.session.commit()
    if dialect == "postgresql":
        db.session.execute(text(f"ANALYZE {table}"))
    else:
        db.session.execute(text("ANALYZE"))
    db.session.commit()
    print(
        f"each name on about {args.lists * args.rows // names:,} rows (as on {args.lists} lists of a million); "
        f"built {args.lists} lists x {args.rows:,} rows = {args.lists * args.rows:,} index rows in {time.perf_counter() - started:.0f} s"
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
    from desk.provisions.index import find_person, person_digests

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
            build(args, db, None)
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
                    hits = find_person(person_digests(name, born, phone, address))
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
