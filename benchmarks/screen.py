"""Screening speed: 1,000,000 list rows against 100,000 register entries.

Prints the rows per second of `desk screen` (runs.screen_file: load the register, read,
normalise, match, write list and report, hash both files, log the run) beside the floor:
merely reading and writing the same CSV with the csv module. Target: within 3x of the floor.
The floor and the screenings run in turn (--repeat rounds); each ratio is given for the
best run of each and for the median run.

    .venv/bin/python benchmarks/screen.py [--rows 1000000] [--entries 100000] [--channel email]
        [--record] [--repeat 3] [--data DIR]

With --channel email the list has an e-mail column and desk screen runs as
`--channel email --purpose newsletter`: the consent register holds an opt-in for 96% of
the list's addresses and an opt-out for 1% (the rest never asked), and the floor reads
and writes the same wider list; with --record too, the recorded screening filters by
consent as well.

Uses a throw-away SQLite instance in a temporary directory; never touches instance/.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import NamedTuple

# The repository, not this folder, comes first: benchmarks/queue.py would shadow the standard queue module.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

SURNAMES = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 "
    "石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤 福田 太田 西村 藤井 金子 岡本 藤原 "
    "中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 安藤 宮本 大野 小島 "
    "工藤 谷口 今井 高田 増田 丸山 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野 野口 武田 松井 千葉 岩崎 菅原 木下 久保 佐野 "
    "野村 松尾 市川 菊地 杉本 古川 大西 島田 水野 桜井 高野 渡部 吉川 山内 西田 飯田 菊池 西川 小松 北村 安田 五十嵐 川口 平田 "
    "関 中田 久保田 服部 東 岩田 土屋 川崎 福島 本田 辻 樋口 秋山 田口 永井 山中 中西 吉村 川上 石原 大橋 松岡 馬場 浜田 森本 "
    "星野 矢野 浅野 大久保 松下 吉岡 小池 野田 荒木 大谷 内藤 松浦 熊谷 黒田 尾崎 永田 川村 望月 田辺 松村 荒井 堀 大島 平井 "
    "早川 菅野 栗原 西山 廣瀬 横田 石橋 萩原 岩本 片山 関口 宮田 大石 高山 本間 吉野 須藤 岡崎 小田 伊東 鎌田 上原 篠原 小西 "
    "松原 福井 古賀 大森 成田 南 奥村 内山 沢田 川島 桑原 三宅 片岡 富田 杉浦 岡 八木 奥田 小沢 松永 北川 関根 河合 平山 牧野 "
    "白石 今村 寺田 青山 中尾 小倉 渋谷 上村 小野寺 大山 足立 岡村 天野 宮下 坂口 冨田 田島 小原 米田 小泉 堀内 西尾 竹中"
).split()
GIVEN = (
    "翔 蓮 陽翔 湊 大翔 悠真 樹 大和 陽太 悠人 朝陽 蒼 律 颯真 陽向 湊斗 結翔 碧 暖 新 一郎 次郎 健太 大輔 拓也 翔太 和也 "
    "直樹 達也 雄一 浩 誠 剛 学 修 茂 稔 勝 隆 博 明 清 進 豊 正 実 健一 健二 浩二 隆之 智之 秀樹 康弘 正人 雅人 和彦 "
    "陽葵 凛 詩 結菜 芽依 葵 紬 澪 結愛 莉子 杏 美咲 花子 陽子 恵子 京子 幸子 和子 洋子 裕子 真由美 由美子 智子 久美子 "
    "直美 明美 由紀 麻衣 愛 彩 舞 沙織 千尋 香織 優子 美穂 恵 真理 綾 遥 楓 桜 瑞希 七海 美月 結衣 さくら ひなた "
    "あかり 萌 彩花 菜々子 春香 千夏 理沙 奈緒 美里 加奈 友美 静香 里美 亜希子 絵美 仁美 典子 弘子 純子 良子 節子"
).split()
PLACES = (
    "渋谷区神宮前 新宿区西新宿 港区六本木 千代田区丸の内 中央区銀座 世田谷区三軒茶屋 杉並区阿佐谷北 練馬区豊玉北 "
    "大田区蒲田 品川区大崎 横浜市中区本町 川崎市中原区小杉町 さいたま市浦和区高砂 千葉市中央区富士見 "
    "大阪市北区梅田 名古屋市中村区名駅 福岡市博多区博多駅前 札幌市中央区北一条西 仙台市青葉区一番町 京都市中京区烏丸通"
).split()
#: Given names built from common first and second characters: about 2,000 of them, so with
#: ~260 surnames a full name is shared by a few people in a million, as real names are.
GIVEN += [
    a + b
    for a in "大健翔悠陽拓和直達雄浩誠剛智秀康正雅美真由恵京幸洋裕久明千香優沙彩結愛菜春奈里亜絵"
    for b in "太斗人也樹介輔一郎吾平希子美香奈代江乃帆花衣実"
]
PROFILE = bool(__import__("os").environ.get("DESK_BENCH_PROFILE"))
VARIANT_OF = {"高": "髙", "崎": "﨑", "辺": "邊", "斎": "齋", "浜": "濵", "沢": "澤", "広": "廣"}


def person(rng: random.Random) -> dict:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
    return {
        "name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
        "birth": born,
        "phone": f"0{rng.choice('3456789')}0-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}",
        "address": f"{rng.choice(PLACES)}{rng.randrange(1, 9)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}",
    }


def rewritten(p: dict, rng: random.Random) -> list[str]:
    """The same person as another company's list writes them."""
    name = "".join(VARIANT_OF.get(c, c) for c in p["name"]).replace(" ", rng.choice(["　", "", " "]))
    born = p["birth"]
    birth = rng.choice(
        [
            f"{born.year}/{born.month}/{born.day}",
            f"昭和{born.year - 1925}年{born.month}月{born.day}日" if 1926 <= born.year <= 1988 else born.isoformat(),
        ]
    )
    phone = rng.choice([p["phone"].replace("-", ""), "+81 " + p["phone"][1:], ""])
    block = p["address"].split("-")
    address = rng.choice([p["address"], f"{block[0]}丁目{block[1]}番{block[2]}号"])
    return [name, "", birth if rng.random() < 0.7 else "", phone, address, f"C{rng.randrange(10**8):08d}"]


def build(args, rng, work, db, insert, SuppressionEntry) -> None:
    from desk.suppression.keys import Hasher, hashed, mask_name, matching_key, person_keys

    started = time.perf_counter()
    hasher = Hasher(matching_key())
    register = [person(rng) for _ in range(args.entries)]
    rows = []
    for p in register:
        values = hashed(person_keys(p["name"], None, p["birth"], p["phone"], p["address"]), hasher)
        rows.append(
            {
                "name_hash": values["name"],
                "kana_hash": None,
                "birth_date_hash": values["birth_date"],
                "phone_hash": values["phone"],
                "address_hash": values["address"],
                "display_name": mask_name(p["name"]),
                "scope": "third_party_provision",
                "origin": "import",
                "source_reference": "bench",
                "added_on": date(2026, 11, 1),
            }
        )
    db.session.execute(insert(SuppressionEntry), rows)
    db.session.commit()
    print(f"register: {args.entries:,} entries built in {time.perf_counter() - started:.1f} s")

    source = work / "list.csv"
    suppressed = 0
    consent_given, consent_withdrawn = [], []
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["氏名", "フリガナ", "生年月日", "電話番号", "住所", "会員番号"]
            + (["メールアドレス"] if args.channel else [])
        )
        for number in range(args.rows):
            if rng.random() < 0.01:
                suppressed += 1
                row = rewritten(rng.choice(register), rng)
            else:
                p = person(rng)
                row = [p["name"], "", p["birth"].isoformat(), p["phone"], p["address"], f"C{rng.randrange(10**8):08d}"]
            if args.channel:
                email = f"member{number}.{rng.randrange(10**6)}@example{number % 50}.jp"
                row.append(email)
                draw = rng.random()
                if draw < 0.96:
                    consent_given.append(email)
                elif draw < 0.97:
                    consent_withdrawn.append(email)
            writer.writerow(row)
    if args.channel:
        build_consent(db, insert, consent_given, consent_withdrawn)
    size = source.stat().st_size
    print(
        f"list: {args.rows:,} rows ({size / 1e6:.0f} MB, UTF-8), {suppressed:,} of them register people "
        f"rewritten (variant kanji, era dates, +81, 丁目番号)"
    )


def build_consent(db, insert, given: list[str], withdrawn: list[str]) -> None:
    """The consent register's states for the list's addresses (Core bulk inserts)."""
    from datetime import UTC, datetime

    from desk.consent.keys import Keyring, email_key
    from desk.consent.models import ConsentState

    started = time.perf_counter()
    keyring = Keyring()
    moment = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [
        {
            "channel": "email",
            "purpose": "newsletter",
            "key_hash": keyring("email", email_key(e)),
            "state": state,
            "sequence": i,
            "changed_at": moment,
        }
        for i, (e, state) in enumerate([(e, "given") for e in given] + [(e, "withdrawn") for e in withdrawn])
    ]
    for start in range(0, len(rows), 50_000):
        db.session.execute(insert(ConsentState), rows[start : start + 50_000])
    db.session.commit()
    print(
        f"consent register: {len(given):,} opt-ins and {len(withdrawn):,} opt-outs for newsletter "
        f"built in {time.perf_counter() - started:.1f} s"
    )


class Timing(NamedTuple):
    wall: float  # the best of the runs
    cpu: float
    median_wall: float  # what a typical run takes
    median_cpu: float
    walls: list[float]  # every run, in order
    cpus: list[float]


def measure_in_turn(repeat: int, *actions) -> list[Timing]:
    """The wall and CPU time of each action, best and median, the actions run in turn, one of
    each per round: this machine's speed drifts within minutes, and the floor and the
    screenings measured in the same minutes make a fair ratio."""
    walls, cpus = [[] for _ in actions], [[] for _ in actions]
    for _ in range(repeat):
        for k, action in enumerate(actions):
            started, cpu = time.perf_counter(), time.process_time()
            action()
            walls[k].append(time.perf_counter() - started)
            cpus[k].append(time.process_time() - cpu)
    return [Timing(min(w), min(c), median(w), median(c), w, c) for w, c in zip(walls, cpus, strict=True)]


def recording(db, source, work, consent_filter):
    """`desk screen --direction delivery --to COUNTERPARTY`: the screening, then its provision
    record (the screened list stored encrypted, its people gathered into the index in the same
    pass), then the index sealed into buckets and written. Returns the action and the list
    that collects each run's indexing time (wall, CPU)."""
    from sqlalchemy import func, select

    from desk import text
    from desk.provisions import service as provisions
    from desk.provisions.models import RecordBucket
    from desk.provisions.screening import index_screened, screen_file_and_record

    if not provisions.counterparties():
        provisions.save_counterparty(
            None, {"code": "bench-client", "name": "株式会社ベンチ", "active": True}, actor=None
        )
        db.session.commit()
    index_times: list[tuple[float, float]] = []

    def screen_record_and_index() -> None:
        text.clear_caches()
        _run, entry, listed = screen_file_and_record(
            source,
            work / "screened.csv",
            None,
            direction="delivery",
            counterparty="bench-client",
            basis="optout",
            acquisition=None,
            operator="bench",
            consent=consent_filter(),
        )
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(RecordBucket))
        started, cpu = time.perf_counter(), time.process_time()
        index_screened(entry, listed)
        index_times.append((time.perf_counter() - started, time.process_time() - cpu))
        print(
            f"  (index of run {len(index_times)}: {index_times[-1][0]:.2f} s wall, {index_times[-1][1]:.2f} s CPU, "
            f"into a table of {before:,} buckets)",
            flush=True,
        )

    return screen_record_and_index, index_times


def report_recording(measured: Timing, index_times, floor: Timing, rows: int) -> None:
    elapsed, elapsed_cpu = measured.wall, measured.cpu
    floor_timing, floor, floor_cpu = floor, floor.wall, floor.cpu
    # The index step of the very runs that were best (wall and CPU may be different runs).
    index_wall = index_times[measured.walls.index(elapsed)][0]
    index_cpu = index_times[measured.cpus.index(elapsed_cpu)][1]
    recorded_wall, recorded_cpu = elapsed - index_wall, elapsed_cpu - index_cpu
    print(
        f"screen + record (--to):     {recorded_wall:7.2f} s  {rows / recorded_wall:>12,.0f}  {recorded_cpu:8.2f} s  {rows / recorded_cpu:>12,.0f}"
        "   (screened list written, index gathered, record made, list stored encrypted)"
    )
    print(
        f"  then index the people:    {index_wall:7.2f} s  {rows / index_wall:>12,.0f}  {index_cpu:8.2f} s  {rows / index_cpu:>12,.0f}"
        "   (sealed into buckets and written; the command's last step)"
    )
    print(
        f"ratio with recording: {recorded_wall / floor:.2f}x the floor by wall time, {recorded_cpu / floor_cpu:.2f}x by CPU time "
        f"until the screened list and its record are ready (target: within 3x); "
        f"{elapsed / floor:.2f}x / {elapsed_cpu / floor_cpu:.2f}x with the index built "
        "(the three measured in turn, best of each)"
    )
    print(f"  median run, index built: {_median_ratios(measured, floor_timing)}")


def _median_ratios(measured: Timing, floor: Timing) -> str:
    return (
        f"{measured.median_wall / floor.median_wall:.2f}x the floor's median by wall time, "
        f"{measured.median_cpu / floor.median_cpu:.2f}x by CPU time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    parser.add_argument("--data", help="keep the generated register and list in this directory and reuse them")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--channel",
        choices=["email"],
        help="screen as a marketing list by channel (--channel email --purpose newsletter)",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="also screen with recording on (--direction delivery --to a counterparty: Art. 29 record, list stored and indexed)",
    )
    args = parser.parse_args()

    from sqlalchemy import insert
    from sqlalchemy.orm import configure_mappers

    from desk import create_app, text
    from desk.extensions import db
    from desk.suppression import entries, runs
    from desk.suppression.models import SuppressionEntry

    work = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="desk-bench-screen-"))
    work.mkdir(parents=True, exist_ok=True)
    reuse = args.data is not None and (work / "list.csv").exists()
    rng = random.Random(args.seed)
    try:
        app = create_app(
            {
                "INSTANCE_DIR": str(work / "instance"),
                "SECRET_KEY": "bench",
                "MASTER_KEY": "bench-master-key",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite3'}",
            }
        )
        with app.app_context():
            db.create_all()
            if args.build_only:
                build(args, rng, work, db, insert, SuppressionEntry)
                return
            if reuse:
                print(f"reusing the register and list in {work}")
            else:
                # Generated in a child process, so the measuring process starts as clean as a
                # `flask desk screen` would.
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--rows",
                        str(args.rows),
                        "--entries",
                        str(args.entries),
                        "--seed",
                        str(args.seed),
                        "--data",
                        str(work),
                        "--build-only",
                    ]
                    + (["--channel", args.channel] if args.channel else []),
                    check=True,
                )
            source = work / "list.csv"

            def copy_with_csv() -> None:
                with (
                    open(source, encoding="utf-8", newline="") as fh,
                    open(work / "copy.csv", "w", encoding="utf-8", newline="") as out,
                ):
                    csv.writer(out).writerows(csv.reader(fh))

            def consent_filter():
                """--channel: the consent register's filter, loaded as the command loads it."""
                if not args.channel:
                    return None
                from desk.consent.screening import ChannelFilter

                return ChannelFilter.from_database(args.channel, "newsletter")

            def screen() -> None:
                text.clear_caches()
                screenings.append(
                    runs.screen_file(
                        source, work / "screened.csv", direction="delivery", operator="bench", consent=consent_filter()
                    )
                )
                db.session.commit()

            # One-off start-up work every first query of a process does (mapper configuration),
            # so it is not counted as screening.
            configure_mappers()
            entries.register_size()
            screenings = []
            if PROFILE:
                import cProfile

                cProfile.runctx("screen()", globals(), locals(), sort="tottime")
            actions = [copy_with_csv, screen]
            if args.record:
                record_and_index, index_times = recording(db, source, work, consent_filter)
                actions.append(record_and_index)
            # The floor, the screening and (--record) the recorded screening in turn, so that
            # each ratio compares runs of the same minutes.
            floor_timing, screen_timing, *recorded = measure_in_turn(args.repeat, *actions)
            (floor, floor_cpu), (elapsed, elapsed_cpu) = floor_timing[:2], screen_timing[:2]
            run = screenings[-1]
            rows = run.rows_in

            print("                             wall time    rows/s (wall)   CPU time    rows/s (CPU)")
            print(
                f"floor  (csv read + write):  {floor:7.2f} s  {rows / floor:>12,.0f}  {floor_cpu:8.2f} s  {rows / floor_cpu:>12,.0f}"
            )
            label = f"--channel {args.channel}" if args.channel else "desk screen"
            print(
                f"screen ({label}):{' ' * max(1, 18 - len(label))}{elapsed:7.2f} s  {rows / elapsed:>12,.0f}  {elapsed_cpu:8.2f} s  {rows / elapsed_cpu:>12,.0f}"
            )
            print(
                f"ratio: {elapsed / floor:.2f}x the floor by wall time, {elapsed_cpu / floor_cpu:.2f}x by CPU time "
                f"(best of {args.repeat}, the two in turn; target: within 3x; CPU time is the fair figure on a shared machine)"
            )
            print(f"  median run: {_median_ratios(screen_timing, floor_timing)}")
            print(
                f"removed {run.rows_removed:,} of {run.rows_in:,} rows (about 1% planted; any extra are strangers "
                f"who share both a name and a date of birth, phone or address with someone on the register)"
                + (f"; {run.consent_removed:,} of them by e-mail consent" if args.channel else "")
            )
            if args.record:
                report_recording(recorded[0], index_times, floor_timing, rows)
            db.engine.dispose()
    finally:
        if not args.data and not args.build_only:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
