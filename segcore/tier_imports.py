"""Tier tables computed elsewhere, loaded as a dataset's tiers (issue 14).

A chain computes its tiers where its data lives (`python -m segcore tiers --engine spark --out tiers.parquet`) and
brings the table to the dashboard. The Parquet file says how it was made (segcore.cli_common.PROVENANCE_KEY: as of,
engine, Spark remote, sources, rules); that is kept with the rows and shown as the tiers' source. Such a dataset
holds tier tables only, one per as-of date: no sales lines, so only the pages that read tiers can show it.

Refused with a reason: a file that is not Parquet, has not the tier table's columns, does not say its as-of date,
holds a value that is not a segment, lifecycle or tier of its rules, or names a customer twice; a dataset that has
sales lines (its tiers are computed from them); a role without the right to load data.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from segcore.engine.one_date import TIER_COLUMNS
from segcore.engine.rules import GROUPS
from segcore.errors import InputError
from segcore.keys import CN8_SEGMENTS, LIFECYCLES, RFM_SEGMENTS
from segcore.sql import transaction
from segcore.tier_rules import DEFAULT_RULES, from_toml

if TYPE_CHECKING:
    from segcore.access import Access

__all__ = ["TierSource", "import_tier_file", "imported_dates", "imported_tier_table", "is_tiers_only", "tier_source"]

_PROVENANCE_KEY = b"segcore"  # segcore.cli_common.PROVENANCE_KEY (the CLI's module is not imported by the app)


@dataclass(frozen=True)
class TierSource:
    """Where a dataset's tier table as of a date came from."""

    as_of: date
    file_name: str
    engine: str | None
    spark_remote: str | None
    sources: list[str]
    customers: int
    written_at: str | None
    loaded_at: datetime
    loaded_by: str


def _read(data: bytes, file_name: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError("tier_file_not_parquet", file=file_name) from exc
    missing = [c for c in TIER_COLUMNS if c not in table.column_names]
    if missing:
        raise InputError("tier_file_columns", file=file_name, missing=", ".join(missing[:6]))
    try:
        made = json.loads((table.schema.metadata or {}).get(_PROVENANCE_KEY, b"{}"))
        as_of = date.fromisoformat(made["as_of"]) if made.get("what") == "tiers" else None
    except (ValueError, KeyError, TypeError):
        as_of = None
    if as_of is None:
        raise InputError("tier_file_no_as_of", file=file_name)
    return table.select(list(TIER_COLUMNS)).to_pandas(), {**made, "as_of": as_of}


def _check_values(frame: pd.DataFrame, made: dict[str, Any], file_name: str) -> None:
    try:
        cfg = from_toml(made["rules"]) if made.get("rules") else DEFAULT_RULES
    except (ValueError, TypeError) as exc:
        raise InputError("tier_file_values", file=file_name, column="rules", value=str(exc)[:80]) from exc
    allowed = {
        "rfm_segment": set(RFM_SEGMENTS),
        "cn8_segment": set(CN8_SEGMENTS),
        "lifecycle": set(LIFECYCLES),
        "tier": {*cfg.tier_order, "regular", "potential"},
    }
    for column, known in allowed.items():
        unknown = set(frame[column].dropna()) - known
        if unknown:
            raise InputError("tier_file_values", file=file_name, column=column, value=sorted(map(str, unknown))[0])
    group_keys = {g.key for g in GROUPS}
    bad_groups = {part for text in frame["groups"].dropna() for part in str(text).split(";") if part} - group_keys
    if bad_groups:
        raise InputError("tier_file_values", file=file_name, column="groups", value=sorted(bad_groups)[0])
    if frame["customer_id"].isna().any() or frame["customer_id"].duplicated().any():
        raise InputError("tier_file_customers", file=file_name)


_HAS_SALES_SQL = "select exists (select 1 from sales where dataset_id = $dataset_id)"
_NEW_DATASET_SQL = "insert into datasets values ($dataset_id, $dataset_id, $created_at, false) on conflict do nothing"
_INSERT_ROWS_SQL = f"""
insert into imported_tiers by name
select $dataset_id as dataset_id, $as_of as as_of, {", ".join(TIER_COLUMNS)}
from imported_rows
"""


def import_tier_file(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    data: bytes,
    file_name: str,
    *,
    loaded_at: datetime,
    access: Access,
) -> TierSource:
    """Store a tier table file as `dataset_id`'s tiers at its as-of date (a new dataset, or one holding tier tables
    only; the same date again replaces it), in one transaction. Returns its source as the pages show it."""
    access.require("load_data")
    frame, made = _read(data, file_name)
    _check_values(frame, made, file_name)
    if con.execute(_HAS_SALES_SQL, {"dataset_id": dataset_id}).fetchall()[0][0]:
        raise InputError("tier_file_into_sales", dataset=dataset_id)
    params = {"dataset_id": dataset_id, "as_of": made["as_of"]}
    sources = [*map(str, made.get("sales") or []), *map(str, made.get("members") or [])]
    record = {
        **params,
        "file_name": file_name,
        "engine": made.get("engine"),
        "spark_remote": made.get("spark_remote"),
        "sources": json.dumps(sources, ensure_ascii=False),
        "rules": made.get("rules"),
        "customers": len(frame),
        "written_at": made.get("written_at"),
        "loaded_at": loaded_at,
        "loaded_by": access.user,
    }
    with transaction(con):
        con.execute(_NEW_DATASET_SQL, {"dataset_id": dataset_id, "created_at": loaded_at})
        for table in ("imported_tiers", "imported_tier_files"):
            con.execute(f"delete from {table} where dataset_id = $dataset_id and as_of = $as_of", params)
        con.register("imported_rows", frame)
        try:
            con.execute(_INSERT_ROWS_SQL, params)
        finally:
            con.unregister("imported_rows")
        con.execute(
            "insert into imported_tier_files values ($dataset_id, $as_of, $file_name, $engine, $spark_remote,"
            " $sources, $rules, $customers, $written_at, $loaded_at, $loaded_by)",
            record,
        )
    found = tier_source(con, dataset_id, made["as_of"])
    assert found is not None
    return found


def _safe(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    try:
        return con.execute(sql, params).fetchall()
    except duckdb.CatalogException:  # a workspace made before these tables, opened read-only
        return []


def imported_dates(con: duckdb.DuckDBPyConnection, dataset_id: str) -> list[date]:
    """The as-of dates of the dataset's loaded tier tables, oldest first (none for a dataset with sales)."""
    rows = _safe(
        con,
        "select as_of from imported_tier_files where dataset_id = $dataset_id order by as_of",
        {"dataset_id": dataset_id},
    )
    return [row[0] for row in rows]


def is_tiers_only(con: duckdb.DuckDBPyConnection, dataset_id: str) -> bool:
    """Whether the dataset holds loaded tier tables (and so no sales lines)."""
    return bool(imported_dates(con, dataset_id))


def imported_tier_table(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> pd.DataFrame | None:
    """The loaded tier table as of `as_of` (tier_table's columns and dtypes, by customer_id), or None."""
    if as_of not in imported_dates(con, dataset_id):
        return None
    sql = (
        f"select {', '.join(TIER_COLUMNS)} from imported_tiers"
        " where dataset_id = $dataset_id and as_of = $as_of order by customer_id"
    )
    return con.execute(sql, {"dataset_id": dataset_id, "as_of": as_of}).df()


def tier_source(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> TierSource | None:
    """Where the dataset's tier table as of `as_of` came from, or None when it has none loaded."""
    rows = _safe(
        con,
        "select as_of, file_name, engine, spark_remote, sources, customers, written_at, loaded_at, loaded_by"
        " from imported_tier_files where dataset_id = $dataset_id and as_of = $as_of",
        {"dataset_id": dataset_id, "as_of": as_of},
    )
    if not rows:
        return None
    day, file_name, engine, remote, sources, customers, written_at, loaded_at, loaded_by = rows[0]
    return TierSource(
        day, file_name, engine, remote, json.loads(sources or "[]"), int(customers), written_at, loaded_at, loaded_by
    )
