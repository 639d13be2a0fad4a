"""Persona benchmark: segcore.persona at 1M customers against the floor and pandas / polars doing the same counts.

Run: .venv/bin/python bench/bench_persona.py [--lines 10000000] [--reps 3] [--no-write]

The store: bench_tiers' synthetic sales (bench/out/tiers_sales_<lines>_v1.parquet: ~10 lines per customer, so
10M lines = 1M customers) plus a synthetic members file for every customer (gender, birthday, join date, home
store, points and two extra columns, 会员等级 a number and 来源 a text), loaded once with segcore's own loader into
bench/out/persona_ws_<lines>_v1.duckdb (git-ignored, not timed). The target candidate table as of the last sales
day is kept beside it as Parquet (what the app caches once per dataset, date and rules, and shares with Targets).
Each case runs in a fresh process:

- floor: a bare DuckDB `group by customer_id` over the sales Parquet file (bench_tiers' floor);
- first: `targets.candidates` + `persona_cube` (scheme tier) + `persona(high_spend)` on the workspace: a first
  visit's segcore work, every cache cold;
- cube: `persona_cube` (scheme tier, every segment at once) over the candidate table: what a scheme switch costs;
- warm: `persona` + `summary` for each of the nine tiers from a cube at hand (per segment): what a warm run of the
  Personas page computes (the page caches the cube);
- pandas / polars: the same cube (every attribute's value counts per tier and in the base, the same bands) from
  the same candidate Parquet, for comparison with `cube`.

The table is printed and written into bench/RESULTS.md under "## Personas".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

from segcore.access import owner

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
RESULTS = HERE / "RESULTS.md"
SECTION = "## Personas"
CASES = ("floor", "first", "cube", "warm", "pandas", "polars")
VERSION = 1


def workspace_path(lines: int) -> Path:
    return OUT / f"persona_ws_{lines}_v{VERSION}.duckdb"


def candidates_path(lines: int) -> Path:
    return OUT / f"persona_candidates_{lines}_v{VERSION}.parquet"


def members_csv(customers: int, path: Path, seed: int = 20261201) -> None:
    """A members file for customers C0000000.. with Chinese headers, written as CSV (vectorised)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ids = pd.Series(np.arange(customers)).map(lambda i: f"C{i:07d}")
    born = np.datetime64("1950-01-01") + rng.integers(0, 365 * 55, customers).astype("timedelta64[D]")
    joined = np.datetime64("2015-01-01") + rng.integers(0, 365 * 9, customers).astype("timedelta64[D]")
    gender = rng.choice(np.array(["女", "男", ""]), customers, p=[0.6, 0.3, 0.1])
    frame = pd.DataFrame(
        {
            "会员卡号": ids,
            "性别": gender,
            "生日": np.where(rng.random(customers) < 0.8, pd.Series(born).dt.strftime("%Y-%m-%d"), ""),
            "入会日期": pd.Series(joined).dt.strftime("%Y-%m-%d"),
            "所属门店": rng.choice(np.array([f"门店{i:02d}" for i in range(20)]), customers),
            "积分": rng.integers(0, 20000, customers),
            "会员等级": rng.integers(1, 6, customers),
            "来源": rng.choice(np.array(["门店", "小红书", "抖音", "微信", "朋友推荐"]), customers),
        }
    )
    frame.to_csv(path, index=False)


def ensure_store(lines: int) -> tuple[Path, Path, Path, date]:
    """The sales Parquet, the workspace with members loaded, the candidate Parquet and the as-of day."""
    sys.path.insert(0, str(HERE))
    import duckdb
    from bench_tiers import ensure_parquet, ensure_workspace

    from segcore.ingest import FileSpec, load_files
    from segcore.schema import create_tables
    from segcore.sql import NO_EXTENSIONS

    parquet = ensure_parquet(lines)
    path, frame = workspace_path(lines), candidates_path(lines)
    source = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    sql = "select max(cast(order_date as date)) from read_parquet($p)"
    as_of = source.execute(sql, {"p": str(parquet)}).fetchall()[0][0]
    source.close()
    if not path.exists():
        began = time.perf_counter()
        tiers_ws = ensure_workspace(lines, parquet)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(tiers_ws.read_bytes())
        customers = max(lines // 10, 1)
        csv = OUT / f"persona_members_{customers}.csv"
        members_csv(customers, csv)
        con = duckdb.connect(str(tmp), config=NO_EXTENSIONS)
        create_tables(con)
        con.execute("insert into datasets values ('bench', 'bench', now(), false) on conflict do nothing")
        load_files(con, "bench", [FileSpec(csv, "members")], loaded_at=datetime(2026, 12, 1), access=OWNER)
        con.close()
        csv.unlink()
        tmp.rename(path)
        print(f"built {path.name} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    if not frame.exists():
        from segcore import targets

        con = duckdb.connect(str(path), read_only=True, config=NO_EXTENSIONS)
        table = targets.candidates(con, "bench", as_of)
        con.execute(f"copy (select * exclude (category_in_last_days) from {table}) to '{frame}' (format parquet)")
        con.close()
    return parquet, path, frame, as_of


def _extras(con):
    from segcore.attributes import extra_attributes
    from segcore.targets import CANDIDATE_COLUMNS, FIELDS

    return extra_attributes(con, "bench", {*FIELDS, *CANDIDATE_COLUMNS})


def _cube_from_frame(con, frame: Path):
    from segcore import persona

    con.execute(f"create or replace temp view cands as select * from read_parquet('{frame}')")
    return persona.persona_cube(con, "cands", "tier", _extras(con))


def peer_cube(frame_path: Path, cube, engine: str) -> int:
    """The same counts with pandas or polars: every attribute's values per tier and in the base; the rows made."""
    import numpy as np

    if engine == "pandas":
        import pandas as pd

        frame = pd.read_parquet(frame_path)
        made = 0
        for attribute in cube.attributes:
            column = frame[attribute.column]
            if attribute.bands:
                edges = [b[1] for b in attribute.bands[:-1]]
                values = pd.Series(np.searchsorted(edges, column.astype(float), side="right")).where(column.notna())
            elif attribute.kind == "year":
                values = pd.to_datetime(column).dt.year
            else:
                values = column
            counts = pd.crosstab(values.fillna(-1).astype(str), frame["tier"])
            made += counts.size + len(values.value_counts(dropna=False))
        return made
    import polars as pl

    frame = pl.read_parquet(frame_path)
    made = 0
    for attribute in cube.attributes:
        column = pl.col(attribute.column)
        if attribute.bands:
            edges = [float(b[1]) for b in attribute.bands[:-1]]
            value = column.cast(pl.Float64).cut(edges, left_closed=True).cast(pl.String)
        elif attribute.kind == "year":
            value = column.dt.year().cast(pl.String)
        else:
            value = column.cast(pl.String)
        counts = frame.group_by(pl.col("tier"), value.alias("v")).len()
        made += counts.height + frame.group_by(value.alias("v")).len().height
    return made


def vm_hwm_mib() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def child(case: str, parquet: Path, workspace: Path, frame: Path, as_of: date) -> dict[str, object]:
    import duckdb

    from segcore import persona, targets
    from segcore.sql import NO_EXTENSIONS

    con = duckdb.connect(str(workspace), read_only=True, config=NO_EXTENSIONS)
    cube = _cube_from_frame(con, frame) if case in ("warm", "pandas", "polars") else None
    out: dict[str, object] = {}
    began, cpu = time.perf_counter(), time.process_time()
    if case == "floor":
        sql = "select customer_id, count(*), sum(amount), max(order_date) from read_parquet($p) group by customer_id"
        rows = len(con.execute(sql, {"p": str(parquet)}).df())
    elif case == "first":
        table = targets.candidates(con, "bench", as_of)
        cube = persona.persona_cube(con, table, "tier", _extras(con))
        rows = len(persona.persona(cube, "high_spend"))
    elif case == "cube":
        cube = _cube_from_frame(con, frame)
        rows = len(cube.segments)
    elif case == "warm":
        rows = 0
        for segment in persona.segment_keys("tier"):
            table = persona.persona(cube, segment)
            persona.summary(cube, table, segment, "zh")
            rows += len(table)
    else:
        rows = peer_cube(frame, cube, case)
    out["seconds"] = time.perf_counter() - began
    out["cpu_seconds"] = time.process_time() - cpu
    if case == "warm":  # per segment
        out["seconds"] = float(out["seconds"]) / len(persona.segment_keys("tier"))
        out["cpu_seconds"] = float(out["cpu_seconds"]) / len(persona.segment_keys("tier"))
    out["rss_mb"] = vm_hwm_mib()
    out["rows"] = rows
    con.close()
    return out


def measure(case: str, parquet: Path, workspace: Path, frame: Path, as_of: date) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", case, "--path", str(parquet), "--workspace", str(workspace),
               "--frame", str(frame), "--as-of", as_of.isoformat()]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{case} failed:\n{run.stderr}")
    return json.loads(run.stdout.splitlines()[-1])


LABELS = {
    "floor": "(a) floor: DuckDB group by customer_id over the sales file",
    "first": "(b) first visit: candidates + cube + persona",
    "cube": "(c) cube over the candidate table (a scheme switch)",
    "warm": "(d) warm: persona + sentence, per segment",
    "pandas": "(e) pandas: the same cube from the candidate file",
    "polars": "(f) polars: the same cube from the candidate file",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--frame", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.child, args.path, args.workspace, args.frame, args.as_of)))
        return
    parquet, workspace, frame, as_of = ensure_store(args.lines)
    load_before = os.getloadavg()[0]
    results: dict[str, list[dict[str, object]]] = {case: [] for case in CASES}
    for rep in range(args.reps):
        for case in CASES:
            result = measure(case, parquet, workspace, frame, as_of)
            results[case].append(result)
            print(f"rep {rep + 1} {case}: {result['seconds']:.3f} s, {result['rss_mb']:.0f} MiB", file=sys.stderr)
    load_after = os.getloadavg()[0]

    def med(case: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in results[case])  # type: ignore[arg-type]

    floor, floor_cpu = med("floor", "seconds"), med("floor", "cpu_seconds")
    lines = [
        f"{args.lines:,} sales lines, {args.lines // 10:,} customers (every one a member), as of {as_of}; "
        f"{args.reps} runs per case, fresh process each; "
        f"load average {load_before:.1f} before, {load_after:.1f} after.",
        "",
        "| case | median s | ratio to floor | CPU s | CPU ratio to floor | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for case in CASES:
        seconds, cpu = med(case, "seconds"), med(case, "cpu_seconds")
        peak = max(float(r["rss_mb"]) for r in results[case])  # type: ignore[arg-type]
        lines.append(f"| {LABELS[case]} | {seconds:.3f} | {seconds / floor:.2f}x | {cpu:.3f} | {cpu / floor_cpu:.2f}x "
                     f"| {peak:.0f} |")  # fmt: skip
    warm = med("warm", "seconds")
    lines += [
        "",
        f"- Warm persona under 1 s at 1M customers: **{'met' if warm < 1 else 'missed'}** ({warm:.3f} s per segment "
        "in segcore; the page's warm run, with Streamlit, is in the Pages section).",
        f"- The cube against pandas and polars doing the same counts: {med('cube', 'seconds'):.2f} s vs "
        f"{med('pandas', 'seconds'):.2f} s (pandas) and {med('polars', 'seconds'):.2f} s (polars).",
    ]
    print("\n".join(lines))
    if not args.no_write:
        section = "\n".join([SECTION, "", *lines]) + "\n"
        text = RESULTS.read_text(encoding="utf-8")
        start = text.find("\n" + SECTION + "\n")
        if start < 0:
            text = text.rstrip("\n") + "\n\n" + section
        else:
            end = text.find("\n## ", start + 2)
            text = text[: start + 1] + section + (text[end:] if end >= 0 else "")
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
