"""Campaign lift (shared/spec/lift.md): pure statistics over per-customer outcomes of a target list and its holdout.

No SQL and no UI here: the outcomes (one row per listed customer) are gathered elsewhere and passed in as counts,
numpy arrays or a small DataFrame, so every figure can be checked against scipy / statsmodels.

Choices where the spec is silent:

- z = norm.ppf(0.975) = 1.959964 for every normal-based interval; the Welch intervals use the t quantile.
- A piece that cannot be computed is None, never NaN: an empty group; n < 2 in a group (no variance);
  no variation at all (every customer in each group behaved the same); a relative lift over a control figure
  that is not positive (p_C = 0, rpc_C <= 0). The response-rate relative lift has no interval (the spec asks none).
- Winsorising (off by default) takes one cut from the whole list and applies it to the per-tier figures too;
  group summaries then use the capped revenue, so they agree with the effects.
- Tiers are reported in sorted order; customers with no tier count in `all` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

from segcore import fmt
from segcore.catalog import text

__all__ = [
    "Z95",
    "Effect",
    "GroupSummary",
    "LiftReport",
    "SegmentLift",
    "SrmResult",
    "crosses_zero",
    "did_estimate",
    "group_summary",
    "headline",
    "incremental_revenue",
    "is_detectable",
    "lift_report",
    "minimum_detectable_effect",
    "rate_effect",
    "rpc_effect",
    "sample_ratio_check",
    "winsorize",
]

Z95 = float(stats.norm.ppf(0.975))  # 1.959964
SRM_ALPHA = 0.001
METRICS = ("response_rate", "rpc", "incremental_revenue")
ROW_COLUMNS = [
    "segment",
    "metric",
    "treatment",
    "control",
    "diff",
    "ci_low",
    "ci_high",
    "p_value",
    "relative_lift",
    "n_treatment",
    "n_control",
    "too_small",
]
_OUTCOME_COLUMNS = ("group", "tier", "responded", "revenue", "purchases")


@dataclass(frozen=True)
class GroupSummary:
    """One group's figures: size, responders, response rate, revenue, revenue per customer, average order value."""

    n: int
    responders: int
    rate: float | None
    revenue: float
    rpc: float | None
    aov: float | None


@dataclass(frozen=True)
class Effect:
    """Treatment vs control on one metric: both values, diff with 95% CI and p-value, relative lift (+ its CI)."""

    treatment: float | None
    control: float | None
    diff: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    relative_lift: float | None = None
    relative_ci_low: float | None = None
    relative_ci_high: float | None = None
    evidence: str = "holdout"  # "weaker" for difference-in-differences without a holdout


@dataclass(frozen=True)
class SrmResult:
    """Sample-ratio check: observed vs intended control share, chi-square statistic and p-value, `suspect` flag."""

    n_treatment: int
    n_control: int
    intended_control_share: float
    observed_control_share: float | None
    chi2: float | None
    p_value: float | None
    suspect: bool


@dataclass(frozen=True)
class SegmentLift:
    """All figures for one segment (`all` or a tier); `too_small` when either group is under the minimum cell."""

    segment: str
    treatment: GroupSummary
    control: GroupSummary
    rate: Effect
    rpc: Effect
    incremental: Effect
    too_small: bool


@dataclass(frozen=True)
class LiftReport:
    """A campaign's lift: the whole list, each tier, the sample-ratio check and the winsorising cut (None = off)."""

    overall: SegmentLift
    tiers: tuple[SegmentLift, ...]
    srm: SrmResult
    holdout_share: float
    winsor_cut: float | None = None

    def to_rows(self) -> pd.DataFrame:
        """The long table: one row per (segment, metric) with both values, diff, CI, p-value, lift and group sizes."""
        rows = [
            _row(seg, metric, effect)
            for seg in (self.overall, *self.tiers)
            for metric, effect in zip(METRICS, (seg.rate, seg.rpc, seg.incremental), strict=True)
        ]
        return pd.DataFrame(rows, columns=ROW_COLUMNS)


def _row(seg: SegmentLift, metric: str, e: Effect) -> dict[str, object]:
    return {
        "segment": seg.segment,
        "metric": metric,
        "treatment": e.treatment,
        "control": e.control,
        "diff": e.diff,
        "ci_low": e.ci_low,
        "ci_high": e.ci_high,
        "p_value": e.p_value,
        "relative_lift": e.relative_lift,
        "n_treatment": seg.treatment.n,
        "n_control": seg.control.n,
        "too_small": seg.too_small,
    }


# -- small helpers ---------------------------------------------------------------------------------------------


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _lift(treatment: float, control: float) -> float | None:
    return treatment / control - 1 if control > 0 else None


def _interval(center: float | None, se: float | None, crit: float) -> tuple[float | None, float | None]:
    if center is None or se is None or not se > 0:
        return None, None
    return center - crit * se, center + crit * se


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _mean_var(values: np.ndarray) -> tuple[float, float]:
    """Mean and squared standard error of the mean; exactly 0 when every value is equal (no rounding noise)."""
    spread = 0.0 if values.min() == values.max() else float(values.var(ddof=1))
    return float(values.mean()), spread / values.size


# -- per group and per metric ------------------------------------------------------------------------------------


def group_summary(revenue: ArrayLike, responded: ArrayLike, purchases: ArrayLike) -> GroupSummary:
    """One group's n, responders, rate, revenue, rpc and aov (responders' revenue / their purchases) from arrays."""
    spend, bought = np.asarray(revenue, dtype=float), np.asarray(responded).astype(bool)
    n, responders, total = spend.size, int(bought.sum()), float(spend.sum())
    orders = int(np.asarray(purchases)[bought].sum())
    aov = _ratio(float(spend[bought].sum()), orders)
    return GroupSummary(n, responders, _ratio(responders, n), total, _ratio(total, n), aov)


def rate_effect(resp_t: int, n_t: int, resp_c: int, n_c: int) -> Effect:
    """Response rates p_T - p_C: unpooled Wald 95% CI, pooled two-proportion z-test p-value, lift p_T / p_C - 1."""
    if n_t < 1 or n_c < 1:
        return Effect(_ratio(resp_t, n_t), _ratio(resp_c, n_c), None)
    p_t, p_c = resp_t / n_t, resp_c / n_c
    diff = p_t - p_c
    low, high = _interval(diff, math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c), Z95)
    pooled = (resp_t + resp_c) / (n_t + n_c)
    se_null = math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    p_value = float(2 * stats.norm.sf(abs(diff) / se_null)) if se_null > 0 else None
    return Effect(p_t, p_c, diff, low, high, p_value, _lift(p_t, p_c))


def rpc_effect(rev_t: ArrayLike, rev_c: ArrayLike) -> Effect:
    """Revenue per customer rpc_T - rpc_C: Welch 95% CI and p-value; lift rpc_T / rpc_C - 1 with a delta-method CI."""
    rev_t, rev_c = np.asarray(rev_t, dtype=float), np.asarray(rev_c, dtype=float)
    if rev_t.size == 0 or rev_c.size == 0:
        return Effect(_ratio(float(rev_t.sum()), rev_t.size), _ratio(float(rev_c.sum()), rev_c.size), None)
    (m_t, v_t), (m_c, v_c) = _mean_var(rev_t), _mean_var(rev_c)
    diff, lift = m_t - m_c, _lift(m_t, m_c)
    if rev_t.size < 2 or rev_c.size < 2 or v_t + v_c == 0:
        return Effect(m_t, m_c, diff, relative_lift=lift)
    se = math.sqrt(v_t + v_c)
    df = se**4 / (v_t**2 / (rev_t.size - 1) + v_c**2 / (rev_c.size - 1))  # Welch-Satterthwaite
    low, high = _interval(diff, se, float(stats.t.ppf(0.975, df)))
    p_value = float(2 * stats.t.sf(abs(diff) / se, df))
    rel_se = math.sqrt(v_t / m_c**2 + m_t**2 * v_c / m_c**4) if lift is not None else None
    rel_low, rel_high = _interval(lift, rel_se, Z95)
    return Effect(m_t, m_c, diff, low, high, p_value, lift, rel_low, rel_high)


def incremental_revenue(rpc: Effect, n_t: int) -> Effect:
    """(rpc_T - rpc_C) * n_T with the diff's CI * n_T; treatment/control are the treated group's actual and
    counterfactual revenue (rpc_T * n_T, rpc_C * n_T)."""
    treatment, control, diff = _times(rpc.treatment, n_t), _times(rpc.control, n_t), _times(rpc.diff, n_t)
    low, high = _times(rpc.ci_low, n_t), _times(rpc.ci_high, n_t)
    return replace(rpc, treatment=treatment, control=control, diff=diff, ci_low=low, ci_high=high)


def did_estimate(pre_t: ArrayLike, post_t: ArrayLike, pre_c: ArrayLike, post_c: ArrayLike) -> Effect:
    """Difference-in-differences of revenue per customer, (post_T - pre_T) - (post_C - pre_C), Welch CI on the
    per-customer changes of two independent groups; treatment/control are the mean changes; evidence "weaker"."""
    change = rpc_effect(np.subtract(post_t, pre_t, dtype=float), np.subtract(post_c, pre_c, dtype=float))
    return replace(change, relative_lift=None, relative_ci_low=None, relative_ci_high=None, evidence="weaker")


def _winsor_cut(values: np.ndarray, upper: float | None) -> float | None:
    if upper is None or values.size == 0:
        return None
    if not 0 < upper <= 100:
        raise ValueError(f"winsorising percentile must be in (0, 100], got {upper}")
    return float(np.percentile(values, upper))


def winsorize(rev_t: ArrayLike, rev_c: ArrayLike, upper: float | None) -> tuple[np.ndarray, np.ndarray, float | None]:
    """Both groups' revenue capped at the `upper` percentile (0-100, linear) of the pooled list, and that cut;
    upper=None leaves them unchanged (cut None)."""
    rev_t, rev_c = np.asarray(rev_t, dtype=float), np.asarray(rev_c, dtype=float)
    cut = _winsor_cut(np.concatenate([rev_t, rev_c]), upper)
    if cut is None:
        return rev_t, rev_c, None
    return np.minimum(rev_t, cut), np.minimum(rev_c, cut), cut


def sample_ratio_check(n_t: int, n_c: int, holdout_share: float) -> SrmResult:
    """Chi-square goodness of fit (1 df) of (n_T, n_C) against the intended split; suspect when p < 0.001."""
    if not 0 < holdout_share < 1:
        raise ValueError(f"holdout_share must be between 0 and 1, got {holdout_share}")
    total = n_t + n_c
    if total == 0:
        return SrmResult(n_t, n_c, holdout_share, None, None, None, False)
    expected = (total * (1 - holdout_share), total * holdout_share)
    chi2 = sum((o - e) ** 2 / e for o, e in zip((n_t, n_c), expected, strict=True))
    p_value = float(stats.chi2.sf(chi2, 1))
    return SrmResult(n_t, n_c, holdout_share, n_c / total, float(chi2), p_value, p_value < SRM_ALPHA)


# -- the whole report ---------------------------------------------------------------------------------------------


def _segment(name: str, part: pd.DataFrame, min_cell: int) -> SegmentLift:
    groups = {g: part[part["group"] == g] for g in ("treatment", "control")}
    t, c = (group_summary(g["revenue"], g["responded"], g["purchases"]) for g in groups.values())
    rate = rate_effect(t.responders, t.n, c.responders, c.n)
    rpc = rpc_effect(groups["treatment"]["revenue"], groups["control"]["revenue"])
    return SegmentLift(name, t, c, rate, rpc, incremental_revenue(rpc, t.n), min(t.n, c.n) < min_cell)


def _checked(outcomes: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _OUTCOME_COLUMNS if c not in outcomes.columns]
    if missing:
        raise ValueError(f"outcomes lack columns {missing}")
    unknown = set(outcomes["group"].unique()) - {"treatment", "control"}
    if unknown:
        raise ValueError(f"group must be 'treatment' or 'control', got {sorted(map(str, unknown))}")
    return outcomes.assign(revenue=outcomes["revenue"].astype(float))


def lift_report(
    outcomes: pd.DataFrame, holdout_share: float, winsorize_at: float | None = None, min_cell: int = 30
) -> LiftReport:
    """Lift of a campaign from one row per listed customer (group, tier, responded, revenue, purchases):
    overall and per tier, with the sample-ratio check; optional winsorising at a pooled upper percentile."""
    frame = _checked(outcomes)
    cut = _winsor_cut(frame["revenue"].to_numpy(), winsorize_at)
    if cut is not None:
        frame = frame.assign(revenue=frame["revenue"].clip(upper=cut))
    tiers = tuple(_segment(str(tier), part, min_cell) for tier, part in frame.groupby("tier", sort=True))
    overall = _segment("all", frame, min_cell)
    srm = sample_ratio_check(overall.treatment.n, overall.control.n, holdout_share)
    return LiftReport(overall, tiers, srm, holdout_share, cut)


# -- planning -----------------------------------------------------------------------------------------------------


def _power(n_t: float, n_c: float, p_c: float, p_t: float, alpha: float) -> float:
    """Power of the two-sided pooled z-test: variance at the pooled rate under H0, unpooled at (p_T, p_C) under H1."""
    pooled = (n_t * p_t + n_c * p_c) / (n_t + n_c)
    s0 = math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    s1 = math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    crit, d = float(stats.norm.isf(alpha / 2)), p_t - p_c
    return float(stats.norm.sf((crit * s0 - d) / s1) + stats.norm.cdf((-crit * s0 - d) / s1))


def _plan(n: float, holdout_share: float, alpha: float, power: float) -> tuple[float, float]:
    for name, value in (("holdout_share", holdout_share), ("alpha", alpha), ("power", power)):
        if not 0 < value < 1:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if power <= alpha:
        raise ValueError(f"power ({power}) must exceed alpha ({alpha})")
    return n * (1 - holdout_share), n * holdout_share


def minimum_detectable_effect(
    n: float, holdout_share: float, baseline_rate: float, alpha: float = 0.05, power: float = 0.8
) -> float | None:
    """Smallest relative increase of the response rate detectable by the two-sided pooled z-test; None if none is.

    With n_T = n(1-h), n_C = nh, p_C = baseline, p_T = p_C(1 + lift), pooled p = (n_T p_T + n_C p_C) / n:
    power(p_T) = Phi((d - z s0) / s1) + Phi((-d - z s0) / s1), d = p_T - p_C, z = z_(1-alpha/2),
    s0 = sqrt(p(1-p)(1/n_T + 1/n_C)) (the test's null variance), s1 = sqrt(p_T(1-p_T)/n_T + p_C(1-p_C)/n_C).
    The variance is therefore taken at the treatment rate, not the baseline: p_T is solved (Brent) so that
    power(p_T) = power, and the MDE is p_T / p_C - 1. This is statsmodels' power_proportions_2indep.
    None when the baseline is not strictly between 0 and 1, n <= 0, or even p_T = 1 falls short of the power.
    """
    n_t, n_c = _plan(n, holdout_share, alpha, power)
    if not 0 < baseline_rate < 1 or n <= 0:
        return None
    if _power(n_t, n_c, baseline_rate, 1.0, alpha) < power:
        return None
    p_t = optimize.brentq(lambda p: _power(n_t, n_c, baseline_rate, p, alpha) - power, baseline_rate, 1.0, xtol=1e-14)
    return float(p_t) / baseline_rate - 1


def is_detectable(
    n: float, holdout_share: float, baseline_rate: float, relative_lift: float, alpha: float = 0.05, power: float = 0.8
) -> bool:
    """Whether a list of n detects `relative_lift` of the baseline response rate with the given power (two-sided)."""
    n_t, n_c = _plan(n, holdout_share, alpha, power)
    p_t = baseline_rate * (1 + relative_lift)
    if n <= 0 or not 0 < baseline_rate < 1 or not 0 <= p_t <= 1 or relative_lift == 0:
        return False
    return _power(n_t, n_c, baseline_rate, p_t, alpha) >= power


# -- words --------------------------------------------------------------------------------------------------------


def _points(value: float) -> str:
    """A rate difference in percentage points, one decimal, never '-0.0'."""
    shown = f"{value * 100:.1f}"
    return "0.0" if shown == "-0.0" else shown


def _yuan(value: float, lang: str = "en", currency: str | None = None) -> str:
    """An amount of the headline: as before (¥48,200) unless the page names the dataset's currency, then in the
    page's format (¥4.82万 for yuan in Chinese, £48,200)."""
    if currency is None:
        return fmt.money(round(value))
    return fmt.money(round(value), lang, currency=currency)


def crosses_zero(e: Effect) -> bool:
    """Whether an effect is not conclusive: no difference, no interval, or a 95% interval that includes zero."""
    if e.diff is None or e.ci_low is None or e.ci_high is None:
        return True
    return e.ci_low <= 0 <= e.ci_high


def _rate_clause(e: Effect, lang: str) -> str:
    if e.diff is None or e.ci_low is None or e.ci_high is None:
        return text("lift.rate_no_ci", lang, rate_t=fmt.percent(e.treatment), rate_c=fmt.percent(e.control))
    low, high = _points(e.ci_low), _points(e.ci_high)
    if _points(e.diff) == "0.0":
        return text("lift.rate_same", lang, low=low, high=high)
    if e.diff > 0:
        return text("lift.rate_more", lang, points=_points(e.diff), low=low, high=high)
    return text("lift.rate_less", lang, points=_points(-e.diff), low=_points(-e.ci_high), high=_points(-e.ci_low))


def _revenue_clause(e: Effect, lang: str, currency: str | None = None) -> str:
    if e.diff is None:
        return text("lift.revenue_unknown", lang)
    if e.ci_low is None or e.ci_high is None:
        return text("lift.revenue_no_ci", lang, amount=_yuan(e.diff, lang, currency))
    amount, low, high = (_yuan(v, lang, currency) for v in (e.diff, e.ci_low, e.ci_high))
    return text("lift.revenue", lang, amount=amount, low=low, high=high)


def headline(report: LiftReport, lang: str = "en", currency: str | None = None) -> str:
    """The campaign's result in one plain sentence (zh or en): response-rate gain and incremental revenue, 95% CIs;
    with `currency`, amounts in the page's money format for that currency."""
    seg = report.overall
    if min(seg.treatment.n, seg.control.n) < 2:
        sentence = text("lift.too_few", lang, n_t=seg.treatment.n, n_c=seg.control.n)
    else:
        rate, revenue = _rate_clause(seg.rate, lang), _revenue_clause(seg.incremental, lang, currency)
        sentence = text("lift.headline", lang, rate=rate, revenue=revenue)
    if report.srm.suspect:
        observed = fmt.percent(report.srm.observed_control_share)
        intended = fmt.percent(report.srm.intended_control_share)
        sentence = text("lift.srm_warning", lang, headline=sentence, observed=observed, intended=intended)
    return sentence
