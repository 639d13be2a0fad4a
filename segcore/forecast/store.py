"""A forecast kept in the workspace per dataset, as-of date, horizon and discount, and recomputed only when one of
them or the dataset's loads change: the key hashes them all, so a stale forecast is never read. A dataset keeps its
newest KEEP forecasts (the older are dropped when one is stored)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from segcore.forecast.model import PREDICT_COLUMNS
from segcore.sql import transaction

__all__ = ["FORECAST_VERSION", "KEEP", "forecast_key", "read_forecast", "write_forecast"]

FORECAST_VERSION = 1  # part of every key: bump when what is stored changes meaning
KEEP = 4

_RUN_SQL = "select fit, accuracy from forecast_runs where dataset_id = $dataset_id and key = $key"
_SCORES_SQL = """
select {columns}
from forecast_scores
where dataset_id = $dataset_id
  and key = $key
order by customer_id
"""
_OLD_KEYS_SQL = """
select key
from forecast_runs
where dataset_id = $dataset_id
order by computed_at desc
offset $keep
"""


def forecast_key(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, horizon_days: int, annual_discount: float
) -> str:
    from segcore.prepared import data_version  # the prepared tier tables' own: one notion of "the data changed"

    recipe = {
        "version": FORECAST_VERSION,
        "dataset": dataset_id,
        "as_of": (as_of.date() if isinstance(as_of, datetime) else as_of).isoformat(),
        "horizon_days": int(horizon_days),
        "annual_discount": float(annual_discount),
        "data": data_version(con, dataset_id),
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:32]


def read_forecast(
    con: duckdb.DuckDBPyConnection, dataset_id: str, key: str
) -> tuple[dict[str, Any], dict[str, Any] | None, pd.DataFrame] | None:
    """(fit document, accuracy document or None, scores) stored under `key`; None when there is none."""
    params = {"dataset_id": dataset_id, "key": key}
    try:
        rows = con.execute(_RUN_SQL, params).fetchall()
    except duckdb.CatalogException:  # a workspace made before forecasts, opened read-only
        return None
    if not rows:
        return None
    fit, accuracy = rows[0]
    columns = ", ".join(f'"{c}"' for c in PREDICT_COLUMNS)
    scores = con.execute(_SCORES_SQL.format(columns=columns), params).df()
    return json.loads(fit), (json.loads(accuracy) if accuracy else None), scores


def write_forecast(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    key: str,
    run: dict[str, Any],
    accuracy: dict[str, Any] | None,
    scores: pd.DataFrame,
) -> None:
    """Store a forecast under `key` (one transaction), replacing one under the same key and dropping the dataset's
    forecasts beyond the newest KEEP."""
    params = {"dataset_id": dataset_id, "key": key}
    with transaction(con):
        for table in ("forecast_scores", "forecast_runs"):
            con.execute(f"delete from {table} where dataset_id = $dataset_id and key = $key", params)
        con.execute(
            "insert into forecast_runs values ($dataset_id, $key, $as_of, $horizon_days, $annual_discount, $fit,"
            " $accuracy, now())",
            {
                **params,
                "as_of": run["as_of"],
                "horizon_days": run["horizon_days"],
                "annual_discount": run["annual_discount"],
                "fit": json.dumps(run["fit"], default=str),
                "accuracy": json.dumps(accuracy, default=str) if accuracy is not None else None,
            },
        )
        con.register("seg_forecast_scores", scores.loc[:, list(PREDICT_COLUMNS)])
        try:
            con.execute(
                "insert into forecast_scores by name select $dataset_id as dataset_id, $key as key, * "
                "from seg_forecast_scores",
                params,
            )
        finally:
            con.unregister("seg_forecast_scores")
        old = [row[0] for row in con.execute(_OLD_KEYS_SQL, {"dataset_id": dataset_id, "keep": KEEP}).fetchall()]
        for table in ("forecast_scores", "forecast_runs"):
            con.execute(
                f"delete from {table} where dataset_id = $dataset_id and list_contains($old, key)",
                {"dataset_id": dataset_id, "old": old},
            )
