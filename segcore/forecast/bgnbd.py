"""The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"), in weeks.

A customer buys at a Poisson rate λ ~ Gamma(r, α) while alive, and after each purchase drops out with probability
p ~ Beta(a, b). The inputs per customer are x (repeat purchase occasions), t_x (weeks from the first to the last
occasion) and T (weeks from the first occasion to the as-of date).

The fit maximises the likelihood (the paper's equation 6) over the histogram of distinct (x, t_x, T) rows, each
weighted by its count: the same likelihood as customer by customer, in a fraction of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

__all__ = [
    "BgNbd",
    "conditional_expected_purchases",
    "expected_purchases",
    "fit_bgnbd",
    "log_likelihood",
    "p_alive",
]

_LOG_BOUNDS = (-12.0, 12.0)  # e^±12: a parameter pressed against a bound is "at the edge" (guardrails)


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    converged: bool
    iterations: int

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b, "log_likelihood": self.log_likelihood}


def _individual_ll(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, a, b = params
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + special.betaln(a, b + x)
    head -= special.betaln(a, b)
    still_alive = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return head + np.logaddexp(still_alive, dropped)


def log_likelihood(
    params: tuple[float, float, float, float],
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    weights: np.ndarray | None = None,
) -> float:
    """The sample's log-likelihood at (r, α, a, b); rows weighted by `weights` (customers per row)."""
    values = _individual_ll(np.asarray(params, dtype=float), x, t_x, T)
    return float(np.sum(values if weights is None else values * weights))


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weights: np.ndarray | None = None) -> BgNbd:
    """Maximum-likelihood (r, α, a, b) over rows (x, t_x, T) with `weights` customers each."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())

    def cost(log_params: np.ndarray) -> float:
        values = _individual_ll(np.exp(log_params), x, t_x, T)
        result = -float(np.dot(values, w)) / total
        return result if np.isfinite(result) else 1e12

    start = _start(x, T, w)
    bounds = [_LOG_BOUNDS] * 4
    first = optimize.minimize(cost, start, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})
    polish = optimize.minimize(
        cost, first.x, method="Nelder-Mead", bounds=bounds,
        options={"maxiter": 4000, "xatol": 1e-9, "fatol": 1e-13},
    )  # fmt: skip
    best = polish if polish.fun <= first.fun else first
    r, alpha, a, b = np.exp(best.x)
    converged = bool(first.success or polish.success) and np.isfinite(best.fun)
    return BgNbd(
        float(r), float(alpha), float(a), float(b), -float(best.fun) * total, converged, int(first.nit + polish.nit)
    )


def _start(x: np.ndarray, T: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Moment-based starting point: r = 1 and α so that r/α is the mean purchase rate; a = 1, b = 3."""
    rate = float(np.dot(w, x) / max(float(np.dot(w, np.maximum(T, 1e-3))), 1e-9))
    alpha = 1.0 / max(rate, 1e-4)
    return np.log(np.array([1.0, min(max(alpha, 1e-3), 1e4), 1.0, 3.0]))


def _ratio_power(model: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """a/(b+x-1) · ((α+T)/(α+t_x))^(r+x) for repeat buyers, 0 for the others (the dropped-out odds)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_odds = np.log(model.a) - np.log(model.b + x - 1) + (model.r + x) * np.log(
            (model.alpha + T) / (model.alpha + t_x)
        )
        return np.where(x > 0, np.exp(np.minimum(log_odds, 700.0)), 0.0)


def p_alive(model: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(still active at T | x, t_x, T): 1 for a customer without a repeat purchase (they cannot have dropped out)."""
    return 1.0 / (1.0 + _ratio_power(model, x, t_x, T))


def conditional_expected_purchases(
    model: BgNbd, t: float | np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: the expected purchases in the next t weeks (the paper's equation 10)."""
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    ratio = (alpha + T) / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    with np.errstate(over="ignore", invalid="ignore"):
        numerator = (a + b + x - 1) / (a - 1) * (1 - hyp * ratio ** (r + x))
    return numerator / (1.0 + _ratio_power(model, x, t_x, T))


def expected_purchases(model: BgNbd, t: float | np.ndarray) -> np.ndarray:
    """E[X(t)]: the expected repeat purchases of a new customer in the t weeks after the first (equation 9)."""
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    t = np.asarray(t, dtype=float)
    hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)
