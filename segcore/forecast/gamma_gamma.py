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


class _Likelihood:
    """The mean negative log-likelihood and its gradient in log-parameters; the terms of x alone once per distinct
    x, the logs of x and m once."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.ux, self.ix = np.unique(x, return_inverse=True)
        self.x, self.m = x, m
        self.log_xm = np.log(x) + np.log(m)  # log x + log m, in the derivative in p

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, v = np.exp(log_params)
        ux, x = self.ux, self.x
        log_vm = np.log(v + self.m * x)
        px = p * ux
        per_x = special.gammaln(px + q) - special.gammaln(px)
        value = (
            float(np.mean(per_x[self.ix] + p * x * self.log_xm - np.log(self.m) - (p * x + q) * log_vm))
            - special.gammaln(q) + q * np.log(v)
        )  # fmt: skip
        dig = special.digamma
        d_p = np.mean(x * ((dig(px + q) - dig(px))[self.ix] + self.log_xm - log_vm))
        d_q = np.mean(dig(px + q)[self.ix] - log_vm) - dig(q) + np.log(v)
        d_v = q / v - np.mean((p * x + q) / (v + self.m * x))
        grad = np.array([d_p * p, d_q * q, d_v * v])
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return 1e12, np.zeros(3)
        return -value, -grad


def fit_gamma_gamma(x: np.ndarray, m: np.ndarray) -> GammaGamma:
    """Maximum-likelihood (p, q, γ) over repeat buyers (x >= 1) with mean repeat spend m > 0."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    cost = _Likelihood(x, m)
    start = np.log(np.array([1.0, 2.0, max(float(np.mean(m)), 1e-3)]))
    result = optimize.minimize(
        cost, start, jac=True, method="L-BFGS-B", bounds=[_LOG_BOUNDS] * 3,
        options={"maxiter": 1000, "ftol": 1e-15, "gtol": 1e-10},
    )  # fmt: skip
    p, q, v = np.exp(result.x)
    flat = bool(np.max(np.abs(result.jac)) < 1e-6)
    converged = bool((result.success or flat) and np.isfinite(result.fun) and result.fun < 1e11)
    return GammaGamma(float(p), float(q), float(v), -float(result.fun) * len(x), converged)


def conditional_expected_spend(model: GammaGamma, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E[spend per purchase | x, m_x]: a weighted mean of the population mean and the customer's own mean;
    the population mean where x = 0."""
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(m, dtype=float), nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = model.p * (model.v + x * m) / (model.p * x + model.q - 1)
    return np.where(x > 0, own, model.population_mean)
