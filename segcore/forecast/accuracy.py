"""How well the model would have done: fit as of a calibration day, then compare with what happened in the holdout
after it (the check of Fader, Hardie & Lee 2005, figures 2-4).

- by calibration frequency 0, 1, ..., 7+: customers, mean actual and mean predicted holdout purchases;
- per week since the first purchase in the data: cumulative repeat purchases, actual against expected;
- the total error: (predicted − actual) / actual holdout purchases, with a warning beyond MAX_HOLDOUT_ERROR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from segcore.forecast import guardrails
from segcore.forecast.bgnbd import conditional_expected_purchases, expected_purchases
from segcore.forecast.guardrails import ModelWarning
from segcore.forecast.model import Fit, fit_models
from segcore.forecast.summary import holdout_occasions, occasion_weeks, summary

__all__ = ["MIN_HOLDOUT_DAYS", "Accuracy", "accuracy", "holdout_days_for"]

MIN_HOLDOUT_DAYS = 28  # a shorter holdout says too little to check a model by
TOP_FREQUENCY = 7  # calibration frequencies from this one up share a row ("7+")


@dataclass(frozen=True)
class Accuracy:
    calibration_end: date
    holdout_end: date
    fit: Fit
    by_frequency: pd.DataFrame  # frequency (0..7, 7 = 7+), customers, actual, predicted (means per customer)
    weekly: pd.DataFrame  # week_end (date), actual, expected (cumulative repeat purchases)
    actual_total: float
    predicted_total: float

    @property
    def error(self) -> float:
        """(predicted − actual) / actual holdout purchases; NaN without any actual purchase or when the model could
        not predict them all."""
        if not self.actual_total or not np.isfinite(self.predicted_total):
            return float("nan")
        return (self.predicted_total - self.actual_total) / self.actual_total

    @property
    def warnings(self) -> tuple[ModelWarning, ...]:
        return (*self.fit.warnings, *guardrails.holdout_warning(self.error))

    def as_dict(self) -> dict[str, Any]:
        return {
            "calibration_end": self.calibration_end.isoformat(),
            "holdout_end": self.holdout_end.isoformat(),
            "actual_total": self.actual_total,
            "predicted_total": self.predicted_total,
            "error": self.error,
            "warnings": [w.as_dict() for w in self.warnings],
        }


def holdout_days_for(first_day: date, as_of: date, horizon_days: int) -> int | None:
    """The holdout's length: the forecast horizon, at most half of the data's span; None below MIN_HOLDOUT_DAYS."""
    days = min(horizon_days, (as_of - first_day).days // 2)
    return days if days >= MIN_HOLDOUT_DAYS else None


def accuracy(con: duckdb.DuckDBPyConnection, dataset_id: str, holdout_end: date, holdout_days: int) -> Accuracy | None:
    """Fit as of holdout_end − holdout_days and compare with the holdout; None without a calibration customer."""
    calibration_end = holdout_end - timedelta(days=holdout_days)
    calibration = summary(con, dataset_id, calibration_end)
    if calibration.empty:
        return None
    fit = fit_models(calibration)
    actual = holdout_occasions(con, dataset_id, calibration_end, holdout_end)
    frame = calibration.merge(actual, on="customer_id", how="left")
    frame["actual"] = frame["holdout_purchases"].fillna(0).astype(float)
    frame["predicted"] = conditional_expected_purchases(
        fit.bgnbd, holdout_days / 7.0, *(frame[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    )
    frame["frequency"] = np.minimum(frame["x"], TOP_FREQUENCY)
    by_frequency = (
        frame.groupby("frequency")
        .agg(customers=("customer_id", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
        .reset_index()
    )
    start = calibration_end - timedelta(days=round(calibration["T"].max() * 7))
    weekly = _weekly(con, dataset_id, fit, start, calibration_end, holdout_end)
    return Accuracy(
        calibration_end, holdout_end, fit, by_frequency, weekly, float(frame["actual"].sum()),
        float(frame["predicted"].to_numpy().sum())  # NaN if any prediction failed,
    )  # fmt: skip


def _weekly(
    con: duckdb.DuckDBPyConnection, dataset_id: str, fit: Fit, start: date, calibration_end: date, holdout_end: date
) -> pd.DataFrame:
    """Cumulative repeat purchases of the calibration customers at the end of each week from `start`."""
    occasions = occasion_weeks(con, dataset_id, start, calibration_end, holdout_end)
    weeks = (holdout_end - start).days // 7 + 1
    repeats = occasions[occasions["is_repeat"]].groupby("week").size().reindex(range(weeks), fill_value=0)
    firsts = occasions[~occasions["is_repeat"]].groupby("first_day").size()
    last_days = np.minimum(7 * np.arange(weeks) + 6, (holdout_end - start).days)  # each week's last day, from start
    first_days = firsts.index.to_numpy(dtype=float)
    elapsed = np.maximum(last_days[None, :] - first_days[:, None], 0) / 7.0
    expected = (firsts.to_numpy(dtype=float)[:, None] * expected_purchases(fit.bgnbd, elapsed)).sum(axis=0)
    return pd.DataFrame(
        {
            "week_end": [start + timedelta(days=int(d)) for d in last_days],
            "actual": np.cumsum(repeats.to_numpy(dtype=float)),
            "expected": expected,
        }
    )
