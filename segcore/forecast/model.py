"""Fit BG/NBD and Gamma-Gamma on a summary, and score every customer: P(alive), expected purchases, expected
spend per purchase and CLV over a horizon (docs/DECISIONS.md, "Issue 13").

CLV is the expected spend of the purchases in each 30-day step of the horizon (the last step may be shorter),
discounted from the step's end at the annual rate: Σ_k (E[Y(t_k)] − E[Y(t_k−1)]) · E[spend] · (1 + d)^(−t_k/365).
Scoring works on the distinct (x, t_x, T) rows (whole days): as many as there are customers at worst, far fewer
in a store whose customers bought on the same days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segcore.forecast import guardrails
from segcore.forecast.bgnbd import BgNbd, conditional_expected_purchases, fit_bgnbd, p_alive
from segcore.forecast.gamma_gamma import GammaGamma, conditional_expected_spend, fit_gamma_gamma
from segcore.forecast.guardrails import ModelWarning

__all__ = ["PREDICT_COLUMNS", "STEP_DAYS", "Fit", "fit_models", "histogram", "score"]

PREDICT_COLUMNS = ("customer_id", "x", "t_x", "T", "m_x", "p_alive", "expected_purchases", "expected_spend", "clv")
STEP_DAYS = 30
_DAYS_KEY = 1 << 20  # t_x and T in whole days stay below this (2,800 years)


@dataclass(frozen=True)
class Fit:
    bgnbd: BgNbd
    gamma_gamma: GammaGamma | None
    warnings: tuple[ModelWarning, ...]
    customers: int
    repeat_buyers: int

    @property
    def fit_for_use(self) -> bool:
        return not self.warnings

    def params(self) -> dict[str, Any]:
        """The --params-out document (time in weeks)."""
        return {
            "time_unit": "week",
            "bgnbd": self.bgnbd.as_dict(),
            "gamma_gamma": self.gamma_gamma.as_dict() if self.gamma_gamma else None,
            "customers": self.customers,
            "repeat_buyers": self.repeat_buyers,
            "warnings": [w.as_dict() for w in self.warnings],
        }


def _days(weeks: pd.Series) -> np.ndarray:
    return np.rint(weeks.to_numpy(dtype=float) * 7).astype(np.int64)


def histogram(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct (x, t_x, T) rows with their counts, and each customer's row number in it."""
    x = frame["x"].to_numpy(dtype=np.int64)
    key = (x * _DAYS_KEY + _days(frame["t_x"])) * _DAYS_KEY + _days(frame["T"])
    unique, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    rows = pd.DataFrame(
        {
            "x": (unique // (_DAYS_KEY * _DAYS_KEY)).astype(float),
            "t_x": (unique // _DAYS_KEY % _DAYS_KEY) / 7.0,
            "T": (unique % _DAYS_KEY) / 7.0,
            "count": counts,
        }
    )
    return rows, inverse


def fit_models(frame: pd.DataFrame) -> Fit:
    """BG/NBD over the summary's histogram, Gamma-Gamma over its repeat buyers, and the guardrails' warnings."""
    rows, _ = histogram(frame)
    bgnbd = fit_bgnbd(*(rows[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "count")))
    repeat = frame[frame["x"] > 0]
    x, m = repeat["x"].to_numpy(dtype=float), repeat["m_x"].to_numpy(dtype=float)
    gamma_gamma = fit_gamma_gamma(x, m) if len(repeat) >= guardrails.MIN_SPEND_BUYERS else None
    warnings = guardrails.bgnbd_warnings(bgnbd, len(repeat)) + guardrails.gamma_gamma_warnings(gamma_gamma, x, m)
    return Fit(bgnbd, gamma_gamma, tuple(warnings), len(frame), len(repeat))


def _step_ends(horizon_days: int) -> list[int]:
    return [*range(STEP_DAYS, horizon_days, STEP_DAYS), horizon_days]


def score(frame: pd.DataFrame, fit: Fit, horizon_days: int = 90, annual_discount: float = 0.1) -> pd.DataFrame:
    """The summary with p_alive, expected_purchases (over the horizon), expected_spend (per purchase) and clv."""
    rows, inverse = histogram(frame)
    x, t_x, T = (rows[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    model = fit.bgnbd
    cumulative = [np.zeros(len(rows))]
    discounts = []
    for day in _step_ends(horizon_days):
        cumulative.append(conditional_expected_purchases(model, day / 7.0, x, t_x, T))
        discounts.append((1.0 + annual_discount) ** (-day / 365.0))
    steps = np.diff(np.vstack(cumulative), axis=0)
    out = frame.loc[:, list(PREDICT_COLUMNS[:5])].copy()
    out["p_alive"] = p_alive(model, x, t_x, T)[inverse]
    out["expected_purchases"] = cumulative[-1][inverse]
    if fit.gamma_gamma is None:
        out["expected_spend"] = np.nan
    else:
        out["expected_spend"] = conditional_expected_spend(
            fit.gamma_gamma, out["x"].to_numpy(dtype=float), out["m_x"].to_numpy(dtype=float)
        )
    discounted = (np.asarray(discounts)[:, None] * steps).sum(axis=0)
    out["clv"] = discounted[inverse] * out["expected_spend"].to_numpy()
    return out
