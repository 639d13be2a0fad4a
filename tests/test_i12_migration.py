"""Issue 12: the Migration page's headline, matrix and movers count the same thing on a hand-built store.

What they count: each customer's tier at the period's start and at its end (moves in between are not counted).

The store (no promo column, so the promo groups are off; default tier rules, 365-day window). Snapshots are the
month-ends D0 = 31 May, D1 = 30 Jun, D2 = 31 Jul 2024; the period compared is D0 -> D2.

    bea, cat  200 on 2023-03-01 and 3,000 on 2024-01-20 (the same purchases)
    dan       5,000 on 2024-07-05
    eve       100 on 2024-06-10
    fay       100 on 2023-06-15 and 100 on 2024-07-10
    gus       a member since 2024-01-01 who never bought

Worked out by hand:
- D0: in the window (bought in the 365 days, spend > 0): bea 3,000, cat 3,000, fay 100 (n = 3). High spend is the
  top 20%: fewer than 0.6 customers above, so the value 3,000: bea and cat. fay: not silent (tenure 351 < 365),
  not sleeping (recency 351), regular. dan, eve: no line yet, not members: none. gus: potential.
- D1 (in between): fay's last purchase is 381 days old: sleeping. (She is back at D2, so she counts as staying.)
- D2: in the window bea 3,000, cat 3,000, dan 5,000, eve 100, fay 100 (n = 5): fewer than 1 above: dan alone is
  high spend. bea and cat: average order 3,000 < 2 x (11,200 / 5): not high ticket; one order in the window: not
  loyal; recency 193 <= 365, tenure 518 >= 365 and no purchase in the last 182 days: silent. eve: tenure 51,
  regular. fay: one purchase in the last 182 days of 2 over 412 days (412 >= 182): not silent, regular.

So D0 -> D2: high_spend -> silent 2 (bea, cat), none -> high_spend 1 (dan), none -> regular 1 (eve),
regular -> regular 1 (fay), potential -> potential 1 (gus): up 2, down 2, same 2, headline pair 2.
Summing the two monthly steps instead would count fay down once and up once.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore.engine.orders import build_order_days
from segcore.migration import (
    HEADLINE_PAIR,
    cache_key,
    movers_from_cache,
    period_summary,
    state_keys,
    transition_matrix,
    transitions_between_from_cache,
)
from segcore.tier_rules import DEFAULT_RULES
from tests.helpers import run_app

D0, D1, D2 = date(2024, 5, 31), date(2024, 6, 30), date(2024, 7, 31)


@pytest.fixture
def store(con: duckdb.DuckDBPyConnection) -> tuple[duckdb.DuckDBPyConnection, str]:
    con.execute("""
        insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount)
        select 'shop', 'l1', row_number() over (), customer_id, order_id, order_date, amount
        from (values
            ('bea', 'b1', timestamp '2023-03-01 10:00', 200.00),
            ('bea', 'b2', timestamp '2024-01-20 10:00', 3000.00),
            ('cat', 'c1', timestamp '2023-03-01 11:00', 200.00),
            ('cat', 'c2', timestamp '2024-01-20 11:00', 3000.00),
            ('dan', 'd1', timestamp '2024-07-05 12:00', 5000.00),
            ('eve', 'e1', timestamp '2024-06-10 12:00', 100.00),
            ('fay', 'f1', timestamp '2023-06-15 09:00', 100.00),
            ('fay', 'f2', timestamp '2024-07-10 09:00', 100.00)
        ) t(customer_id, order_id, order_date, amount)
    """)
    con.execute("""
        insert into members (dataset_id, load_id, customer_id, join_date)
        values ('shop', 'm1', 'gus', date '2024-01-01')
    """)
    build_order_days(con, "shop")
    return con, cache_key(con, "shop", [D0, D1, D2], DEFAULT_RULES, "tier")


def test_the_hand_worked_transitions(store: tuple[duckdb.DuckDBPyConnection, str]) -> None:
    con, key = store
    moves = transitions_between_from_cache(con, "shop", key, D0, D2)
    got = {(r.from_state, r.to_state): r.customers for r in moves.itertuples()}
    assert got == {
        ("high_spend", "silent"): 2,
        ("none", "high_spend"): 1,
        ("none", "regular"): 1,
        ("regular", "regular"): 1,
        ("potential", "potential"): 1,
    }


def test_headline_matrix_and_movers_agree(store: tuple[duckdb.DuckDBPyConnection, str]) -> None:
    con, key = store
    moves = transitions_between_from_cache(con, "shop", key, D0, D2)

    headline = period_summary(moves, DEFAULT_RULES)
    assert HEADLINE_PAIR == ("high_spend", "silent")
    assert headline == {"up": 2, "down": 2, "same": 2, "pair": 2}

    counts, shares = transition_matrix(moves, state_keys("tier", DEFAULT_RULES))
    assert list(counts.index) == ["high_spend", "silent", "regular", "potential", "none"]
    assert list(counts.columns) == list(counts.index)
    assert counts.loc["high_spend", "silent"] == 2
    assert shares.loc["high_spend", "silent"] == 1.0
    assert shares.loc["none", "high_spend"] == 0.5 and shares.loc["none", "regular"] == 0.5
    assert counts.loc["silent"].sum() == 0 and shares.loc["silent"].sum() == 0  # nobody silent at D0
    assert int(counts.to_numpy().sum()) == 6  # every customer once

    movers = movers_from_cache(con, "shop", key, D0, D2, *HEADLINE_PAIR)
    assert (movers.ids, movers.total) == (["bea", "cat"], 2)

    # one number, three places
    assert headline["pair"] == counts.loc[HEADLINE_PAIR] == movers.total


def test_a_customer_who_leaves_and_comes_back_within_the_period_stays(
    store: tuple[duckdb.DuckDBPyConnection, str],
) -> None:
    con, key = store
    assert movers_from_cache(con, "shop", key, D0, D1, "regular", "sleeping").ids == ["fay"]
    assert movers_from_cache(con, "shop", key, D1, D2, "sleeping", "regular").ids == ["fay"]
    assert movers_from_cache(con, "shop", key, D0, D2, "regular", "regular").ids == ["fay"]


def test_an_empty_period_reads_zero() -> None:
    empty = pd.DataFrame({"from_date": [], "to_date": [], "from_state": [], "to_state": [], "customers": []}).astype(
        {"customers": "int64"}
    )
    assert period_summary(empty) == {"up": 0, "down": 0, "same": 0, "pair": 0}


@pytest.mark.parametrize("lang, every", [("en", "week"), ("zh", "week"), ("en", "month")])
def test_page_headline_matrix_and_movers_show_one_number(app_workspace: Path, lang: str, every: str) -> None:
    at = run_app(lang)
    at.switch_page("pages/migration.py").run()
    if every == "month":
        at.segmented_control(key="mig_every").set_value("month").run()
    assert not at.exception
    marker = {"en": "VIPs went silent", "zh": "转为"}[lang]
    headline = next(m.value for m in at.markdown if marker in m.value)
    definition = {"en": "How this is counted", "zh": "统计口径"}[lang]
    assert any(definition in c.value for c in at.caption)
    pair = {"en": r"and ([\d,]+) VIPs went silent", "zh": r"，([\d,]+) 位顾客从"}[lang]
    found = re.search(pair, headline)
    assert found is not None
    # the movers panel opens on the headline's cell and counts the same customers
    assert (at.selectbox(key="mig_cell_from").value, at.selectbox(key="mig_cell_to").value) == HEADLINE_PAIR
    movers = next(c.value for c in at.caption if re.match(r"^[\d,]+ (customers moved|位顾客从)", c.value))
    assert movers.split(" ")[0] == found.group(1)
    assert all(word not in headline for word in ("None", "nan", "NaT"))
    table = at.dataframe[0].value
    assert len(table) > 0 and not table.astype(str).isin(["None", "nan", "NaT"]).any().any()
