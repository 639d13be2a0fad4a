"""The app and the workspace file: it holds nothing between script runs, says in the user's language when another
program is updating the data (never a traceback or a process id), and refuses a path that is not a workspace."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import run_app as _app

ROOT = Path(__file__).resolve().parents[1]

_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def held_by_another_process(path: Path, seconds: float) -> Iterator[None]:
    """Another process opens the file read-write (as a CLI ingest does) until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield
    finally:
        proc.kill()
        proc.wait()


def test_the_cli_can_read_the_workspace_between_two_runs_of_the_app(app_workspace: Path) -> None:
    at = _app()
    assert not at.exception
    env = {**os.environ, "SEGCORE_WAIT_SECONDS": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "segcore", "datasets", "--workspace", str(app_workspace)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1].split()[:2] == ["demo", "True"]
    at.switch_page("pages/data.py").run()  # and the app goes on working after it
    assert not at.exception
    assert at.dataframe[0].value.iloc[0, 0] == "demo (demo)"


@pytest.mark.parametrize(
    ("lang", "message", "retry"),
    [
        ("en", "The data is being updated by another program. Try again in a moment.", "Try again"),
        ("zh", "另一个程序正在更新数据，请稍后再试。", "重试"),
    ],
)
def test_while_another_program_writes_the_app_says_the_data_is_being_updated(
    app_workspace: Path, monkeypatch: pytest.MonkeyPatch, lang: str, message: str, retry: str
) -> None:
    monkeypatch.setenv("SEGCORE_WAIT_SECONDS", "1")
    with held_by_another_process(app_workspace, 120):
        at = _app(lang)
        assert not at.exception
        assert [w.value for w in at.warning] == [message]
        assert at.button(key="workspace_retry").label == retry
        assert not at.metric and not at.error
    at.button(key="workspace_retry").click().run()  # the other program is done: the run goes on
    assert not at.exception and not at.warning
    assert at.title[0].value == ("Your store at a glance" if lang == "en" else "门店总览")
    again = _app(lang)  # (AppTest runs a page file directly after a stopped run; a new session shows it all)
    assert not again.exception and not again.warning
    assert again.metric[2].value == "20,000"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_text("a,b\n1,2\n", encoding="utf-8"), "is not a workspace file"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
    ids=["csv", "folder"],
)
def test_a_workspace_path_that_is_not_a_workspace_file_is_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: object, expected: str
) -> None:
    import streamlit as st

    path = tmp_path / "data.csv"
    make(path)  # type: ignore[operator]
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = _app()
    st.cache_resource.clear()
    assert not at.exception
    assert len(at.error) == 1 and expected in at.error[0].value


def test_data_a_cli_ingest_adds_beside_the_app_shows_on_the_next_run(app_workspace: Path, tmp_path: Path) -> None:
    at = _app()
    assert at.sidebar.selectbox(key="_w_dataset").options == ["demo"]
    sales = tmp_path / "week.csv"
    sales.write_text("customer_id,order_id,order_date,amount\nann,o1,2026-11-20,10.50\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "segcore", "ingest", "--dataset", "week", "--sales", str(sales),
         "--workspace", str(app_workspace)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "SEGCORE_WAIT_SECONDS": "0"}, timeout=120,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    again = _app()  # a new visit in the same server process: the caches are shared, they must not be stale
    assert again.sidebar.selectbox(key="_w_dataset").options == ["week", "demo"]
