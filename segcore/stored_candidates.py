"""The Targets and Personas pages' candidate table (segcore.targets.candidates) as Arrow, prepared after a load.

Building it at 1M customers took 4.5 s (every candidate column from the order days, members and the forecast)
before the page could show anything; `segcore.prepared.prepare` stores it for the default as-of date (a 32 MB
Parquet part of a stored view, segcore.stored_views), keyed by dataset, date, rules and the dataset's loads.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from segcore import targets
from segcore.sql import quote_ident
from segcore.stored_views import load_view, prepared_key, save_view
from segcore.tier_rules import TierRules

__all__ = ["candidate_table", "candidates_key", "save_candidates", "stored_candidates"]

_PART = "candidates"


def candidate_table(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules, tiers: pd.DataFrame | None = None
) -> pa.Table:
    """targets.candidates as an Arrow table in customer_id order (`tiers`: the tier table when at hand)."""
    name = targets.candidates(con, dataset_id, as_of, cfg, tiers)
    return con.sql(f"select * from {quote_ident(name)} order by customer_id").to_arrow_table()


def candidates_key(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules) -> str:
    """The key of the candidate table of a dataset, date and rules, for the dataset's current loads."""
    from segcore.prepared import data_version

    return prepared_key("candidates", dataset_id, {"as_of": as_of}, cfg, data_version(con, dataset_id))


def save_candidates(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules, table: pa.Table
) -> str:
    """Keep a candidate table in the workspace (inside the caller's transaction); its key."""
    key = candidates_key(con, dataset_id, as_of, cfg)
    save_view(con, dataset_id, key, as_of, {_PART: table}, {"rows": table.num_rows})
    return key


def stored_candidates(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules) -> pa.Table | None:
    """The candidate table prepare stored for this dataset, date and rules (current loads), or None."""
    view = load_view(con, dataset_id, candidates_key(con, dataset_id, as_of, cfg))
    return view.tables[_PART] if view is not None else None
