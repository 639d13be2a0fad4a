"""Page benchmark: server-side seconds of each page's first visit and warm re-render, and of the slow actions.

Run: .venv/bin/python bench/bench_pages.py [--lines 1000000] [--root CHECKOUT] [--no-write]

The store is bench_tiers' synthetic sales file (bench/out/tiers_sales_<lines>_v1.parquet, generated if absent),
loaded once into a workspace file as the dataset 'bench' (sales lines, order days, a datasets and a loads row: what
a load writes; bench/out/pages_ws_<lines>.duckdb, git-ignored). A load of a large dataset is followed in the app
by its preparation in the background (segcore.prepared: the default view's tier tables and states); the bench
does the same once, in a child process, on a copy (bench/out/pages_ws_<lines>_prepared.duckdb) and reports it
as the "prepare" line (wall and CPU seconds, peak RSS; kept beside the file in a .json). `--unprepared` times the
store as a load left it before this preparation existed. Each scenario runs in a fresh process on a fresh copy of
that file (empty Streamlit caches), drives the app with streamlit.testing's AppTest (the same script runs a
browser session would make, without the browser) and reports:

- first: the first run of the page (or the first time the action is done: every cache cold);
- warm: the same page run again (or the action done again once its inputs have been seen; for a target filter, a
  change to a filter value not chosen before, since that is what a user does);
- peak RSS: the process's high-water mark (VmHWM) at the end of the scenario.

`--root` times another checkout (e.g. an export of the previous commit) with the same driver; its modules are
imported from there. The table is printed and, unless --no-write, written into bench/RESULTS.md under "## Pages".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
RESULTS = HERE / "RESULTS.md"
DATASET = "bench"
TIMEOUT = 3600  # seconds per AppTest run

# scenario -> the rows it reports: (label, key of the first timing, key of the warm timing)
SCENARIOS: dict[str, list[tuple[str, str, str]]] = {
    "overview": [("Overview: visit", "visit_first", "visit_warm")],
    "segments": [
        ("Segments: visit", "visit_first", "visit_warm"),
        ("Segments: switch scheme", "scheme_first", "scheme_warm"),
        ("Segments: open a customer", "customer_first", "customer_warm"),
    ],
    "migration": [
        ("Migration: visit", "visit_first", "visit_warm"),
        ("Migration: change the period", "period_first", "period_warm"),
    ],
    "targets": [
        ("Targets: visit", "visit_first", "visit_warm"),
        ("Targets: change a filter (first change / a later one)", "filter_first", "filter_warm"),
    ],
    "personas": [
        ("Personas: visit", "visit_first", "visit_warm"),
        ("Personas: pick another segment", "segment_first", "segment_warm"),
    ],
    "weekly": [
        ("Weekly review: visit", "visit_first", "visit_warm"),
        ("Weekly review: step presentation mode", "step_first", "step_warm"),
    ],
}


# --- the workspace ---------------------------------------------------------------------------------------------


def ensure_workspace(lines: int) -> Path:
    """A workspace file holding the bench sales as the dataset 'bench' (built once, not timed)."""
    sys.path.insert(0, str(HERE))
    import duckdb
    from bench_tiers import ensure_parquet, load_sales

    from segcore.schema import create_tables
    from segcore.sql import NO_EXTENSIONS

    path = OUT / f"pages_ws_{lines}.duckdb"
    if path.exists():
        return path
    parquet = ensure_parquet(lines)
    began = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp), config=NO_EXTENSIONS)
    create_tables(con)
    con.execute("insert into datasets values ($d, $d, now(), false)", {"d": DATASET})
    load_sales(con, parquet)  # the sales lines and the order days, as a load writes them
    con.execute(
        """
        insert into loads
        select $d, $d, 'sales', $file, null, count(*), count(*), 0, now()
        from sales
        where dataset_id = $d
        """,
        {"d": DATASET, "file": parquet.name},
    )
    con.close()
    tmp.rename(path)
    print(f"built {path.name} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return path


def ensure_prepared(lines: int, base: Path) -> tuple[Path, dict[str, float]]:
    """The workspace as the app leaves it once the background preparation after the load is done (built once, in a
    child process; its timing is kept in a .json beside it)."""
    path = OUT / f"pages_ws_{lines}_prepared.duckdb"
    timing = path.with_suffix(".json")
    if path.exists() and timing.exists() and _still_prepared(path):
        return path, json.loads(timing.read_text())
    tmp = path.with_suffix(".tmp")
    shutil.copy(base, tmp)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-prepare", str(tmp)]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"prepare failed:\n{done.stderr[-3000:]}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    tmp.rename(path)
    timing.write_text(json.dumps(got))
    return path, got


def _still_prepared(path: Path) -> bool:
    """Whether a kept prepared workspace is current for this checkout's code (a change of what prepare stores, or
    of the rules SQL, makes new keys: the file is then prepared again)."""
    import duckdb

    from segcore.prepared import is_prepared
    from segcore.tier_rules import load_rules

    with duckdb.connect(str(path), read_only=True) as con:
        return is_prepared(con, DATASET, load_rules(con))


def child_prepare(file: Path) -> dict[str, Any]:
    """segcore.prepared.prepare on a workspace file: wall and CPU seconds, peak RSS and the steps' seconds."""
    from segcore.prepared import prepare
    from segcore.workspace import Workspace

    ws = Workspace(file)
    cpu, began = time.process_time(), time.perf_counter()
    report = prepare(ws.writer, DATASET)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    ws.close()
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mib": vm_hwm_mib(), "steps": report.to_dict()["seconds"]}


# --- one scenario, in a child process --------------------------------------------------------------------------


def vm_hwm_mib() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def timed(at: Any, act: Callable[[], Any]) -> float:
    """Seconds of one script run started by `act` (which calls .run()); an exception in the page fails the bench."""
    began = time.perf_counter()
    act()
    seconds = time.perf_counter() - began
    if at.exception:
        raise RuntimeError(f"the page failed: {[e.value for e in at.exception]}")
    return seconds


def some_customer() -> str:
    """A customer of the bench dataset (read between script runs, when the app holds no connection)."""
    import duckdb

    with duckdb.connect(os.environ["SEGCORE_WORKSPACE"], read_only=True) as con:
        row = con.execute("select min(customer_id) from order_days where dataset_id = $d", {"d": DATASET}).fetchall()
    return str(row[0][0])


def child(scenario: str, app_file: Path) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(app_file), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    out: dict[str, float] = {}
    if scenario == "overview":
        out["visit_first"] = timed(at, at.run)
        out["visit_warm"] = timed(at, at.run)
        return out
    at.run()  # the frame and the Overview page (not timed)
    page = {"weekly": "pages/weekly.py"}.get(scenario, f"pages/{scenario}.py")
    out["visit_first"] = timed(at, lambda: at.switch_page(page).run())
    timed(at, at.run)  # the first rerun may still fill caches another run wrote (e.g. after a cache write)
    out["visit_warm"] = timed(at, at.run)
    if scenario == "segments":
        out["scheme_first"] = timed(at, lambda: at.segmented_control(key="seg_scheme").set_value("rfm").run())
        timed(at, lambda: at.segmented_control(key="seg_scheme").set_value("tier").run())
        out["scheme_warm"] = timed(at, lambda: at.segmented_control(key="seg_scheme").set_value("rfm").run())
        # a customer is opened by picking their row in the members table (the row selection sets seg_customer)
        customer = some_customer()

        def pick(value: str | None) -> Any:
            at.session_state["seg_customer"] = value
            return at.run()

        out["customer_first"] = timed(at, lambda: pick(customer))
        timed(at, lambda: pick(None))
        out["customer_warm"] = timed(at, lambda: pick(customer))
    elif scenario == "migration":
        box = at.selectbox(key="mig_from_week")
        earlier, default = box.options[0], box.value
        out["period_first"] = timed(at, lambda: at.selectbox(key="mig_from_week").set_value(earlier).run())
        timed(at, lambda: at.selectbox(key="mig_from_week").set_value(default).run())
        out["period_warm"] = timed(at, lambda: at.selectbox(key="mig_from_week").set_value(earlier).run())
    elif scenario == "targets":
        out["filter_first"] = timed(at, lambda: at.multiselect(key="tgt_tier").set_value(["high_spend"]).run())
        out["filter_warm"] = timed(at, lambda: at.multiselect(key="tgt_tier").set_value(["loyal", "regular"]).run())
    elif scenario == "personas":
        pick = at.selectbox(key="per_segment_tier")
        before = pick.value
        other = "regular" if before != "regular" else "high_spend"
        out["segment_first"] = timed(at, lambda: at.selectbox(key="per_segment_tier").set_value(other).run())
        timed(at, lambda: at.selectbox(key="per_segment_tier").set_value(before).run())
        out["segment_warm"] = timed(at, lambda: at.selectbox(key="per_segment_tier").set_value(other).run())
    elif scenario == "weekly":
        at.toggle(key="wk_present").set_value(True).run()
        out["step_first"] = timed(at, lambda: at.button(key="wk_next").click().run())
        timed(at, lambda: at.button(key="wk_prev").click().run())
        out["step_warm"] = timed(at, lambda: at.button(key="wk_next").click().run())
    return out


def run_child(scenario: str, root: Path, workspace: Path) -> dict[str, float]:
    """One scenario in a fresh process on a fresh copy of the workspace."""
    with tempfile.TemporaryDirectory(prefix="bench_pages_") as folder:
        copy = Path(folder) / "segcore.duckdb"
        shutil.copy(workspace, copy)
        env = {**os.environ, "SEGCORE_WORKSPACE": str(copy), "PYTHONPATH": str(root)}
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", scenario, "--root", str(root)]
        done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{scenario} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report ------------------------------------------------------------------------------------------------


def table(results: dict[str, dict[str, float]]) -> list[str]:
    rows = ["| page or action | first visit s | warm s | peak RSS MiB (scenario) |", "|---|---:|---:|---:|"]
    for scenario, reported in SCENARIOS.items():
        if scenario not in results:
            continue
        got = results[scenario]
        for i, (label, first, warm) in enumerate(reported):
            rss = f"{got['peak_rss_mib']:,.0f}" if i == 0 else ""
            rows.append(f"| {label} | {got[first]:.2f} | {got[warm]:.2f} | {rss} |")
    return rows


def machine() -> str:
    import duckdb
    import pandas as pd
    import streamlit

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"Run {date.today().isoformat()} on nproc {os.cpu_count()}, memory {memory:.1f} GiB; Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}, pandas {pd.__version__}, Streamlit "
        f"{streamlit.__version__}; load average (1 min) at the end {load:.1f}."
    )


def write_results(section: list[str]) -> None:
    """Replace (or add) the "## Pages" section of bench/RESULTS.md, keeping the others."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    head, sep, rest = text.partition("\n## Pages\n")
    tail = ""
    if sep:
        after = rest.find("\n## ")
        tail = rest[after:] if after >= 0 else ""
    RESULTS.write_text(head.rstrip("\n") + "\n\n" + "\n".join(section) + "\n" + tail.lstrip("\n"), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000, help="store size in sales lines (1000000 is quick)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app is timed")
    parser.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    parser.add_argument("--unprepared", action="store_true", help="time the store without the preparation")
    parser.add_argument("--child", choices=list(SCENARIOS), help=argparse.SUPPRESS)
    parser.add_argument("--child-prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    root = args.root.resolve()
    if args.child_prepare:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(child_prepare(args.child_prepare)))
        return
    if args.child:
        sys.path.insert(0, str(root))
        out = child(args.child, root / "app.py")
        print(json.dumps({**out, "peak_rss_mib": vm_hwm_mib()}), flush=True)
        # an unprepared store starts the app's background preparation (a daemon thread inside DuckDB): exit without
        # the interpreter's teardown, which would end that thread mid-query (C++ terminate)
        os._exit(0)
    sys.path.insert(0, str(ROOT))
    workspace = ensure_workspace(args.lines)
    prep: dict[str, Any] | None = None
    if not args.unprepared:
        workspace, prep = ensure_prepared(args.lines, workspace)
        print("prepare", json.dumps(prep), file=sys.stderr, flush=True)
    results = {}
    for scenario in args.scenarios:
        results[scenario] = run_child(scenario, root, workspace)
        print(scenario, json.dumps(results[scenario]), file=sys.stderr, flush=True)
    rows = table({s: results.get(s, {}) for s in args.scenarios}) if set(args.scenarios) == set(SCENARIOS) else []
    for scenario in args.scenarios:
        print(scenario, results[scenario])
    if prep is not None:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in prep["steps"].items())
        rows += [
            "",
            f"Prepare (the background work after a load, `python -m segcore prepare`, run once before the scenarios): "
            f"{prep['wall_s']:.1f} s wall, {prep['cpu_s']:.1f} s CPU, peak RSS {prep['peak_rss_mib']:,.0f} MiB; "
            f"steps: {steps}.",
        ]
    print("\n".join(rows))
    if rows and not args.no_write:
        customers = max(args.lines // 10, 1)
        write_results(
            [
                "## Pages",
                "",
                f"**Store size: {args.lines:,} sales lines, {customers:,} customers** (bench_tiers' synthetic file; "
                f"`bench/bench_pages.py --lines {args.lines}`). {machine()}",
                "",
                "Server-side seconds of one AppTest script run (no browser): first = a freshly started server (cold "
                "Streamlit caches) on the workspace as a load leaves it"
                + (" (no preparation)" if args.unprepared else ", after the background preparation (segcore.prepared)")
                + "; warm = the same run again. Each page in a fresh process on a fresh copy "
                "of the workspace; peak RSS is that process's high-water mark.",
                "",
                *rows,
            ]
        )


if __name__ == "__main__":
    main()
