"""Migration benchmark: tier transitions over 52 weekly snapshots against one single-date tier_table.

Run: .venv/bin/python bench/bench_migration.py [--lines 1000000 10000000] [--reps 3] [--weeks 52]

The sales are bench/bench_tiers.py's synthetic lines (about 10 per customer with a long tail, 3 years, ~20% promo,
~3% refund lines), generated once per size as Parquet into bench/out/ and loaded once into a workspace file; both
are shared with the tiers benchmark. Every measurement runs in a fresh subprocess that opens the workspace file
read-only (not timed), cases interleaved:

- (a) tier_table as of the last snapshot: one full single-date tiering;
- (b) transition_table over the 52 Sundays ending at the last Sunday of the data (what `python -m segcore migration`
  computes: all snapshots in one DuckDB pass, only the transitions come back);
- (c) cached_transitions on a scratch copy of the workspace: (b) plus storing every state in migration_cache, as the
  app does (the copy is made before the clock starts);
- (d) (b) with DuckDB's memory_limit set to 2 GB (the default is 80% of RAM, which DuckDB fills when it can): the
  query's working set.

The table is printed and written into bench/RESULTS.md under "## Migration" (other sections are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Migration"
CASES = ("tier_table", "migration", "migration_cached", "migration_2gb")
LABELS = {
    "tier_table": "(a) tier_table, one date",
    "migration": "(b) transition_table, {weeks} weekly snapshots",
    "migration_cached": "(c) cached_transitions, {weeks} snapshots, states stored",
    "migration_2gb": "(d) = (b) with memory_limit 2 GB",
}
TARGET_RATIO, GOAL_RATIO, MEMORY_MIB = 4.0, 3.0, 2048  # the must, goal, and peak-memory must


def snapshots(last_day: date, weeks: int) -> list[date]:
    """The `weeks` Sundays ending at the last Sunday on or before `last_day`."""
    last_sunday = last_day - timedelta(days=(last_day.weekday() + 1) % 7)
    return [last_sunday - timedelta(weeks=i) for i in reversed(range(weeks))]


def child(case: str, workspace: Path, weeks: int, last_day: date) -> dict[str, object]:
    """Run one case once: seconds, CPU seconds, peak RSS and the tier counts at the last snapshot (for the check)."""
    import resource

    import duckdb
    from bench_tiers import vm_hwm_kib

    from segcore.engine import tier_table
    from segcore.migration import cached_transitions, transition_table
    from segcore.schema import create_tables
    from segcore.sql import NO_EXTENSIONS

    dates = snapshots(last_day, weeks)
    scratch = OUT / f"migration_scratch_{os.getpid()}.duckdb"
    if case == "migration_cached":
        shutil.copyfile(workspace, scratch)
        con = duckdb.connect(str(scratch), config=NO_EXTENSIONS)
        create_tables(con)  # as the workspace does for a writer: a file from before the states cache's key table
    else:
        con = duckdb.connect(str(workspace), read_only=True, config=NO_EXTENSIONS)
    if case == "migration_2gb":
        con.execute("set memory_limit = '2GB'")
    began, cpu_began = time.perf_counter(), time.process_time()
    if case == "tier_table":
        result = tier_table(con, "bench", dates[-1])
    elif case in ("migration", "migration_2gb"):
        result = transition_table(con, "bench", dates)
    else:
        result = cached_transitions(con, "bench", dates)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    out: dict[str, object] = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        # VmHWM: this process's own peak since exec (ru_maxrss inherits the parent's peak over fork + exec on Linux)
        "rss_mb": vm_hwm_kib() / 1024,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows": len(result),
    }
    # after the clock: customers per tier at the last snapshot, which both must agree on
    if case == "tier_table":
        out["last"] = result["tier"].fillna("none").value_counts().to_dict()
        out["customers"] = len(result)
    else:
        final = result[result["to_date"] == result["to_date"].max()]
        out["last"] = {str(k): int(v) for k, v in final.groupby("to_state")["customers"].sum().items()}
        out["customers"] = int(final["customers"].sum())
    con.close()
    scratch.unlink(missing_ok=True)
    return out


def measure(case: str, workspace: Path, weeks: int, last_day: date) -> dict[str, object]:
    """Run one case in a fresh interpreter and return what it reported."""
    command = [sys.executable, __file__, "--child", case, "--workspace", str(workspace), "--weeks", str(weeks),
               "--last-day", last_day.isoformat()]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{case} failed:\n{run.stderr}")
    return json.loads(run.stdout.splitlines()[-1])


def last_sales_day(workspace: Path) -> date:
    import duckdb

    from segcore.sql import NO_EXTENSIONS

    con = duckdb.connect(str(workspace), read_only=True, config=NO_EXTENSIONS)
    try:
        return con.execute("select max(order_date)::date from sales where dataset_id = 'bench'").fetchall()[0][0]
    finally:
        con.close()


# --- the report ------------------------------------------------------------------------------------------------


def median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(run[key]) for run in runs)  # type: ignore[arg-type]


def best(runs: list[dict[str, object]]) -> float:
    return min(float(run["seconds"]) for run in runs)  # type: ignore[arg-type]


def peak(runs: list[dict[str, object]], key: str = "rss_mb") -> float:
    return max(float(run[key]) for run in runs)  # type: ignore[arg-type]


def table(all_results: dict[int, dict[str, list[dict[str, object]]]], weeks: int) -> list[str]:
    """One row per size and case: median and best seconds, ratios to tier_table, CPU s, peak RSS."""
    out = [
        "| lines | case | median s | best s | ratio to (a), median | ratio to (a), best | CPU s | CPU ratio "
        "| peak RSS MiB | ru_maxrss MiB | result rows |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for lines, results in all_results.items():
        base = results["tier_table"]
        for case, runs in results.items():
            out.append(
                f"| {lines:,} | {LABELS[case].format(weeks=weeks)} | {median(runs, 'seconds'):.2f} | {best(runs):.2f} "
                f"| {median(runs, 'seconds') / median(base, 'seconds'):.2f}x | {best(runs) / best(base):.2f}x "
                f"| {median(runs, 'cpu_seconds'):.2f} "
                f"| {median(runs, 'cpu_seconds') / median(base, 'cpu_seconds'):.2f}x "
                f"| {peak(runs):.0f} | {peak(runs, 'ru_maxrss_mb'):.0f} | {int(runs[0]['rows']):,} |"  # type: ignore[call-overload]
            )
    return out


def verdicts(results: dict[str, list[dict[str, object]]], weeks: int) -> list[str]:
    """The targets on one size: (b) within 4x of (a) (goal 3x), peak memory within 2 GiB."""
    base, runs = results["tier_table"], results["migration"]
    ratios = (median(runs, "seconds") / median(base, "seconds"), best(runs) / best(base))
    rss = peak(runs)
    verdict = "met" if max(ratios) <= TARGET_RATIO else "missed"
    goal = "met" if max(ratios) <= GOAL_RATIO else "missed"
    cpu_ratio = median(runs, "cpu_seconds") / median(base, "cpu_seconds")
    return [
        f"- {weeks} snapshots within {TARGET_RATIO:.0f}x of one tiering: **{verdict}** (median {ratios[0]:.2f}x, "
        f"fastest {ratios[1]:.2f}x, CPU s {cpu_ratio:.2f}x); the {GOAL_RATIO:.0f}x goal: **{goal}**.",
        f"- Peak memory within {MEMORY_MIB // 1024} GiB: **{'met' if rss <= MEMORY_MIB else 'missed'}** "
        f"({rss:.0f} MiB for (b), {peak(results['migration_cached']):.0f} MiB for (c); with memory_limit 2 GB, (d): "
        f"{peak(results['migration_2gb']):.0f} MiB at {median(results['migration_2gb'], 'seconds'):.2f} s median).",
    ]


def write_results(lines_out: list[str]) -> None:
    """Replace (or add) the "## Migration" section of bench/RESULTS.md, keeping every other section."""
    section = "\n".join([SECTION, "", *lines_out]) + "\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    start = text.find("\n" + SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        start += 1
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end:] if end >= 0 else "")
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000, 10_000_000], help="sizes (lines)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per case (the median is reported)")
    parser.add_argument("--weeks", type=int, default=52, help="number of weekly snapshots")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--last-day", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    if args.child:
        print(json.dumps(child(args.child, args.workspace, args.weeks, args.last_day)))
        return

    from bench_ingest import machine
    from bench_tiers import cpu_pressure, describe, ensure_parquet, ensure_workspace

    load_before = os.getloadavg()[0]
    all_results: dict[int, dict[str, list[dict[str, object]]]] = {}
    facts: dict[int, dict[str, object]] = {}
    for lines in args.lines:
        parquet = ensure_parquet(lines)
        workspace = ensure_workspace(lines, parquet)
        facts[lines] = describe(parquet)
        last_day = last_sales_day(workspace)
        facts[lines]["snapshots"] = snapshots(last_day, args.weeks)
        results: dict[str, list[dict[str, object]]] = {case: [] for case in CASES}
        for rep in range(args.reps):
            for case in CASES:  # interleaved, so a slow moment of the machine does not hit one case only
                result = measure(case, workspace, args.weeks, last_day)
                results[case].append(result)
                print(f"{lines:,} rep {rep + 1} {case}: {result['seconds']:.2f} s, {result['cpu_seconds']:.2f} CPU s, "
                      f"{result['rss_mb']:.0f} MiB", file=sys.stderr)  # fmt: skip
        counts = {case: runs[0]["last"] for case, runs in results.items()}
        if len({json.dumps(c, sort_keys=True) for c in counts.values()}) != 1:
            raise SystemExit(f"the cases disagree on the tiers at the last snapshot: {counts}")
        facts[lines]["customers_seen"] = results["migration"][0]["customers"]
        all_results[lines] = results
    load_after = os.getloadavg()[0]

    inputs = "; ".join(
        f"{f['lines']:,} lines ({f['size_mb']:.0f} MiB): {f['customers']:,} customers, {f['orders']:,} orders, "
        f"promo {f['promo']:.1%}, refund lines {f['refunds']:.1%}, dates {f['first_day']} .. {f['last_day']}"
        for f in facts.values()
    )
    first = next(iter(facts.values()))["snapshots"]
    report = [
        f"Run {date.today().isoformat()} on {machine()}.",
        "",
        f"Inputs (`bench/bench_tiers.py`'s generator, `bench/out/`): {inputs}. Snapshots: the {args.weeks} Sundays "
        f"{first[0]} .. {first[-1]}; (a) is as of the last one. Median of {args.reps} runs, each in a fresh process "
        "that opens the workspace file (not timed), cases interleaved. best s: the fastest run; CPU s: process CPU "
        "time of all threads (the figure least moved by other jobs on a shared machine); peak RSS: the child's "
        "VmHWM (largest run); ru_maxrss for reference. Load average (1 min) before / after: "
        f"{load_before:.1f} / {load_after:.1f}; CPU pressure (/proc/pressure/cpu avg300) after: {cpu_pressure()}.",
        "",
        *table(all_results, args.weeks),
        "",
        "Check: at the last snapshot, the customers per tier from (b)'s and (c)'s transitions equal tier_table's "
        "tiers ("
        + ", ".join(f"{int(f['customers_seen']):,} customers at {lines:,} lines" for lines, f in facts.items())  # type: ignore[call-overload]
        + "; the tests check every snapshot against tier_table exactly).",
        "",
        f"Targets at {max(all_results):,} lines (a time target counts as met only if it holds for both the median "
        "and the fastest runs):",
        "",
        *verdicts(all_results[max(all_results)], args.weeks),
    ]
    print("\n".join(report))
    if not args.no_write:
        write_results(report)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
