from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segcore.report import CHROMIUM_FLAGS  # noqa: E402
from segcore.schema import create_tables  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(CHROMIUM_FLAGS)  # the flags Debian chromium needs here: one list for app, report and tests
REAL_DATA = ROOT / ".." / "shared" / "data" / "online_retail"  # the real UCI Online Retail files, beside the clone


def strict() -> bool:
    """CI=true (CI sets it; REQUIRE_BROWSER=1 is the older name): a missing tool, browser or data folder fails."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"} or bool(os.environ.get("REQUIRE_BROWSER"))


def debian_packages() -> list[str]:
    """The Debian packages the app and the tests need, from packages.txt (one a line, # comments)."""
    lines = (ROOT / "packages.txt").read_text(encoding="utf-8").splitlines()
    return [word for line in lines for word in line.split("#", 1)[0].split()]


def need(ok: bool, what: str, how: str | None = None) -> None:
    """Go on when `ok`; else skip, saying how to get it (the apt-get line by default); under CI=true fail, one line."""
    if ok:
        return
    how = how or f"sudo apt-get install -y {' '.join(debian_packages())}"
    if strict():
        pytest.fail(f"CI requires {what}, which is missing: {how}", pytrace=False)
    pytest.skip(f"{what} is missing: {how}")


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB with the workspace tables, per test."""
    connection = duckdb.connect(
        ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    create_tables(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_workspace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace file with the demo store loaded, built once per test session."""
    from datetime import datetime

    from segcore.bootstrap import ensure_demo_dataset
    from segcore.workspace import Workspace

    folder = tmp_path_factory.mktemp("demo_ws")
    workspace = Workspace(folder / "segcore.duckdb")
    ensure_demo_dataset(workspace, folder / "demo", datetime(2026, 11, 22, 9, 0))
    workspace.close()
    return folder / "segcore.duckdb"


@pytest.fixture
def app_workspace(demo_workspace_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo workspace for one app test, with Streamlit's caches cleared."""
    import shutil

    import streamlit as st

    path = tmp_path / "segcore.duckdb"
    shutil.copy(demo_workspace_file, path)
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian chromium; skipped where it is missing, a failure under CI=true."""
    need(CHROMIUM.exists(), f"Debian chromium ({CHROMIUM})")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=45_000)  # a loaded 2-core CI machine reruns scripts slowly
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI=true nothing skips: a skip from anywhere (a plugin, a marker) is reported as a failure."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if strict() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true: a skipped test fails the run ({reason})"


@pytest.fixture(scope="session")
def spark():
    """One local Spark Connect server for the whole run (pyspark's, Java 17), stopped at the end. Missing Java or
    pyspark skips the Spark tests here, and fails them under CI=true."""
    import shutil

    from segcore.errors import InputError

    need(shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME")), "Java 17 (openjdk-17-jdk-headless)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        need(False, "pyspark", "make setup (requirements-spark.txt)")
    from segcore.spark.session import spark_session

    try:
        session = spark_session("local[2]")
    except InputError as exc:
        need(False, "a local Spark Connect server", str(exc))
    yield session
    session.stop()
