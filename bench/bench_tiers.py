"""Tier benchmark: segcore's tier_table against a bare DuckDB aggregation of the same file (the floor) and polars.

Run: .venv/bin/python bench/bench_tiers.py [--lines 1000000 10000000] [--reps 3]

Synthetic sales are generated once per size as Parquet into bench/out/ (git-ignored) and reused. Cases:

- (a) floor: `select customer_id, count(*), sum(amount), max(order_date) from read_parquet(file) group by
  customer_id`, fetched as a DataFrame (like tier_table's result);
- (b) tier_table on a workspace file whose `sales` table already holds the lines (loaded once, not timed; the
  child opens the file read-only, then only tier_table is timed);
- (b') the CLI's path: an in-memory workspace, `insert into sales ... from read_parquet(file)`, then tier_table;
- (c) polars, RFM scores only (recency / frequency / monetary per customer and the spec's rank formula).

Every measurement runs in a fresh subprocess (cases interleaved), so the peak RSS of each case is its own (read
from /proc/self/status VmHWM: ru_maxrss would inherit the parent's peak over fork + exec).
The table is printed and written into bench/RESULTS.md under "## Tiers" (other sections are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Tiers"
GENERATOR_VERSION = 1  # bump when the generator changes: the file names carry it, so old files are not reused
START, DAYS = date(2022, 1, 1), 3 * 365 + 1  # 2022-01-01 .. 2024-12-31
CASES = ("floor_duckdb", "tiers", "tiers_load", "cli_tiers", "polars_rfm")
LABELS = {
    "floor_duckdb": "(a) floor: DuckDB group by over read_parquet",
    "tiers": "(b) segcore tier_table (sales table loaded)",
    "tiers_load": "(b') read_parquet into sales + tier_table",
    "cli_tiers": "(d) CLI `tiers --sales file.parquet` (its whole path: read, check, load, tier, write)",
    "polars_rfm": "(c) polars, RFM scores only",
}
K = 5  # the spec's number of RFM bins
LOOKBACK = 730  # the spec's RFM lookback L


# --- data ------------------------------------------------------------------------------------------------------


def parquet_path(lines: int) -> Path:
    return OUT / f"tiers_sales_{lines}_v{GENERATOR_VERSION}.parquet"


WORKSPACE_VERSION = 2  # bump when a load writes other tables (2: customer_keys, order_days.customer_key)


def workspace_path(lines: int) -> Path:
    return OUT / f"tiers_ws_{lines}_v{GENERATOR_VERSION}_w{WORKSPACE_VERSION}.duckdb"


def generate(lines: int, seed: int = 20261122):
    """`lines` synthetic sales lines as an Arrow table, vectorised.

    About 10 lines per customer with a long tail (each customer's share of the orders is lognormal), orders of 1-4
    lines sharing an order_id and a timestamp, dates uniform over 3 years, ~20% promo lines, ~3% refund lines
    (negative amounts), lines in time order like an export.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    n_customers = max(lines // 10, 1)
    sizes = rng.integers(1, 5, size=lines // 2 + 10)  # 1-4 lines per order, mean 2.5: enough orders for `lines`
    ends = np.cumsum(sizes)
    n_orders = int(np.searchsorted(ends, lines)) + 1
    sizes = sizes[:n_orders]
    sizes[-1] -= ends[n_orders - 1] - lines  # the last order takes exactly the remaining lines
    # every customer has at least one order; the others go to customers in proportion to a lognormal weight
    weights = rng.lognormal(0.0, 1.2, size=n_customers)
    extra = np.searchsorted(np.cumsum(weights), rng.random(max(n_orders - n_customers, 0)) * weights.sum())
    order_customer = rng.permutation(np.concatenate([np.arange(n_customers), np.minimum(extra, n_customers - 1)]))
    order_customer = order_customer[:n_orders]
    order_seconds = np.sort(rng.integers(0, DAYS * 86_400, size=n_orders))  # orders in time order
    line_order = np.repeat(np.arange(n_orders), sizes)

    cents = np.round(rng.lognormal(3.3, 0.9, size=lines) * 100).astype(np.int64) + 50  # ~30 a line, 0.50 at least
    cents[rng.random(lines) < 0.03] *= -1
    words = np.empty((lines, 2), dtype=np.int64)  # decimal128 = 16-byte little-endian two's complement
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    amount = pa.Array.from_buffers(pa.decimal128(18, 2), lines, [None, pa.py_buffer(words)])

    def ids(prefix: str, numbers, width: int):
        digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
        return pc.binary_join_element_wise(prefix, digits, "")

    stamps = np.datetime64(START, "us") + (order_seconds[line_order] * 1_000_000).astype("timedelta64[us]")
    return pa.table(
        {
            "customer_id": ids("C", order_customer[line_order], 7),
            "order_id": ids("O", line_order, 9),
            "order_date": pa.array(stamps, type=pa.timestamp("us")),
            "amount": amount,
            "is_promo": pa.array(rng.random(lines) < 0.2),
        }
    )


def ensure_parquet(lines: int) -> Path:
    """The size's Parquet file, generated if absent."""
    import pyarrow.parquet as pq

    path = parquet_path(lines)
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        pq.write_table(generate(lines), tmp, row_group_size=1_000_000)
        tmp.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return path


def ensure_workspace(lines: int, parquet: Path) -> Path:
    """A workspace file whose `sales` table holds the Parquet file as dataset 'bench' (built once, not timed)."""
    import duckdb

    from segcore.schema import create_tables
    from segcore.sql import NO_EXTENSIONS

    path = workspace_path(lines)
    if not path.exists():
        began = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp), config=NO_EXTENSIONS)
        create_tables(con)
        load_sales(con, parquet)
        con.close()
        tmp.rename(path)
        print(f"built {path.name} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return path


def load_sales(con, parquet: Path) -> None:
    """Insert the Parquet lines into `sales` as dataset 'bench'."""
    con.execute(
        """
        insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo)
        select 'bench', 'bench', file_row_number, customer_id, order_id, order_date, amount, is_promo
        from read_parquet($path, file_row_number = true)
        """,
        {"path": str(parquet)},
    )
    from segcore.engine.orders import build_order_days

    build_order_days(con, "bench")  # built by every load, like the sales lines


def describe(parquet: Path) -> dict[str, object]:
    """Facts about a generated file: lines, customers, lines per customer, orders, promo and refund shares."""
    import duckdb

    con = duckdb.connect()
    row = con.execute(
        """
        with per_customer as (select customer_id, count(*) as n from read_parquet($path) group by customer_id)
        select (select count(*) from read_parquet($path)),
               count(*),
               median(n),
               quantile_disc(n, 0.99),
               max(n),
               (select count(distinct order_id) from read_parquet($path)),
               (select avg(is_promo::int) from read_parquet($path)),
               (select avg((amount < 0)::int) from read_parquet($path)),
               (select max(order_date)::date from read_parquet($path)),
               (select min(order_date)::date from read_parquet($path))
        from per_customer
        """,
        {"path": str(parquet)},
    ).fetchone()
    con.close()
    keys = ("lines", "customers", "median", "p99", "max", "orders", "promo", "refunds", "last_day", "first_day")
    out = dict(zip(keys, row, strict=True))
    out["size_mb"] = parquet.stat().st_size / 2**20
    return out


# --- one measurement (runs in the child process) ---------------------------------------------------------------


def polars_rfm(parquet: Path, as_of: date):
    """Per customer with a purchase: recency_days, frequency, monetary (cents) and the spec's r/f/m scores."""
    import polars as pl

    lines = (
        pl.scan_parquet(parquet)
        .with_columns(age=(pl.lit(as_of) - pl.col("order_date").dt.date()).dt.total_days())
        .filter(pl.col("age") >= 0)
        .with_columns(cents=(pl.col("amount") * 100).cast(pl.Int64))
    )
    orders = lines.group_by(
        "customer_id", "order_id", pl.when(pl.col("order_id").is_null()).then(pl.col("age")).alias("day")
    ).agg(
        age=pl.col("age").max(),
        value=pl.col("cents").sum(),
        spend_l=pl.col("cents").filter(pl.col("age") < LOOKBACK).sum(),
    )
    purchase = pl.col("value") > 0
    customers = (
        orders.group_by("customer_id")
        .agg(
            recency_days=pl.col("age").filter(purchase).min(),
            frequency=(purchase & (pl.col("age") < LOOKBACK)).sum(),
            monetary=pl.col("spend_l").sum(),
        )
        .filter(pl.col("frequency") >= 1)
    )
    n = pl.len()

    def score(rank: pl.Expr) -> pl.Expr:
        return 1 + (K * (rank - 1)) // n

    return (
        customers.with_columns(
            r_score=score(pl.col("recency_days").rank("min", descending=True)),
            f_score=score(pl.col("frequency").rank("min")),
            m_score=score(pl.col("monetary").rank("min")),
        )
        .sort("customer_id")
        .collect()
    )


def vm_hwm_kib() -> int:
    """This process's peak resident set size since exec (Linux /proc), in KiB."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))


def child(case: str, parquet: Path, workspace: Path, as_of: date, check: Path | None) -> dict[str, object]:
    """Run one case once; returns seconds, CPU seconds, peak RSS and the number of result rows."""
    import resource

    # each case imports only what it uses, before the clock starts
    if case == "polars_rfm":
        import polars as pl  # noqa: F401
    else:
        import duckdb
        import pandas as pd

        from segcore.engine import tier_table
        from segcore.schema import create_tables
        from segcore.sql import NO_EXTENSIONS

    out: dict[str, object] = {}
    con = None
    if case == "tiers":
        con = duckdb.connect(str(workspace), read_only=True, config=NO_EXTENSIONS)
    began, cpu_began = time.perf_counter(), time.process_time()
    if case == "floor_duckdb":
        con = duckdb.connect(config=NO_EXTENSIONS)
        sql = "select customer_id, count(*), sum(amount), max(order_date) from read_parquet($path) group by customer_id"
        result = con.execute(sql, {"path": str(parquet)}).df()
    elif case == "tiers":
        result = tier_table(con, "bench", as_of)
    elif case == "tiers_load":
        con = duckdb.connect(config=NO_EXTENSIONS)
        create_tables(con)
        load_sales(con, parquet)
        result = tier_table(con, "bench", as_of)
    elif case == "cli_tiers":
        import tempfile

        from segcore.cli import main

        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "tiers.parquet"
            code = main(["tiers", "--sales", str(parquet), "--as-of", as_of.isoformat(), "--out", str(target)])
            if code != 0:
                raise SystemExit(f"the CLI failed with exit code {code}")
            result = pd.read_parquet(target, columns=["customer_id"])
    else:
        result = polars_rfm(parquet, as_of)
    out["seconds"] = time.perf_counter() - began
    out["cpu_seconds"] = time.process_time() - cpu_began  # every thread of the process
    # The peak RSS of this process. Not ru_maxrss alone: Linux carries the parent's peak over fork + exec into the
    # child's ru_maxrss (a 300 MB parent makes every child report >= 300 MB), so VmHWM, the high-water mark of this
    # process's own memory since exec, is the figure; ru_maxrss is kept for reference.
    out["rss_mb"] = vm_hwm_kib() / 1024
    out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    out["rows"] = len(result)
    if check is not None and case in ("tiers", "polars_rfm"):  # after the measurement: for the parent's cross-check
        columns = ["customer_id", "recency_days", "frequency", "r_score", "f_score", "m_score"]
        if case == "tiers":
            frame = result[result["frequency"] >= 1][[*columns, "monetary"]]
            frame = frame.assign(monetary=(frame["monetary"] * 100).round().astype("int64"))
        else:
            frame = result.select([*columns, "monetary"]).to_pandas()
        frame.reset_index(drop=True).to_parquet(check)
    if con is not None:
        con.close()
    return out


def measure(case: str, parquet: Path, workspace: Path, as_of: date, check: Path | None = None) -> dict[str, object]:
    """Run one case in a fresh interpreter and return what it reported."""
    command = [sys.executable, __file__, "--child", case, "--path", str(parquet), "--workspace", str(workspace),
               "--as-of", as_of.isoformat()]  # fmt: skip
    if check is not None:
        command += ["--check", str(check)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{case} failed:\n{run.stderr}")
    return json.loads(run.stdout.splitlines()[-1])


def cross_check(tiers_file: Path, polars_file: Path) -> int:
    """tier_table's and polars' RFM columns must be identical; returns the number of scored customers."""
    import pandas as pd

    ours, theirs = pd.read_parquet(tiers_file), pd.read_parquet(polars_file)
    for column in ours.columns[1:]:
        ours[column] = ours[column].astype("int64")
        theirs[column] = theirs[column].astype("int64")
    pd.testing.assert_frame_equal(ours, theirs[ours.columns], check_dtype=False)
    return len(ours)


# --- the report ------------------------------------------------------------------------------------------------


def cpu_pressure() -> str:
    """The kernel's 5-minute CPU pressure ("some" avg300), or "n/a"."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "n/a"
    return next((f"{float(f.split('=')[1]):.0f}%" for f in line.split() if f.startswith("avg300=")), "n/a")


def median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(run[key]) for run in runs)  # type: ignore[arg-type]


def peak(runs: list[dict[str, object]]) -> float:
    return max(float(run["rss_mb"]) for run in runs)  # type: ignore[arg-type]


def table(all_results: dict[int, dict[str, list[dict[str, object]]]]) -> list[str]:
    """One row per size and case: median wall seconds, ratios to the floor and to polars, CPU s, peak RSS."""
    out = [
        "| lines | case | median s | best s | ratio to floor | ratio to polars | CPU s | CPU ratio to floor "
        "| peak RSS MiB | result rows |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for lines, results in all_results.items():
        floor, polars = median(results["floor_duckdb"], "seconds"), median(results["polars_rfm"], "seconds")
        floor_cpu = median(results["floor_duckdb"], "cpu_seconds")
        for case, runs in results.items():
            seconds, cpu = median(runs, "seconds"), median(runs, "cpu_seconds")
            out.append(
                f"| {lines:,} | {LABELS[case]} | {seconds:.2f} | {best(runs):.2f} | {seconds / floor:.2f}x "
                f"| {seconds / polars:.2f}x | {cpu:.2f} | {cpu / floor_cpu:.2f}x | {peak(runs):.0f} "
                f"| {int(runs[0]['rows']):,} |"
            )
    return out


def best(runs: list[dict[str, object]]) -> float:
    return min(float(run["seconds"]) for run in runs)  # type: ignore[arg-type]


def verdicts(results: dict[str, list[dict[str, object]]]) -> list[str]:
    """The targets for (b) and (b'), on one size's results.

    A time target is met only if it holds for the median runs and for the fastest runs alike: on a shared machine
    another job can slow down any one run (the floor's as much as the tier table's), and one lucky or unlucky
    median must not decide the verdict.
    """
    floor, polars = results["floor_duckdb"], results["polars_rfm"]
    out = []
    for case in ("tiers", "tiers_load"):
        runs, rss = results[case], peak(results[case])
        ratios = (median(runs, "seconds") / median(floor, "seconds"), best(runs) / best(floor))
        cpu_ratio = median(runs, "cpu_seconds") / median(floor, "cpu_seconds")
        speed = "met" if max(ratios) <= 2 else "missed"
        goal = "met" if max(ratios) <= 1.5 else "missed"
        memory = "met" if rss <= 2048 else "missed"
        faster = (median(runs, "seconds") < median(polars, "seconds")) and best(runs) < best(polars)
        out.append(
            f"- {LABELS[case]}: within 2x of the floor **{speed}** (median {ratios[0]:.2f}x, fastest {ratios[1]:.2f}x, "
            f"CPU s {cpu_ratio:.2f}x; the 1.5x goal {goal}); peak memory within 2 GiB **{memory}** ({rss:.0f} MiB); "
            f"faster than polars' RFM **{'met' if faster else 'missed'}** (median {median(runs, 'seconds'):.2f} s vs "
            f"{median(polars, 'seconds'):.2f} s, fastest {best(runs):.2f} s vs {best(polars):.2f} s)."
        )
    if "cli_tiers" in results:
        runs, rss = results["cli_tiers"], peak(results["cli_tiers"])
        ratios = (median(runs, "seconds") / median(floor, "seconds"), best(runs) / best(floor))
        verdict = "met" if max(ratios) <= 4 else "missed"
        out.append(
            f"- {LABELS['cli_tiers']}: within 4x of the floor **{verdict}** (median {ratios[0]:.2f}x, fastest "
            f"{ratios[1]:.2f}x; the 2x goal {'met' if max(ratios) <= 2 else 'missed'}); peak memory within 2 GiB "
            f"**{'met' if rss <= 2048 else 'missed'}** ({rss:.0f} MiB)."
        )
    return out


def write_results(lines_out: list[str]) -> None:
    """Replace (or add) the "## Tiers" section of bench/RESULTS.md, keeping every other section."""
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
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=date.fromisoformat, help=argparse.SUPPRESS)
    parser.add_argument("--check", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.child, args.path, args.workspace, args.as_of, args.check)))
        return

    from bench_ingest import machine  # the same machine line as the ingestion section

    load_before = os.getloadavg()[0]
    all_results: dict[int, dict[str, list[dict[str, object]]]] = {}
    facts: dict[int, dict[str, object]] = {}
    checked: dict[int, int] = {}
    for lines in args.lines:
        parquet = ensure_parquet(lines)
        workspace = ensure_workspace(lines, parquet)
        facts[lines] = describe(parquet)
        as_of = facts[lines]["last_day"]  # the last date in the data, like the CLI's default
        results: dict[str, list[dict[str, object]]] = {case: [] for case in args.cases}
        checks = {case: OUT / f"check_{case}_{lines}.parquet" for case in ("tiers", "polars_rfm")}
        for rep in range(args.reps):
            for case in args.cases:  # interleaved, so a slow moment of the machine does not hit one case only
                result = measure(case, parquet, workspace, as_of, checks.get(case) if rep == 0 else None)
                results[case].append(result)
                print(f"{lines:,} rep {rep + 1} {case}: {result['seconds']:.2f} s, "
                      f"{result['rss_mb']:.0f} MB", file=sys.stderr)  # fmt: skip
        if all(path.exists() for path in checks.values()) and {"tiers", "polars_rfm"} <= set(args.cases):
            checked[lines] = cross_check(*checks.values())
        for path in checks.values():
            path.unlink(missing_ok=True)
        all_results[lines] = results
    load_after = os.getloadavg()[0]

    if set(args.cases) != set(CASES):
        print(
            json.dumps({lines: {c: median(r, "seconds") for c, r in res.items()} for lines, res in all_results.items()})
        )
        return
    inputs = "; ".join(
        f"{f['lines']:,} lines ({f['size_mb']:.0f} MiB): {f['customers']:,} customers, lines per customer median "
        f"{f['median']:.0f} / p99 {f['p99']} / max {f['max']}, {f['orders']:,} orders, promo {f['promo']:.1%}, "
        f"refund lines {f['refunds']:.1%}, dates {f['first_day']} .. {f['last_day']}"
        for f in facts.values()
    )
    report = [
        f"Run {date.today().isoformat()} on {machine()}.",
        "",
        f"Inputs (`bench/bench_tiers.py`, generated once into `bench/out/`): {inputs}. As of the last date in the "
        f"data. Median of {args.reps} runs, each in a fresh process (cases interleaved). (a) fetches its result as a "
        "DataFrame, like tier_table; (b) opens the workspace file read-only (not timed) and times tier_table only; "
        "(b') is the CLI's path: an in-memory workspace, the Parquet file inserted into `sales`, then tier_table; "
        "(c) is polars (lazy, default engine) computing recency / frequency / monetary and the three scores only. "
        "best s: the fastest run. CPU s: process CPU time of all threads (the figure least moved by other jobs on "
        "a shared machine); peak RSS: the child's VmHWM, its own high-water mark (largest run; "
        "not ru_maxrss, which on Linux inherits the parent's peak over fork + exec). Load average "
        f"(1 min) before / after: {load_before:.1f} / {load_after:.1f}; CPU pressure (share of time some task waited "
        f"for a CPU, /proc/pressure/cpu avg300) after: {cpu_pressure()}.",
        "",
        *table(all_results),
        "",
        "Cross-check: tier_table's recency_days, frequency, monetary and r/f/m scores equal polars' for every scored "
        "customer (" + ", ".join(f"{n:,} at {lines:,} lines" for lines, n in checked.items()) + ").",
        "",
        f"Targets at {max(all_results):,} lines (a time target counts as met only if it holds for both the median and "
        "the fastest runs):",
        "",
        *verdicts(all_results[max(all_results)]),
    ]
    print("\n".join(report))
    if not args.no_write:
        write_results(report)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
