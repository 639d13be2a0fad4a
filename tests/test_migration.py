"""Migration over time: snapshot dates, states at every snapshot, transitions and their summaries, the cache, the CLI.

The hand-built store (STORE_*) has four weekly snapshots, Sundays S1..S4 = 2024-06-09, 06-16, 06-23, 06-30, and no
promo data. Worked out by hand from shared/spec/tiers.md with the default rules (W = 365 days, P = customers with a
purchase in W and positive spend in W):

- vic: one order 1000 on 2024-05-01. Top ceil(0.2 * |P|) = 1 of P at every snapshot: high_spend.
- nina: first order 50 on 2024-06-12: absent at S1 (none), then a regular buyer.
- quinn: orders 40 on 2022-06-01 and 2023-06-20; no purchase in the last 182 days, customer for > 365 days:
  silent at S1 and S2 (recency 355, 362); recency 369 and 376 at S3, S4: sleeping.
- rex: order R1 of 200 on 2024-06-05, fully refunded under the same order id on 2024-06-20: a purchase at S1 and
  S2 (regular), no purchase from S3 on and not a member: none.
- ola: one order 30 on 2024-01-15: regular throughout (recency 146..167, tenure < 365).
- mia: members-only (no join date): potential throughout.
P: S1 {vic, quinn, rex, ola}, S2 + nina, S3 and S4 {vic, nina, ola}; vic is the top spender each time.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore import migration
from segcore.access import owner
from segcore.engine import tier_table
from segcore.errors import InputError
from segcore.ingest import load_file
from segcore.migration import (
    TRANSITION_COLUMNS,
    cached_states,
    cached_transitions,
    direction,
    movers,
    net_flow,
    snapshot_dates,
    snapshot_states,
    snapshot_values,
    state_keys,
    summary_counts,
    transition_table,
    transitions,
    transitions_between,
)
from segcore.tier_rules import DEFAULT_RULES, TierRules, from_toml, to_toml

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
S1, S2, S3, S4 = date(2024, 6, 9), date(2024, 6, 16), date(2024, 6, 23), date(2024, 6, 30)
SNAPSHOTS = [S1, S2, S3, S4]

# (customer_id, order_id, order_date, amount)
STORE_SALES = [
    ("vic", "V1", datetime(2024, 5, 1, 11), "1000.00"),
    ("nina", "N1", datetime(2024, 6, 12, 15), "50.00"),
    ("quinn", "Q1", datetime(2022, 6, 1, 10), "40.00"),
    ("quinn", "Q2", datetime(2023, 6, 20, 10), "40.00"),
    ("rex", "R1", datetime(2024, 6, 5, 18), "200.00"),
    ("rex", "R1", datetime(2024, 6, 20, 9), "-200.00"),
    ("ola", "O1", datetime(2024, 1, 15, 12), "30.00"),
]
STORE_MEMBERS = ["mia"]

EXPECTED_TIERS = {  # customer: states at S1..S4
    "mia": ("potential", "potential", "potential", "potential"),
    "nina": ("none", "regular", "regular", "regular"),
    "ola": ("regular", "regular", "regular", "regular"),
    "quinn": ("silent", "silent", "sleeping", "sleeping"),
    "rex": ("regular", "regular", "none", "none"),
    "vic": ("high_spend", "high_spend", "high_spend", "high_spend"),
}
EXPECTED_TRANSITIONS = [
    (S1, S2, "high_spend", "high_spend", 1),
    (S1, S2, "none", "regular", 1),
    (S1, S2, "potential", "potential", 1),
    (S1, S2, "regular", "regular", 2),
    (S1, S2, "silent", "silent", 1),
    (S2, S3, "high_spend", "high_spend", 1),
    (S2, S3, "potential", "potential", 1),
    (S2, S3, "regular", "none", 1),
    (S2, S3, "regular", "regular", 2),
    (S2, S3, "silent", "sleeping", 1),
    (S3, S4, "high_spend", "high_spend", 1),
    (S3, S4, "none", "none", 1),
    (S3, S4, "potential", "potential", 1),
    (S3, S4, "regular", "regular", 2),
    (S3, S4, "sleeping", "sleeping", 1),
]
# lifecycle: vic, nina, rex first bought within 90 days (new); quinn at_risk (recency > 180), then churned (> 365);
# ola active (recency <= 180, one purchase in the year); mia potential.
EXPECTED_LIFECYCLE_S2_S3 = [
    (S2, S3, "active", "active", 1),
    (S2, S3, "at_risk", "churned", 1),
    (S2, S3, "new", "new", 2),
    (S2, S3, "new", "none", 1),
    (S2, S3, "potential", "potential", 1),
]


def add_sales(con: duckdb.DuckDBPyConnection, lines: Iterable[tuple]) -> None:
    """Lines as (customer_id, order_id, order_date, amount), optionally followed by is_promo."""
    rows = [
        ("d", i, customer, order, when, Decimal(amount), promo[0] if promo else None)
        for i, (customer, order, when, amount, *promo) in enumerate(lines)
    ]
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo) "
        "values (?, 'test', ?, ?, ?, ?, ?, ?)",
        rows,
    )


def add_members(con: duckdb.DuckDBPyConnection, members: Iterable[tuple[str, date | None]]) -> None:
    rows = [("d", customer, joined) for customer, joined in members]
    con.executemany("insert into members (dataset_id, load_id, customer_id, join_date) values (?, 'test', ?, ?)", rows)


@pytest.fixture
def store(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    add_sales(con, STORE_SALES)
    add_members(con, [(customer, None) for customer in STORE_MEMBERS])
    return con


def rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """Transition rows as plain tuples (dates as date, counts as int)."""
    return [
        (row.from_date.date(), row.to_date.date(), row.from_state, row.to_state, int(row.customers))
        for row in frame.itertuples(index=False)
    ]


def by_customer(states: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """{customer: (state at each snapshot, in date order)}."""
    ordered = states.sort_values(["customer_id", "snapshot_date"])
    return {customer: tuple(group.state) for customer, group in ordered.groupby("customer_id")}


def tier_states(con: duckdb.DuckDBPyConnection, day: date, scheme: str, cfg: TierRules = DEFAULT_RULES) -> dict:
    """tier_table's value of the scheme per customer as of `day`, as migration states (NULL: none)."""
    table = tier_table(con, "d", day, cfg)
    if scheme.startswith("group:"):
        values = table[scheme.removeprefix("group:")].map({True: "in", False: "out"})
    else:
        values = table[scheme]
    return dict(zip(table.customer_id, values.where(values.notna(), "none"), strict=True))


# ---------------------------------------------------------------- snapshot dates


@pytest.mark.parametrize(
    ("start", "end", "every", "expected"),
    [
        pytest.param(date(2024, 6, 9), date(2024, 6, 30), "week", SNAPSHOTS, id="week-sunday-to-sunday"),
        pytest.param(date(2024, 6, 10), date(2024, 6, 29), "week", [S2, S3], id="week-monday-to-saturday"),
        pytest.param(date(2024, 6, 10), date(2024, 6, 15), "week", [], id="week-without-a-sunday"),
        pytest.param(date(2024, 6, 9), date(2024, 6, 9), "week", [S1], id="week-one-day-a-sunday"),
        pytest.param(
            date(2024, 12, 25),
            date(2025, 1, 12),
            "week",
            [date(2024, 12, 29), date(2025, 1, 5), date(2025, 1, 12)],
            id="week-across-the-year",
        ),
        pytest.param(
            date(2024, 1, 31),
            date(2024, 4, 29),
            "month",
            [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)],
            id="month-leap-february-end-excluded",
        ),
        pytest.param(date(2024, 2, 1), date(2024, 2, 28), "month", [], id="month-end-not-reached"),
        pytest.param(
            date(2023, 11, 15),
            date(2024, 1, 31),
            "month",
            [date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31)],
            id="month-across-the-year",
        ),
    ],
)
def test_snapshot_dates(start, end, every, expected):
    assert snapshot_dates(start, end, every) == expected


@pytest.mark.parametrize(
    ("start", "end", "every", "code"),
    [
        pytest.param(S2, S1, "week", "start_after_end", id="start-after-end"),
        pytest.param(S1, S2, "day", "unknown_every", id="unknown-every"),
    ],
)
def test_snapshot_dates_refuses_bad_input(start, end, every, code):
    with pytest.raises(InputError) as error:
        snapshot_dates(start, end, every)
    assert error.value.code == code


# ---------------------------------------------------------------- states


def test_states_of_the_hand_built_store(store):
    states = snapshot_states(store, "d", SNAPSHOTS)
    assert list(states.columns) == ["snapshot_date", "customer_id", "state"]
    assert by_customer(states) == EXPECTED_TIERS
    # ordered by date, then customer
    assert list(states.snapshot_date.dt.date) == sorted(SNAPSHOTS * len(EXPECTED_TIERS))
    assert list(states.customer_id[:6]) == sorted(EXPECTED_TIERS)


@pytest.mark.parametrize(
    "scheme",
    ["tier", "lifecycle", "rfm_segment", "cn8_segment", "group:high_spend", "group:sleeping", "group:promo_chaser"],
)
def test_every_snapshot_equals_tier_table_at_that_date(store, scheme):
    states = snapshot_states(store, "d", SNAPSHOTS, scheme=scheme)
    for day in SNAPSHOTS:
        expected = tier_states(store, day, scheme)
        at_day = states[states.snapshot_date.dt.date == day].set_index("customer_id").state.to_dict()
        assert {c: s for c, s in at_day.items() if c in expected} == expected, day
        assert {s for c, s in at_day.items() if c not in expected} <= {"none"}, day


def test_scheme_states(store):
    by_scheme = {
        scheme: by_customer(snapshot_states(store, "d", SNAPSHOTS, scheme=scheme))
        for scheme in ("lifecycle", "rfm_segment", "group:sleeping", "group:promo_frequent")
    }
    assert by_scheme["lifecycle"]["quinn"] == ("at_risk", "at_risk", "churned", "churned")
    assert by_scheme["lifecycle"]["mia"] == ("potential",) * 4
    assert by_scheme["lifecycle"]["rex"] == ("new", "new", "none", "none")
    # a member without purchases is unscored: none in the RFM segments, not potential
    assert by_scheme["rfm_segment"]["mia"] == ("none",) * 4
    # groups: absent is none, a present customer outside the group is out (mia is a member: out)
    assert by_scheme["group:sleeping"]["quinn"] == ("out", "out", "in", "in")
    assert by_scheme["group:sleeping"]["nina"] == ("none", "out", "out", "out")
    assert by_scheme["group:sleeping"]["mia"] == ("out",) * 4
    # without promo data the promo groups are unknown: none for everyone
    assert set(by_scheme["group:promo_frequent"].values()) == {("none",) * 4}


def test_members_who_join_later_and_buyers_whose_card_came_later(con):
    add_sales(con, [("ned", "N1", datetime(2024, 6, 1, 10), "80.00")])
    add_members(
        con,
        [("joe", date(2024, 6, 20)), ("ned", date(2024, 6, 25)), ("kit", date(2024, 7, 5)), ("lee", date(2024, 6, 20)),
         ("lee", None)],
    )  # fmt: skip
    assert by_customer(snapshot_states(con, "d", SNAPSHOTS)) == {
        "joe": ("none", "none", "potential", "potential"),  # joined 06-20
        "lee": ("potential",) * 4,  # two member rows, one without a join date: a member all along
        "ned": ("high_spend",) * 4,  # bought before the card: a customer all along
    }  # kit joins after the last snapshot: not in any


def test_a_later_line_of_an_order_changes_it_from_that_snapshot_on(con):
    # o1: -30 on 06-05, +100 on 06-18 (value 70 from then on); o2: 50 on 06-01, +20 on 06-10 (still one purchase)
    add_sales(
        con,
        [
            ("al", "o1", datetime(2024, 6, 5, 10), "-30.00"),
            ("al", "o1", datetime(2024, 6, 18, 10), "100.00"),
            ("bo", "o2", datetime(2024, 6, 1, 10), "50.00"),
            ("bo", "o2", datetime(2024, 6, 10, 10), "20.00"),
        ],
    )
    states = snapshot_states(con, "d", SNAPSHOTS, scheme="lifecycle")
    assert by_customer(states) == {"al": ("none", "none", "new", "new"), "bo": ("new",) * 4}
    for day in SNAPSHOTS:
        table = tier_table(con, "d", day).set_index("customer_id")
        assert table.frequency.to_dict() == {"al": int(day >= S3), "bo": 1}


def test_an_order_refunded_before_the_first_snapshot_never_counts(con):
    # fay's F2 is bought and fully refunded before S1: her last purchase stays F1 (recency > 180: at_risk)
    add_sales(
        con,
        [
            ("fay", "F1", datetime(2023, 11, 1, 10), "80.00"),
            ("fay", "F2", datetime(2024, 5, 1, 10), "100.00"),
            ("fay", "F2", datetime(2024, 5, 3, 10), "-100.00"),
        ],
    )
    states = snapshot_states(con, "d", SNAPSHOTS, scheme="lifecycle")
    assert by_customer(states) == {"fay": ("at_risk",) * 4}
    assert tier_table(con, "d", S1).recency_days.tolist() == [(S1 - date(2023, 11, 1)).days]


def test_the_first_purchase_in_the_group_window_moves_on_when_the_oldest_leaves(con):
    # lou's L1 (2023-06-20) leaves the 365-day window between S2 and S3; loyal's mean gap then starts at L2:
    # S2: (362 - 15) / 2 = 173.5 days, S3: (165 - 22) / 1 = 143 days, both <= 180. big and lou are the top 2 of 3.
    add_sales(
        con,
        [
            ("big", "B1", datetime(2024, 5, 1, 10), "5000.00"),
            ("lou", "L1", datetime(2023, 6, 20, 10), "100.00"),
            ("lou", "L2", datetime(2024, 1, 10, 10), "100.00"),
            ("lou", "L3", datetime(2024, 6, 1, 10), "100.00"),
            ("lou", "L4", datetime(2024, 6, 25, 10), "20.00"),  # S4: (172 - 5) / 2 days
            ("sam", "S1", datetime(2024, 3, 1, 10), "10.00"),
        ],
    )
    states = by_customer(snapshot_states(con, "d", SNAPSHOTS, scheme="group:loyal"))
    assert states == {"big": ("out",) * 4, "lou": ("in",) * 4, "sam": ("out",) * 4}
    assert by_customer(snapshot_states(con, "d", SNAPSHOTS))["lou"] == ("loyal",) * 4


def test_an_order_older_than_the_window_is_not_the_first_purchase_in_it(con):
    # ivy's I1 (2023-05-01) is refunded on 2024-06-20: a purchase at S1, S2 only, and never inside the window.
    # Her gap in the window is I2 .. I3 = 121 days: loyal (big and ivy are the top 2 of P = {big, ivy, sam}).
    add_sales(
        con,
        [
            ("big", "B1", datetime(2024, 5, 1, 10), "5000.00"),
            ("ivy", "I1", datetime(2023, 5, 1, 10), "100.00"),
            ("ivy", "I1", datetime(2024, 6, 20, 10), "-100.00"),
            ("ivy", "I2", datetime(2024, 2, 1, 10), "300.00"),
            ("ivy", "I3", datetime(2024, 6, 1, 10), "300.00"),
            ("sam", "S1", datetime(2024, 3, 1, 10), "10.00"),
        ],
    )
    assert by_customer(snapshot_states(con, "d", SNAPSHOTS, scheme="group:loyal"))["ivy"] == ("in",) * 4
    values = snapshot_values(con, "d", SNAPSHOTS).set_index("customer_id").loc["ivy"]
    assert list(values.purchases) == [3, 3, 2, 2]
    assert list(values.first_w_age) == [(day - date(2024, 2, 1)).days for day in SNAPSHOTS]


@pytest.mark.parametrize(
    ("lines", "column", "expected"),
    [
        # each window's first and last day: in on S_i, out on S_i+1 (W = lifecycle = 365, L = 730, recent = 182)
        pytest.param([("p", "P1", datetime(2023, 6, 17, 10), "10.00")], "orders_w", [1, 0, 0, 0], id="orders-w"),
        pytest.param([("p", "P1", datetime(2023, 6, 17, 10), "10.00")], "spend_w", [10, 0, 0, 0], id="spend-w"),
        pytest.param(
            [("p", "P1", datetime(2023, 6, 24, 10), "10.00")], "purchases_lifecycle", [1, 1, 0, 0], id="lifecycle"
        ),
        pytest.param([("p", "P1", datetime(2022, 7, 1, 10), "10.00")], "frequency", [1, 1, 1, 0], id="frequency"),
        pytest.param([("p", "P1", datetime(2022, 6, 17, 10), "10.00")], "monetary", [10, 0, 0, 0], id="monetary"),
        pytest.param([("p", "P1", datetime(2023, 12, 29, 10), "10.00")], "purchases_recent", [1, 1, 1, 0], id="recent"),
        pytest.param([("p", "P1", datetime(2024, 6, 16, 23), "10.00")], "purchases", [0, 1, 1, 1], id="last-minute"),
        pytest.param(
            [("p", "P1", datetime(2023, 6, 17, 10), "10.00", True)], "promo_spend_w", [10, 0, 0, 0], id="promo-w"
        ),
        pytest.param(
            [("p", "P1", datetime(2023, 6, 1, 10), "10.00", True)], "promo_spend_w", [0, 0, 0, 0], id="promo-before-w"
        ),
        pytest.param(
            [("p", "P1", datetime(2023, 6, 17, 10), "10.00"), ("p", "P2", datetime(2023, 6, 20, 10), "-4.00")],
            "spend_w",
            [6, -4, 0, 0],
            id="refund-order-leaves-later",
        ),
    ],
)
def test_values_enter_and_leave_the_windows_on_the_right_snapshot(con, lines, column, expected):
    add_sales(con, lines)
    values = snapshot_values(con, "d", SNAPSHOTS).set_index("snapshot_date")[column]  # present customers only
    assert [float(values.get(pd.Timestamp(day), 0)) for day in SNAPSHOTS] == expected
    for day in SNAPSHOTS:
        table = tier_table(con, "d", day).set_index("customer_id")
        if column in table and "p" in table.index:
            assert float(table.loc["p", column]) == expected[SNAPSHOTS.index(day)], day


def test_customers_and_lines_of_other_datasets_are_ignored(store):
    store.execute(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount) "
        "values ('other', 'x', 1, 'zed', 'Z1', timestamp '2024-06-01 10:00', 10), "
        "('other', 'x', 2, 'vic', 'Z2', timestamp '2024-06-01 10:00', 99999)"
    )
    assert by_customer(snapshot_states(store, "d", SNAPSHOTS)) == EXPECTED_TIERS


def test_states_of_some_customers(store):
    states = snapshot_states(store, "d", SNAPSHOTS, customer_ids=["quinn", "nina", "nobody"])
    assert by_customer(states) == {"nina": EXPECTED_TIERS["nina"], "quinn": EXPECTED_TIERS["quinn"]}
    assert snapshot_states(store, "d", SNAPSHOTS, customer_ids=[]).empty


def test_custom_dates_are_sorted_and_deduplicated(store):
    states = snapshot_states(store, "d", [S3, S1, datetime(2024, 6, 23, 18)])
    assert by_customer(states)["quinn"] == ("silent", "sleeping")


def test_empty_dataset_and_bad_arguments(con):
    assert snapshot_states(con, "d", SNAPSHOTS).empty
    assert transition_table(con, "d", SNAPSHOTS).empty
    with pytest.raises(InputError) as error:
        snapshot_states(con, "d", [])
    assert error.value.code == "no_snapshots"
    with pytest.raises(InputError) as error:
        snapshot_states(con, "d", SNAPSHOTS, scheme="group:vip")
    assert error.value.code == "unknown_scheme"
    with pytest.raises(ValueError, match=r"rfm_bins \(too_small\)"):
        snapshot_states(con, "d", SNAPSHOTS, TierRules(rfm_bins=1))


def test_the_config_is_used(store):
    strict = TierRules(sleeping_days=360)  # quinn's 362 days at S2 is now sleeping
    assert by_customer(snapshot_states(store, "d", SNAPSHOTS, strict))["quinn"] == (
        "silent",
        "sleeping",
        "sleeping",
        "sleeping",
    )
    reordered = TierRules(tier_order=("sleeping", *(g for g in DEFAULT_RULES.tier_order if g != "sleeping")))
    assert state_keys("tier", reordered)[0] == "sleeping"
    assert by_customer(snapshot_states(store, "d", SNAPSHOTS, reordered)) == EXPECTED_TIERS


# ---------------------------------------------------------------- transitions


def test_transitions_of_the_hand_built_store(store):
    table = transitions(snapshot_states(store, "d", SNAPSHOTS))
    assert list(table.columns) == TRANSITION_COLUMNS
    assert rows(table) == EXPECTED_TRANSITIONS


def test_transition_table_in_duckdb_equals_transitions_of_the_states(store):
    for scheme in ("tier", "lifecycle", "cn8_segment", "group:high_spend"):
        states = snapshot_states(store, "d", SNAPSHOTS, scheme=scheme)
        assert rows(transition_table(store, "d", SNAPSHOTS, scheme=scheme)) == rows(transitions(states)), scheme
    lifecycle = transition_table(store, "d", SNAPSHOTS, scheme="lifecycle")
    assert [row for row in rows(lifecycle) if row[0] == S2] == EXPECTED_LIFECYCLE_S2_S3


def test_transitions_over_more_than_31_snapshots(store):
    """States are packed 31 transitions to a 128-bit chunk: check across chunk borders."""
    weeks = snapshot_dates(date(2023, 6, 4), date(2024, 6, 30), "week")  # 57 Sundays
    states = snapshot_states(store, "d", weeks)
    assert len(weeks) == 57
    assert rows(transition_table(store, "d", weeks)) == rows(transitions(states))


def test_transitions_between_any_two_snapshots(store):
    states = snapshot_states(store, "d", SNAPSHOTS)
    assert rows(transitions_between(states, S1, S4)) == [
        (S1, S4, "high_spend", "high_spend", 1),
        (S1, S4, "none", "regular", 1),
        (S1, S4, "potential", "potential", 1),
        (S1, S4, "regular", "none", 1),
        (S1, S4, "regular", "regular", 1),
        (S1, S4, "silent", "sleeping", 1),
    ]
    with pytest.raises(ValueError, match="2024-06-10"):
        transitions_between(states, S1, date(2024, 6, 10))


def test_movers(store):
    states = snapshot_states(store, "d", SNAPSHOTS)
    assert movers(states, S1, S4, "regular", "regular") == ["ola"]
    assert movers(states, S1, S2, "regular", "regular") == ["ola", "rex"]
    assert movers(states, S2, S3, "silent", "sleeping") == ["quinn"]
    assert movers(states, S1, S2, "none", "regular") == ["nina"]
    assert movers(states, S1, S2, "high_spend", "none") == []


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param("regular", "high_spend", "up", id="regular-to-group"),
        pytest.param("high_spend", "silent", "down", id="vip-to-silent"),
        pytest.param("silent", "sleeping", "down", id="silent-to-sleeping"),
        pytest.param("none", "regular", "up", id="new-buyer"),
        pytest.param("regular", "none", "down", id="purchase-cancelled"),
        pytest.param("potential", "regular", "up", id="member-buys"),
        pytest.param("promo_chaser", "regular", "down", id="last-group-above-regular"),
        pytest.param("loyal", "loyal", "same", id="same"),
    ],
)
def test_direction(before, after, expected):
    assert direction(before, after) == expected


def test_direction_follows_the_configured_order():
    cfg = TierRules(tier_order=("promo_chaser", *(g for g in DEFAULT_RULES.tier_order if g != "promo_chaser")))
    assert direction("high_spend", "promo_chaser", cfg) == "up"
    assert direction("high_spend", "promo_chaser") == "down"
    with pytest.raises(ValueError, match="'active' is not a tier state"):
        direction("active", "loyal")


def test_net_flow(store):
    flow = net_flow(transitions(snapshot_states(store, "d", SNAPSHOTS)))
    assert list(flow.columns) == ["to_date", "state", "inflow", "outflow", "net"]
    got = [(r.to_date.date(), r.state, r.inflow, r.outflow, r.net) for r in flow.itertuples(index=False)]
    assert got == [
        (S2, "high_spend", 0, 0, 0),
        (S2, "none", 0, 1, -1),
        (S2, "potential", 0, 0, 0),
        (S2, "regular", 1, 0, 1),
        (S2, "silent", 0, 0, 0),
        (S3, "high_spend", 0, 0, 0),
        (S3, "none", 1, 0, 1),
        (S3, "potential", 0, 0, 0),
        (S3, "regular", 0, 1, -1),
        (S3, "silent", 0, 1, -1),
        (S3, "sleeping", 1, 0, 1),
        (S4, "high_spend", 0, 0, 0),
        (S4, "none", 0, 0, 0),
        (S4, "potential", 0, 0, 0),
        (S4, "regular", 0, 0, 0),
        (S4, "sleeping", 0, 0, 0),
    ]


def test_summary_counts(store):
    table = transitions(snapshot_states(store, "d", SNAPSHOTS))
    assert summary_counts(table[table.to_date.dt.date == S2]) == {"up": 1, "down": 0, "same": 5, "vip_to_silent": 0}
    assert summary_counts(table[table.to_date.dt.date == S3]) == {"up": 0, "down": 2, "same": 4, "vip_to_silent": 0}
    vip = pd.DataFrame(
        [(S1, S2, "high_spend", "silent", 3), (S1, S2, "loyal", "silent", 2), (S1, S2, "promo_frequent", "silent", 7)],
        columns=TRANSITION_COLUMNS,
    )
    assert summary_counts(vip) == {"up": 0, "down": 12, "same": 0, "vip_to_silent": 5}
    with pytest.raises(ValueError, match="one period"):
        summary_counts(table)


# ---------------------------------------------------------------- the cache


def write_csv(folder: Path, name: str, lines: Iterable[tuple[str, str | None, datetime, str]]) -> Path:
    path = folder / name
    body = "".join(f"{c},{o or ''},{when:%Y-%m-%d %H:%M:%S},{amount}\n" for c, o, when, amount in lines)
    path.write_text("customer_id,order_id,order_date,amount\n" + body, encoding="utf-8")
    return path


LOAD_TIMES = itertools.count()


def load(con: duckdb.DuckDBPyConnection, path: Path, dataset: str = "d", kind: str = "sales") -> None:
    """Load a file as the app does (a new row in `loads`), a minute after the previous load."""
    load_file(con, dataset, path, kind, loaded_at=datetime(2026, 11, 22, 9, next(LOAD_TIMES) % 60), access=OWNER)


def cache_keys(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    return con.execute("select dataset_id, count(distinct key) from migration_cache group by all order by 1").fetchall()


def test_the_cache_is_reused_until_data_or_config_change(con, tmp_path):
    load(con, write_csv(tmp_path, "sales.csv", STORE_SALES))
    first = cached_states(con, "d", SNAPSHOTS)
    assert by_customer(first) == {c: s for c, s in EXPECTED_TIERS.items() if c != "mia"}
    assert con.execute("select count(*) from migration_cache").fetchall() == [(len(first),)]
    # a second call reads the stored rows: a row changed behind its back shows
    con.execute("update migration_cache set state = 'tampered' where customer_id = 'ola'")
    assert set(by_customer(cached_states(con, "d", SNAPSHOTS))["ola"]) == {"tampered"}
    # another scheme, other dates or another config: computed and kept beside the others, the last 3 per dataset
    assert by_customer(cached_states(con, "d", SNAPSHOTS, scheme="lifecycle"))["ola"] == ("active",) * 4
    assert cache_keys(con) == [("d", 2)]
    assert set(by_customer(cached_states(con, "d", SNAPSHOTS))["ola"]) == {"tampered"}  # still the stored rows
    strict = TierRules(sleeping_days=360)
    assert by_customer(cached_states(con, "d", SNAPSHOTS, strict))["quinn"][1] == "sleeping"
    assert cache_keys(con) == [("d", 3)]
    # a fourth set drops the oldest, the tampered tier states: asked again, they are computed afresh
    assert by_customer(cached_states(con, "d", SNAPSHOTS[:2]))["ola"] == ("regular",) * 2
    assert cache_keys(con) == [("d", 3)]
    assert by_customer(cached_states(con, "d", SNAPSHOTS))["ola"] == ("regular",) * 4
    assert cache_keys(con) == [("d", 3)]
    assert con.execute("select count(*) from migration_cache_keys").fetchall() == [(3,)]
    # loading more data: recomputed
    con.execute("update migration_cache set state = 'tampered'")
    load(con, write_csv(tmp_path, "more.csv", [("zoe", "Z1", datetime(2024, 6, 20, 10), "5.00")]))
    states = by_customer(cached_states(con, "d", SNAPSHOTS, strict))
    assert states["zoe"] == ("none", "none", "regular", "regular")
    assert "tampered" not in {s for seq in states.values() for s in seq}


def test_the_cache_keeps_other_datasets_and_matches_the_direct_computation(con, tmp_path):
    sales = write_csv(tmp_path, "sales.csv", STORE_SALES)
    load(con, sales)
    load(con, sales, dataset="other")
    members = tmp_path / "members.csv"
    members.write_text("customer_id,name\nmia,Mia\n", encoding="utf-8")
    load(con, members, kind="members")
    other = cached_states(con, "other", SNAPSHOTS)
    states = cached_states(con, "d", SNAPSHOTS)
    assert cache_keys(con) == [("d", 1), ("other", 1)]
    pd.testing.assert_frame_equal(states, snapshot_states(con, "d", SNAPSHOTS))
    assert by_customer(states) == EXPECTED_TIERS
    assert by_customer(other) == {c: s for c, s in EXPECTED_TIERS.items() if c != "mia"}
    assert rows(cached_transitions(con, "d", SNAPSHOTS)) == EXPECTED_TRANSITIONS
    # the key hashes the config's TOML form: it must spell out every threshold (the spec's defaults here) and read
    # back as the same config, so an equal config finds the same cached rows and a changed one does not
    assert to_toml(DEFAULT_RULES).splitlines()[1:] == DEFAULT_TOML_LINES
    backwards = tuple(reversed(DEFAULT_RULES.tier_order))
    changed = TierRules(sleeping_days=360, high_spend_share=0.15, tier_order=backwards)
    for cfg in (DEFAULT_RULES, changed):
        assert from_toml(to_toml(cfg)) == cfg
    assert "sleeping_days = 360" in to_toml(changed).splitlines()
    assert "high_spend_share = 0.15" in to_toml(changed).splitlines()
    assert to_toml(changed).splitlines()[-1] == (
        'tier_order = ["promo_chaser", "sleeping", "silent", "promo_frequent", "loyal", "high_ticket", "high_spend"]'
    )
    con.execute("update migration_cache set state = 'tampered' where dataset_id = 'd'")
    again = cached_states(con, "d", SNAPSHOTS, from_toml(to_toml(DEFAULT_RULES)))
    assert set(again["state"]) == {"tampered"}  # the same key: read from the cache
    assert "tampered" not in set(cached_states(con, "d", SNAPSHOTS, changed)["state"])  # another key: recomputed


# The TOML form of the default config, one line per threshold, typed from the spec (shared/spec/tiers.md).
DEFAULT_TOML_LINES = [
    "rfm_lookback_days = 730",
    "rfm_bins = 5",
    "lifecycle_new_days = 90",
    "lifecycle_churned_days = 365",
    "lifecycle_at_risk_days = 180",
    "lifecycle_loyal_purchases = 4",
    "lifecycle_loyal_window_days = 365",
    "groups_window_days = 365",
    "high_spend_share = 0.2",
    "high_ticket_factor = 2.0",
    "loyal_share = 0.5",
    "loyal_min_orders = 2",
    "loyal_max_recency_days = 180",
    "loyal_max_gap_days = 180",
    "promo_frequent_share = 0.2",
    "promo_chaser_share = 0.2",
    "promo_chaser_min_promo_share = 0.5",
    "silent_recent_days = 182",
    "silent_ratio = 0.5",
    "silent_min_tenure_days = 365",
    "sleeping_days = 365",
    'tier_order = ["high_spend", "high_ticket", "loyal", "promo_frequent", "silent", "sleeping", "promo_chaser"]',
]


# ---------------------------------------------------------------- the CLI


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("SEGCORE_DEBUG", "SEGCORE_LANG")}
    env["LANG"] = "C.UTF-8"
    return subprocess.run(
        [sys.executable, "-m", "segcore", "migration", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def store_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("migration_cli")
    members = folder / "members.csv"
    members.write_text("customer_id,name\nmia,Mia\n", encoding="utf-8")
    return write_csv(folder, "sales.csv", STORE_SALES), members


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_writes_the_transitions(store_files, tmp_path, suffix):
    sales, members = store_files
    out = tmp_path / f"migration{suffix}"
    result = run_cli(
        "--sales",
        sales,
        "--members",
        members,
        "--start",
        "2024-06-09",
        "--end",
        "2024-06-30",
        "--every",
        "week",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    assert "4 snapshots" in result.stdout
    table = pd.read_csv(out, encoding="utf-8-sig") if suffix == ".csv" else pd.read_parquet(out)
    assert list(table.columns) == TRANSITION_COLUMNS
    got = [
        (
            date.fromisoformat(str(r.from_date)[:10]),
            date.fromisoformat(str(r.to_date)[:10]),
            r.from_state,
            r.to_state,
            int(r.customers),
        )
        for r in table.itertuples(index=False)
    ]
    assert got == EXPECTED_TRANSITIONS


def test_cli_scheme_and_config(store_files, tmp_path):
    sales, members = store_files
    config = tmp_path / "rules.toml"
    config.write_text("sleeping_days = 360\n", encoding="utf-8")
    out = tmp_path / "sleeping.csv"
    result = run_cli(
        "--sales",
        sales,
        "--members",
        members,
        "--start",
        "2024-06-10",
        "--end",
        "2024-06-23",
        "--every",
        "week",
        "--scheme",
        "group:sleeping",
        "--config",
        config,
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table.to_dict("records") == [
        {"from_date": "2024-06-16", "to_date": "2024-06-23", "from_state": "in", "to_state": "in", "customers": 1},
        {"from_date": "2024-06-16", "to_date": "2024-06-23", "from_state": "out", "to_state": "out", "customers": 5},
    ]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(
            ["--start", "2024-06-30", "--end", "2024-06-09", "--every", "week"],
            "is after the end",
            id="start-after-end",
        ),
        pytest.param(
            ["--start", "2024-06-09", "--end", "2024-06-30", "--every", "week", "--scheme", "vip"],
            "Unknown scheme vip",
            id="unknown-scheme",
        ),
        pytest.param(["--start", "2024-13-01", "--end", "2024-06-30", "--every", "week"], "2024-13-01", id="bad-date"),
        pytest.param(
            ["--start", "2024-06-09", "--end", "2024-06-30", "--every", "day"], "week or month", id="unknown-every"
        ),
        pytest.param(
            ["--start", "2024-06-10", "--end", "2024-06-15", "--every", "week"],
            "no snapshot date",
            id="no-sunday-in-range",
        ),
    ],
)
def test_cli_bad_input_fails_with_one_line(store_files, tmp_path, args, needle):
    sales, _ = store_files
    result = run_cli("--sales", sales, *args, "--out", tmp_path / "out.csv")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_cli_knows_the_command():
    from segcore.cli import build_parser

    args = build_parser().parse_args(
        ["migration", "--sales", "x.csv", "--start", "a", "--end", "b", "--every", "week", "--out", "o.csv"]
    )
    assert args.run.__module__ == "segcore.cli_migration"
    assert migration.SCHEMES == ("tier", "lifecycle", "rfm_segment", "cn8_segment")
