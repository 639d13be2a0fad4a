"""Running engine SQL: bind only the parameters a query names (DuckDB refuses extra ones)."""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pyarrow as pa

__all__ = ["arrow", "run"]

_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


def run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute `sql` with the entries of `params` that it names."""
    names = set(_PARAMETER.findall(sql))
    return con.execute(sql, {name: value for name, value in params.items() if name in names})


def arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pa.Table:
    """The rows of `sql` as an Arrow table (on a cursor of its own: no copy through a DB-API result)."""
    names = set(_PARAMETER.findall(sql))
    return con.cursor().sql(sql, params={n: v for n, v in params.items() if n in names}).to_arrow_table()
