"""Helpers shared by several test files: a snapshot of the loaded tables, and an AppTest of the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
APP_TIMEOUT = 60  # seconds per script run; a loaded 2-core CI machine reruns scripts slowly
TABLES = ("datasets", "loads", "sales", "members", "rejects")  # the tables a load writes


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of every loaded table, sorted: equal before and after when a refused file left them unchanged."""
    return {table: con.execute(f"select * from {table} order by all").fetchall() for table in TABLES}


def snapshot_file(workspace: Path) -> dict[str, list[tuple]]:
    """snapshot() of a workspace file, read-only; empty tables when the file does not exist."""
    if not workspace.exists():
        return {table: [] for table in TABLES}
    with duckdb.connect(str(workspace), read_only=True) as con:
        return snapshot(con)


def app(timeout: float = APP_TIMEOUT, **query: str) -> AppTest:
    """The app as an AppTest with these query parameters, not run yet."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def run_app(lang: str = "en") -> AppTest:
    """The app's first run in a language (the Overview page)."""
    return app(lang=lang).run()
