"""Time the disposal of 100,000 due cases with two stored documents each, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/dispose.py [--cases N] [--only sqlite|postgresql] [--pg NAME=VALUE ...]

The cases are bulk-inserted with Core (building them through the services would take longer
than disposing of them); each document is a real small file under the document directory,
so disposal really shreds keys, deletes files and redacts rows. PostgreSQL is a throwaway
server started from Debian's binaries, as in tests/conftest.py. Prints one line per
database: wall time, the CPU time of this process (the application side) and, for
PostgreSQL, of the server's processes; on a 2-core machine the two overlap, because the
run does not wait for the server's answer to one case before building the next.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# The repository, not this folder, comes first: benchmarks/queue.py would shadow the standard queue module.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from desk import create_app  # noqa: E402
from desk.cases.models import Case, Requester, RequestItem  # noqa: E402
from desk.extensions import db  # noqa: E402
from desk.identity.models import Document  # noqa: E402

AS_OF = date(2026, 11, 23)
CHUNK = 5000


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def _as_postgres(args: list[str]) -> list[str]:
    return (["runuser", "-u", "postgres", "--"] + args) if os.geteuid() == 0 else args


class Postgres:
    """A throwaway server in a temporary directory: Debian's defaults (durable; 128 MB of
    shared buffers), unless `settings` (from --pg NAME=VALUE) say otherwise."""

    def __init__(self, settings: list[str] | None = None):
        self.settings = settings or []

    def __enter__(self):
        bin_dir = _pg_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL is not installed")
        self.bin, self.base = bin_dir, Path(tempfile.mkdtemp(prefix="desk-bench-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        data = self.base / "data"
        subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.base / "log"),
                    "-w",
                    "-o",
                    " ".join(
                        [f"-k {self.base} -p {port} -c listen_addresses=127.0.0.1"]
                        + [f"-c {setting}" for setting in self.settings]
                    ),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        server = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE desk_bench"))
        admin.dispose()
        self.url = f"{server}/desk_bench"
        self.postmaster = int((data / "postmaster.pid").read_text().split()[0])
        return self

    def cpu_seconds(self) -> float:
        """CPU used so far by the server: the postmaster, its live backends and workers, and
        those already gone (which the kernel adds to the postmaster's children's time)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == self.postmaster:
                total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
            elif ppid == self.postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def __exit__(self, *exc):
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.base, ignore_errors=True)


def build(count: int, document_dir: Path) -> None:
    """`count` cases closed three years before AS_OF, each with a principal, an item and two files."""
    closed = AS_OF - timedelta(days=3 * 365)
    moment = datetime(2023, 11, 1, tzinfo=UTC)
    payload = os.urandom(2048)
    conn = db.session.connection()
    for start in range(1, count + 1, CHUNK):
        ids = range(start, min(start + CHUNK, count + 1))
        conn.execute(
            insert(Case),
            [
                {
                    "id": i,
                    "reference": f"2023-{i:06d}",
                    "channel": "web",
                    "arrived_on": closed - timedelta(days=20),
                    "received_at": moment,
                    "language": "ja",
                    "status": "completed",
                    "requester_type": "principal",
                    "statutory_horizon_on": closed,
                    "closed_on": closed,
                    "possible_duplicate": False,
                    "access_code_hash": "x" * 60,
                    "created_at": moment,
                    "updated_at": moment,
                }
                for i in ids
            ],
        )
        conn.execute(
            insert(Requester),
            [
                {
                    "case_id": i,
                    "role": "principal",
                    "name": "山田 花子",
                    "furigana": "ヤマダ ハナコ",
                    "address": "東京都渋谷区神宮前1-2-3",
                    "phone": "03-1234-5678",
                    "email": "hanako@example.com",
                    "name_key": "山田花子",
                    "phone_key": "0312345678",
                }
                for i in ids
            ],
        )
        conn.execute(
            insert(RequestItem),
            [
                {
                    "case_id": i,
                    "kind": "disclosure",
                    "particulars": "購買履歴",
                    "outcome": "disclosed",
                    "grounds": [],
                    "details": {"withheld": ["x"]},
                }
                for i in ids
            ],
        )
        documents = []
        for i in ids:
            for n in (0, 1):
                name = f"{i:024x}{n:08x}"
                path = document_dir / name[:2] / name
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(payload)
                documents.append(
                    {
                        "case_id": i,
                        "party": "principal",
                        "kind": "drivers_licence",
                        "review": "acceptable",
                        "storage_name": name,
                        "wrapped_key": os.urandom(60),
                        "media_type": "image/png",
                        "size": len(payload),
                        "uploaded_at": moment,
                    }
                )
        conn.execute(insert(Document), documents)
        db.session.commit()
        conn = db.session.connection()


def run(name: str, url: str, count: int, server_cpu=None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"desk-bench-{name}-"))
    try:
        documents = workdir / "documents"
        documents.mkdir()
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_DIR": str(workdir),
                "DOCUMENT_DIR": str(documents),
                "SECRET_KEY": "bench",
                "MASTER_KEY": "bench-master-key",
            }
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            build(count, documents)
            built = time.perf_counter() - started
            from desk.retention import service

            started, cpu = time.perf_counter(), time.process_time()
            served = server_cpu() if server_cpu else 0.0
            report = service.dispose(AS_OF, actor_kind="cli")
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            served = server_cpu() - served if server_cpu else None
            left = sum(1 for p in documents.rglob("*") if p.is_file())
            disposed = db.session.scalar(select(func.count()).select_from(Case).where(Case.status == "disposed"))
            people = db.session.scalar(select(func.count()).select_from(Requester))
            from desk.audit.service import verify

            verified = verify()
            print(
                f"{name}: disposed {len(report.disposed):,} cases and {report.documents:,} files in "
                f"{elapsed:.1f} s wall ({elapsed / max(count, 1) * 1000:.2f} ms/case), "
                f"{cpu:.1f} s CPU in this process ({cpu / max(count, 1) * 1000:.2f} ms/case)"
                + (
                    f", {served:.1f} s in the server ({served / max(count, 1) * 1000:.2f} ms/case)"
                    if served is not None
                    else ""
                )
                + f"; build {built:.0f} s; "
                f"files left {left}, cases disposed {disposed:,}, people left {people}, "
                f"audit {'intact' if verified.ok else 'BROKEN'} ({verified.checked:,} events)",
                flush=True,
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--pg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL server setting, e.g. shared_buffers=512MB (repeatable)",
    )
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="desk-bench-sqlite-") as directory:
            run("SQLite", f"sqlite:///{directory}/bench.sqlite3", args.cases)
    if args.only in (None, "postgresql"):
        with Postgres(args.pg) as server:
            run(
                "PostgreSQL" + (f" ({', '.join(args.pg)})" if args.pg else ""),
                server.url,
                args.cases,
                server.cpu_seconds,
            )


if __name__ == "__main__":
    main()
