"""Campaign lift statistics: each figure against scipy / statsmodels, hand-built tables, edge cases, planning."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, power_proportions_2indep, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from segcore.lift import (
    Z95,
    Effect,
    GroupSummary,
    LiftReport,
    SegmentLift,
    SrmResult,
    did_estimate,
    group_summary,
    headline,
    incremental_revenue,
    is_detectable,
    lift_report,
    minimum_detectable_effect,
    rate_effect,
    rpc_effect,
    sample_ratio_check,
    winsorize,
)

TOL = 1e-9
REV_T = np.array([0.0, 0.0, 35.5, 120.0, 0.0, 18.2, 260.0, 0.0, 75.0, 44.4, 0.0, 9.9])
REV_C = np.array([0.0, 52.0, 0.0, 0.0, 14.0, 88.8, 0.0, 31.0, 0.0])


def _frame(rows: list[tuple[str, str, int, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["group", "tier", "responded", "revenue", "purchases"])


def _outcomes(n_t: int, n_c: int, resp_t: int, resp_c: int, spend: float | None = None) -> pd.DataFrame:
    """n_t + n_c customers of one tier; responders first; revenue `spend` each, or varying when None."""
    rows = []
    for group, n, resp in (("treatment", n_t, resp_t), ("control", n_c, resp_c)):
        for i in range(n):
            bought = int(i < resp)
            revenue = spend if spend is not None else (20.0 + 7.0 * i) * bought
            rows.append((group, "loyal", bought, revenue, bought))
    return _frame(rows)


# -- references --------------------------------------------------------------------------------------------------


def test_z_is_the_spec_constant() -> None:
    assert round(Z95, 6) == 1.959964


@pytest.mark.parametrize(
    "resp_t, n_t, resp_c, n_c",
    [(130, 1000, 100, 1000), (42, 800, 18, 200), (5, 60, 9, 40), (999, 1000, 990, 1000)],
    ids=["equal-split", "unequal-split", "negative-lift", "near-one"],
)
def test_rate_effect_matches_statsmodels(resp_t: int, n_t: int, resp_c: int, n_c: int) -> None:
    e = rate_effect(resp_t, n_t, resp_c, n_c)
    _, p_ref = proportions_ztest([resp_t, resp_c], [n_t, n_c])
    low, high = confint_proportions_2indep(resp_t, n_t, resp_c, n_c, method="wald", compare="diff")
    assert e.diff == pytest.approx(resp_t / n_t - resp_c / n_c, abs=TOL)
    assert e.p_value == pytest.approx(p_ref, abs=TOL)
    assert (e.ci_low, e.ci_high) == (pytest.approx(low, abs=TOL), pytest.approx(high, abs=TOL))
    assert e.relative_lift == pytest.approx((resp_t / n_t) / (resp_c / n_c) - 1, abs=TOL)


def test_rate_ci_is_the_spec_formula() -> None:
    e = rate_effect(130, 1000, 100, 1000)
    se = math.sqrt(0.13 * 0.87 / 1000 + 0.10 * 0.90 / 1000)
    assert (e.ci_low, e.ci_high) == (pytest.approx(0.03 - 1.959964 * se, abs=1e-8), pytest.approx(0.03 + 1.959964 * se))


def test_rpc_effect_matches_scipy_and_statsmodels() -> None:
    e = rpc_effect(REV_T, REV_C)
    p_ref = stats.ttest_ind(REV_T, REV_C, equal_var=False).pvalue
    low, high = CompareMeans(DescrStatsW(REV_T), DescrStatsW(REV_C)).tconfint_diff(usevar="unequal")
    assert e.diff == pytest.approx(REV_T.mean() - REV_C.mean(), abs=TOL)
    assert e.p_value == pytest.approx(p_ref, abs=TOL)
    assert (e.ci_low, e.ci_high) == (pytest.approx(low, abs=TOL), pytest.approx(high, abs=TOL))


def test_rpc_relative_lift_delta_method_by_hand() -> None:
    # means 20 and 10; variances 100 and 50, so the means' variances are 100/3 and 50/2 = 25
    # Var(m_T/m_C) = (100/3)/10^2 + 20^2 * 25 / 10^4 = 1/3 + 1 = 4/3
    e = rpc_effect([10.0, 20.0, 30.0], [5.0, 15.0])
    half = 1.959964 * math.sqrt(4 / 3)
    assert e.relative_lift == pytest.approx(1.0, abs=TOL)
    assert e.relative_ci_low == pytest.approx(1.0 - half, abs=1e-6)
    assert e.relative_ci_high == pytest.approx(1.0 + half, abs=1e-6)


def test_incremental_revenue_scales_the_rpc_difference() -> None:
    rpc = rpc_effect(REV_T, REV_C)
    inc = incremental_revenue(rpc, 5000)
    assert inc.diff == pytest.approx(rpc.diff * 5000, abs=TOL)
    assert (inc.ci_low, inc.ci_high) == (pytest.approx(rpc.ci_low * 5000), pytest.approx(rpc.ci_high * 5000))
    assert (inc.treatment, inc.control) == (pytest.approx(REV_T.mean() * 5000), pytest.approx(REV_C.mean() * 5000))
    assert inc.p_value == rpc.p_value


@pytest.mark.parametrize("n_t, n_c, share", [(900, 100, 0.1), (870, 130, 0.1), (500, 480, 0.5), (50, 50, 0.2)], ids=str)
def test_sample_ratio_check_matches_scipy(n_t: int, n_c: int, share: float) -> None:
    total = n_t + n_c
    ref = stats.chisquare([n_t, n_c], f_exp=[total * (1 - share), total * share])
    srm = sample_ratio_check(n_t, n_c, share)
    assert srm.chi2 == pytest.approx(ref.statistic, abs=TOL)
    assert srm.p_value == pytest.approx(ref.pvalue, abs=TOL)
    assert srm.suspect == (ref.pvalue < 0.001)


def test_sample_ratio_check_flags_a_broken_split() -> None:
    assert sample_ratio_check(900, 100, 0.1).suspect is False
    assert sample_ratio_check(50, 50, 0.2).suspect is True
    assert sample_ratio_check(0, 0, 0.2) == SrmResult(0, 0, 0.2, None, None, None, False)


def test_winsorize_uses_one_cut_from_the_pooled_list() -> None:
    # pooled sorted: 1..9, 100; the 90th percentile sits at rank 8.1: 9 + 0.1 * (100 - 9) = 18.1
    t, c, cut = winsorize([1.0, 2.0, 3.0, 4.0, 100.0], [5.0, 6.0, 7.0, 8.0, 9.0], 90)
    assert cut == pytest.approx(18.1, abs=1e-12)
    assert t.tolist() == pytest.approx([1.0, 2.0, 3.0, 4.0, 18.1], abs=1e-12)
    assert c.tolist() == [5.0, 6.0, 7.0, 8.0, 9.0]


def test_winsorize_off_leaves_revenue_alone() -> None:
    t, c, cut = winsorize([1.0, 500.0], [2.0], None)
    assert (t.tolist(), c.tolist(), cut) == ([1.0, 500.0], [2.0], None)
    with pytest.raises(ValueError):
        winsorize([1.0], [2.0], 0)


def test_did_is_welch_on_the_per_customer_changes() -> None:
    pre_t, post_t = np.array([10.0, 0.0, 30.0, 5.0]), np.array([25.0, 10.0, 30.0, 20.0])
    pre_c, post_c = np.array([12.0, 8.0, 0.0]), np.array([14.0, 8.0, 6.0])
    e = did_estimate(pre_t, post_t, pre_c, post_c)
    # changes: T = 15, 10, 0, 15 (mean 10); C = 2, 0, 6 (mean 8/3)
    assert e.diff == pytest.approx(10 - 8 / 3, abs=TOL)
    assert e.p_value == pytest.approx(stats.ttest_ind(post_t - pre_t, post_c - pre_c, equal_var=False).pvalue)
    assert e.evidence == "weaker"
    assert e.relative_lift is None


# -- hand-built tables ------------------------------------------------------------------------------------------


def test_group_summary_by_hand() -> None:
    # a refund-only customer (-30) has revenue but did not respond; aov = (100 + 60 - 20) / 4 purchases
    summary = group_summary([100.0, -30.0, 60.0, -20.0], [1, 0, 1, 1], [2, 0, 1, 1])
    assert summary == GroupSummary(n=4, responders=3, rate=0.75, revenue=110.0, rpc=27.5, aov=35.0)


def test_group_summary_without_purchases_or_customers() -> None:
    assert group_summary([0.0, 0.0], [0, 0], [0, 0]) == GroupSummary(2, 0, 0.0, 0.0, 0.0, None)
    assert group_summary([], [], []) == GroupSummary(0, 0, None, 0.0, None, None)


TIERED = _frame(
    [
        ("treatment", "loyal", 1, 100.0, 2),
        ("treatment", "loyal", 0, 0.0, 0),
        ("treatment", "loyal", 1, 50.0, 1),
        ("control", "loyal", 1, 40.0, 1),
        ("control", "loyal", 0, 0.0, 0),
        ("treatment", "silent", 1, 30.0, 3),
        ("treatment", "silent", 0, 0.0, 0),
        ("control", "silent", 0, 0.0, 0),
    ]
)


def test_per_tier_breakdown_by_hand() -> None:
    report = lift_report(TIERED, holdout_share=0.4, min_cell=2)
    loyal, silent = report.tiers
    assert (loyal.segment, silent.segment) == ("loyal", "silent")
    assert loyal.treatment == GroupSummary(3, 2, 2 / 3, 150.0, 50.0, 50.0)
    assert loyal.control == GroupSummary(2, 1, 0.5, 40.0, 20.0, 40.0)
    assert silent.treatment == GroupSummary(2, 1, 0.5, 30.0, 15.0, 10.0)
    assert silent.control == GroupSummary(1, 0, 0.0, 0.0, 0.0, None)
    assert (loyal.too_small, silent.too_small, report.overall.too_small) == (False, True, False)
    assert loyal.rate.diff == pytest.approx(2 / 3 - 0.5, abs=TOL)
    assert loyal.incremental.diff == pytest.approx((50.0 - 20.0) * 3, abs=TOL)
    assert silent.rpc.ci_low is None and silent.rate.relative_lift is None
    assert report.overall.treatment.n == 5 and report.overall.control.n == 3


def test_to_rows_is_the_long_table() -> None:
    rows = lift_report(TIERED, holdout_share=0.4, min_cell=2).to_rows()
    assert list(rows.columns) == [
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
    assert list(zip(rows.segment, rows.metric, strict=True)) == [
        (segment, metric)
        for segment in ("all", "loyal", "silent")
        for metric in ("response_rate", "rpc", "incremental_revenue")
    ]
    overall_rpc = rows.set_index(["segment", "metric"]).loc[("all", "rpc")]
    assert (overall_rpc.treatment, overall_rpc.control) == (36.0, pytest.approx(40 / 3))
    assert (overall_rpc.n_treatment, overall_rpc.n_control) == (5, 3)


def test_lift_report_winsorises_with_one_cut_for_every_tier() -> None:
    report = lift_report(TIERED, holdout_share=0.4, winsorize_at=90, min_cell=2)
    # pooled revenue sorted: 0 x4, 30, 40, 50, 100; 90th percentile at rank 6.3: 50 + 0.3 * 50 = 65
    assert report.winsor_cut == pytest.approx(65.0, abs=1e-12)
    assert report.tiers[0].treatment.revenue == pytest.approx(115.0, abs=1e-12)


def test_lift_report_rejects_unknown_groups() -> None:
    with pytest.raises(ValueError, match="holdout"):
        lift_report(_frame([("holdout", "loyal", 0, 0.0, 0)]), holdout_share=0.1)


# -- words and edge cases ---------------------------------------------------------------------------------------


def _report_with(rate: Effect, incremental: Effect) -> LiftReport:
    group = GroupSummary(1000, 100, 0.1, 1.0, 1.0, 1.0)
    seg = SegmentLift("all", group, group, rate, Effect(None, None, None), incremental, False)
    return LiftReport(seg, (), SrmResult(1000, 1000, 0.5, 0.5, 0.0, 1.0, False), 0.5)


def test_headline_in_both_languages() -> None:
    report = _report_with(Effect(0.121, 0.1, 0.021, 0.008, 0.034), Effect(None, None, 48_200.0, 12_900.0, 83_500.0))
    assert headline(report, "en") == (
        "Customers who got the offer bought 2.1 points more often (95% CI 0.8 to 3.4); "
        "incremental revenue ¥48,200 (¥12,900 to ¥83,500)"
    )
    assert headline(report, "zh") == (
        "收到优惠的顾客购买率高出 2.1 个百分点（95% 置信区间 0.8 至 3.4）；增量收入 ¥48,200（¥12,900 至 ¥83,500）"
    )


def test_headline_for_a_drop_reads_the_interval_the_same_way() -> None:
    report = _report_with(Effect(0.079, 0.1, -0.021, -0.034, -0.008), Effect(None, None, -500.0, -900.0, -100.0))
    assert headline(report, "en") == (
        "Customers who got the offer bought 2.1 points less often (95% CI 0.8 to 3.4); "
        "incremental revenue -¥500 (-¥900 to -¥100)"
    )


def test_headline_warns_when_the_split_is_off() -> None:
    outcomes = _outcomes(60, 40, 20, 10)
    report = lift_report(outcomes, holdout_share=0.1)
    assert report.srm.suspect
    assert headline(report, "en").endswith(
        "Warning: 40.0% of the list was held out instead of the intended 10.0%, so these figures are suspect"
    )
    assert "对照组占名单的 40.0%，而设定为 10.0%" in headline(report, "zh")


EDGE_CASES = {
    "control-zero-responders": _outcomes(40, 40, 10, 0),
    "all-responders": _outcomes(40, 40, 40, 40),
    "n-is-one": _outcomes(1, 1, 1, 0),
    "every-revenue-equal": _outcomes(40, 40, 40, 40, spend=25.0),
    "nobody-bought": _outcomes(40, 40, 0, 0, spend=0.0),
    "no-control": _outcomes(5, 0, 2, 0),
}


_NO_RATE_CI = "(no confidence interval: everyone within each group did the same)"
_NO_REVENUE_CI = "incremental revenue ¥0 (no interval: every customer within each group spent the same)"
_ZH_NO_RATE_CI = "（每组内顾客行为完全一致，无法给出置信区间）"
_ZH_NO_REVENUE_CI = "增量收入 ¥0（每组内顾客消费金额完全相同，无法给出区间）"
# Worked out by hand (scipy only for the t quantile):
# control-zero-responders: p_T = 10/40, p_C = 0: 25.0 points, CI 25 -/+ 1.959964 sqrt(.25 * .75 / 40) = 11.6 to 38.4;
#   treatment revenue 20, 27, ..., 83 and 30 zeros (sum 515), control all 0: incremental (515/40 - 0) * 40 = 515,
#   Welch df = 39 (no control variance), CI 515 -/+ 40 * t(.975, 39) * sd_T / sqrt(40) = 198.09 to 831.91
# all-responders: both groups 20, 27, ..., 293: diff 0, df = 78, CI -/+ 40 * t(.975, 78) * sqrt(2 var / 40) = 1457.18
EDGE_HEADLINES = {
    "control-zero-responders": (
        "Customers who got the offer bought 25.0 points more often (95% CI 11.6 to 38.4); "
        "incremental revenue ¥515 (¥198 to ¥832)",
        "收到优惠的顾客购买率高出 25.0 个百分点（95% 置信区间 11.6 至 38.4）；增量收入 ¥515（¥198 至 ¥832）",
    ),
    "all-responders": (
        f"Customers who got the offer bought at a rate of 100.0%, those held out 100.0% {_NO_RATE_CI}; "
        "incremental revenue ¥0 (-¥1,457 to ¥1,457)",
        f"收到优惠的顾客购买率 100.0%，对照组 100.0%{_ZH_NO_RATE_CI}；增量收入 ¥0（-¥1,457 至 ¥1,457）",
    ),
    "n-is-one": (
        "Too few customers to measure lift: 1 got the offer and 1 were held out (each group needs at least 2)",
        "顾客太少，无法衡量效果：收到优惠 1 人，对照组 1 人（每组至少需要 2 人）",
    ),
    "every-revenue-equal": (
        f"Customers who got the offer bought at a rate of 100.0%, those held out 100.0% {_NO_RATE_CI}; "
        + _NO_REVENUE_CI,
        f"收到优惠的顾客购买率 100.0%，对照组 100.0%{_ZH_NO_RATE_CI}；{_ZH_NO_REVENUE_CI}",
    ),
    "nobody-bought": (
        f"Customers who got the offer bought at a rate of 0.0%, those held out 0.0% {_NO_RATE_CI}; " + _NO_REVENUE_CI,
        f"收到优惠的顾客购买率 0.0%，对照组 0.0%{_ZH_NO_RATE_CI}；{_ZH_NO_REVENUE_CI}",
    ),
    "no-control": (
        "Too few customers to measure lift: 5 got the offer and 0 were held out (each group needs at least 2)",
        "顾客太少，无法衡量效果：收到优惠 5 人，对照组 0 人（每组至少需要 2 人）",
    ),
}


@pytest.mark.parametrize("case", EDGE_CASES, ids=list(EDGE_CASES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_edge_cases_give_the_exact_headline(case: str, lang: str) -> None:
    sentence = headline(lift_report(EDGE_CASES[case], holdout_share=0.5), lang)
    assert sentence == EDGE_HEADLINES[case][0 if lang == "en" else 1]


def test_control_with_zero_responders_has_no_relative_lift() -> None:
    seg = lift_report(EDGE_CASES["control-zero-responders"], holdout_share=0.5).overall
    assert seg.rate.diff == 0.25 and seg.rate.ci_low is not None and seg.rate.relative_lift is None
    assert seg.rpc.relative_lift is None and seg.rpc.relative_ci_low is None and seg.rpc.ci_low is not None
    assert headline(lift_report(EDGE_CASES["control-zero-responders"], holdout_share=0.5), "en").startswith(
        "Customers who got the offer bought 25.0 points more often (95% CI 11.6 to 38.4)"
    )


def test_all_responders_have_no_rate_interval() -> None:
    report = lift_report(EDGE_CASES["all-responders"], holdout_share=0.5)
    rate = report.overall.rate
    assert (rate.diff, rate.ci_low, rate.ci_high, rate.p_value, rate.relative_lift) == (0.0, None, None, None, 0.0)
    assert headline(report, "en").startswith(
        "Customers who got the offer bought at a rate of 100.0%, those held out 100.0% (no confidence interval"
    )


def test_n_of_one_is_too_few() -> None:
    report = lift_report(EDGE_CASES["n-is-one"], holdout_share=0.5)
    rpc = report.overall.rpc
    assert (rpc.diff, rpc.ci_low, rpc.p_value, rpc.relative_ci_low) == (20.0, None, None, None)
    assert headline(report, "en") == (
        "Too few customers to measure lift: 1 got the offer and 1 were held out (each group needs at least 2)"
    )
    assert headline(report, "zh") == "顾客太少，无法衡量效果：收到优惠 1 人，对照组 1 人（每组至少需要 2 人）"


def test_every_revenue_equal_has_no_revenue_interval() -> None:
    report = lift_report(EDGE_CASES["every-revenue-equal"], holdout_share=0.5)
    rpc, inc = report.overall.rpc, report.overall.incremental
    assert (rpc.diff, rpc.ci_low, rpc.p_value, rpc.relative_lift, rpc.relative_ci_low) == (0.0, None, None, 0.0, None)
    assert (inc.diff, inc.ci_low) == (0.0, None)
    assert headline(report, "en").endswith(
        "incremental revenue ¥0 (no interval: every customer within each group spent the same)"
    )


def test_equal_revenue_with_rounding_noise_is_still_zero_variance() -> None:
    e = rpc_effect([0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    assert (e.ci_low, e.p_value) == (None, None)


def test_empty_group_gives_no_effects() -> None:
    assert rate_effect(2, 5, 0, 0) == Effect(0.4, None, None)
    assert rpc_effect([1.0, 2.0], []) == Effect(1.5, None, None)


# -- planning ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, share, baseline", [(20_000, 0.2, 0.05), (5_000, 0.5, 0.2), (100_000, 0.1, 0.02), (3_000, 0.3, 0.6)], ids=str
)
def test_mde_gives_80_percent_power_in_statsmodels(n: int, share: float, baseline: float) -> None:
    mde = minimum_detectable_effect(n, share, baseline)
    assert mde is not None and mde > 0
    n_t, n_c = n * (1 - share), n * share
    ref = power_proportions_2indep(mde * baseline, baseline, n_t, ratio=n_c / n_t).power
    assert ref == pytest.approx(0.8, abs=1e-6)


def test_mde_is_near_the_baseline_variance_approximation() -> None:
    # NormalIndPower takes the variance at the baseline on both sides: close to, not equal to, our MDE
    n, share, baseline = 50_000, 0.2, 0.1
    es = NormalIndPower().solve_power(nobs1=n * (1 - share), alpha=0.05, power=0.8, ratio=share / (1 - share))
    approx = es * math.sqrt(baseline * (1 - baseline)) / baseline
    assert minimum_detectable_effect(n, share, baseline) == pytest.approx(approx, rel=0.03)


def test_mde_gives_80_percent_power_by_brute_force() -> None:
    n, share, baseline = 20_000, 0.2, 0.05
    mde = minimum_detectable_effect(n, share, baseline)
    assert mde is not None
    n_t, n_c = round(n * (1 - share)), round(n * share)
    rng = np.random.default_rng(7)
    resp_t = rng.binomial(n_t, baseline * (1 + mde), 20_000)
    resp_c = rng.binomial(n_c, baseline, 20_000)
    pooled = (resp_t + resp_c) / (n_t + n_c)
    z = (resp_t / n_t - resp_c / n_c) / np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    assert np.mean(2 * stats.norm.sf(np.abs(z)) < 0.05) == pytest.approx(0.8, abs=0.015)


def test_is_detectable_agrees_with_the_mde() -> None:
    mde = minimum_detectable_effect(20_000, 0.2, 0.05)
    assert mde is not None
    assert is_detectable(20_000, 0.2, 0.05, mde * 1.01)
    assert not is_detectable(20_000, 0.2, 0.05, mde * 0.99)
    assert not is_detectable(500, 0.2, 0.05, 0.10)


@pytest.mark.parametrize(
    "n, share, baseline", [(10, 0.5, 0.5), (1000, 0.1, 0.0), (1000, 0.1, 1.0), (0, 0.1, 0.1)], ids=str
)
def test_mde_is_none_when_nothing_is_detectable(n: int, share: float, baseline: float) -> None:
    assert minimum_detectable_effect(n, share, baseline) is None


def test_planning_rejects_a_bad_share() -> None:
    with pytest.raises(ValueError):
        minimum_detectable_effect(1000, 1.0, 0.1)
