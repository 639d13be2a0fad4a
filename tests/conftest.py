from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segcore.schema import create_tables  # noqa: E402


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB with the workspace tables, per test."""
    connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    create_tables(connection)
    yield connection
    connection.close()
