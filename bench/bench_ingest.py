"""Ingestion benchmark: segcore's load_file against DuckDB's own CSV reader (the floor) and pandas / polars.

Run: .venv/bin/python bench/bench_ingest.py [--lines 1000000] [--xlsx-lines 200000] [--reps 3]

Every measurement runs in a fresh subprocess, so the peak RSS of each case is its own. Times cover the work only
(imports done first): for the two DuckDB cases that is connect, load, close (the checkpoint to disk included).
The table is printed and written into bench/RESULTS.md under "## Ingestion".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from segcore.access import owner

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADER = ["会员卡号", "订单号", "消费时间", "实收金额", "是否促销", "门店", "品类", "商品"]
STORES = ["静安店", "徐汇店", "浦东店", "长宁店", "杨浦店", "闵行店", "宝山店", "嘉定店"]
CATEGORIES = ["水果", "蔬菜", "乳品", "烘焙", "饮料", "零食"]
PRODUCTS = [f"{c}{n}号" for c in ("苹果", "香蕉", "牛奶", "面包", "可乐", "薯片", "橙汁", "酸奶") for n in range(1, 6)]
CASES = ("floor_duckdb", "segcore_utf8", "segcore_gbk", "segcore_xlsx", "pandas", "polars")
LABELS = {
    "floor_duckdb": "(a) floor: DuckDB create table as read_csv (UTF-8)",
    "segcore_utf8": "(b) segcore load_file, UTF-8 CSV",
    "segcore_gbk": "(c) segcore load_file, GBK CSV",
    "segcore_xlsx": "(d) segcore load_file, XLSX",
    "pandas": "(e) pandas.read_csv (UTF-8)",
    "polars": "(e) polars.read_csv (UTF-8)",
}
LOADED_AT = datetime(2026, 11, 22, 12, 0)


# --- data ------------------------------------------------------------------------------------------------------


def sale_rows(lines: int, seed: int = 20261122):
    """`lines` synthetic sales lines: 1% without a customer, 2% refunds, a promo flag on every line."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    for i in range(lines):
        customer = "" if rng.random() < 0.01 else f"M{rng.randrange(60_000):06d}"
        when = start + timedelta(seconds=rng.randrange(700 * 86_400))
        amount = round(rng.uniform(3, 800), 2) * (-1 if rng.random() < 0.02 else 1)
        yield (customer, f"O{i:08d}", when, amount, "是" if rng.random() < 0.3 else "否",
               rng.choice(STORES), rng.choice(CATEGORIES), rng.choice(PRODUCTS))  # fmt: skip


def write_csvs(folder: Path, lines: int) -> tuple[Path, Path]:
    """The same sales lines as a UTF-8 CSV and a GBK CSV."""
    utf8, gbk = folder / "sales_utf8.csv", folder / "sales_gbk.csv"
    with utf8.open("w", encoding="utf-8", newline="") as out_utf8, gbk.open("w", encoding="gbk", newline="") as out_gbk:
        for handle in (out_utf8, out_gbk):
            handle.write(",".join(HEADER) + "\n")
        batch = []
        for customer, order, when, amount, promo, store, category, product in sale_rows(lines):
            batch.append(
                f"{customer},{order},{when:%Y-%m-%d %H:%M:%S},{amount:.2f},{promo},{store},{category},{product}\n"
            )
            if len(batch) == 50_000:
                text = "".join(batch)
                out_utf8.write(text)
                out_gbk.write(text)
                batch = []
        text = "".join(batch)
        out_utf8.write(text)
        out_gbk.write(text)
    return utf8, gbk


def write_xlsx(folder: Path, lines: int) -> Path:
    """The first `lines` sales lines as an XLSX sheet with Excel-typed dates and numbers (constant_memory)."""
    import xlsxwriter

    path = folder / "sales.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet = workbook.add_worksheet("销售")
    sheet.write_row(0, 0, HEADER)
    for row, (customer, order, when, amount, promo, store, category, product) in enumerate(sale_rows(lines), 1):
        if customer:
            sheet.write_string(row, 0, customer)
        sheet.write_string(row, 1, order)
        sheet.write_datetime(row, 2, when, stamp)
        sheet.write_number(row, 3, amount)
        sheet.write_row(row, 4, [promo, store, category, product])
    workbook.close()
    return path


# --- one measurement (runs in the child process) ---------------------------------------------------------------


def _timed_stages() -> dict[str, float]:
    """Wrap load_file's steps (hash, staging, parse, stats, write) with timers; returns the dict they fill."""
    from contextlib import contextmanager

    import segcore.ingest as ingest

    stages: dict[str, float] = {}
    staged_source = ingest.staged_source

    @contextmanager
    def timed_staging(*args, **kwargs):  # a context manager: the time to enter it is the reading of the file
        began = time.perf_counter()
        with staged_source(*args, **kwargs) as info:
            stages["staging"] = stages.get("staging", 0.0) + time.perf_counter() - began
            yield info

    ingest.staged_source = timed_staging
    for name, stage in (("content_hash", "hash"), ("_parse", "parse"), ("_stats", "stats"),
                        ("_write", "write")):  # fmt: skip
        original = getattr(ingest, name)

        def timed(*args, _original=original, _stage=stage, **kwargs):
            began = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                stages[_stage] = stages.get(_stage, 0.0) + time.perf_counter() - began

        setattr(ingest, name, timed)
    return stages


def child(case: str, path: Path, workdir: Path) -> dict[str, object]:
    """Run one case once; returns seconds, peak RSS and case details."""
    import resource

    import duckdb
    import pandas as pd
    import polars as pl

    from segcore.ingest import load_file
    from segcore.workspace import NO_EXTENSIONS, Workspace

    target = workdir / f"{case}.duckdb"
    target.unlink(missing_ok=True)
    out: dict[str, object] = {}
    stages = _timed_stages() if case.startswith("segcore") else {}
    began, cpu_began = time.perf_counter(), time.process_time()
    if case == "floor_duckdb":
        con = duckdb.connect(str(target), config=NO_EXTENSIONS)
        con.execute("create table t as select * from read_csv($path)", {"path": str(path)})
        out["rows"] = con.execute("select count(*) from t").fetchall()[0][0]
        con.close()
    elif case.startswith("segcore"):
        workspace = Workspace(target)
        stages["open"] = time.perf_counter() - began
        with workspace.writer() as con:
            report = load_file(con, "bench", path, "sales", loaded_at=LOADED_AT, access=OWNER)
        closing = time.perf_counter()
        workspace.close()
        stages["close"] = time.perf_counter() - closing
        out |= {"rows": report.rows_kept + report.rows_rejected, "kept": report.rows_kept, "stages": stages}
    elif case == "pandas":
        out["rows"] = len(pd.read_csv(path))
    elif case == "polars":
        out["rows"] = pl.read_csv(path).height
    out["seconds"] = time.perf_counter() - began
    out["cpu_seconds"] = time.process_time() - cpu_began  # every thread of the process
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return out


def measure(case: str, path: Path, workdir: Path) -> dict[str, object]:
    """Run one case in a fresh interpreter and return what it reported."""
    command = [sys.executable, __file__, "--child", case, "--path", str(path), "--workdir", str(workdir)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{case} failed:\n{run.stderr}")
    return json.loads(run.stdout.splitlines()[-1])


# --- the report ------------------------------------------------------------------------------------------------


def machine() -> str:
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))  # fmt: skip
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    import duckdb
    import pandas as pd
    import polars as pl

    return (f"nproc {os.cpu_count()}, memory {mem_kb / 2**20:.1f} GiB, {cpu}; Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}, pandas {pd.__version__}, polars {pl.__version__}")  # fmt: skip


def median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(run[key]) for run in runs)  # type: ignore[arg-type]


def table(results: dict[str, list[dict[str, object]]], lines: dict[str, int]) -> list[str]:
    """One row per case: median wall seconds, its ratio to the floor, median CPU seconds, peak RSS, throughput."""
    floor = median(results["floor_duckdb"], "seconds")
    out = [
        "| case | lines | median s | ratio to floor | CPU s | peak RSS MB | k lines/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case, runs in results.items():
        seconds, rss = median(runs, "seconds"), max(float(run["rss_mb"]) for run in runs)  # type: ignore[arg-type]
        out.append(
            f"| {LABELS[case]} | {lines[case]:,} | {seconds:.2f} | {seconds / floor:.2f}x "
            f"| {median(runs, 'cpu_seconds'):.2f} | {rss:.0f} | {lines[case] / seconds / 1000:.0f} |"
        )
    return out


def stage_table(results: dict[str, list[dict[str, object]]]) -> list[str]:
    names = ("open", "hash", "staging", "parse", "stats", "write", "close")
    out = ["| case | " + " | ".join(names) + " | other | total |", "|---|" + "---:|" * (len(names) + 2)]
    for case, runs in results.items():
        if not case.startswith("segcore"):
            continue
        run = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]  # type: ignore[arg-type, return-value]
        stages: dict[str, float] = run["stages"]  # type: ignore[assignment]
        cells = " | ".join(f"{stages.get(name, 0.0):.2f}" for name in names)
        other = run["seconds"] - sum(stages.values())  # type: ignore[operator]
        out.append(f"| {LABELS[case]} | {cells} | {other:.2f} | {run['seconds']:.2f} |")
    return out


def write_results(lines_out: list[str]) -> None:
    """Replace (or add) the "## Ingestion" section of bench/RESULTS.md."""
    section = "\n".join(["## Ingestion", "", *lines_out]) + "\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    start = text.find("## Ingestion")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of the CSV files")
    parser.add_argument("--xlsx-lines", type=int, default=200_000, help="lines of the XLSX file")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per case (the median is reported)")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(child(args.child, args.path, args.workdir)))
        return

    with tempfile.TemporaryDirectory(prefix="segcore-bench-") as tmp:
        folder = Path(tmp)
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        utf8, gbk = write_csvs(folder, args.lines)
        xlsx = write_xlsx(folder, args.xlsx_lines)
        print(f"generated {args.lines:,}-line CSVs and a {args.xlsx_lines:,}-line XLSX in "
              f"{time.perf_counter() - began:.0f} s", file=sys.stderr)  # fmt: skip
        inputs = {"floor_duckdb": utf8, "segcore_utf8": utf8, "segcore_gbk": gbk, "segcore_xlsx": xlsx,
                  "pandas": utf8, "polars": utf8}  # fmt: skip
        lines = {case: args.xlsx_lines if case == "segcore_xlsx" else args.lines for case in CASES}
        results: dict[str, list[dict[str, object]]] = {case: [] for case in CASES}
        for rep in range(args.reps):
            for case in CASES:  # interleaved, so a slow moment of the machine does not hit one case only
                result = measure(case, inputs[case], folder)
                if result["rows"] != lines[case]:
                    raise RuntimeError(f"{case} read {result['rows']} lines, expected {lines[case]}")
                results[case].append(result)
                print(f"rep {rep + 1} {case}: {result['seconds']:.2f} s", file=sys.stderr)
        sizes = {path.name: path.stat().st_size / 2**20 for path in (utf8, gbk, xlsx)}
        load_after = os.getloadavg()[0]

    main_table = table(results, lines)
    floor, segcore = median(results["floor_duckdb"], "seconds"), median(results["segcore_utf8"], "seconds")
    verdict = "met" if segcore <= 1.5 * floor else "missed"
    report = [
        f"Run {date.today().isoformat()} on {machine()}.",
        "",
        f"Inputs: {args.lines:,}-line sales CSV with Chinese headers, 8 columns, UTF-8 "
        f"({sizes['sales_utf8.csv']:.0f} MiB) and the same in GBK ({sizes['sales_gbk.csv']:.0f} MiB); "
        f"{args.xlsx_lines:,}-line XLSX with Excel dates ({sizes['sales.xlsx']:.0f} MiB). Median of {args.reps} runs, "
        "each in a fresh process (cases interleaved). CPU s: process CPU time of all threads during the work; "
        "peak RSS: the child's ru_maxrss (largest run). Machine load average (1 min) before / after the runs: "
        f"{load_before:.1f} / {load_after:.1f}.",
        "",
        *main_table,
        "",
        f"Target: (b) within 1.5x of (a): **{verdict}** ({segcore / floor:.2f}x).",
        "",
        "Where segcore's time goes (seconds, median run; close = checkpoint of the workspace file):",
        "",
        *stage_table(results),
    ]
    print("\n".join(report))
    if not args.no_write:
        write_results(report)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
