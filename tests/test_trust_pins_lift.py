"""Campaign lift, pinned: the per-tier "too small to read" cut-off at 30 customers, and the difference-in-differences
estimate and 95% interval against statsmodels OLS (shared/spec/lift.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from segcore.lift import did_estimate, lift_report

# -- fewer than 30 customers in either group: too small to read ------------------------------------------------


def _tier(tier: str, n_t: int, n_c: int) -> list[tuple[str, str, int, float, int]]:
    """n_t treated and n_c held-out customers of one tier; every third one bought for 30.00 (one purchase)."""
    return [
        (group, tier, int(i % 3 == 0), 30.0 * (i % 3 == 0), int(i % 3 == 0))
        for group, n in (("treatment", n_t), ("control", n_c))
        for i in range(n)
    ]


OUTCOMES = pd.DataFrame(
    _tier("loyal", 30, 30) + _tier("silent", 40, 29) + _tier("sleeping", 29, 45),
    columns=["group", "tier", "responded", "revenue", "purchases"],
)


def test_a_tier_is_too_small_below_30_in_either_group() -> None:
    report = lift_report(OUTCOMES, holdout_share=0.45)
    sizes = {s.segment: (s.treatment.n, s.control.n, s.too_small) for s in (report.overall, *report.tiers)}
    assert sizes == {
        "all": (99, 104, False),
        "loyal": (30, 30, False),  # 30 and 30: readable
        "silent": (40, 29, True),  # 29 held out
        "sleeping": (29, 45, True),  # 29 got the offer
    }


def test_the_cli_table_flags_the_tiers_too_small_to_read() -> None:
    rows = lift_report(OUTCOMES, holdout_share=0.45).to_rows()
    flags = rows.groupby("segment")["too_small"].agg(["min", "max"]).apply(tuple, axis=1).to_dict()
    assert flags == {"all": (False, False), "loyal": (False, False), "silent": (True, True), "sleeping": (True, True)}


def test_the_campaign_page_says_too_few_instead_of_a_number() -> None:
    from ui.campaign_views import tier_table

    table = tier_table(lift_report(OUTCOMES, holdout_share=0.45), "en").set_index("Tier")
    assert list(table.index) == ["Whole list", "Loyal", "Silent", "Sleeping"]
    assert list(table["Got the offer"]) == ["99", "30", "40", "29"]
    assert list(table["Held out"]) == ["104", "30", "29", "45"]
    too_few = table.drop(columns=["Got the offer", "Held out"]) == "too few to tell"
    assert too_few.all(axis=1).to_dict() == {"Whole list": False, "Loyal": False, "Silent": True, "Sleeping": True}
    assert not too_few.loc[["Whole list", "Loyal"]].any(axis=None)
    # loyal: every third customer bought in both groups, 10 of 30 each: no difference, "0.0% (… – …)"
    assert table.loc["Loyal"].iloc[2].startswith("0.0% (")


# -- difference-in-differences against OLS ----------------------------------------------------------------------


def _ols_did(pre_t: np.ndarray, post_t: np.ndarray, pre_c: np.ndarray, post_c: np.ndarray) -> tuple[float, ...]:
    """DiD by OLS: the interaction of the two-period panel; its interval from the per-customer change regressed on
    the treatment dummy with HC2 errors (the unequal-variance standard error of two independent means), with
    Welch-Satterthwaite degrees of freedom as for revenue per customer."""
    n_t, n_c = pre_t.size, pre_c.size
    revenue = np.concatenate([pre_t, post_t, pre_c, post_c])
    treat = np.repeat([1.0, 1.0, 0.0, 0.0], [n_t, n_t, n_c, n_c])
    post = np.repeat([0.0, 1.0, 0.0, 1.0], [n_t, n_t, n_c, n_c])
    panel = sm.OLS(revenue, sm.add_constant(np.column_stack([treat, post, treat * post]))).fit()
    change = np.concatenate([post_t - pre_t, post_c - pre_c])
    dummy = np.repeat([1.0, 0.0], [n_t, n_c])
    fit = sm.OLS(change, sm.add_constant(dummy)).fit(cov_type="HC2")
    se = float(fit.bse[1])
    v_t, v_c = np.var(post_t - pre_t, ddof=1) / n_t, np.var(post_c - pre_c, ddof=1) / n_c
    df = (v_t + v_c) ** 2 / (v_t**2 / (n_t - 1) + v_c**2 / (n_c - 1))
    crit = stats.t.ppf(0.975, df)
    p_value = 2 * stats.t.sf(abs(fit.params[1]) / se, df)
    estimate = float(fit.params[1])
    return float(panel.params[3]), estimate, estimate - crit * se, estimate + crit * se, p_value


def _seeded() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(2026)
    pre_t = np.round(rng.gamma(2.0, 40.0, 23) * (rng.random(23) < 0.6), 2)
    post_t = np.round(pre_t * 0.8 + rng.gamma(2.0, 30.0, 23) * (rng.random(23) < 0.7), 2)
    pre_c = np.round(rng.gamma(2.0, 45.0, 31) * (rng.random(31) < 0.6), 2)
    post_c = np.round(pre_c * 0.9 + rng.gamma(2.0, 20.0, 31) * (rng.random(31) < 0.5), 2)
    return pre_t, post_t, pre_c, post_c


HAND_BUILT = (
    np.array([10.0, 0.0, 30.0, 5.0]),
    np.array([25.0, 10.0, 30.0, 20.0]),
    np.array([12.0, 8.0, 0.0]),
    np.array([14.0, 8.0, 6.0]),
)


@pytest.mark.parametrize("data", [HAND_BUILT, _seeded()], ids=["hand-built", "seeded"])
def test_did_estimate_and_interval_match_ols(data: tuple[np.ndarray, ...]) -> None:
    panel_estimate, estimate, low, high, p_value = _ols_did(*data)
    e = did_estimate(*data)
    assert panel_estimate == pytest.approx(estimate, abs=1e-9)  # the panel's interaction is the change regression's
    assert e.diff == pytest.approx(panel_estimate, abs=1e-9)
    assert (e.ci_low, e.ci_high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    assert e.p_value == pytest.approx(p_value, abs=1e-9)
    assert e.evidence == "weaker"


def test_did_of_the_hand_built_case_by_hand() -> None:
    # changes: treatment 15, 10, 0, 15 (mean 10, variance 50); control 2, 0, 6 (mean 8/3, variance 28/3)
    # se = sqrt(50/4 + (28/3)/3) = sqrt(12.5 + 28/9); Welch df = se^4 / (12.5^2/3 + (28/9)^2/2) = 4.28
    e = did_estimate(*HAND_BUILT)
    se = np.sqrt(12.5 + 28 / 9)
    df = se**4 / (12.5**2 / 3 + (28 / 9) ** 2 / 2)
    half = stats.t.ppf(0.975, df) * se
    assert e.diff == pytest.approx(10 - 8 / 3, abs=1e-12)
    assert (e.ci_low, e.ci_high) == (pytest.approx(22 / 3 - half, abs=1e-9), pytest.approx(22 / 3 + half, abs=1e-9))
    assert (e.treatment, e.control) == (pytest.approx(10.0, abs=1e-12), pytest.approx(8 / 3, abs=1e-12))
