"""The workspace file is shared with other programs: the CLI runs beside the app, a writer that must wait says so,
and a path that is not a workspace file is refused with a clear reason."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from segcore.access import owner
from segcore.cli import main
from segcore.errors import InputError
from segcore.ingest import load_file
from segcore.workspace import Workspace

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
LOADED_AT = datetime(2026, 11, 22, 12, 0)
SALES = "customer_id,order_id,order_date,amount\nann,o1,2026-01-05,10.50\nbob,o2,2026-01-06,20.00\n"
WAITING = "waiting for the workspace (another program is writing to it)…"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGCORE_LANG", "en")
    monkeypatch.delenv("SEGCORE_WORKSPACE", raising=False)


@pytest.fixture
def ws_file(tmp_path: Path) -> Path:
    """A workspace file with one dataset 'shop' (2 lines), not held by anyone."""
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES, encoding="utf-8")
    path = tmp_path / "ws.duckdb"
    with Workspace(path).writer() as con:
        load_file(con, "shop", sales, "sales", loaded_at=LOADED_AT, access=OWNER)
    return path


def _cli(*args: str, wait: float = 20) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEGCORE_LANG": "en", "SEGCORE_WAIT_SECONDS": str(wait)}
    return subprocess.run(
        [sys.executable, "-m", "segcore", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""


@contextmanager
def held_by_another_process(path: Path, seconds: float, mode: str = "rw") -> Iterator[subprocess.Popen[str]]:
    """Another process opens the file (read-write: locks everyone out) for `seconds`, then lets go."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), mode, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.kill()
        proc.wait()


# --- a workspace path that is not a DuckDB file ------------------------------------------------------------------


def test_an_existing_csv_is_refused_as_workspace_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES, encoding="utf-8")
    code = main(["ingest", "--dataset", "shop", "--sales", str(sales), "--workspace", str(sales)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    reason = "is not a workspace file (a DuckDB database): give the path of a .duckdb file, or of a new one."
    assert err == f"error: {sales} {reason}\n"
    assert sales.read_text(encoding="utf-8") == SALES


def test_a_folder_is_refused_as_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets", "--workspace", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: The workspace {tmp_path} is a folder: give the path of a workspace file")
    assert "another program" not in err


@pytest.mark.parametrize("name", ["new.csv", "new.xlsx", "new.parquet"])
def test_a_new_workspace_named_like_a_data_file_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError) as caught:
        Workspace(tmp_path / name)
    assert caught.value.code == "workspace_not_duckdb"
    assert not (tmp_path / name).exists()


def test_an_empty_file_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "ws.duckdb").write_bytes(b"")
    with pytest.raises(InputError) as caught:
        Workspace(tmp_path / "ws.duckdb")
    assert caught.value.code == "workspace_not_duckdb"


def test_reading_a_workspace_that_does_not_exist_says_so_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["datasets", "--workspace", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err.startswith(f"error: There is no workspace at {tmp_path / 'none.duckdb'} yet")
    assert not (tmp_path / "none.duckdb").exists()


# --- the CLI beside the app ---------------------------------------------------------------------------------------


def test_the_cli_reads_a_workspace_the_app_process_has_open_and_used(ws_file: Path) -> None:
    workspace = Workspace(ws_file)  # as the app's process-wide workspace: created, used, kept
    assert workspace.dataset_ids() == ["shop"]
    first = _cli("datasets", "--workspace", str(ws_file), wait=0)
    with workspace.reader() as con:  # used again between two CLI runs
        assert con.execute("select count(*) from sales").fetchone() == (2,)
    second = _cli("datasets", "--workspace", str(ws_file), wait=0)
    for result in (first, second):
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.splitlines()[1].split()[:2] == ["shop", "False"]


def test_a_cli_writer_runs_between_two_uses_by_the_app_process(ws_file: Path, tmp_path: Path) -> None:
    workspace = Workspace(ws_file)
    assert workspace.dataset_ids() == ["shop"]
    more = tmp_path / "more.csv"
    more.write_text("customer_id,order_id,order_date,amount\ncat,o9,2026-02-01,5.00\n", encoding="utf-8")
    result = _cli("ingest", "--dataset", "more", "--sales", str(more), "--workspace", str(ws_file), wait=0)
    assert (result.returncode, result.stderr) == (0, "")
    assert workspace.dataset_ids() == ["shop", "more"]


def test_datasets_opens_read_only_beside_another_reader(ws_file: Path) -> None:
    with held_by_another_process(ws_file, 60, mode="ro"):
        result = _cli("datasets", "--workspace", str(ws_file), wait=0)
    assert (result.returncode, result.stderr) == (0, "")
    assert "shop" in result.stdout


def test_the_cli_waits_for_a_script_run_of_the_app_and_says_so(ws_file: Path) -> None:
    workspace = Workspace(ws_file)
    with workspace.session():  # a script run in progress holds the file
        proc = subprocess.Popen(
            [sys.executable, "-m", "segcore", "datasets", "--workspace", str(ws_file)],
            cwd=ROOT,
            env={**os.environ, "SEGCORE_LANG": "en", "SEGCORE_WAIT_SECONDS": "30"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        assert proc.stderr.readline() == WAITING + "\n"  # it waits while the run goes on
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, "")
    assert "shop" in out


def test_a_cli_writer_waits_for_another_writer_then_loads(ws_file: Path, tmp_path: Path) -> None:
    more = tmp_path / "more.csv"
    more.write_text("customer_id,order_id,order_date,amount\ncat,o9,2026-02-01,5.00\n", encoding="utf-8")
    with held_by_another_process(ws_file, 3) as holder:
        result = _cli("ingest", "--dataset", "more", "--sales", str(more), "--workspace", str(ws_file), wait=60)
        holder.wait(timeout=60)
    assert (result.returncode, result.stderr) == (0, WAITING + "\n")
    assert result.stdout.startswith("more.csv: read 1, kept 1")
    assert Workspace(ws_file).dataset_ids() == ["shop", "more"]


def test_a_cli_writer_that_waited_too_long_says_the_data_is_being_updated(ws_file: Path, tmp_path: Path) -> None:
    more = tmp_path / "more.csv"
    more.write_text("customer_id,order_id,order_date,amount\ncat,o9,2026-02-01,5.00\n", encoding="utf-8")
    with held_by_another_process(ws_file, 60):
        result = _cli("ingest", "--dataset", "more", "--sales", str(more), "--workspace", str(ws_file), wait=1)
        busy = _cli("datasets", "--workspace", str(ws_file), wait=1)
    expected = (
        f"{WAITING}\nerror: Another program is updating the data in the workspace {ws_file}; try again in a moment.\n"
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", expected)
    assert (busy.returncode, busy.stderr) == (2, expected)


def test_waiting_is_bounded_and_reported_once(ws_file: Path) -> None:
    told: list[str] = []
    workspace = Workspace(ws_file, patience=1.0, on_wait=lambda: told.append("waiting"))
    with held_by_another_process(ws_file, 60):
        started = time.monotonic()
        with pytest.raises(InputError) as caught:
            workspace.datasets()
        waited = time.monotonic() - started
    assert caught.value.code == "workspace_busy"
    assert "PID" not in caught.value.message("en") and "PID" not in caught.value.message("zh")
    assert caught.value.message("zh") == f"另一个程序正在更新工作区 {ws_file} 的数据，请稍后再试。"
    assert told == ["waiting"]
    assert 1.0 <= waited < 5.0


def test_nothing_is_held_between_uses(ws_file: Path) -> None:
    workspace = Workspace(ws_file)
    workspace.datasets()
    with workspace.writer() as con:
        con.execute("insert into settings values ('k', 'v')")
    with held_by_another_process(ws_file, 0.1):  # would fail to open if this process still held the file
        pass


# --- the demo store is built all or nothing -----------------------------------------------------------------------


class _TabClosed(BaseException):
    """What Streamlit raises in a script run whose browser tab went away (not an Exception)."""


def _demo_counts(path: Path) -> tuple[int, int, int, int, int]:
    with Workspace(path).reader() as con:
        row = con.execute("""
            select (select count(*) from datasets), (select count(*) from sales), (select count(*) from members),
                   (select count(*) from campaigns), (select count(*) from campaign_members)
        """).fetchone()
    assert row is not None
    return row  # type: ignore[return-value]


def _file_rows(path: Path) -> int:
    return len(path.read_text(encoding="utf-8-sig").splitlines()) - 1


def test_a_demo_build_stopped_half_way_leaves_nothing_and_the_next_start_builds_it_whole(tmp_path: Path) -> None:
    from segcore.bootstrap import ensure_demo_dataset

    def close_the_tab(fraction: float, stage: str) -> None:
        if stage == "demo_campaign":  # sales and members are loaded by now
            raise _TabClosed

    path = tmp_path / "ws.duckdb"
    with pytest.raises(_TabClosed):
        ensure_demo_dataset(Workspace(path), tmp_path / "demo", LOADED_AT, close_the_tab)
    assert _demo_counts(path) == (0, 0, 0, 0, 0)
    assert ensure_demo_dataset(Workspace(path), tmp_path / "demo", LOADED_AT) is True
    # 20,000 members and a campaign list of 3,000 (demo.py's brief); every line of the sales file
    assert _demo_counts(path) == (1, _file_rows(tmp_path / "demo" / "sales.csv"), 20_000, 1, 3_000)


def test_a_half_built_demo_from_an_earlier_version_is_built_again(tmp_path: Path) -> None:
    from segcore.bootstrap import ensure_demo_dataset
    from segcore.demo import write_demo_store

    files = write_demo_store(tmp_path / "demo")
    path = tmp_path / "ws.duckdb"
    with Workspace(path).writer() as con:  # what the tab closed during "loading the demo members" left behind
        load_file(con, "demo", files.sales, "sales", loaded_at=LOADED_AT, is_demo=True, access=OWNER)
    assert _demo_counts(path)[2:] == (0, 0, 0)
    assert ensure_demo_dataset(Workspace(path), tmp_path / "demo", LOADED_AT) is True
    assert _demo_counts(path) == (1, _file_rows(files.sales), 20_000, 1, 3_000)
    assert ensure_demo_dataset(Workspace(path), tmp_path / "demo", LOADED_AT) is False  # whole: left alone


def test_a_users_own_data_is_never_replaced_by_the_demo(ws_file: Path, tmp_path: Path) -> None:
    from segcore.bootstrap import ensure_demo_dataset

    assert ensure_demo_dataset(Workspace(ws_file), tmp_path / "demo", LOADED_AT) is False
    assert _demo_counts(ws_file) == (1, 2, 0, 0, 0)


def test_a_damaged_workspace_file_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ws.duckdb"
    path.write_bytes(b"\0" * 8 + b"DUCK" + b"\x07" * 8000)  # a DuckDB header, then garbage
    assert main(["datasets", "--workspace", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: The workspace {path} cannot be opened: ") and err.count("\n") == 1
    assert "another program" not in err


def test_two_first_visits_at_once_build_one_demo(tmp_path: Path) -> None:
    import threading

    from segcore.bootstrap import ensure_demo_dataset

    workspace = Workspace(tmp_path / "ws.duckdb")
    results: list[bool] = []

    def visit() -> None:
        results.append(ensure_demo_dataset(workspace, tmp_path / "demo", LOADED_AT))

    visits = [threading.Thread(target=visit) for _ in range(2)]
    for thread in visits:
        thread.start()
    for thread in visits:
        thread.join(timeout=300)
    assert sorted(results) == [False, True]
    assert _demo_counts(tmp_path / "ws.duckdb") == (1, _file_rows(tmp_path / "demo" / "sales.csv"), 20_000, 1, 3_000)
