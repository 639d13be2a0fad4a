"""A page's default view, computed by `segcore.prepared.prepare` after a load and kept in the workspace.

A view is some frames and a JSON document, stored under a key that hashes everything it depends on (what it is,
the dataset, its dates, the tier rules, the rules SQL and the dataset's loads): a change of any of them makes a new
key, so an old view is never read. Frames and Arrow tables are kept as Parquet (zstd: a 1M-row candidate table is
32 MB and reads in 0.4 s), a frame with pandas' metadata so it reads back with the dtypes it was stored with; the
document holds the numbers and lists around them. Rows of `prepared_views`, one
per part, listed in `prepared_keys` like the prepared tier tables (a dataset keeps one prepared set).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from segcore import tier_rules as tier_rules_module
from segcore.engine.one_date import tier_table_sql
from segcore.tier_rules import TierRules

__all__ = ["PREPARED_VERSION", "StoredView", "load_view", "prepared_key", "save_view"]

PREPARED_VERSION = 3  # part of every prepared key (tier tables and views): bump when what is stored changes meaning
_DOCUMENT = "document"  # the part holding the JSON document; every other part is a frame


@dataclass(frozen=True)
class StoredView:
    tables: dict[str, pa.Table]  # every stored frame or table, as Arrow
    document: dict[str, Any]

    def frame(self, name: str) -> pd.DataFrame:
        """A stored frame as the DataFrame it was."""
        return self.tables[name].to_pandas()


def prepared_key(what: str, dataset_id: str, dates: Mapping[str, date], cfg: TierRules, data: list[str]) -> str:
    """The key of something prepared (a tier table, a view): a hash of what it is, the dataset, its dates, the rules
    (TOML and generated SQL) and the dataset's loads (segcore.prepared.data_version)."""
    recipe = {
        "version": PREPARED_VERSION,
        "what": what,
        "dataset": dataset_id,
        "dates": {name: day.isoformat() for name, day in sorted(dates.items())},
        "rules": tier_rules_module.to_toml(cfg),
        "sql": hashlib.sha256(tier_table_sql("", cfg).encode()).hexdigest(),
        "data": data,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:32]


def _parquet(data: pd.DataFrame | pa.Table) -> bytes:
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _table(payload: bytes) -> pa.Table:
    return pq.read_table(pa.BufferReader(payload))


def _plain(value: Any) -> Any:
    """numpy scalars and dates in a document, as JSON values."""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def save_view(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    key: str,
    as_of: date,
    frames: Mapping[str, pd.DataFrame | pa.Table],
    document: Mapping[str, Any],
) -> None:
    """Store a view (frames or Arrow tables, and a document) under `key`, replacing one stored under it (inside the
    caller's transaction)."""
    if _DOCUMENT in frames:
        raise ValueError(f"a frame cannot be called {_DOCUMENT!r}")
    params = {"dataset_id": dataset_id, "key": key}
    for table in ("prepared_views", "prepared_keys"):
        con.execute(f"delete from {table} where dataset_id = $dataset_id and key = $key", params)
    parts = [(name, _parquet(frame)) for name, frame in frames.items()]
    parts.append((_DOCUMENT, json.dumps(document, default=_plain, ensure_ascii=False).encode("utf-8")))
    con.executemany(
        "insert into prepared_views values ($dataset_id, $key, $part, $payload)",
        [{**params, "part": name, "payload": payload} for name, payload in parts],
    )
    con.execute("insert into prepared_keys values ($dataset_id, $key, $as_of, now())", {**params, "as_of": as_of})


def load_view(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str) -> StoredView | None:
    """The view stored under `key`, or None (never stored, or a workspace made before views existed)."""
    try:
        rows = con.execute(
            "select part, payload from prepared_views where dataset_id = $dataset_id and key = $key",
            {"dataset_id": dataset_id, "key": key},
        ).fetchall()
    except duckdb.CatalogException:  # a workspace made before prepared_views, opened read-only
        return None
    parts = {str(name): bytes(payload) for name, payload in rows}
    if _DOCUMENT not in parts:
        return None
    document = json.loads(parts.pop(_DOCUMENT).decode("utf-8"))
    return StoredView({name: _table(payload) for name, payload in parts.items()}, document)
