"""Letter rendering speed: one-page replies per second, and a reply with a 500-row
disclosure attachment, each beside the floor (reportlab rendering a bare page of the same
font and size, and a bare 500-row table).

    .venv/bin/python benchmarks/letters.py [--seconds 5]

Target: at least 50 one-page replies per second.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

# The repository, not this folder, comes first: benchmarks/queue.py would shadow the standard queue module.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table  # noqa: E402

from desk import create_app  # noqa: E402
from desk.cases.models import Requester, RequestItem  # noqa: E402
from desk.cases.service import open_case  # noqa: E402
from desk.extensions import db  # noqa: E402
from desk.letters import service  # noqa: E402
from desk.letters.fonts import letter_fonts  # noqa: E402


def rate(fn, seconds: float) -> tuple[float, float, int]:
    """Calls per second by the wall clock and by this process's CPU time (the machine is
    shared: CPU time shows what one free core would do)."""
    fn()  # warm up (font loading, template compiling)
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
    return count / elapsed, count / cpu_used, count


def once(fn, repeat: int = 3) -> float:
    fn()
    return min(_timed(fn) for _ in range(repeat))


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def make_case(kind_outcomes, rows=0):
    case = open_case(channel="mail", arrived_on=date(2026, 11, 2))
    case.requesters.append(
        Requester(role="principal", name="山田 花子", postal_code="1500001", address="東京都渋谷区神宮前一丁目2番3号")
    )
    for kind, outcome in kind_outcomes:
        item = RequestItem(kind=kind, outcome=outcome, grounds=[], details={})
        if rows:
            item.details = {
                "disclosed": {
                    "columns": ["項目", "内容", "取得日"],
                    "rows": [[f"項目{i}", f"ご購入履歴（注文番号A{i:05d}）", "2026-01-15"] for i in range(rows)],
                }
            }
        case.items.append(item)
    db.session.flush()
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="desk-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            "INSTANCE_DIR": tmp,
            "SECRET_KEY": "bench",
            "MASTER_KEY": "bench-master-key-0123456789abcdef0123",
        }
    )
    with app.app_context():
        db.create_all()
        fonts = letter_fonts()
        one_page = make_case([("disclosure", "disclosed")])
        long_case = make_case([("disclosure", "disclosed")], rows=500)
        body = ParagraphStyle("b", fontName=fonts.mincho, fontSize=10.5, leading=18.4)
        sample = service.render(one_page, "reply", "ja")
        from tests.letters.conftest import page_count  # noqa: E402

        def bare_page():
            buffer = io.BytesIO()
            SimpleDocTemplate(buffer, pagesize=A4).build(
                [
                    Paragraph(
                        "令和8年11月2日付けで受け付けました保有個人データの開示請求につきまして、"
                        "下記のとおり回答いたします。",
                        body,
                    )
                    for _ in range(12)
                ]
            )
            return buffer.getvalue()

        def bare_table():
            buffer = io.BytesIO()
            rows = [["項目", "内容", "取得日"]] + [
                [f"項目{i}", f"ご購入履歴（注文番号A{i:05d}）", "2026-01-15"] for i in range(500)
            ]
            table = Table(rows, repeatRows=1)
            table.setStyle([("FONT", (0, 0), (-1, -1), fonts.mincho, 8.5)])
            SimpleDocTemplate(buffer, pagesize=A4).build([table])
            return buffer.getvalue()

        replies, replies_cpu, n = rate(lambda: service.render(one_page, "reply", "ja"), args.seconds)
        floor, floor_cpu, m = rate(bare_page, args.seconds)
        long_time = once(lambda: service.render(long_case, "reply", "ja"))
        long_pages = page_count(service.render(long_case, "reply", "ja"))
        table_time = once(bare_table)
        print(f"fonts: {fonts.mincho} ({'embedded' if fonts.embedded else 'CID, not embedded'})")
        print(
            f"one-page reply ({page_count(sample)} page, {len(sample):,} bytes): "
            f"{replies:6.1f} letters/s wall clock, {replies_cpu:6.1f}/s per CPU second ({n} rendered)"
            f"   target >= 50/s: {'met' if max(replies, replies_cpu) >= 50 else 'NOT met'}"
        )
        print(
            f"floor, bare reportlab page, same font/size:   {floor:6.1f} pages/s wall clock, "
            f"{floor_cpu:6.1f}/s per CPU second ({m} rendered)"
        )
        print(f"reply with a 500-row attachment ({long_pages} pages): {long_time * 1000:7.0f} ms")
        print(f"floor, bare reportlab 500-row table:          {table_time * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
