"""BG/NBD and Gamma-Gamma (issue 13): the published CDNOW estimates, parameter recovery, hand-computed values,
lifetimes as an independent oracle, and invariants."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segcore.forecast.bgnbd import BgNbd, conditional_expected_purchases, fit_bgnbd, log_likelihood, p_alive
from segcore.forecast.gamma_gamma import GammaGamma, conditional_expected_spend, fit_gamma_gamma
from segcore.forecast.model import fit_models, histogram, score

CDNOW = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow_sample"
PUBLISHED = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4, converged=True, iterations=0)


@pytest.fixture(scope="module")
def published_summary() -> pd.DataFrame:
    path = CDNOW / "cdnow_customers_summary.csv"
    assert path.exists(), f"the CDNOW sample is missing: {path}"
    return pd.read_csv(path)


def test_bgnbd_reproduces_the_published_estimates_from_the_published_summary(published_summary: pd.DataFrame) -> None:
    s = published_summary
    fit = fit_bgnbd(s["frequency"].to_numpy(float), s["recency"].to_numpy(float), s["T"].to_numpy(float))
    assert fit.converged
    assert (round(fit.r, 3), round(fit.alpha, 3), round(fit.a, 3), round(fit.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(fit.log_likelihood, 1) == -9582.4


def test_one_customers_expected_purchases_is_the_published_1_226(published_summary: pd.DataFrame) -> None:
    s = published_summary
    fit = fit_bgnbd(s["frequency"].to_numpy(float), s["recency"].to_numpy(float), s["T"].to_numpy(float))
    value = conditional_expected_purchases(fit, 39.0, np.array([2.0]), np.array([30.43]), np.array([38.86]))
    assert round(float(value[0]), 3) == 1.226


def test_the_histogram_fit_is_the_customer_by_customer_fit(published_summary: pd.DataFrame) -> None:
    s = published_summary
    x, t, T = (s[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    rows = s.groupby(["frequency", "recency", "T"]).size().reset_index(name="count")
    assert len(rows) < len(s)
    whole = fit_bgnbd(x, t, T)
    grouped = fit_bgnbd(*(rows[c].to_numpy(float) for c in ("frequency", "recency", "T", "count")))
    for name in ("r", "alpha", "a", "b", "log_likelihood"):
        assert getattr(grouped, name) == pytest.approx(getattr(whole, name), rel=1e-6)


def test_p_alive_and_expected_purchases_by_hand() -> None:
    # P(alive | x=2, t_x=30.43, T=38.86) = 1 / (1 + a/(b+x-1) * ((α+T)/(α+t_x))^(r+x)), typed out with math
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    by_hand = 1 / (1 + a / (b + 1) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2))
    assert by_hand == pytest.approx(0.72658, abs=1e-5)  # 1 / (1 + 0.231465 · 1.62580)
    got = p_alive(PUBLISHED, np.array([2.0]), np.array([30.43]), np.array([38.86]))
    assert float(got[0]) == pytest.approx(by_hand, rel=1e-12)
    # someone without a repeat purchase cannot have dropped out yet
    assert float(p_alive(PUBLISHED, np.array([0.0]), np.array([0.0]), np.array([30.0]))[0]) == 1.0


def test_gamma_gamma_expected_spend_by_hand() -> None:
    model = GammaGamma(p=6.25, q=3.74, v=15.44, log_likelihood=0.0, converged=True)
    # p (v + x m) / (p x + q - 1) with x = 2, m = 20: 6.25 * 55.44 / 15.24
    got = conditional_expected_spend(model, np.array([2.0, 0.0]), np.array([20.0, np.nan]))
    assert got[0] == pytest.approx(346.5 / 15.24, rel=1e-12)
    # nobody known: the population mean p v / (q - 1) = 96.5 / 2.74
    assert got[1] == pytest.approx(96.5 / 2.74, rel=1e-12)


def _simulate(r: float, alpha: float, a: float, b: float, n: int, seed: int) -> pd.DataFrame:
    """BG/NBD customers: first purchase at time 0, observed for T weeks (first purchases spread over 12 weeks of a
    39-week period, as in CDNOW); exponential gaps at rate λ ~ Gamma(r, α); after each repeat purchase the customer
    drops out with probability p ~ Beta(a, b)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = 39 - rng.uniform(0, 12, n)
    x, t_x, now = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        now = np.where(active, now + rng.exponential(1, n) / np.maximum(lam, 1e-12), now)
        bought = active & (now <= T)
        x += bought
        t_x = np.where(bought, now, t_x)
        active = bought & (rng.uniform(size=n) >= p)
    return pd.DataFrame({"x": x, "t_x": t_x, "T": T})


def test_the_fit_recovers_the_parameters_of_100k_simulated_customers() -> None:
    truth = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    frame = _simulate(**truth, n=100_000, seed=13)
    fit = fit_bgnbd(*(frame[c].to_numpy() for c in ("x", "t_x", "T")))
    assert fit.converged
    assert fit.r == pytest.approx(truth["r"], rel=0.10)
    assert fit.alpha == pytest.approx(truth["alpha"], rel=0.10)
    assert fit.a == pytest.approx(truth["a"], rel=0.30)
    assert fit.b == pytest.approx(truth["b"], rel=0.30)


def test_lifetimes_agrees_on_the_fit_and_every_customers_scores(published_summary: pd.DataFrame) -> None:
    import lifetimes  # requirements-dev.txt: a test-only oracle

    s = published_summary
    oracle = lifetimes.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    x, t, T = (s[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    fit = fit_bgnbd(x, t, T)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fit, name) == pytest.approx(oracle.params_[name], rel=1e-3)
    theirs = BgNbd(*(float(oracle.params_[k]) for k in ("r", "alpha", "a", "b")), 0.0, True, 0)
    np.testing.assert_allclose(p_alive(theirs, x, t, T), oracle.conditional_probability_alive(x, t, T), rtol=1e-9)
    np.testing.assert_allclose(
        conditional_expected_purchases(theirs, 12.0, x, t, T),
        oracle.conditional_expected_number_of_purchases_up_to_time(12.0, x, t, T),
        rtol=1e-9,
    )


def test_lifetimes_agrees_on_gamma_gamma() -> None:
    import lifetimes

    rng = np.random.default_rng(5)
    x = rng.integers(1, 12, 3000).astype(float)
    nu = rng.gamma(3.0, 1 / 20.0, 3000)  # ν ~ Gamma(q=3, γ=20)
    m = rng.gamma(4.0 * x, 1 / (nu * x))  # mean of x purchases worth Gamma(p=4, ν) each
    ours = fit_gamma_gamma(x, m)
    oracle = lifetimes.GammaGammaFitter().fit(pd.Series(x), pd.Series(m))
    for mine, theirs in ((ours.p, "p"), (ours.q, "q"), (ours.v, "v")):
        assert mine == pytest.approx(oracle.params_[theirs], rel=1e-3)


def test_clv_is_the_discounted_expected_spend() -> None:
    frame = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "x": [0, 3, 1], "t_x": [0.0, 20.0, 2.0], "T": [10.0, 30.0, 40.0],
         "m_x": [np.nan, 50.0, 10.0]}
    )  # fmt: skip
    rows = _simulate(0.5, 3.0, 0.9, 3.0, 5000, seed=2)
    rows["m_x"] = np.where(rows["x"] > 0, np.random.default_rng(3).gamma(5, 6, len(rows)), np.nan)
    rows["customer_id"] = [f"s{i}" for i in range(len(rows))]
    rows["t_x"], rows["T"] = np.round(rows["t_x"] * 7) / 7, np.round(rows["T"] * 7) / 7
    fit = fit_models(rows)
    undiscounted = score(frame, fit, 90, 0.0)
    assert undiscounted["clv"].to_numpy() == pytest.approx(
        (undiscounted["expected_purchases"] * undiscounted["expected_spend"]).to_numpy(), rel=1e-12
    )
    discounted = score(frame, fit, 90, 0.1)
    assert (discounted["clv"] < undiscounted["clv"]).all()
    assert (discounted["clv"] >= undiscounted["clv"] * 1.1 ** (-90 / 365)).all()
    assert list(discounted.columns) == [
        "customer_id", "x", "t_x", "T", "m_x", "p_alive", "expected_purchases", "expected_spend", "clv",
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 40),
    gap=st.floats(0, 100),
    tail=st.floats(0, 100),
    t=st.floats(0.1, 200),
)
def test_scores_are_probabilities_and_expectations_grow_with_time(x: int, gap: float, tail: float, t: float) -> None:
    t_x = gap if x > 0 else 0.0
    T = t_x + tail
    args = (np.array([float(x)]), np.array([t_x]), np.array([T]))
    alive = float(p_alive(PUBLISHED, *args)[0])
    assert 0.0 <= alive <= 1.0
    sooner = float(conditional_expected_purchases(PUBLISHED, t, *args)[0])
    later = float(conditional_expected_purchases(PUBLISHED, t * 2, *args)[0])
    assert 0.0 <= sooner <= later + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 300), st.integers(0, 300)), min_size=1, max_size=60))
def test_the_histogram_keeps_every_customer(rows: list[tuple[int, int, int]]) -> None:
    frame = pd.DataFrame(
        [{"x": x, "t_x": (t if x else 0) / 7, "T": ((t if x else 0) + extra) / 7} for x, t, extra in rows]
    )
    grouped, inverse = histogram(frame)
    assert grouped["count"].sum() == len(frame)
    back = grouped.iloc[inverse].reset_index(drop=True)
    np.testing.assert_array_equal(back["x"].to_numpy(), frame["x"].to_numpy(float))
    np.testing.assert_allclose(back["T"].to_numpy(), frame["T"].to_numpy(), rtol=0, atol=1e-12)
    params = (0.3, 5.0, 0.8, 2.0)
    weighted = log_likelihood(params, *(grouped[c].to_numpy(float) for c in ("x", "t_x", "T")), grouped["count"])
    one_by_one = log_likelihood(params, *(frame[c].to_numpy(float) for c in ("x", "t_x", "T")))
    assert math.isclose(weighted, one_by_one, rel_tol=1e-9)


def test_the_coarse_then_newton_path_finds_the_same_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    from segcore.forecast import bgnbd

    frame = _simulate(0.4, 6.0, 0.7, 3.0, 60_000, seed=8)
    frame["t_x"], frame["T"] = np.round(frame["t_x"] * 7) / 7, np.round(frame["T"] * 7) / 7  # whole days
    args = [frame[c].to_numpy() for c in ("x", "t_x", "T")]
    monkeypatch.setattr(bgnbd, "COARSE_ROWS", 1_000)
    fast = fit_bgnbd(*args)
    monkeypatch.setattr(bgnbd, "COARSE_ROWS", 10**9)
    direct = fit_bgnbd(*args)
    assert fast.converged and direct.converged
    assert fast.log_likelihood >= direct.log_likelihood - 1e-6
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fast, name) == pytest.approx(getattr(direct, name), rel=1e-4), name
