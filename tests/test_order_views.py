"""Every module that counts orders reads the one definition (segcore.engine.orders), with order_days stored or not.

One hand-typed table, two dates (the Sundays D1 = 2024-03-10 and D2 = 2024-03-17), and the order-based figures of
the overview, the campaign outcomes, the weekly KPIs and the target candidates, worked out by hand from
shared/spec/tiers.md ("Orders and purchases, as of a date D"): an order is (customer_id, order_id), or
(customer_id, day) without an order_id; it is dated by its earliest line and worth the sum of its lines dated on or
before D; a purchase is an order worth more than 0; spend sums use each line's own date.

The orders as of each date (value, date, age = D - date):

    order                       lines                                   as of D1 (03-10)        as of D2 (03-17)
    ann o1                      03-08 +100 (promo), 03-09 +20, 03-14 -120   120, 03-08, age 2: yes   0, age 9: no
    ann (no id) 03-09           +30, +5                                 35, age 1: yes          35, age 8: yes
    bob o1 (not ann's o1)       03-10 +40 (promo)                       40, age 0: yes          40, age 7: yes
    bob o3                      03-15 0 (promo line of 0), +50          -                       50, age 2: yes
    bob (no id) 03-16           -10                                     -                       -10, age 1: no
    bob o2                      03-16 +25 (promo)                       -                       25, age 1: yes
    cy (no id) 01-02            +60                                     60, age 68: yes         60, age 75: yes
    cy o9                       03-17 23:00 +15                         -                       15, age 0: yes
    eve o7                      03-05 +80, 03-12 -80                    80, age 5: yes          0, age 12: no
    fay (no id) 2022-12-01      +70                                     age 465: yes            age 472: yes
    gus o8                      03-13 +12                               -                       12, age 4: yes
    dan o5                      03-18 +99 (after both dates)            -                       -
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore.engine.order_views import ORDERS_AT_DATES_CTES
from segcore.engine.orders import ORDERS_AS_OF_CTES, build_order_days, order_days_ctes
from segcore.outcomes import campaign_outcomes
from segcore.overview import store_summary
from segcore.targets import candidates
from segcore.weekly import weekly_kpis

D1, D2 = date(2024, 3, 10), date(2024, 3, 17)

# customer_id, order_id, order_date, amount, is_promo, category, store
LINES = [
    ("ann", "o1", "2024-03-08 10:00", "100.00", True, "tea", "A"),
    ("ann", "o1", "2024-03-09 20:00", "20.00", False, "cake", "A"),
    ("ann", "o1", "2024-03-14 09:00", "-120.00", False, None, None),
    ("ann", None, "2024-03-09 15:00", "30.00", False, "milk", "B"),
    ("ann", None, "2024-03-09 18:00", "5.00", False, None, None),
    ("bob", "o1", "2024-03-10 12:00", "40.00", True, None, None),
    ("bob", "o3", "2024-03-15 11:00", "0.00", True, None, None),
    ("bob", "o3", "2024-03-15 11:00", "50.00", False, None, None),
    ("bob", None, "2024-03-16 10:00", "-10.00", False, None, None),
    ("bob", "o2", "2024-03-16 16:00", "25.00", True, None, None),
    ("cy", None, "2024-01-02 09:00", "60.00", False, None, None),
    ("cy", "o9", "2024-03-17 23:00", "15.00", False, None, None),
    ("eve", "o7", "2024-03-05 09:00", "80.00", False, None, None),
    ("eve", "o7", "2024-03-12 09:00", "-80.00", False, None, None),
    ("fay", None, "2022-12-01 09:00", "70.00", False, None, None),
    ("gus", "o8", "2024-03-13 09:00", "12.00", False, None, None),
    ("dan", "o5", "2024-03-18 09:00", "99.00", False, None, None),
]


@pytest.fixture(params=["stored", "from_sales"])
def shop(request: pytest.FixtureRequest, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The lines of dataset 'shop' in `sales`; with its `order_days` rows built (stored) or not (read from sales)."""
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo,"
        " category, store) values ('shop', 'l1', ?, ?, ?, cast(? as timestamp), cast(? as decimal(18, 2)), ?, ?, ?)",
        [(i, *line) for i, line in enumerate(LINES)],
    )
    if request.param == "stored":
        build_order_days(con, "shop")
    # 15 order days: ann o1 on 3 days, eve o7 on 2, every other order on 1
    stored = con.execute("select count(*) from order_days where dataset_id = 'shop'").fetchall()
    assert stored == [(15 if request.param == "stored" else 0,)]
    return con


# --- overview -----------------------------------------------------------------------------------------------------

# customers: with a purchase as of D; active: with a purchase dated in the last 365 days; purchases_12m: purchases
# dated in the last 365 days; revenue_12m: net sum of the lines dated in the last 365 days.
# D1: purchases ann o1, ann 03-09, bob o1, cy 01-02, eve o7 (5); fay's is older than 365 days (customer, not active).
#     revenue 100 + 20 + 30 + 5 + 40 + 60 + 80 = 335.
# D2: ann o1 and eve o7 are refunded in full (eve is no longer a customer); new purchases bob o3, bob o2, cy o9,
#     gus o8: ann 03-09, bob o1, bob o3, bob o2, cy 01-02, cy o9, gus o8 = 7; customers ann, bob, cy, fay, gus.
#     revenue 335 - 120 - 80 + 0 + 50 - 10 + 25 + 15 + 12 = 227.
OVERVIEW = {
    D1: {
        "customers": 5,
        "active_customers": 4,
        "members": 0,
        "revenue_12m": Decimal("335.00"),
        "purchases_12m": 5,
        "first_day": date(2022, 12, 1),
        "last_day": date(2024, 3, 10),
    },
    D2: {
        "customers": 5,
        "active_customers": 4,
        "members": 0,
        "revenue_12m": Decimal("227.00"),
        "purchases_12m": 7,
        "first_day": date(2022, 12, 1),
        "last_day": date(2024, 3, 17),
    },
}


@pytest.mark.parametrize("as_of", [D1, D2], ids=["D1", "D2"])
def test_overview_counts_the_orders_as_of_the_date(shop: duckdb.DuckDBPyConnection, as_of: date) -> None:
    assert store_summary(shop, "shop", as_of) == OVERVIEW[as_of]


# --- outcomes -----------------------------------------------------------------------------------------------------

LISTED = pd.DataFrame(
    {
        "customer_id": ["ann", "bob", "cy", "eve", "fay", "zed"],
        "group": ["treatment", "treatment", "control", "treatment", "control", "control"],
        "tier": None,
    }
)

# Orders as of the window's last day, dated in the window; revenue = net sum of the lines dated in the window.
# Week to D1 (03-04 .. 03-10): ann o1 (120, dated 03-08) and ann 03-09 (35): 2, lines 100 + 20 + 30 + 5 = 155;
#   bob o1: 1, 40; cy: its order is dated 01-02: 0; eve o7 (80 as of 03-10, its refund comes later): 1, 80.
# Week to D2 (03-11 .. 03-17): ann: o1 is dated 03-08 (and worth 0): 0, the refund line -120; bob o3 (50) and o2
#   (25), not the id-less -10: 2, 0 + 50 - 10 + 25 = 65; cy o9: 1, 15; eve: refund line -80 only: 0, -80.
# fay and zed (no line) have nothing in either week.
OUTCOMES = {
    D1: ([2, 1, 0, 1, 0, 0], [155.0, 40.0, 0.0, 80.0, 0.0, 0.0]),
    D2: ([0, 2, 1, 0, 0, 0], [-120.0, 65.0, 15.0, -80.0, 0.0, 0.0]),
}


@pytest.mark.parametrize("end", [D1, D2], ids=["D1", "D2"])
def test_outcomes_count_the_orders_as_of_the_window_end(shop: duckdb.DuckDBPyConnection, end: date) -> None:
    start = date.fromordinal(end.toordinal() - 6)
    out = campaign_outcomes(shop, "shop", LISTED, start, end)
    purchases, revenue = OUTCOMES[end]
    assert out["customer_id"].tolist() == ["ann", "bob", "cy", "eve", "fay", "zed"]
    assert out["purchases"].tolist() == purchases
    assert out["responded"].tolist() == [int(p > 0) for p in purchases]
    assert out["revenue"].tolist() == revenue


# --- weekly -------------------------------------------------------------------------------------------------------

# As of each Sunday S, for the week S - 6 .. S:
# D1: active (a purchase in the last 180 days): ann, bob, cy (age 68), eve = 4 (fay's is 465 days old);
#     revenue: lines of 03-04 .. 03-10: 100 + 20 + 30 + 5 + 40 + 80 = 275;
#     purchases dated in the week: ann o1, ann 03-09, bob o1, eve o7 = 4;
#     new (first purchase in the week): ann (03-08), bob (03-10), eve (03-05) = 3.
# D2: active: ann (03-09 order, age 8), bob, cy, gus = 4 (eve's only order is refunded);
#     revenue: lines of 03-11 .. 03-17: -120 - 80 + 0 + 50 - 10 + 25 + 15 + 12 = -108;
#     purchases dated in the week: bob o3, bob o2, cy o9, gus o8 = 4;
#     new: gus only (ann's first purchase as of D2 is now 03-09, bob's 03-10) = 1.
WEEKLY = {
    "active": (4, 4),
    "revenue": (275.0, -108.0),
    "purchases": (4, 4),
    "new": (3, 1),
}


def test_weekly_kpis_count_the_orders_as_of_each_sunday(shop: duckdb.DuckDBPyConnection) -> None:
    kpis = {kpi.key: kpi for kpi in weekly_kpis(shop, "shop", D2)}
    for key, (at_d1, at_d2) in WEEKLY.items():
        assert (kpis[key].previous, kpis[key].value) == (at_d1, at_d2), key
        assert kpis[key].history[-2:] == [(D1, at_d1), (D2, at_d2)], key


# --- targets ------------------------------------------------------------------------------------------------------

# promo_purchases: purchases in the group window (365 days) with a promo line.
#   D1: ann o1 (promo line of 100), bob o1: 1 each. D2: ann o1 is refunded: 0; bob o1, o3 (its promo line is worth 0:
#   order_days' promo_amount is 0, yet the order has a promo line) and o2: 3. Everyone else 0 (the dataset has flags).
# store (nobody is a member): the store of most purchases, counted as orders: D1: ann's o1 has two lines in A (one
#   visit), her 03-09 order one line in B (one visit); a tie on visits and on last visit (03-09) goes to the name: B.
#   D2: o1 is no purchase any more: B.
# last_category: the latest purchase line with a category, by its order's date first: D1: 'milk' (order of 03-09)
#   beats 'cake' (line of 03-09 20:00, but of o1, dated 03-08). D2: milk.
# category_in_last_days (days since a positive line of a purchase): D1: tea 2, cake 1, milk 1; D2: milk 8.
TARGETS = {
    D1: {
        "ann": (1, "B", "milk", {"cake": 1, "milk": 1, "tea": 2}),
        "bob": (1, None, None, {}),
        "cy": (0, None, None, {}),
        "eve": (0, None, None, {}),
        "fay": (0, None, None, {}),
    },
    D2: {
        "ann": (0, "B", "milk", {"milk": 8}),
        "bob": (3, None, None, {}),
        "cy": (0, None, None, {}),
        "eve": (0, None, None, {}),
        "fay": (0, None, None, {}),
        "gus": (0, None, None, {}),
    },
}


@pytest.mark.parametrize("as_of", [D1, D2], ids=["D1", "D2"])
def test_target_candidates_read_the_orders_as_of_the_date(shop: duckdb.DuckDBPyConnection, as_of: date) -> None:
    table = candidates(shop, "shop", as_of)
    rows = shop.execute(
        f"select customer_id, promo_purchases, store, last_category, category_in_last_days from {table}"
        " order by customer_id"
    ).fetchall()
    got = {r[0]: (r[1], r[2], r[3], dict(r[4])) for r in rows}
    assert got == TARGETS[as_of]


# --- the engine's two views agree -----------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [D1, D2], ids=["D1", "D2"])
def test_orders_at_dates_are_the_orders_as_of_each_date(shop: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """order_views' orders at one date are orders.py's orders as of it: same customers, ages, values, purchases."""
    prefix = "with " + order_days_ctes(shop, "shop")
    one = shop.execute(
        prefix + ORDERS_AS_OF_CTES + " select customer_id, age, value, is_purchase from orders order by all",
        {"dataset_id": "shop", "as_of": as_of, "rfm_lookback_days": 730, "groups_window_days": 365},
    ).fetchall()
    at_dates = shop.execute(
        prefix
        + "as_of_dates as (select unnest(cast($dates as date[])) as as_of),"
        + ORDERS_AT_DATES_CTES
        + " select customer_id, age, value, is_purchase from orders_at where as_of = $as_of order by all",
        {"dataset_id": "shop", "as_of": as_of, "dates": [D1, D2]},
    ).fetchall()
    assert at_dates == one
    assert len(one) == {D1: 6, D2: 11}[as_of]


# --- one definition -------------------------------------------------------------------------------------------------

_ORDER_GROUPING = re.compile(r"group\s+by\s+(\w+\.)?customer_id\s*,\s*(\w+\.)?order_id\b", re.IGNORECASE)


def test_no_module_outside_the_engine_groups_lines_into_orders() -> None:
    """An order as of a date is defined in segcore/engine/ only: no other module writes its own grouping."""
    root = Path(__file__).resolve().parent.parent / "segcore"
    offenders = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if "engine" not in path.relative_to(root).parts[:1] and _ORDER_GROUPING.search(path.read_text("utf-8"))
    ]
    assert offenders == []
