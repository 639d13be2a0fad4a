"""When the models are not fit for the data, in plain words: each check gives a ModelWarning (a catalog key under
`forecast.warn.` and its values), shown next to every number the models make (docs/DECISIONS.md, "Issue 13")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from segcore.forecast.bgnbd import _LOG_BOUNDS, BgNbd
from segcore.forecast.gamma_gamma import GammaGamma

__all__ = [
    "MAX_HOLDOUT_ERROR",
    "MAX_SPEND_CORRELATION",
    "MIN_REPEAT_BUYERS",
    "ModelWarning",
    "bgnbd_warnings",
    "describe",
    "gamma_gamma_warnings",
    "holdout_warning",
]

MIN_REPEAT_BUYERS = 100  # fewer customers with a repeat purchase than this: too little to learn dropout from
MIN_SPEND_BUYERS = 20  # fewer repeat buyers than this: no spend model at all
MAX_SPEND_CORRELATION = 0.3  # |Pearson r| of frequency and mean spend above this: Gamma-Gamma's assumption fails
MAX_HOLDOUT_ERROR = 0.20  # total holdout purchases missed by more than this share
EDGE_A = 0.01  # a below this: dropout almost never happens, the fit cannot tell it apart from none
EDGE_LARGE = 1000.0  # r or α above this: the rates are all alike, and the model degenerates
_AT_BOUND = float(np.exp(_LOG_BOUNDS[1] - 0.1))
_AT_ZERO = float(np.exp(_LOG_BOUNDS[0] + 0.1))


@dataclass(frozen=True)
class ModelWarning:
    code: str  # catalog key forecast.warn.<code>
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.values}


def bgnbd_warnings(model: BgNbd, repeat_buyers: int) -> list[ModelWarning]:
    """Too few repeat buyers, a fit that did not converge, parameters at the edge."""
    found = []
    if repeat_buyers < MIN_REPEAT_BUYERS:
        found.append(ModelWarning("few_repeat", {"n": repeat_buyers, "min": MIN_REPEAT_BUYERS}))
    if not model.converged or not np.isfinite(model.log_likelihood):
        found.append(ModelWarning("not_converged", {"model": "BG/NBD"}))
    edges = {"a": model.a < EDGE_A, "r": model.r > EDGE_LARGE, "alpha": model.alpha > EDGE_LARGE}
    for name, value in model.as_dict().items():
        if name != "log_likelihood" and (value >= _AT_BOUND or value <= _AT_ZERO):
            edges[name] = True
    for name, at_edge in edges.items():
        if at_edge:
            found.append(ModelWarning("edge", {"param": name, "value": float(getattr(model, name))}))
    return found


def gamma_gamma_warnings(model: GammaGamma | None, x: np.ndarray, m: np.ndarray) -> list[ModelWarning]:
    """No spend model (too few repeat buyers), one that did not converge, an infinite mean spend (q <= 1), or spend
    that moves with frequency."""
    if model is None:
        return [ModelWarning("no_spend_model", {"n": len(x), "min": MIN_SPEND_BUYERS})]
    found = []
    if not model.converged:
        found.append(ModelWarning("not_converged", {"model": "Gamma-Gamma"}))
    if model.q <= 1:
        found.append(ModelWarning("spend_unbounded", {"q": model.q}))
    if len(x) >= 3 and np.std(x) > 0 and np.std(m) > 0:
        correlation = float(np.corrcoef(x, m)[0, 1])
        if abs(correlation) > MAX_SPEND_CORRELATION:
            found.append(ModelWarning("spend_correlated", {"correlation": correlation, "max": MAX_SPEND_CORRELATION}))
    return found


def holdout_warning(error: float) -> list[ModelWarning]:
    """The total holdout purchases missed by more than MAX_HOLDOUT_ERROR, or not measurable (no purchase in the
    holdout, or predictions the model could not make)."""
    if not np.isfinite(error):
        return [ModelWarning("holdout_failed")]
    if abs(error) > MAX_HOLDOUT_ERROR:
        return [ModelWarning("holdout_error", {"error": error, "max": MAX_HOLDOUT_ERROR})]
    return []


def describe(warning: dict[str, Any], lang: str = "en") -> str:
    """A warning (ModelWarning.as_dict()) as a sentence in the user's language, its numbers formatted for people."""
    from segcore import fmt
    from segcore.catalog import text

    values = {k: v for k, v in warning.items() if k != "code"}
    for name in ("n", "min"):
        if name in values:
            values[name] = fmt.count(values[name], lang)
    for name in ("value", "q"):
        if name in values:
            number = float(values[name])
            values[name] = f"{number:,.0f}" if abs(number) >= 100 else f"{number:.2g}"
    if "correlation" in values:
        direction = "more" if values["correlation"] > 0 else "less"
        values["direction"] = text(f"forecast.warn.spend_correlated.{direction}", lang)
        values["correlation"] = f"{values['correlation']:.2f}"
    if warning["code"] == "holdout_error":
        values["error"] = fmt.signed_percent(values["error"], lang)
        values["max"] = fmt.percent(values["max"], lang, digits=0)
    elif "max" in values:
        values["max"] = f"{values['max']:.1f}"
    key = "edge_a" if warning["code"] == "edge" and warning.get("param") == "a" and warning["value"] < 1 else None
    return text(f"forecast.warn.{key or warning['code']}", lang, **values)
