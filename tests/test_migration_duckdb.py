"""The migration analyses read from migration_cache in DuckDB equal the pandas analyses of the same states.

Hand-typed states (and hypothesis-generated ones) go straight into migration_cache under a key; each *_from_cache
function is compared with its pandas twin over the same rows, whole frame against whole frame.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segcore.migration import (
    STATE_COLUMNS,
    Movers,
    cache_key,
    cached_states,
    movers,
    movers_from_cache,
    net_flow,
    net_flow_from_cache,
    state_keys,
    state_sizes,
    state_sizes_from_cache,
    summary_counts,
    summary_counts_from_cache,
    transitions,
    transitions_between,
    transitions_between_from_cache,
    transitions_from_cache,
)
from segcore.schema import create_tables
from segcore.sql import NO_EXTENSIONS
from segcore.tier_rules import DEFAULT_RULES

S1, S2, S3 = date(2024, 6, 9), date(2024, 6, 16), date(2024, 6, 23)

# (snapshot_date, customer_id, state): every customer at every snapshot, as the cache holds them
STATES = [
    (S1, "ann", "high_spend"), (S2, "ann", "high_spend"), (S3, "ann", "silent"),
    (S1, "bob", "regular"), (S2, "bob", "loyal"), (S3, "bob", "loyal"),
    (S1, "cat", "none"), (S2, "cat", "regular"), (S3, "cat", "regular"),
    (S1, "dan", "loyal"), (S2, "dan", "silent"), (S3, "dan", "sleeping"),
    (S1, "eve", "regular"), (S2, "eve", "regular"), (S3, "eve", "none"),
    (S1, "fay", "potential"), (S2, "fay", "potential"), (S3, "fay", "potential"),
]  # fmt: skip


def put(con: duckdb.DuckDBPyConnection, rows: list[tuple[date, str, str]], key: str = "k", dataset: str = "d") -> None:
    """Store states under (dataset, key) in migration_cache."""
    if rows:
        con.executemany("insert into migration_cache values (?, ?, ?, ?, ?)", [(dataset, key, *row) for row in rows])


def frame(rows: list[tuple[date, str, str]]) -> pd.DataFrame:
    """The states as cached_states returns them (snapshot_date as datetime64[us])."""
    out = pd.DataFrame(rows, columns=STATE_COLUMNS).sort_values(["snapshot_date", "customer_id"], ignore_index=True)
    out["snapshot_date"] = pd.to_datetime(out["snapshot_date"]).astype("datetime64[us]")
    return out


@pytest.fixture
def cache(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    put(con, STATES)
    put(con, [(S1, "ann", "silent"), (S3, "ann", "loyal")], dataset="other")  # another dataset: ignored
    put(con, [(S1, "ann", "silent"), (S3, "ann", "loyal")], key="old")  # another key: ignored
    return con


def test_transitions_equal_the_pandas_ones(cache):
    got = transitions_from_cache(cache, "d", "k")
    pd.testing.assert_frame_equal(got, transitions(frame(STATES)))
    assert list(got.itertuples(index=False, name=None))[:2] == [
        (pd.Timestamp(S1), pd.Timestamp(S2), "high_spend", "high_spend", 1),
        (pd.Timestamp(S1), pd.Timestamp(S2), "loyal", "silent", 1),
    ]


@pytest.mark.parametrize(
    ("d1", "d2"), [(S1, S3), (S1, S2), (S2, S3), (S3, S1)], ids=["S1-S3", "S1-S2", "S2-S3", "back"]
)
def test_transitions_between_equal_the_pandas_ones(cache, d1, d2):
    pd.testing.assert_frame_equal(
        transitions_between_from_cache(cache, "d", "k", d1, d2), transitions_between(frame(STATES), d1, d2)
    )


def test_a_date_that_is_not_a_snapshot_is_refused_alike(cache):
    with pytest.raises(ValueError, match="not a snapshot date of these states: 2024-06-10"):
        transitions_between(frame(STATES), S1, date(2024, 6, 10))
    with pytest.raises(ValueError, match="not a snapshot date of these states: 2024-06-10"):
        transitions_between_from_cache(cache, "d", "k", S1, date(2024, 6, 10))
    with pytest.raises(ValueError, match="2024-06-10"):
        summary_counts_from_cache(cache, "d", "k", S1, date(2024, 6, 10))


@pytest.mark.parametrize(
    ("d1", "d2", "before", "after", "expected"),
    [
        pytest.param(S1, S3, "regular", "loyal", ["bob"], id="one"),
        pytest.param(S1, S2, "regular", "regular", ["eve"], id="stayed"),
        pytest.param(S1, S3, "none", "regular", ["cat"], id="new"),
        pytest.param(S1, S3, "high_spend", "none", [], id="empty"),
        pytest.param(S2, S3, "potential", "potential", ["fay"], id="potential"),
    ],
)
def test_movers_equal_the_pandas_ones(cache, d1, d2, before, after, expected):
    assert movers(frame(STATES), d1, d2, before, after) == expected
    assert movers_from_cache(cache, "d", "k", d1, d2, before, after) == Movers(expected, len(expected))


def test_movers_limit_shows_the_first_ids_and_counts_them_all(con):
    put(con, [(S1, f"c{i:02}", "loyal") for i in range(12)] + [(S2, f"c{i:02}", "silent") for i in range(12)])
    assert movers_from_cache(con, "d", "k", S1, S2, "loyal", "silent", limit=3) == Movers(["c00", "c01", "c02"], 12)
    assert movers_from_cache(con, "d", "k", S1, S2, "loyal", "silent", limit=0) == Movers([], 12)
    assert movers_from_cache(con, "d", "k", S1, S2, "loyal", "silent").total == 12
    with pytest.raises(ValueError, match="limit"):
        movers_from_cache(con, "d", "k", S1, S2, "loyal", "silent", limit=-1)


def test_net_flow_equals_the_pandas_one(cache):
    got = net_flow_from_cache(cache, "d", "k")
    pd.testing.assert_frame_equal(got, net_flow(transitions(frame(STATES))))
    s3 = {r.state: (r.inflow, r.outflow, r.net) for r in got[got.to_date == pd.Timestamp(S3)].itertuples()}
    assert s3["silent"] == (1, 1, 0) and s3["none"] == (1, 0, 1) and s3["sleeping"] == (1, 0, 1)


@pytest.mark.parametrize(("d1", "d2"), [(S1, S2), (S2, S3), (S1, S3)], ids=["S1-S2", "S2-S3", "S1-S3"])
def test_summary_counts_equal_the_pandas_ones(cache, d1, d2):
    expected = summary_counts(transitions_between(frame(STATES), d1, d2))
    assert summary_counts_from_cache(cache, "d", "k", d1, d2) == expected


def test_summary_counts_of_the_hand_typed_period():
    """S1 -> S3: ann high_spend -> silent (down, a VIP gone silent), bob up, cat up, dan down, eve down, fay same."""
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    put(con, STATES)
    assert summary_counts_from_cache(con, "d", "k", S1, S3) == {"up": 2, "down": 3, "same": 1, "vip_to_silent": 1}


def test_summary_counts_refuse_a_state_that_is_not_a_tier(con):
    put(con, [(S1, "ann", "active"), (S2, "ann", "loyal")])
    with pytest.raises(ValueError, match="'active' is not a tier state"):
        summary_counts_from_cache(con, "d", "k", S1, S2)


def test_state_sizes_equal_the_pandas_ones(cache):
    got = state_sizes_from_cache(cache, "d", "k")
    pd.testing.assert_frame_equal(got, state_sizes(frame(STATES)))
    assert "none" not in set(got["state"])


def test_one_snapshot_has_no_transitions(con):
    put(con, [row for row in STATES if row[0] == S1])
    pd.testing.assert_frame_equal(transitions_from_cache(con, "d", "k"), transitions(frame(STATES[::3])))
    assert net_flow_from_cache(con, "d", "k").empty


def test_cache_key_finds_the_states_the_engine_cached(con):
    con.execute("insert into datasets values ('d', 'd', now(), false)")
    con.execute(
        "insert into order_days values ('d', 1, 'ann', 'o1', date '2024-06-01', true, 100.00, 0.00),"
        " ('d', 2, 'bob', 'o2', date '2024-06-12', true, 50.00, 0.00)"
    )
    con.execute("insert into customer_keys values ('d', 1, 'ann'), ('d', 2, 'bob')")
    key = cache_key(con, "d", [S1, S2, S3])
    assert cache_key(con, "d", [S3, S2, S1]) == key  # dates are sorted first
    states = cached_states(con, "d", [S1, S2, S3])
    pd.testing.assert_frame_equal(transitions_from_cache(con, "d", key), transitions(states))
    pd.testing.assert_frame_equal(state_sizes_from_cache(con, "d", key), state_sizes(states))


# ---------------------------------------------------------------- generated states

_TIERS = state_keys("tier", DEFAULT_RULES)
_DAYS = [date(2024, 1, 7), date(2024, 1, 14), date(2024, 2, 4), date(2024, 3, 31)]


@st.composite
def cached_rows(draw: st.DrawFn) -> list[tuple[date, str, str]]:
    """States of up to 8 customers at 1 to 4 snapshot dates; a customer may miss some dates."""
    days = draw(st.lists(st.sampled_from(_DAYS), min_size=1, max_size=4, unique=True))
    customers = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "é", "F", "g1", "g10"]), max_size=8, unique=True))
    return [
        (day, customer, draw(st.sampled_from(_TIERS)))
        for customer in customers
        for day in days
        if draw(st.booleans()) or draw(st.booleans())
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=cached_rows(), data=st.data())
def test_generated_states_give_the_same_answers(rows, data):
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    put(con, rows)
    states = frame(rows)
    if rows:
        pd.testing.assert_frame_equal(transitions_from_cache(con, "d", "k"), transitions(states))
        pd.testing.assert_frame_equal(state_sizes_from_cache(con, "d", "k"), state_sizes(states))
        flow = net_flow(transitions(states))
        if not flow.empty:
            pd.testing.assert_frame_equal(net_flow_from_cache(con, "d", "k"), flow)
    days = sorted({row[0] for row in rows})
    if not days:
        return
    d1, d2 = data.draw(st.sampled_from(days)), data.draw(st.sampled_from(days))
    between = transitions_between(states, d1, d2)
    pd.testing.assert_frame_equal(transitions_between_from_cache(con, "d", "k", d1, d2), between)
    if len(between):
        assert summary_counts_from_cache(con, "d", "k", d1, d2) == summary_counts(between)
    before, after = data.draw(st.sampled_from(_TIERS)), data.draw(st.sampled_from(_TIERS))
    limit = data.draw(st.none() | st.integers(0, 3))
    expected = movers(states, d1, d2, before, after)
    assert movers_from_cache(con, "d", "k", d1, d2, before, after, limit) == Movers(
        expected if limit is None else expected[:limit], len(expected)
    )


def test_net_flow_of_the_packed_transitions_equals_the_one_from_the_cache(con):
    """The page takes net flow from the engine's packed transition count: the same answer."""
    from segcore.migration import cached_transitions

    con.execute("insert into datasets values ('d', 'd', now(), false)")
    con.execute(
        "insert into order_days values ('d', 1, 'ann', 'o1', date '2024-06-01', true, 100.00, 0.00),"
        " ('d', 2, 'bob', 'o2', date '2024-06-12', true, 50.00, 0.00), ('d', 3, 'cat', 'o3', date '2024-06-20', true,"
        " 500.00, 0.00)"
    )
    con.execute("insert into customer_keys values ('d', 1, 'ann'), ('d', 2, 'bob'), ('d', 3, 'cat')")
    key = cache_key(con, "d", [S1, S2, S3])
    pd.testing.assert_frame_equal(
        net_flow(cached_transitions(con, "d", [S1, S2, S3])), net_flow_from_cache(con, "d", key), check_dtype=False
    )
