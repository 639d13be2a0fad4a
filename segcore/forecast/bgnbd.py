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

_LOG_BOUNDS = (-12.0, 12.0)


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b without BLAS: OpenBLAS's threaded dot spins on a busy 2-core machine (6 ms instead of 0.4 ms for
    600k rows, bench/RESULTS.md "Forecast")."""
    return float(np.einsum("i,i->", a, b))  # e^±12: a parameter pressed against a bound is "at the edge" (guardrails)


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


class _Likelihood:
    """The weighted mean negative log-likelihood and its gradient in log-parameters.

    A customer without a repeat purchase adds -(r)·log(α+T) plus terms of the parameters alone, so those rows are
    summed by T; for the others, the terms of x, t_x or T alone are computed once per distinct value."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray) -> None:
        w = w / w.sum()
        once = x == 0
        self.w0 = float(w[once].sum())
        self.T0, self.i0 = np.unique(T[once], return_inverse=True)
        self.wT0 = np.bincount(self.i0, weights=w[once], minlength=len(self.T0))
        x, t_x, T, self.w = x[~once], t_x[~once], T[~once], w[~once]
        self.ux, self.ix = np.unique(x, return_inverse=True)
        self.wx = np.bincount(self.ix, weights=self.w, minlength=len(self.ux))
        self.ut, self.it = np.unique(t_x, return_inverse=True)
        self.uT, self.iT = np.unique(T, return_inverse=True)
        self.x = x

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(log_params)
        dig = special.digamma
        value, grad = self._first_only(r, alpha, a, b)
        if len(self.x):
            more_value, more_grad = self._repeat(r, alpha, a, b)
            value, grad = value + more_value, grad + more_grad
        grad = grad * np.array([r, alpha, a, b])
        # terms of the parameters alone, for every customer
        value += -special.gammaln(r) + r * np.log(alpha) - special.betaln(a, b)
        grad += np.array([(np.log(alpha) - dig(r)) * r, r, (dig(a + b) - dig(a)) * a, (dig(a + b) - dig(b)) * b])
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return 1e12, np.zeros(4)
        return -float(value), -grad

    def _first_only(self, r: float, alpha: float, a: float, b: float) -> tuple[float, np.ndarray]:
        """x = 0: gammaln(r) + betaln(a, b) - r·log(α+T) (the head's x-terms cancel with the constants)."""
        dig = special.digamma
        log_T = np.log(alpha + self.T0)
        value = self.w0 * (special.gammaln(r) + special.betaln(a, b)) - r * _dot(self.wT0, log_T)
        d_r = self.w0 * dig(r) - _dot(self.wT0, log_T)
        d_alpha = -r * _dot(self.wT0, 1.0 / (alpha + self.T0))
        d_a = self.w0 * (dig(a) - dig(a + b))
        d_b = self.w0 * (dig(b) - dig(a + b))
        return value, np.array([d_r, d_alpha, d_a, d_b])

    def _repeat(self, r: float, alpha: float, a: float, b: float) -> tuple[float, np.ndarray]:
        """x > 0: gammaln(r+x) + betaln(a, b+x) + log[(α+T)^-(r+x) + a/(b+x-1)·(α+t_x)^-(r+x)]."""
        dig, ux, ix, w = special.digamma, self.ux, self.ix, self.w
        rx = r + self.x
        log_t = np.log(alpha + self.ut)[self.it]
        log_T = np.log(alpha + self.uT)[self.iT]
        still_alive = -rx * log_T
        dropped = (np.log(a) - np.log(b + ux - 1))[ix] - rx * log_t
        total = np.logaddexp(still_alive, dropped)
        share_alive = np.exp(still_alive - total)
        share_dropped = 1.0 - share_alive
        per_x = special.gammaln(r + ux) + special.betaln(a, b + ux)
        value = float(_dot(self.wx, per_x) + _dot(w, total))
        d_r = _dot(self.wx, dig(r + ux)) - _dot(w, share_alive * log_T + share_dropped * log_t)
        inv_T = (1.0 / (alpha + self.uT))[self.iT]
        inv_t = (1.0 / (alpha + self.ut))[self.it]
        d_alpha = -_dot(w, rx * (share_alive * inv_T + share_dropped * inv_t))
        d_a = _dot(self.wx, dig(a) - dig(a + b + ux)) + _dot(w, share_dropped) / a
        d_b = _dot(self.wx, dig(b + ux) - dig(a + b + ux))
        d_b -= _dot(w, share_dropped * (1.0 / (b + ux - 1))[ix])
        return value, np.array([d_r, d_alpha, d_a, d_b])


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weights: np.ndarray | None = None) -> BgNbd:
    """Maximum-likelihood (r, α, a, b) over rows (x, t_x, T) with `weights` customers each.

    Over more than COARSE_ROWS rows the search runs first on the rows with t_x and T rounded to whole weeks (a few
    times fewer), and Newton steps on the exact rows finish it from there: the same maximum, in a fraction of the
    passes over the rows. Where that does not settle (a flat ridge, a bound), L-BFGS-B on the exact rows does."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    cost = _Likelihood(x, t_x, T, w)
    start, iterations = _start(x, T, w), 0
    if len(x) > COARSE_ROWS:
        coarse = _coarse_fit(x, t_x, T, w)
        iterations += int(coarse.nit)
        polished = _newton(cost, coarse.x)
        if polished is not None:
            r, alpha, a, b = np.exp(polished[0])
            return BgNbd(float(r), float(alpha), float(a), float(b), -polished[1] * total, True, iterations + 1)
        start = coarse.x
    result = _lbfgs(cost, start)
    r, alpha, a, b = np.exp(result.x)
    converged = bool((result.success or _flat(result)) and np.isfinite(result.fun) and result.fun < 1e11)
    return BgNbd(
        float(r), float(alpha), float(a), float(b), -float(result.fun) * total, converged, iterations + int(result.nit)
    )


COARSE_ROWS = 50_000


def _lbfgs(cost: _Likelihood, start: np.ndarray) -> optimize.OptimizeResult:
    return optimize.minimize(
        cost, start, jac=True, method="L-BFGS-B", bounds=[_LOG_BOUNDS] * 4,
        options={"maxiter": 1000, "ftol": 1e-15, "gtol": 1e-10},
    )  # fmt: skip


def _coarse_fit(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray) -> optimize.OptimizeResult:
    """L-BFGS-B over the rows with t_x and T rounded to whole weeks (summed weights)."""
    size = 1 << 20  # whole weeks stay far below this
    key = (x.astype(np.int64) * size + np.rint(t_x).astype(np.int64)) * size + np.rint(T).astype(np.int64)
    unique, inverse = np.unique(key, return_inverse=True)
    weights = np.bincount(inverse, weights=w, minlength=len(unique))
    rows = np.stack([unique // (size * size), unique // size % size, unique % size]).astype(float)
    return _lbfgs(_Likelihood(rows[0], rows[1], rows[2], weights), _start(x, T, w))


def _newton(cost: _Likelihood, theta: np.ndarray, steps: int = 8) -> tuple[np.ndarray, float] | None:
    """Newton steps on the exact likelihood from `theta` (log-parameters), the Hessian by differences of the
    analytic gradient; (theta, cost) once the gradient is ~0 inside the bounds, else None."""
    value, grad = cost(theta)
    for _ in range(steps):
        if np.max(np.abs(grad)) < 1e-9:
            inside = np.all(np.abs(theta) < _LOG_BOUNDS[1] - 0.1)
            return (theta, value) if inside and value < 1e11 else None
        h = 1e-5
        hessian = np.column_stack([(cost(theta + h * np.eye(4)[i])[1] - grad) / h for i in range(4)])
        hessian = (hessian + hessian.T) / 2
        try:
            if np.min(np.linalg.eigvalsh(hessian)) <= 0:
                return None
            step = np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            return None
        for _halving in range(10):
            trial_value, trial_grad = cost(theta - step)
            if trial_value <= value:
                theta, value, grad = theta - step, trial_value, trial_grad
                break
            step = step / 2
        else:
            return None
    return None


def _flat(result: optimize.OptimizeResult) -> bool:
    """L-BFGS-B stopped on a line search at a point where the gradient is ~0: a converged fit for our purpose."""
    return bool(np.max(np.abs(result.jac)) < 1e-6)


def _start(x: np.ndarray, T: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Moment-based starting point: r = 1 and α so that r/α is the mean purchase rate; a = 1, b = 3."""
    rate = float(_dot(w, x) / max(_dot(w, np.maximum(T, 1e-3)), 1e-9))
    alpha = 1.0 / max(rate, 1e-4)
    return np.log(np.array([1.0, min(max(alpha, 1e-3), 1e4), 1.0, 3.0]))


def _ratio_power(model: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """a/(b+x-1) · ((α+T)/(α+t_x))^(r+x) for repeat buyers, 0 for the others (the dropped-out odds)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_odds = (
            np.log(model.a) - np.log(model.b + x - 1) + (model.r + x) * np.log((model.alpha + T) / (model.alpha + t_x))
        )
        return np.where(x > 0, np.exp(np.minimum(log_odds, 700.0)), 0.0)


def p_alive(model: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(still active at T | x, t_x, T): 1 for a customer without a repeat purchase (they cannot have dropped out)."""
    return 1.0 / (1.0 + _ratio_power(model, x, t_x, T))


def _off_one(a: float) -> float:
    """a, moved off 1 by 1e-7 where it is closer: the expectations' formulas divide by a − 1, and their limit at
    a = 1 is what they give next to it (to about 1e-9)."""
    return a if abs(a - 1.0) >= 1e-7 else 1.0 + 1e-7


def conditional_expected_purchases(
    model: BgNbd, t: float | np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: the expected purchases in the next t weeks (the paper's equation 10)."""
    r, alpha, a, b = model.r, model.alpha, _off_one(model.a), model.b
    ratio = (alpha + T) / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    with np.errstate(over="ignore", invalid="ignore"):
        numerator = (a + b + x - 1) / (a - 1) * (1 - hyp * ratio ** (r + x))
    return numerator / (1.0 + _ratio_power(model, x, t_x, T))


def expected_purchases(model: BgNbd, t: float | np.ndarray) -> np.ndarray:
    """E[X(t)]: the expected repeat purchases of a new customer in the t weeks after the first (equation 9)."""
    r, alpha, a, b = model.r, model.alpha, _off_one(model.a), model.b
    t = np.asarray(t, dtype=float)
    hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)
