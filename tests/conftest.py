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
    """A headless Debian chromium; skipped where it is missing unless REQUIRE_BROWSER=1 (CI)."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=45_000)  # a loaded 2-core CI machine reruns scripts slowly
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
