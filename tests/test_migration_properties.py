"""Properties of migration on random small stores: every snapshot equals tier_table at its date, and transitions
neither lose nor double-count a customer."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segcore.engine import tier_table
from segcore.migration import snapshot_states, snapshot_values, transition_table, transitions
from segcore.schema import create_tables
from segcore.tier_rules import DEFAULT_RULES, TierRules

D = date(2024, 6, 30)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCHEMES = ["tier", "lifecycle", "rfm_segment", "cn8_segment", "group:high_ticket", "group:loyal", "group:promo_chaser"]

lines_strategy = st.lists(
    st.tuples(
        st.sampled_from("abcdefgh"),  # customer
        st.sampled_from([None, "o1", "o2", "o3"]),  # order id: the same id on several days makes multi-day orders
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
# refunds on a later day: (which line, days later, share of its amount): they turn purchases into non-purchases and
# back between snapshots
refunds_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=39),
        st.integers(min_value=0, max_value=120),
        st.sampled_from(["1", "0.5", "1.5"]),
    ),
    max_size=6,
)
members_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefghij"), st.one_of(st.none(), st.integers(min_value=-30, max_value=800))),
    max_size=5,
)
# 1 to 5 snapshot dates between 400 days before D and 5 days after it
dates_strategy = st.lists(st.integers(min_value=-5, max_value=400), min_size=1, max_size=5, unique=True).map(
    lambda offsets: sorted(D - timedelta(days=days) for days in offsets)
)


def with_refunds(lines: list, refunds: list) -> list:
    """The lines plus, for each refund, a negative line of the same order (the same customer and id) days later."""
    extra = []
    for index, later, share in refunds:
        if index < len(lines) and lines[index][1] is not None:
            customer, order, days, hour, amount, _ = lines[index]
            extra.append((customer, order, days - later, hour, -amount * Decimal(share), None))
    return lines + extra


def store(lines: list, members: list) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory workspace holding these lines and members as dataset 'd'."""
    con = duckdb.connect(":memory:")
    create_tables(con)
    sales = [
        (i, c, o, datetime.combine(D - timedelta(days=days), time(hour)), amount, promo)
        for i, (c, o, days, hour, amount, promo) in enumerate(lines)
    ]
    if sales:
        con.executemany(
            "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo) "
            "values ('d', 'p', ?, ?, ?, ?, ?, ?)",
            sales,
        )
    joined = [(c, None if days is None else D - timedelta(days=days)) for c, days in members]
    if joined:
        con.executemany(
            "insert into members (dataset_id, load_id, customer_id, join_date) values ('d', 'p', ?, ?)", joined
        )
    return con


def expected_states(tables: dict[date, pd.DataFrame], day: date, scheme: str) -> dict[str, str]:
    """tier_table's value of the scheme per customer as of `day` (NULL: none)."""
    table = tables[day]
    if scheme.startswith("group:"):
        values = table[scheme.removeprefix("group:")].map({True: "in", False: "out"})
    else:
        values = table[scheme]
    return dict(zip(table.customer_id, values.where(values.notna(), "none"), strict=True))


def check(con: duckdb.DuckDBPyConnection, dates: list[date], schemes: list[str], cfg: TierRules, moves: str) -> None:
    """Each scheme's states equal tier_table at every date; the transitions of scheme `moves` conserve customers."""
    tables = {day: tier_table(con, "d", day, cfg) for day in dates}
    # the values behind the states: tier_table's own columns, customer by customer
    values = snapshot_values(con, "d", dates, cfg)
    columns = ["recency_days", "frequency", "monetary", "spend_w", "orders_w", "promo_spend_w"]
    for day in dates:
        table = tables[day].set_index("customer_id")
        at_day = values[values.snapshot_date == pd.Timestamp(day)].set_index("customer_id")
        assert list(at_day.index) == list(table.index), day
        pd.testing.assert_frame_equal(
            at_day[columns].astype(float),
            table[columns].astype(float).fillna({"promo_spend_w": 0.0}),
            check_names=False,
        )
        first = (pd.Timestamp(day) - pd.to_timedelta(at_day.tenure_days, unit="D")).rename("first_purchase")
        assert first.equals(pd.to_datetime(table.first_purchase).astype(first.dtype)), day
    for scheme in schemes:
        states = snapshot_states(con, "d", dates, cfg, scheme)
        # every customer at every snapshot, once
        assert len(states) == len(dates) * states.customer_id.nunique()
        assert not states.duplicated(["snapshot_date", "customer_id"]).any()
        for day in dates:
            expected = expected_states(tables, day, scheme)
            at_day = states[states.snapshot_date == pd.Timestamp(day)].set_index("customer_id").state
            assert at_day.reindex(list(expected)).to_dict() == expected, (scheme, day)
            assert set(at_day.drop(index=list(expected))) <= {"none"}, (scheme, day)
    states = snapshot_states(con, "d", dates, cfg, moves)
    table = transitions(states)
    pd.testing.assert_frame_equal(transition_table(con, "d", dates, cfg, moves), table)
    # conservation: the customers leaving each state are the customers in it before, arriving: in it after
    counts = states.groupby(["snapshot_date", "state"]).size()
    for (first, second), period in table.groupby(["from_date", "to_date"]):
        assert (period.customers > 0).all()
        assert period.groupby("from_state").customers.sum().to_dict() == counts[first].to_dict()
        assert period.groupby("to_state").customers.sum().to_dict() == counts[second].to_dict()
    assert len(table[["from_date", "to_date"]].drop_duplicates()) == (len(dates) - 1 if len(states) else 0)


@SETTINGS
@given(
    lines=lines_strategy,
    refunds=refunds_strategy,
    members=members_strategy,
    dates=dates_strategy,
    moves=st.sampled_from(SCHEMES),
)
def test_states_equal_tier_table_and_transitions_conserve_customers(lines, refunds, members, dates, moves):
    con = store(with_refunds(lines, refunds), members)
    try:
        check(con, dates, SCHEMES, DEFAULT_RULES, moves)
    finally:
        con.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=lines_strategy,
    refunds=refunds_strategy,
    dates=dates_strategy,
    k=st.integers(min_value=2, max_value=7),
    window=st.sampled_from([30, 182, 365]),
)
def test_other_bins_and_windows(lines, refunds, dates, k, window):
    cfg = TierRules(rfm_bins=k, groups_window_days=window, silent_recent_days=window // 2, loyal_max_gap_days=60)
    con = store(with_refunds(lines, refunds), [])
    try:
        check(con, dates, ["rfm_segment", "cn8_segment", "tier", "group:loyal"], cfg, "rfm_segment")
    finally:
        con.close()
