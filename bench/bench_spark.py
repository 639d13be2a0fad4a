"""DuckDB and Spark (local mode, through Spark Connect) computing the same tier table (issue 14).

For each size (1M and 10M lines, bench_tiers.py's synthetic sales as Parquet), each case runs in a fresh process:
- floor: a bare DuckDB GROUP BY (count, sum, max per customer) over the Parquet file;
- duckdb: `python -m segcore tiers --sales file.parquet` (its whole path: read, check, load, tier, write);
- spark: `python -m segcore tiers --engine spark --spark-remote local` (start-up included), with its phases timed
  inside the process: start the local server, read and register the lines and the cached order days, the tier
  table; then the tier table again (start-up and reading excluded: what a warm cluster session pays per date).
Peak memory: the largest VmHWM of the process and its children (the Spark JVM). Writes bench/RESULTS.md's section
"## Spark" (rerunning replaces it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_tiers import ensure_parquet  # noqa: E402

OUT = ROOT / "bench" / "out"
SIZES = [int(n) for n in os.environ.get("BENCH_SPARK_SIZES", "1000000,10000000").split(",")]


def _peak_kib(pid: int) -> int:
    """The largest VmHWM of `pid` and its descendants."""
    best = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            best = max(best, int(next(x.split()[1] for x in status.splitlines() if x.startswith("VmHWM:"))))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        todo += [int(c) for c in children]
    return best


def _timed(argv: list[str]) -> dict[str, object]:
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _peak_kib(process.pid))
        time.sleep(0.2)
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"{argv}: exit {process.returncode}: {err[-800:]}")
    return {"seconds": time.perf_counter() - start, "peak_mib": peak / 1024, "stdout": out}


def floor(parquet: Path) -> dict[str, object]:
    code = (
        'import duckdb; duckdb.sql("select customer_id, count(*), sum(amount), max(order_date) '
        f"from read_parquet('{parquet}') group by customer_id\").df()"
    )
    return _timed([sys.executable, "-c", code])


def duckdb_cli(parquet: Path, out: Path) -> dict[str, object]:
    return _timed([sys.executable, "-m", "segcore", "tiers", "--sales", str(parquet), "--out", str(out)])


_SPARK_PHASES = """
import json, sys, time
from datetime import date
t0 = time.perf_counter()
from segcore.spark.session import spark_session
from segcore.spark.engine import load, spark_sales_range, spark_tier_table
spark = spark_session("local")
t1 = time.perf_counter()
data = load(spark, sys.argv[1], [], None, date(2026, 12, 2))
last = spark_sales_range(data)[1]
t2 = time.perf_counter()
first = spark_tier_table(data, last)
t3 = time.perf_counter()
again = spark_tier_table(data, last)
t4 = time.perf_counter()
first.to_parquet(sys.argv[2], index=False)
spark.stop()
print(json.dumps({"start": t1 - t0, "load": t2 - t1, "tiers": t3 - t2, "tiers_warm": t4 - t3, "rows": len(first)}))
"""


def spark_run(parquet: Path, out: Path) -> dict[str, object]:
    result = _timed([sys.executable, "-c", _SPARK_PHASES, str(parquet), str(out)])
    result.update(json.loads(str(result["stdout"]).strip().splitlines()[-1]))
    return result


def main() -> None:
    import pandas as pd

    rows = []
    for lines in SIZES:
        parquet = ensure_parquet(lines)
        duck_out, spark_out = OUT / f"spark_bench_duckdb_{lines}.parquet", OUT / f"spark_bench_spark_{lines}.parquet"
        base = floor(parquet)
        duck = duckdb_cli(parquet, duck_out)
        spark = spark_run(parquet, spark_out)
        same = pd.read_parquet(duck_out).equals(pd.read_parquet(spark_out))
        rows.append((lines, base, duck, spark, same))
        print(lines, base["seconds"], duck["seconds"], spark, same, flush=True)
    write(rows)


def write(rows: list) -> None:
    load = os.getloadavg()[0]
    lines_out = [
        "## Spark",
        "",
        f"Run {date.today()} (`bench/bench_spark.py`) on nproc {os.cpu_count()}, load average {load:.1f}; "
        "pyspark 4.3.0 with its local Spark Connect server (Java 17), one run per case, each a fresh process. "
        "Seconds are wall time; peak MiB is the largest VmHWM of the process and its children (Spark's JVM).",
        "",
        "| lines | floor (DuckDB GROUP BY) s | DuckDB CLI `tiers` s | Spark whole run s | Spark start s | "
        "Spark read + order days s | Spark tier table s | Spark tier table again s | DuckDB peak MiB | "
        "Spark peak MiB | same table |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for lines, base, duck, spark, same in rows:
        lines_out.append(
            f"| {lines:,} | {base['seconds']:.1f} | {duck['seconds']:.1f} | {spark['seconds']:.1f} | "
            f"{spark['start']:.1f} | {spark['load']:.1f} | {spark['tiers']:.1f} | {spark['tiers_warm']:.1f} | "
            f"{duck['peak_mib']:.0f} | {spark['peak_mib']:.0f} | {'yes' if same else 'NO'} |"
        )
    section = "\n".join(lines_out) + "\n"
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    if "## Spark\n" in text:
        head, _, rest = text.partition("## Spark\n")
        tail = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
