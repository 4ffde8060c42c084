"""Register export and dashboard on a large register: prints rows/s and page times.

    .venv/bin/python benchmarks/oversight.py [--cases 20000] [--database-url URL]

Builds the cases with bulk inserts (no audit trail: this measures the read side), then
times the CSV export (streamed, constant memory) and the dashboard figures.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import tempfile
import time
from datetime import date, timedelta

from desk import create_app
from desk.catalogue import REQUEST_KINDS
from desk.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="desk-bench-")
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "MASTER_KEY": "bench-master-key-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "INSTANCE_DIR": tmp,
        }
    )
    with app.app_context():
        from desk.cases.models import Case, RequestItem
        from desk.reports import request_register as register
        from desk.reports.figures import DateRange, dashboard

        db.create_all()
        rng = random.Random(8)
        kinds = list(REQUEST_KINDS)
        start = time.perf_counter()
        cases, items = [], []
        for n in range(1, args.cases + 1):
            arrived = date(2024, 1, 1) + timedelta(days=rng.randrange(1000))
            closed = arrived + timedelta(days=rng.randrange(3, 40)) if rng.random() < 0.8 else None
            cases.append(
                {
                    "id": n,
                    "reference": f"{arrived.year}-{n:06d}",
                    "channel": "web",
                    "arrived_on": arrived,
                    "status": "completed" if closed else "in_progress",
                    "statutory_horizon_on": arrived + timedelta(days=14),
                    "closed_on": closed,
                    "requester_type": "principal",
                    "language": "ja",
                }
            )
            for kind in rng.sample(kinds, rng.choice((1, 1, 2))):
                items.append(
                    {
                        "case_id": n,
                        "kind": kind,
                        "outcome": "disclosed" if closed and kind == "disclosure" else None,
                        "grounds": [],
                        "details": {},
                    }
                )
        db.session.execute(Case.__table__.insert(), cases)
        db.session.execute(RequestItem.__table__.insert(), items)
        db.session.commit()
        print(f"built {args.cases} cases, {len(items)} kinds in {time.perf_counter() - start:.1f}s")

        start = time.perf_counter()
        out = io.StringIO()
        rows = register.write(out)
        seconds = time.perf_counter() - start
        print(
            f"export-register: {rows} rows in {seconds:.2f}s ({rows / seconds:,.0f} rows/s), "
            f"{len(out.getvalue().encode()) / 1e6:.1f} MB, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )

        start = time.perf_counter()
        board = dashboard(DateRange(date(2024, 1, 1), date(2026, 9, 30)), date(2026, 10, 1))
        print(
            f"dashboard figures (33 months, {len(board.all_days)} answered cases): {time.perf_counter() - start:.2f}s"
        )


if __name__ == "__main__":
    main()
