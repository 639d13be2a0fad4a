"""Prediction (issue 13): who is still alive, what each customer will buy next, and what they are worth.

- `summary`: the per-customer (x, t_x, T, m_x) as of a date, in DuckDB, with the tier engine's purchases;
- `bgnbd`, `gamma_gamma`: the two models' likelihoods, maximum-likelihood fits and conditional expectations;
- `model`: both fits with their guardrails, and every customer scored (P(alive), expected purchases, spend, CLV);
- `accuracy`: the calibration / holdout check;
- `store`: a forecast kept in the workspace per dataset, as-of date, horizon and discount.

`forecast` runs them all for one dataset and date. Time is an argument: the as-of date is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from segcore.errors import InputError
from segcore.forecast import store
from segcore.forecast.accuracy import accuracy, holdout_days_for
from segcore.forecast.model import PREDICT_COLUMNS, fit_models, score
from segcore.forecast.summary import summary

__all__ = [
    "DEFAULT_DISCOUNT",
    "DEFAULT_HORIZON_DAYS",
    "PREDICT_COLUMNS",
    "Forecast",
    "check_settings",
    "forecast",
    "forecast_from_summary",
    "forecast_scores",
    "load_forecast",
    "save_forecast",
]

DEFAULT_HORIZON_DAYS = 90
DEFAULT_DISCOUNT = 0.1
MAX_HORIZON_DAYS = 3650

Progress = Callable[[float, str], None]  # (fraction done 0..1, stage key of the catalog: forecast.stage.*)


@dataclass(frozen=True)
class Forecast:
    """One dataset's forecast as of a date: the fit (Fit.params()), the holdout check (or None: too little data),
    and one row per customer (PREDICT_COLUMNS)."""

    as_of: date
    horizon_days: int
    annual_discount: float
    fit: dict[str, Any]
    accuracy: dict[str, Any] | None
    scores: pd.DataFrame

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Every warning that applies to the numbers: the fit's, then the holdout's error (if beyond the limit)."""
        held = [
            w for w in (self.accuracy or {}).get("warnings", []) if w["code"] in ("holdout_error", "holdout_failed")
        ]
        return [*self.fit["warnings"], *held]

    def by_frequency(self) -> pd.DataFrame:
        return pd.DataFrame((self.accuracy or {}).get("by_frequency", []))

    def weekly(self) -> pd.DataFrame:
        frame = pd.DataFrame((self.accuracy or {}).get("weekly", []))
        if not frame.empty:
            frame["week_end"] = pd.to_datetime(frame["week_end"]).dt.date
        return frame


def check_settings(horizon_days: int, annual_discount: float) -> None:
    """InputError for a horizon outside 1..3650 days or a discount rate outside 0..1."""
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise InputError("bad_horizon", value=horizon_days, max=MAX_HORIZON_DAYS)
    if not 0 <= annual_discount <= 1:
        raise InputError("bad_discount", value=annual_discount)


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def forecast(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    as_of: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    annual_discount: float = DEFAULT_DISCOUNT,
    *,
    check_accuracy: bool = True,
    progress: Progress | None = None,
) -> Forecast:
    """Summary, fits and scores as of `as_of`, and (unless told not to) the holdout check of the same models.

    InputError("forecast_no_customers") when nobody has a purchase on or before `as_of`."""
    check_settings(horizon_days, annual_discount)
    as_of = _day(as_of)
    report = progress or (lambda _fraction, _stage: None)
    report(0.0, "forecast.stage.summary")
    frame = summary(con, dataset_id, as_of)
    result = forecast_from_summary(frame, as_of, horizon_days, annual_discount, progress=report)
    if check_accuracy:
        report(0.6, "forecast.stage.accuracy")
        first_day = as_of - timedelta(days=round(frame["T"].max() * 7))
        holdout = holdout_days_for(first_day, as_of, horizon_days)
        checked = accuracy(con, dataset_id, as_of, holdout) if holdout else None
        if checked is not None and holdout:
            result = replace(result, accuracy=_accuracy_document(checked, holdout))
    report(1.0, "forecast.stage.done")
    return result


def forecast_from_summary(
    frame: pd.DataFrame,
    as_of: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    annual_discount: float = DEFAULT_DISCOUNT,
    *,
    progress: Progress | None = None,
) -> Forecast:
    """Fits and scores from a summary (SUMMARY_COLUMNS, from DuckDB or Spark), without the holdout check."""
    check_settings(horizon_days, annual_discount)
    if frame.empty:
        raise InputError("forecast_no_customers", as_of=as_of)
    report = progress or (lambda _fraction, _stage: None)
    report(0.25, "forecast.stage.fit")
    fit = fit_models(frame)
    report(0.45, "forecast.stage.score")
    scores = score(frame, fit, horizon_days, annual_discount)
    document = fit.params()
    failed = ~np.isfinite(scores[["p_alive", "expected_purchases"]].to_numpy(dtype=float)).all(axis=1)
    if failed.any():  # extreme parameters: hyp2f1 gives up; such numbers are left empty, and a warning says so
        scores.loc[failed, ["p_alive", "expected_purchases", "clv"]] = np.nan
        document["warnings"].append({"code": "scores_failed", "n": int(failed.sum())})
    return Forecast(_day(as_of), horizon_days, annual_discount, document, None, scores)


def _accuracy_document(result: Any, holdout: int) -> dict[str, Any]:
    return {
        **result.as_dict(),
        "holdout_days": holdout,
        "by_frequency": result.by_frequency.to_dict("records"),
        "weekly": [{**row, "week_end": row["week_end"].isoformat()} for row in result.weekly.to_dict("records")],
    }


def load_forecast(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, horizon_days: int, annual_discount: float
) -> Forecast | None:
    """The stored forecast for these settings and the dataset's current loads, or None."""
    key = store.forecast_key(con, dataset_id, _day(as_of), horizon_days, annual_discount)
    found = store.read_forecast(con, dataset_id, key)
    if found is None:
        return None
    fit, checked, scores = found
    return Forecast(_day(as_of), horizon_days, annual_discount, fit, checked, scores)


def save_forecast(con: duckdb.DuckDBPyConnection, dataset_id: str, result: Forecast) -> None:
    """Keep `result` in the workspace (a writer's connection) for load_forecast."""
    key = store.forecast_key(con, dataset_id, result.as_of, result.horizon_days, result.annual_discount)
    run = {
        "as_of": result.as_of,
        "horizon_days": result.horizon_days,
        "annual_discount": result.annual_discount,
        "fit": result.fit,
    }
    store.write_forecast(con, dataset_id, key, run, result.accuracy, result.scores)


def forecast_scores(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> pd.DataFrame:
    """The scores (PREDICT_COLUMNS) as of `as_of` with the default horizon and discount: the stored forecast when
    there is one, else computed without the holdout check (not stored: the caller may only read). No rows when
    nobody has a purchase on or before the date."""
    stored = load_forecast(con, dataset_id, as_of, DEFAULT_HORIZON_DAYS, DEFAULT_DISCOUNT)
    if stored is not None:
        return stored.scores
    try:
        return forecast(con, dataset_id, as_of, check_accuracy=False).scores
    except InputError:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "customer_id" else float) for c in PREDICT_COLUMNS})
