"""`--dataset NAME [--workspace FILE]`: the analysis commands run on data already loaded with `ingest`, and give
exactly what the same command gives on the files themselves (`--sales`).

The store is the hand-typed one of tests/test_cli_tiers.py, whose tier table was worked out by hand there.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import fastexcel
import pandas as pd
import pytest

from tests.test_cli_tiers import EXPECTED, EXTRA_COLUMNS, FIRST_COLUMNS, MEMBERS_CSV, SALES_CSV, expected_rows, rows

ROOT = Path(__file__).resolve().parents[1]

# A campaign list over the store: who got the offer and who was held out.
CAMPAIGN_CSV = """\
customer_id,group,tier
C1,treatment,loyal
C2,treatment,high_spend
C3,control,sleeping
C4,treatment,silent
C5,control,promo_chaser
"""


def cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m segcore <args>` as a user runs it (English messages, no developer traceback switch)."""
    base = {k: v for k, v in os.environ.items() if k not in ("SEGCORE_DEBUG", "SEGCORE_WORKSPACE")}
    return subprocess.run(
        [sys.executable, "-m", "segcore", *map(str, args)],
        cwd=ROOT,
        env={**base, "SEGCORE_LANG": "en", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The typed-in files and a workspace (ws.duckdb) with them loaded as dataset `shop`."""
    folder = tmp_path_factory.mktemp("store")
    (folder / "sales.csv").write_text(SALES_CSV, encoding="utf-8")
    (folder / "members.csv").write_text(MEMBERS_CSV, encoding="utf-8")
    (folder / "campaign.csv").write_text(CAMPAIGN_CSV, encoding="utf-8")
    loaded = cli(
        "ingest", "--dataset", "shop", "--sales", folder / "sales.csv", "--members", folder / "members.csv",
        "--workspace", folder / "ws.duckdb",
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    return folder


# Each command with its own options (the same with --sales and with --dataset) and the files it writes.
COMMANDS = {
    "tiers": ("--as-of 2024-06-30 --out {out}/tiers.csv", ["tiers.csv"]),
    "tiers_xlsx": ("--as-of 2024-05-31 --out {out}/tiers.xlsx", ["tiers.xlsx"]),
    "migration": ("--start 2024-01-01 --end 2024-06-30 --every month --out {out}/moves.csv", ["moves.csv"]),
    "targets": (
        "--where 'frequency >= 1' --exclude none --holdout 0.4 --name spring "
        "--out {out}/list.csv --control-out {out}/control.xlsx",
        ["list.csv", "control.xlsx"],
    ),
    "lift": (
        "--campaign {store}/campaign.csv --start 2024-05-01 --end 2024-06-30 --out {out}/lift.json",
        ["lift.json"],
    ),
    "report": ("--name 'My shop' --lang en --out {out}/weekly.html", ["weekly.html"]),
}


def _run(store: Path, command: str, data: list[str | Path], out: Path) -> subprocess.CompletedProcess[str]:
    options, _ = COMMANDS[command]
    out.mkdir(exist_ok=True)
    filled = [o.format(out=out, store=store) for o in shlex.split(options)]
    return cli(command.removesuffix("_xlsx"), *data, *filled)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_dataset_gives_the_same_files_as_the_sales_files(store: Path, command: str, tmp_path: Path) -> None:
    by_files = _run(
        store, command, ["--sales", store / "sales.csv", "--members", store / "members.csv"], tmp_path / "f"
    )
    by_dataset = _run(store, command, ["--dataset", "shop", "--workspace", store / "ws.duckdb"], tmp_path / "d")
    assert (by_files.returncode, by_files.stderr) == (0, "")
    assert (by_dataset.returncode, by_dataset.stderr) == (0, "")
    assert by_dataset.stdout.replace(str(tmp_path / "d"), "OUT") == by_files.stdout.replace(str(tmp_path / "f"), "OUT")
    for name in COMMANDS[command][1]:
        written = _content(tmp_path / "d" / name)
        assert len(written) > 100, name
        assert written == _content(tmp_path / "f" / name), name


def _content(path: Path) -> bytes:
    """A file's bytes; for XLSX every part but docProps/core.xml (it holds the moment the file was written), and the
    campaign id on the rules sheet as cmp-ID: it is a hash of the dataset id, "cli" for a run on files."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as book:
        names = [name for name in sorted(book.namelist()) if name != "docProps/core.xml"]
        parts = b"".join(name.encode() + book.read(name) for name in names)
    assert len(re.findall(rb"<t>cmp-[0-9a-f]{12}</t>", parts)) == (1 if b"Campaign ID" in parts else 0)
    return re.sub(rb"<t>cmp-[0-9a-f]{12}</t>", b"<t>cmp-ID</t>", parts)


def test_dataset_tier_table_has_the_hand_worked_values(store: Path, tmp_path: Path) -> None:
    run = cli("tiers", "--dataset", "shop", "--workspace", store / "ws.duckdb", "--out", tmp_path / "t.csv")
    assert (run.returncode, run.stderr, run.stdout) == (
        0,
        "",
        f"7 customers as of 2024-06-30 -> {tmp_path / 't.csv'}\n",
    )
    frame = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert list(frame["customer_id"]) == list(EXPECTED)
    assert rows(frame, FIRST_COLUMNS[1:] + EXTRA_COLUMNS) == expected_rows(EXPECTED)


def test_default_workspace_is_the_one_ingest_and_the_app_use(store: Path, tmp_path: Path) -> None:
    run = cli(
        "tiers", "--dataset", "shop", "--out", tmp_path / "t.csv", env={"SEGCORE_WORKSPACE": str(store / "ws.duckdb")}
    )
    assert (run.returncode, run.stderr) == (0, "")
    elsewhere = cli(
        "tiers",
        "--dataset",
        "shop",
        "--out",
        tmp_path / "u.csv",
        env={"SEGCORE_WORKSPACE": str(tmp_path / "no.duckdb")},
    )
    assert elsewhere.returncode == 2


def test_an_export_that_cannot_be_recorded_is_not_written(store: Path, tmp_path: Path) -> None:
    """Every export read from a workspace is recorded in its export log first: while another program holds the file
    (here a reader, so the record cannot be written) the command stops with one line and writes no file."""
    workspace = tmp_path / "ws.duckdb"
    shutil.copy(store / "ws.duckdb", workspace)
    other = duckdb.connect(str(workspace), read_only=True)
    try:
        run = cli(
            "targets", "--dataset", "shop", "--workspace", workspace, "--exclude", "none", "--out", tmp_path / "l.csv",
            env={"SEGCORE_WAIT_SECONDS": "0"},
        )  # fmt: skip
    finally:
        other.close()
    assert run.returncode == 2 and "another program is updating" in run.stderr.lower()
    assert not (tmp_path / "l.csv").exists()


def test_a_dataset_export_is_recorded_with_the_os_user_and_its_campaign_stays_in_memory(
    store: Path, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws.duckdb"
    shutil.copy(store / "ws.duckdb", workspace)
    run = cli(
        "targets", "--dataset", "shop", "--workspace", workspace, "--where", "frequency >= 1", "--exclude", "none",
        "--holdout", "0.4", "--name", "spring", "--out", tmp_path / "l.csv", "--control-out", tmp_path / "c.xlsx",
    )  # fmt: skip
    assert (run.returncode, run.stderr) == (0, "")
    sent = pd.read_csv(tmp_path / "l.csv", encoding="utf-8-sig", dtype=str)
    held = fastexcel.read_excel(str(tmp_path / "c.xlsx")).load_sheet(0).to_pandas()
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        assert con.execute("select count(*) from campaigns").fetchall() == [(0,)]
        log = con.execute(
            "select user_name, role, via, dataset_id, kind, subject, file_name, rows, phones, names from export_log "
            "where file_name in ('l.csv', 'c.xlsx') order by kind desc"
        ).fetchall()
    finally:
        con.close()
    user = getpass.getuser()
    assert log == [
        (user, "owner", "cli", "shop", "treatment_list", "spring", "l.csv", len(sent), "masked", "full"),
        (user, "owner", "cli", "shop", "control_list", "spring", "c.xlsx", len(held), "masked", "full"),
    ]
    matched = re.match(r"(\d+) customers matched", run.stdout)
    assert matched and len(sent) + len(held) == int(matched.group(1)) > 0


def test_a_run_on_files_records_nothing(store: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws.duckdb"
    shutil.copy(store / "ws.duckdb", workspace)
    before = _export_count(workspace)
    run = cli(
        "tiers", "--sales", store / "sales.csv", "--out", tmp_path / "t.csv", env={"SEGCORE_WORKSPACE": str(workspace)}
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert _export_count(workspace) == before
    by_dataset = cli("tiers", "--dataset", "shop", "--workspace", workspace, "--out", tmp_path / "d.csv")
    assert (by_dataset.returncode, _export_count(workspace)) == (0, before + 1)


def _export_count(workspace: Path) -> int:
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        row = con.execute("select count(*) from export_log").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def test_a_busy_workspace_is_one_line_and_exit_2(store: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws.duckdb"
    shutil.copy(store / "ws.duckdb", workspace)
    writer = duckdb.connect(str(workspace))  # another program writing to the file
    try:
        run = cli(
            "tiers", "--dataset", "shop", "--workspace", workspace, "--out", tmp_path / "t.csv",
            env={"SEGCORE_WAIT_SECONDS": "0"},
        )  # fmt: skip
    finally:
        writer.close()
    assert run.returncode == 2
    assert run.stderr.splitlines() == [run.stderr.strip()] and run.stderr.startswith("error: ")
    assert "another program is updating" in run.stderr.lower() and "Traceback" not in run.stderr
    assert not (tmp_path / "t.csv").exists()


@pytest.fixture(scope="module")
def named(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with more datasets, their names set as another program (or a later app) may set them:
    shop (named shop), d2 and d3 both named "Main street", corner (named "Corner", shop's sales), and d5 named
    "shop" with no sales at all."""
    workspace = tmp_path_factory.mktemp("named") / "ws.duckdb"
    shutil.copy(store / "ws.duckdb", workspace)
    con = duckdb.connect(str(workspace))
    try:
        for dataset_id, name in (("d2", "Main street"), ("d3", "Main street"), ("corner", "Corner"), ("d5", "shop")):
            con.execute(
                "insert into datasets values (?, ?, timestamp '2024-07-01 09:00:00', false)", [dataset_id, name]
            )
        con.execute("insert into sales select * replace ('corner' as dataset_id) from sales where dataset_id = 'shop'")
    finally:
        con.close()
    return workspace


def test_a_dataset_is_found_by_its_exact_name(named: Path, tmp_path: Path) -> None:
    by_name = cli("tiers", "--dataset", "Corner", "--workspace", named, "--out", tmp_path / "corner.csv")
    by_id = cli("tiers", "--dataset", "shop", "--workspace", named, "--out", tmp_path / "shop.csv")
    assert (by_name.returncode, by_name.stderr, by_id.returncode, by_id.stderr) == (0, "", 0, "")
    # corner has shop's sales but no members: the same customers less the members-only one (M9)
    corner = pd.read_csv(tmp_path / "corner.csv", encoding="utf-8-sig")
    assert list(corner["customer_id"]) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    # the id comes first: "shop" is dataset shop (7 customers), not d5, which is named shop but has no sales
    assert len(pd.read_csv(tmp_path / "shop.csv", encoding="utf-8-sig")) == 7


# (arguments, what the one line says); {tmp} is the test's folder, {ws} the workspace with several datasets
BAD_DATA_ARGS = {
    "unknown-dataset": ("--dataset nope", "There is no dataset nope in"),
    "ambiguous-name": ("--dataset 'Main street'", "Several datasets are named Main street (d2, d3)"),
    "missing-workspace": ("--dataset shop --workspace {tmp}/missing.duckdb", "There is no workspace at"),
    "both": ("--dataset shop --sales {tmp}/s.csv", "Give either --sales"),
    "neither": ("", "Give the data: --sales FILE"),
    "members-with-dataset": ("--dataset shop --members {tmp}/m.csv", "--members describes files"),
    "map-with-dataset": ("--dataset shop --map amount=x", "--map describes files"),
    "workspace-with-sales": ("--sales {tmp}/s.csv --workspace {ws}", "--workspace goes with --dataset"),
}


@pytest.mark.parametrize(("args", "needle"), list(BAD_DATA_ARGS.values()), ids=list(BAD_DATA_ARGS))
@pytest.mark.parametrize("command", ["tiers", "migration", "targets", "lift", "report"])
def test_bad_data_arguments_are_one_line_and_exit_2(
    named: Path, tmp_path: Path, command: str, args: str, needle: str
) -> None:
    (tmp_path / "s.csv").write_text(SALES_CSV, encoding="utf-8")
    extra = {
        "tiers": ["--out", "{tmp}/o.csv"],
        "migration": ["--start", "2024-01-01", "--end", "2024-06-30", "--every", "month", "--out", "{tmp}/o.csv"],
        "targets": ["--out", "{tmp}/o.csv"],
        "lift": ["--campaign", "{tmp}/c.csv", "--start", "2024-05-01", "--end", "2024-06-30", "--out", "{tmp}/o.csv"],
        "report": ["--out", "{tmp}/o.html"],
    }[command]
    workspace = [] if "--workspace" in args or "--sales" in args else ["--workspace", str(named)]
    filled = [a.format(tmp=tmp_path, ws=named) for a in [*shlex.split(args), *workspace, *extra]]
    (tmp_path / "c.csv").write_text(CAMPAIGN_CSV, encoding="utf-8")
    run = cli(command, *filled)
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("error: "), run.stderr
    assert needle in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "o.html").exists()


def test_unknown_dataset_lists_the_known_ones(named: Path, tmp_path: Path) -> None:
    run = cli("tiers", "--dataset", "Shop", "--workspace", named, "--out", tmp_path / "o.csv")
    assert run.stderr == (
        f"error: There is no dataset Shop in {named}; its datasets: "
        "corner (Corner), d2 (Main street), d3 (Main street), d5 (shop), shop.\n"  # oldest first; shop is today's
    )
