"""The weekly review's forecast line: high-CLV customers whose P(alive) fell below ALIVE_LINE in the week.

One fit as of the week's Sunday S (the stored forecast when there is one) scores every customer at S and at S − 7,
so that a change is the customer's own (seven more days without a purchase), not a refit. High CLV: the top
HIGH_CLV_SHARE of the customers with a CLV at S, from the same line as the Forecast page (views.clv_line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np

from segcore.forecast.bgnbd import BgNbd, p_alive
from segcore.forecast.views import ALIVE_LINE, HIGH_CLV_SHARE, clv_line

__all__ = ["ALIVE_LINE", "HIGH_CLV_SHARE", "Slipping", "slipping"]


@dataclass(frozen=True)
class Slipping:
    customer_ids: set[str]
    clv_threshold: float | None  # the lowest CLV of the high-CLV customers (None: no CLV at all)
    warnings: list[dict[str, Any]] = field(default_factory=list)


def slipping(con: duckdb.DuckDBPyConnection, dataset_id: str, week_end: date) -> Slipping:
    """Customers in the top HIGH_CLV_SHARE by CLV at `week_end` with P(alive) >= ALIVE_LINE at week_end − 7 and
    below it at week_end (the same fitted model at both dates)."""
    from segcore.forecast import DEFAULT_DISCOUNT, DEFAULT_HORIZON_DAYS, forecast, load_forecast
    from segcore.forecast.summary import summary

    now = load_forecast(con, dataset_id, week_end, DEFAULT_HORIZON_DAYS, DEFAULT_DISCOUNT)
    if now is None:
        if summary(con, dataset_id, week_end).empty:
            return Slipping(set(), None)
        now = forecast(con, dataset_id, week_end, check_accuracy=False)
    scores = now.scores
    threshold = clv_line(scores)
    if threshold is None:
        return Slipping(set(), None, now.warnings)
    clv = scores["clv"].to_numpy(dtype=float)
    known = np.isfinite(clv)
    model = BgNbd(
        **{k: now.fit["bgnbd"][k] for k in ("r", "alpha", "a", "b", "log_likelihood")}, converged=True, iterations=0
    )
    before = summary(con, dataset_id, week_end - timedelta(days=7))
    alive_before = p_alive(model, *(before[c].to_numpy(dtype=float) for c in ("x", "t_x", "T")))
    was_alive = set(before.loc[alive_before >= ALIVE_LINE, "customer_id"])
    fell = scores[(scores["p_alive"] < ALIVE_LINE) & known & (clv >= threshold)]
    return Slipping({c for c in fell["customer_id"] if c in was_alive}, threshold, now.warnings)
