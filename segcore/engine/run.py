"""Running engine SQL: bind only the parameters a query names (DuckDB refuses extra ones)."""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pyarrow as pa

__all__ = ["arrow", "run", "used_params"]

_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


def used_params(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The entries of `params` that `sql` names as `$name`."""
    names = set(_PARAMETER.findall(sql))
    return {name: value for name, value in params.items() if name in names}


def run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute `sql` with the entries of `params` that it names."""
    return con.execute(sql, used_params(sql, params))


def arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pa.Table:
    """The rows of `sql` as an Arrow table (on a cursor of its own: no copy through a DB-API result)."""
    return con.cursor().sql(sql, params=used_params(sql, params)).to_arrow_table()
