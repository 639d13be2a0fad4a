"""Properties of the tier table on random small sales tables, checked against a plain pandas reading of the spec."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from fractions import Fraction

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segcore.engine import tier_table
from segcore.keys import CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS
from segcore.schema import create_tables
from segcore.tier_rules import DEFAULT_RULES, TierRules

D = date(2024, 6, 30)
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

lines_strategy = st.lists(
    st.tuples(
        st.sampled_from("abcdefgh"),  # customer
        st.sampled_from([None, "o1", "o2", "o3"]),  # order id
        st.integers(min_value=-3, max_value=800),  # days before D (negative: after D)
        st.integers(min_value=0, max_value=23),  # hour
        st.one_of(
            st.decimals(min_value=1, max_value=300, places=2),
            st.decimals(min_value=-60, max_value=60, places=2),
        ),
        st.sampled_from([None, True, False]),  # is_promo
    ),
    max_size=40,
)
members_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefghij"), st.one_of(st.none(), st.integers(min_value=-30, max_value=800))),
    max_size=5,
)


def run(lines: list, members: list, cfg: TierRules = DEFAULT_RULES) -> pd.DataFrame:
    """The tier table of a fresh in-memory workspace holding these lines and members."""
    con = duckdb.connect(":memory:")
    try:
        create_tables(con)
        sales = [
            (i, c, o, datetime.combine(D - timedelta(days=days), time(hour)), amount, promo)
            for i, (c, o, days, hour, amount, promo) in enumerate(lines)
        ]
        if sales:
            con.executemany(
                "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, "
                "is_promo) values ('d', 'p', ?, ?, ?, ?, ?, ?)",
                sales,
            )
        joined = [(c, None if days is None else D - timedelta(days=days)) for c, days in members]
        if joined:
            con.executemany(
                "insert into members (dataset_id, load_id, customer_id, join_date) values ('d', 'p', ?, ?)", joined
            )
        return tier_table(con, "d", D, cfg)
    finally:
        con.close()


def reference(lines: list) -> pd.DataFrame:
    """Per buying customer: recency, frequency, monetary, orders_w, spend_w, promo_spend_w, straight from the spec."""
    df = pd.DataFrame(lines, columns=["customer_id", "order_id", "age", "hour", "amount", "promo"])
    df = df[df.age >= 0]
    df["key"] = df.order_id.where(df.order_id.notna(), "day " + df.age.astype(str))
    orders = df.groupby(["customer_id", "key"]).agg(age=("age", "max"), value=("amount", "sum")).reset_index()
    bought = orders[orders.value > 0]
    customers = pd.DataFrame(index=sorted(df.customer_id.unique()))
    customers["recency_days"] = bought.groupby("customer_id").age.min()
    customers["frequency"] = bought[bought.age < 730].groupby("customer_id").size()
    customers["orders_w"] = bought[bought.age < 365].groupby("customer_id").size()
    customers["monetary"] = df[df.age < 730].groupby("customer_id").amount.sum()
    customers["spend_w"] = df[df.age < 365].groupby("customer_id").amount.sum()
    customers["promo_spend_w"] = df[(df.age < 365) & (df.promo == True)].groupby("customer_id").amount.sum()  # noqa: E712
    for column in ("frequency", "orders_w"):
        customers[column] = customers[column].fillna(0).astype(int)
    for column in ("monetary", "spend_w", "promo_spend_w"):  # exact Decimal sums, then float like the engine's output
        customers[column] = customers[column].map(lambda v: 0.0 if pd.isna(v) else float(v))
    return customers


def spec_score(values: pd.Series, k: int, ascending: bool = True) -> pd.Series:
    """1 + floor(k * (RANK() - 1) / n), ties sharing the smallest rank."""
    rank = values.rank(method="min", ascending=ascending)
    return (1 + (k * (rank - 1)) // len(values)).astype(int)


def in_top(values: pd.Series, share: float, ascending: bool = False) -> pd.Series:
    """Rank (RANK(), descending unless `ascending`) <= ceil(share * n)."""
    limit = math.ceil(Fraction(str(share)) * len(values))
    return values.rank(method="min", ascending=ascending) <= limit


@SETTINGS
@given(lines=lines_strategy, members=members_strategy, k=st.integers(min_value=2, max_value=7))
def test_scores_and_segments(lines, members, k):
    df = run(lines, members, TierRules(rfm_bins=k)).set_index("customer_id")
    scored = df[df.frequency >= 1]
    unscored = df[df.frequency < 1]
    assert scored.rfm_segment.isin(RFM_SEGMENTS).all()
    assert scored.cn8_segment.isin(CN8_SEGMENTS).all()
    for column in ("r_score", "f_score", "m_score"):
        assert scored[column].between(1, k).all()
    assert unscored[["r_score", "f_score", "m_score", "rfm_segment", "cn8_segment"]].isna().all().all()
    if scored.empty:
        return
    # the spec's RANK() formulas, over the scored population
    assert (scored.f_score == spec_score(scored.frequency, k)).all()
    assert (scored.m_score == spec_score(scored.monetary, k)).all()
    assert (scored.r_score == spec_score(scored.recency_days, k, ascending=False)).all()
    # a better value never gets a lower score, an equal value the same score
    for value, score, sign in (
        ("frequency", "f_score", 1),
        ("monetary", "m_score", 1),
        ("recency_days", "r_score", -1),
    ):
        pairs = scored[[value, score]].merge(scored[[value, score]], how="cross")
        better = sign * pairs[f"{value}_x"] > sign * pairs[f"{value}_y"]
        equal = pairs[f"{value}_x"] == pairs[f"{value}_y"]
        assert (pairs[f"{score}_x"][better] >= pairs[f"{score}_y"][better]).all()
        assert (pairs[f"{score}_x"][equal] == pairs[f"{score}_y"][equal]).all()


@SETTINGS
@given(lines=lines_strategy, members=members_strategy)
def test_values_groups_and_tiers(lines, members):
    df = run(lines, members).set_index("customer_id")
    ref = reference(lines)
    buyers = df.loc[ref.index]
    assert buyers.recency_days.astype(float).equals(ref.recency_days.astype(float))
    for column in ("frequency", "orders_w"):
        assert (buyers[column] == ref[column]).all()
    has_promo = any(line[5] is not None for line in lines)
    money = ["monetary", "spend_w", "promo_spend_w"] if has_promo else ["monetary", "spend_w"]
    for column in money:
        assert (buyers[column].round(2) == ref[column].astype(float).round(2)).all(), column
    # members-only customers
    others = df.drop(index=ref.index)
    assert (others.tier == "potential").all() and (others.lifecycle == "potential").all()
    # top / bottom groups by RANK() over their populations
    p = df[(df.orders_w >= 1) & (df.spend_w > 0)]
    assert df.high_spend.sum() == in_top(p.spend_w, 0.2).sum()
    assert (df.high_spend[p.index] == in_top(p.spend_w, 0.2)).all()
    if has_promo:
        q = df[(df.orders_w >= 1) & (df.promo_spend_w > 0)]
        assert (df.promo_frequent.fillna(False) == df.index.isin(q.index[in_top(q.promo_spend_w, 0.2)])).all()
        bottom = q.index[in_top(q.promo_spend_w, 0.2, ascending=True) & (q.promo_spend_w >= 0.5 * q.spend_w)]
        assert (df.promo_chaser.fillna(False) == df.index.isin(bottom)).all()
    else:
        assert df.promo_frequent.isna().all() and df.promo_chaser.isna().all() and df.promo_spend_w.isna().all()
    # groups, tier and lifecycle agree with the flags
    for customer, row in df.iterrows():
        flagged = [g for g in GROUP_KEYS if not pd.isna(row[g]) and bool(row[g])]
        assert row.groups == ";".join(flagged), customer
        if pd.isna(row.recency_days):
            assert flagged == []
            assert row.tier in ("potential", None)
        else:
            first = [g for g in DEFAULT_RULES.tier_order if g in flagged]
            assert row.tier == (first[0] if first else "regular"), customer
        assert row.lifecycle in (*LIFECYCLES, None)
