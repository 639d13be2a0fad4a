"""The Gamma-Gamma spend model (Fader & Hardie, "The Gamma-Gamma model of monetary value", 2013).

A customer's purchases are worth Gamma(p, ν) each, and ν ~ Gamma(q, γ) across customers. It is fit on the repeat
buyers only: x repeat occasions with mean net spend m_x. It assumes spend per purchase is independent of how often
a customer buys (guardrails checks the correlation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

__all__ = ["GammaGamma", "conditional_expected_spend", "fit_gamma_gamma", "log_likelihood"]

_LOG_BOUNDS = (-12.0, 12.0)


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float
    log_likelihood: float
    converged: bool

    @property
    def population_mean(self) -> float:
        """E[spend per purchase] of a customer we know nothing about: pγ/(q-1), infinite for q <= 1."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "v": self.v}


def _individual_ll(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    p, q, v = params
    px = p * x
    return (
        special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + m * x)
    )  # fmt: skip


def log_likelihood(params: tuple[float, float, float], x: np.ndarray, m: np.ndarray) -> float:
    """The repeat buyers' log-likelihood at (p, q, γ)."""
    return float(np.sum(_individual_ll(np.asarray(params, dtype=float), x, m)))


def fit_gamma_gamma(x: np.ndarray, m: np.ndarray) -> GammaGamma:
    """Maximum-likelihood (p, q, γ) over repeat buyers (x >= 1) with mean repeat spend m > 0."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    n = max(len(x), 1)

    def cost(log_params: np.ndarray) -> float:
        result = -float(np.sum(_individual_ll(np.exp(log_params), x, m))) / n
        return result if np.isfinite(result) else 1e12

    start = np.log(np.array([1.0, 2.0, max(float(np.mean(m)), 1e-3)]))
    bounds = [_LOG_BOUNDS] * 3
    first = optimize.minimize(cost, start, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})
    polish = optimize.minimize(
        cost, first.x, method="Nelder-Mead", bounds=bounds, options={"maxiter": 4000, "xatol": 1e-9, "fatol": 1e-13}
    )
    best = polish if polish.fun <= first.fun else first
    p, q, v = np.exp(best.x)
    converged = bool(first.success or polish.success) and np.isfinite(best.fun)
    return GammaGamma(float(p), float(q), float(v), -float(best.fun) * n, converged)


def conditional_expected_spend(model: GammaGamma, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E[spend per purchase | x, m_x]: a weighted mean of the population mean and the customer's own mean;
    the population mean where x = 0."""
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(m, dtype=float), nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = model.p * (model.v + x * m) / (model.p * x + model.q - 1)
    return np.where(x > 0, own, model.population_mean)
