"""The tier engine: orders and purchases, RFM scores and segments, lifecycle, member groups, tiers and the config."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
import pytest

from segcore.engine import RFM_GRID, has_promo, tier_table
from segcore.keys import CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS, TIER_KEYS
from segcore.tier_rules import (
    DEFAULT_RULES,
    RulesProblem,
    TierRules,
    from_toml,
    to_toml,
    validate,
)

D = date(2024, 6, 30)  # the as-of date of every test
COLUMNS = [
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "cn8_segment",
    "lifecycle",
    "groups",
    "tier",
    "high_spend",
    "high_ticket",
    "loyal",
    "promo_frequent",
    "promo_chaser",
    "silent",
    "sleeping",
    "first_purchase",
    "last_purchase",
    "spend_w",
    "orders_w",
    "aov_w",
    "promo_spend_w",
]

# A sales line: (customer_id, order_id, days before D (negative = after D), amount, is_promo)
Line = tuple[str, str | None, int, float, bool | None]


def at(days_ago: int, hour: int = 12) -> datetime:
    """A timestamp `days_ago` days before D, at the given hour."""
    return datetime.combine(D - timedelta(days=days_ago), time(hour))


def add_sales(con: duckdb.DuckDBPyConnection, lines: Iterable[Line], dataset_id: str = "d") -> None:
    rows = [
        (dataset_id, i, customer, order, at(days) if isinstance(days, int) else days, Decimal(str(amount)), promo)
        for i, (customer, order, days, amount, promo) in enumerate(lines)
    ]
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo) "
        "values (?, 'test', ?, ?, ?, ?, ?, ?)",
        rows,
    )


def add_members(con: duckdb.DuckDBPyConnection, members: Iterable[tuple[str, int | None]]) -> None:
    """Members as (customer_id, days before D they joined; None = no join date; negative = after D)."""
    rows = [("d", c, None if days is None else D - timedelta(days=days)) for c, days in members]
    con.executemany("insert into members (dataset_id, load_id, customer_id, join_date) values (?, 'test', ?, ?)", rows)


def purchases(customer: str, days: Sequence[int], amount: float = 10.0, promo: bool | None = None) -> list[Line]:
    """One single-line order per day in `days`, each worth `amount`."""
    return [(customer, f"{customer}-{i}", d, amount, promo) for i, d in enumerate(days)]


def rfm_customer(customer: str, recency: int, frequency: int, monetary: float) -> list[Line]:
    """`frequency` purchases, the last `recency` days ago, worth `monetary` in all (10 each, the rest on the last)."""
    days = [recency + i for i in range(frequency)]
    amounts = [monetary - 10 * (frequency - 1)] + [10.0] * (frequency - 1)
    return [(customer, f"{customer}-{i}", d, a, None) for i, (d, a) in enumerate(zip(days, amounts, strict=True))]


def table(con: duckdb.DuckDBPyConnection, **cfg: Any) -> pd.DataFrame:
    return tier_table(con, "d", D, TierRules(**cfg))


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def pick(df: pd.DataFrame, *columns: str) -> dict[str, tuple[object, ...] | object]:
    """{customer_id: value (one column) or tuple of values}, with NA/NaN/NaT as None and dates as date."""
    out: dict[str, tuple[object, ...] | object] = {}
    for _, row in df.iterrows():
        values = tuple(_plain(row[c]) for c in columns)
        out[row["customer_id"]] = values[0] if len(values) == 1 else values
    return out


# ---------------------------------------------------------------- shape


def test_columns_and_order_by_customer(con):
    add_sales(con, [("bob", "o1", 5, 10, None), ("ann", "o2", 3, 20, None), ("al", "o3", 4, 1, None)])
    df = table(con)
    assert list(df.columns) == COLUMNS
    assert list(df.customer_id) == ["al", "ann", "bob"]


def test_constants_follow_the_spec():
    assert list(GROUP_KEYS) == [
        "high_spend",
        "high_ticket",
        "loyal",
        "promo_frequent",
        "promo_chaser",
        "silent",
        "sleeping",
    ]
    assert list(TIER_KEYS) == [
        "high_spend",
        "high_ticket",
        "loyal",
        "promo_frequent",
        "silent",
        "sleeping",
        "promo_chaser",
        "regular",
        "potential",
    ]
    assert list(LIFECYCLES) == ["potential", "new", "churned", "at_risk", "loyal", "active"]
    assert set(RFM_SEGMENTS) == {cell for row in RFM_GRID for cell in row}
    assert len(CN8_SEGMENTS) == 8


def test_empty_dataset_gives_an_empty_table(con):
    df = table(con)
    assert list(df.columns) == COLUMNS
    assert df.empty


def test_other_datasets_are_ignored(con):
    add_sales(con, [("ann", "o1", 5, 10, None)])
    add_sales(con, [("ann", "o1", 1, 99, True), ("zed", "o2", 1, 5, True)], dataset_id="other")
    assert pick(table(con), "frequency", "monetary", "promo_frequent") == {"ann": (1, 10.0, None)}


# ---------------------------------------------------------------- orders and purchases


def test_refunds_net_into_orders_and_a_non_positive_order_is_no_purchase(con):
    add_sales(
        con,
        [
            ("ann", "o1", 40, 100, None),
            ("ann", "o1", 35, -100, None),  # o1 fully refunded: value 0, not a purchase
            ("ann", "o2", 10, 50, None),
            ("bob", "o3", 40, 100, None),
            ("bob", "o3", 35, -30, None),  # partial refund: o3 is still a purchase, dated by its first line
            ("cy", "o4", 20, 80, None),
            ("cy", "o4", 15, -100, None),  # value -20: not a purchase, but it counts in net spend
            ("cy", "o5", 5, 30, None),
        ],
    )
    assert pick(table(con), "frequency", "monetary", "recency_days", "orders_w", "spend_w") == {
        "ann": (1, 50.0, 10, 1, 50.0),
        "bob": (1, 70.0, 40, 1, 70.0),
        "cy": (1, 10.0, 5, 1, 10.0),
    }


@pytest.mark.parametrize(
    ("lines", "frequency", "monetary"),
    [
        pytest.param([(None, 10, 9, 30), (None, 10, 18, 20)], 1, 50.0, id="no-order-id-same-day-is-one-order"),
        pytest.param([(None, 10, 9, 30), (None, 11, 9, 20)], 2, 50.0, id="no-order-id-two-days-two-orders"),
        pytest.param([(None, 10, 9, 30), ("o1", 10, 9, 20)], 2, 50.0, id="with-and-without-id-same-day-two-orders"),
        pytest.param([("o1", 10, 9, 30), ("o1", 11, 9, 20)], 1, 50.0, id="same-order-id-two-days-one-order"),
        pytest.param([(None, 10, 9, 30), (None, 10, 18, -30)], 0, 0.0, id="no-order-id-refunded-same-day"),
    ],
)
def test_order_identity(con, lines, frequency, monetary):
    add_sales(con, [("ann", order, at(days, hour), amount, None) for order, days, hour, amount in lines])
    assert pick(table(con), "frequency", "monetary") == {"ann": (frequency, monetary)}


def test_the_same_order_id_for_two_customers_is_two_orders(con):
    add_sales(con, [("ann", "o1", 10, 30, None), ("bob", "o1", 10, -50, None)])
    assert pick(table(con), "frequency", "monetary") == {"ann": (1, 30.0), "bob": (0, -50.0)}


def test_an_order_is_dated_by_its_first_line_but_spend_by_each_line(con):
    # o1 starts 400 days ago (outside the 365-day window) and gets a line 10 days ago (inside it).
    add_sales(con, [("ann", "o1", 400, 100, None), ("ann", "o1", 10, 50, None)])
    row = pick(table(con), "recency_days", "frequency", "monetary", "orders_w", "spend_w", "aov_w", "first_purchase")
    assert row == {"ann": (400, 1, 150.0, 0, 50.0, None, D - timedelta(days=400))}


def test_lines_after_the_as_of_date_are_ignored(con):
    add_sales(
        con,
        [
            ("ann", "o1", 10, 100, None),
            ("ann", "o1", -5, -100, None),  # refunded after D: as of D, o1 is still a purchase
            ("ann", "o2", -1, 500, None),
            ("bob", "o3", -1, 100, None),  # only after D: not a customer yet
            ("cy", "o4", at(0, 23) + timedelta(minutes=59), 20, None),  # the last minute of D counts
        ],
    )
    assert pick(table(con), "frequency", "monetary", "recency_days") == {"ann": (1, 100.0, 10), "cy": (1, 20.0, 0)}


# ---------------------------------------------------------------- who is in the table


def test_members_and_customers_without_a_purchase(con):
    add_sales(
        con,
        [
            ("jon", "o1", 10, -20, None),  # non-member with only a refund: no purchase
            ("kim", "o2", 10, -20, None),  # member with only a refund
            ("ned", "o3", 5, 40, None),  # buyer whose members row is dated after D
            ("oli", "o4", 5, 40, None),  # member and buyer
        ],
    )
    add_members(
        con,
        [("kim", None), ("lee", 30), ("lee", 20), ("max", -10), ("ned", -10), ("oli", 400), ("pat", None)],
    )
    df = table(con)
    assert pick(
        df, "lifecycle", "tier", "groups", "recency_days", "frequency", "monetary", "r_score", "rfm_segment"
    ) == {
        "jon": (None, None, "", None, 0, -20.0, None, None),
        "kim": ("potential", "potential", "", None, 0, -20.0, None, None),
        "lee": ("potential", "potential", "", None, 0, 0.0, None, None),
        "ned": ("new", "high_spend", "high_spend", 5, 1, 40.0, 1, "hibernating"),  # ned and oli tie: both score 1
        "oli": ("new", "high_spend", "high_spend", 5, 1, 40.0, 1, "hibernating"),
        "pat": ("potential", "potential", "", None, 0, 0.0, None, None),
    }
    no_purchase = df[df.customer_id.isin(["jon", "kim", "lee", "pat"])]
    assert not no_purchase[["high_spend", "high_ticket", "loyal", "silent", "sleeping"]].any().any()
    assert no_purchase[["promo_frequent", "promo_chaser", "cn8_segment", "m_score"]].isna().all().all()
    assert no_purchase[["first_purchase", "last_purchase", "aov_w"]].isna().all().all()


# ---------------------------------------------------------------- windows and lifecycle


@pytest.mark.parametrize(
    ("days", "lifecycle"),
    [
        pytest.param([90], "new", id="first-purchase-90-days-ago-is-new"),
        pytest.param([91], "active", id="91-days-is-no-longer-new"),
        pytest.param([200, 180], "active", id="last-purchase-180-days-ago-is-active"),
        pytest.param([181], "at_risk", id="181-days-is-at-risk"),
        pytest.param([365], "at_risk", id="365-days-is-at-risk"),
        pytest.param([366], "churned", id="366-days-is-churned"),
        pytest.param([364, 200, 100, 10], "loyal", id="four-purchases-within-365-days-is-loyal"),
        pytest.param([365, 200, 100, 10], "active", id="a-purchase-365-days-ago-is-outside-the-year"),
        pytest.param([80, 60, 40, 20], "new", id="new-comes-before-loyal"),
        pytest.param([800, 700, 400], "churned", id="old-customer-churned"),
    ],
)
def test_lifecycle(con, days, lifecycle):
    add_sales(con, purchases("ann", days))
    assert pick(table(con), "lifecycle") == {"ann": lifecycle}


@pytest.mark.parametrize(
    ("days", "column", "expected"),
    [
        pytest.param([365], "sleeping", False, id="365-days-not-sleeping"),
        pytest.param([366], "sleeping", True, id="366-days-sleeping"),
        pytest.param([365], "orders_w", 0, id="365-days-outside-the-group-window"),
        pytest.param([364], "orders_w", 1, id="364-days-inside-the-group-window"),
        pytest.param([730], "frequency", 0, id="730-days-outside-the-rfm-lookback"),
        pytest.param([729], "frequency", 1, id="729-days-inside-the-rfm-lookback"),
        pytest.param([730], "r_score", None, id="no-purchase-in-lookback-is-not-scored"),
        pytest.param([400, 300, 200, 182], "silent", True, id="silent-purchase-182-days-ago-is-not-recent"),
        pytest.param([400, 300, 200, 181], "silent", False, id="not-silent-purchase-181-days-ago-is-recent"),
        pytest.param([364, 300, 250, 200], "silent", False, id="not-silent-tenure-364-days"),
        pytest.param([365, 300, 250, 200], "silent", True, id="silent-tenure-365-days"),
        pytest.param([455, 400, 300, 200, 100], "silent", False, id="not-silent-recent-rate-exactly-half"),
        pytest.param([454, 400, 300, 200, 100], "silent", True, id="silent-recent-rate-just-under-half"),
        pytest.param([500, 400, 366], "silent", False, id="not-silent-when-sleeping"),
    ],
)
def test_window_boundaries(con, days, column, expected):
    add_sales(con, purchases("ann", days))
    assert pick(table(con), column) == {"ann": expected}


# ---------------------------------------------------------------- RFM scores


@pytest.mark.parametrize(
    ("dimension", "values", "scores", "bins"),
    [
        pytest.param("frequency", [1, 1, 2, 2, 3], [1, 1, 3, 3, 5], 5, id="frequency-ties-share-the-lowest-score"),
        pytest.param(
            "frequency", [1, 1, 1, 2, 2, 2, 2, 2, 2, 2], [1, 1, 1, 2, 2, 2, 2, 2, 2, 2], 5, id="tie-across-boundary"
        ),
        pytest.param("monetary", [10, 20, 20, 30], [1, 2, 2, 4], 5, id="monetary-ties"),
        pytest.param("monetary", [10.01, 10.02, 10.03, 10.04, 10.05], [1, 2, 3, 4, 5], 5, id="monetary-cents"),
        pytest.param("recency", [10, 10, 50, 100], [3, 3, 2, 1], 5, id="recency-most-recent-scores-highest"),
        pytest.param("recency", [5], [1], 5, id="a-single-customer-scores-1"),
        pytest.param("frequency", [1, 2, 3], [1, 2, 3], 3, id="three-bins"),
        pytest.param("monetary", [1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 3, 3, 4], 4, id="four-bins-seven-customers"),
    ],
)
def test_scores_follow_the_rank_formula(con, dimension, values, scores, bins):
    names = [f"c{i}" for i in range(len(values))]
    for name, value in zip(names, values, strict=True):
        if dimension == "frequency":
            add_sales(con, purchases(name, range(1, value + 1)))
        elif dimension == "monetary":
            add_sales(con, purchases(name, [5], amount=value))
        else:
            add_sales(con, purchases(name, [value]))
    column = {"frequency": "f_score", "monetary": "m_score", "recency": "r_score"}[dimension]
    assert pick(table(con, rfm_bins=bins), column) == dict(zip(names, scores, strict=True))


def test_money_ties_are_exact_to_the_cent(con):
    add_sales(
        con,
        [
            ("a", "o1", 5, 0.1, None),
            ("a", "o1", 5, 0.2, None),  # 0.1 + 0.2 == 0.3 exactly: a ties with b
            ("b", "o2", 5, 0.3, None),
            ("c", "o3", 5, 0.31, None),
        ],
    )
    assert pick(table(con), "m_score") == {"a": 1, "b": 1, "c": 4}


@pytest.mark.parametrize(
    ("cells", "bins"),
    [
        pytest.param(
            [
                (5, 1, "new_customers"),
                (4, 2, "potential_loyalists"),
                (3, 3, "need_attention"),
                (2, 4, "at_risk"),
                (1, 5, "cannot_lose"),
            ],
            5,
            id="anti-diagonal",
        ),
        pytest.param(
            [
                (5, 5, "champions"),
                (4, 4, "loyal_customers"),
                (3, 1, "about_to_sleep"),
                (2, 2, "hibernating"),
                (1, 3, "at_risk"),
            ],
            5,
            id="mixed",
        ),
        pytest.param(
            [(3, 1, "potential_loyalists"), (2, 2, "loyal_customers"), (1, 3, "cannot_lose")],
            3,
            id="three-bins-map-to-the-5-grid",
        ),
    ],
)
def test_rfm_segment_grid(con, cells, bins):
    # With distinct values, score = rank: the r-th most recent (counting from the oldest) and the f-th most frequent.
    for r, f, _ in cells:
        add_sales(con, rfm_customer(f"r{r}f{f}", recency=(bins + 1 - r) * 10, frequency=f, monetary=100))
    assert pick(table(con, rfm_bins=bins), "r_score", "f_score", "rfm_segment") == {
        f"r{r}f{f}": (r, f, segment) for r, f, segment in cells
    }


def test_rfm_grid_is_the_spec_table():
    spec = {  # rows r = 5..1, columns f = 1..5, as printed in tiers.md
        5: ["new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"],
        4: ["promising", "potential_loyalists", "potential_loyalists", "loyal_customers", "loyal_customers"],
        3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers"],
        2: ["hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"],
        1: ["hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"],
    }
    assert {r: list(RFM_GRID[r - 1]) for r in spec} == spec


# ---------------------------------------------------------------- cn8


@pytest.mark.parametrize(
    "customers",
    [
        pytest.param(
            [
                ("a", 10, 3, 300, "important_value"),
                ("b", 20, 1, 400, "important_develop"),
                ("c", 90, 3, 100, "general_keep"),
                ("d", 80, 1, 200, "general_winback"),
            ],  # means: recency 50, frequency 2, monetary 250
            id="four-classes",
        ),
        pytest.param(
            [
                ("a", 10, 1, 100, "general_develop"),
                ("b", 20, 2, 200, "general_winback"),  # exactly at every mean: not recent, not high
                ("c", 30, 3, 300, "important_keep"),
            ],
            id="values-at-the-mean-are-not-high",
        ),
        pytest.param(
            [("a", 100, 1, 500, "important_winback"), ("b", 10, 3, 100, "general_value")],
            id="winback-and-value",
        ),
    ],
)
def test_cn8_segments_against_the_scored_means(con, customers):
    for name, recency, frequency, monetary, _ in customers:
        add_sales(con, rfm_customer(name, recency, frequency, monetary))
    add_sales(con, [("zz", "old", 800, 100000, None)])  # not scored: must not move the means
    expected = {name: segment for name, *_, segment in customers} | {"zz": None}
    assert pick(table(con), "cn8_segment") == expected


# ---------------------------------------------------------------- member groups


def test_high_spend_is_the_top_fifth_of_p_with_ties(con):
    spends = {"a": 1000, "b": 900, "c": 900, "d": 800, "e": 700, "f": 600, "g": 500, "h": 400, "i": 300, "j": 200}
    for name, spend in spends.items():
        add_sales(con, purchases(name, [10], amount=spend))
    add_sales(con, [("k", "k1", 10, -50, None)])  # spend_w <= 0: not in P
    add_sales(con, purchases("l", [500], amount=5000))  # no purchase in the window: not in P
    df = table(con)
    # |P| = 10, top ceil(0.2 * 10) = 2 by RANK(): a (1), b and c (tied 2nd)
    assert sorted(df.customer_id[df.high_spend]) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("amount", "in_group"),
    [
        pytest.param(300, True, id="exactly-twice-the-average-ticket"),
        pytest.param(299.99, False, id="a-cent-below"),
    ],
)
def test_high_ticket_against_the_population_average_ticket(con, amount, in_group):
    add_sales(con, purchases("a", [10], amount=amount))
    for name in ("b", "c", "d"):
        add_sales(con, purchases(name, [10], amount=100))
    add_sales(con, purchases("e", [400], amount=1000))  # outside the window: not in the average
    # average ticket over P = (300 + 300) / 4 = 150
    assert pick(table(con), "high_ticket") == {"a": in_group, "b": False, "c": False, "d": False, "e": False}


@pytest.mark.parametrize(
    ("days", "amount", "loyal"),
    [
        pytest.param([190, 10], 500, True, id="mean-gap-exactly-180"),
        pytest.param([191, 10], 500, False, id="mean-gap-181"),
        pytest.param([364, 184, 4], 500, True, id="mean-gap-180-over-three-purchases"),
        pytest.param([10], 500, False, id="one-purchase"),
        pytest.param([360, 181], 500, False, id="last-purchase-181-days-ago"),
        pytest.param([365, 10], 500, False, id="first-purchase-outside-the-window"),
        pytest.param([100, 10], 20, False, id="not-in-the-top-half"),
    ],
)
def test_loyal_group(con, days, amount, loyal):
    add_sales(con, purchases("x", days, amount=amount))
    for name, spend in (("f1", 100), ("f2", 200), ("f3", 300)):
        add_sales(con, purchases(name, [10], amount=spend))
    assert pick(table(con), "loyal")["x"] is loyal


def test_promo_groups(con):
    add_sales(
        con,
        [
            *purchases("p1", [10], amount=500, promo=True),
            *purchases("p2", [10], amount=400, promo=True),
            *purchases("p3", [10], amount=300, promo=True),
            *purchases("p4", [10], amount=200, promo=True),
            ("p5", "a", 10, 100, True),
            ("p5", "b", 20, 100, False),  # promo share exactly 0.5: a chaser
            ("p6", "a", 10, 100, True),
            ("p6", "b", 20, 300, False),  # ties p5 at the bottom, but promo share 0.25
            *purchases("q0", [10], amount=100, promo=False),  # no promo spend: not in Q
            ("r", "a", 10, 100, None),  # a missing flag is not promo
            ("r", "b", 10, -30, True),  # a promo refund
            ("r", "c", 10, 40, True),
        ],
    )
    # Q = p1..p6 and r (promo spend 10); |Q| = 7: top ceil(1.4) = 2, bottom 2 = r (10) then p5, p6 (100, tied 2nd)
    assert pick(table(con), "promo_spend_w", "promo_frequent", "promo_chaser") == {
        "p1": (500.0, True, False),
        "p2": (400.0, True, False),
        "p3": (300.0, False, False),
        "p4": (200.0, False, False),
        "p5": (100.0, False, True),
        "p6": (100.0, False, False),
        "q0": (0.0, False, False),
        "r": (10.0, False, False),
    }


def test_without_promo_data_the_promo_groups_are_unknown(con):
    add_sales(con, [*purchases("a", [10], amount=500), *purchases("b", [400, 300, 200], amount=5)])
    add_sales(con, purchases("a", [10], amount=500, promo=True), dataset_id="other")
    assert not has_promo(con, "d")
    assert has_promo(con, "other")
    df = table(
        con, tier_order=("promo_frequent", "promo_chaser", *[g for g in DEFAULT_RULES.tier_order if "promo" not in g])
    )
    assert pick(df, "promo_frequent", "promo_chaser", "promo_spend_w", "groups", "tier") == {
        "a": (None, None, None, "high_spend;high_ticket", "high_spend"),
        "b": (None, None, None, "silent", "silent"),
    }


def test_has_promo_with_flags_on_some_lines(con):
    add_sales(con, [("a", "o1", 10, 5, None), ("a", "o2", 10, 5, False)])
    assert has_promo(con, "d")
    assert not has_promo(con, "nothing")


# ---------------------------------------------------------------- groups together and the tier


def _two_customer_store(con: duckdb.DuckDBPyConnection, promo: bool | None = True) -> None:
    add_sales(con, purchases("y", [10], amount=10000, promo=promo))
    add_sales(con, purchases("z", [400, 300, 200], amount=50, promo=promo))


def test_groups_are_listed_in_spec_order_and_the_tier_follows_the_tier_order(con):
    _two_customer_store(con)
    df = table(con)
    assert pick(df, "groups", "tier", "lifecycle") == {
        "y": ("high_spend;high_ticket;promo_frequent", "high_spend", "new"),
        "z": ("promo_chaser;silent", "silent", "at_risk"),  # silent comes before promo_chaser in the tier order
    }
    flags = df.set_index("customer_id")[list(GROUP_KEYS)].astype(object)
    assert flags.loc["z"].tolist() == [False, False, False, False, True, True, False]


@pytest.mark.parametrize(
    ("order", "tier_y", "tier_z"),
    [
        pytest.param(DEFAULT_RULES.tier_order, "high_spend", "silent", id="default-order"),
        pytest.param(
            ("promo_chaser", "silent", "sleeping", "promo_frequent", "loyal", "high_ticket", "high_spend"),
            "promo_frequent",
            "promo_chaser",
            id="reversed-ish",
        ),
        pytest.param(
            ("high_ticket", "high_spend", "loyal", "promo_frequent", "silent", "sleeping", "promo_chaser"),
            "high_ticket",
            "silent",
            id="ticket-first",
        ),
    ],
)
def test_tier_order_is_configurable(con, order, tier_y, tier_z):
    _two_customer_store(con)
    assert pick(table(con, tier_order=order), "tier") == {"y": tier_y, "z": tier_z}


def test_regular_and_sleeping_tiers(con):
    add_sales(con, purchases("big", [5], amount=1000))
    add_sales(con, purchases("old", [400], amount=10))
    for name in ("m1", "m2", "m3", "m4"):
        add_sales(con, purchases(name, [5], amount=100))
    assert pick(table(con), "tier") == {
        "big": "high_spend",
        "old": "sleeping",
        "m1": "regular",
        "m2": "regular",
        "m3": "regular",
        "m4": "regular",
    }


def test_thresholds_come_from_the_config(con):
    add_sales(con, purchases("ann", [100]))
    assert pick(table(con), "lifecycle") == {"ann": "active"}
    assert pick(table(con, lifecycle_new_days=100), "lifecycle") == {"ann": "new"}
    assert pick(table(con, sleeping_days=99), "sleeping") == {"ann": True}


def test_an_invalid_config_is_refused(con):
    with pytest.raises(ValueError, match=r"rfm_bins \(too_small\)"):
        table(con, rfm_bins=1)


def test_a_datetime_as_of_means_its_day(con):
    add_sales(con, [("ann", "o1", at(0, 20), 10, None)])
    df = tier_table(con, "d", datetime.combine(D, time(8)))
    assert pick(df, "recency_days") == {"ann": 0}


# ---------------------------------------------------------------- config


def test_toml_round_trip_of_the_defaults():
    text = to_toml(DEFAULT_RULES)
    assert "rfm_lookback_days = 730\n" in text
    assert "high_spend_share = 0.2\n" in text
    assert from_toml(text) == DEFAULT_RULES


def test_toml_round_trip_of_a_custom_config():
    cfg = TierRules(rfm_bins=4, high_spend_share=0.15, silent_ratio=1.0, tier_order=tuple(reversed(GROUP_KEYS)))
    assert from_toml(to_toml(cfg)) == cfg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", DEFAULT_RULES, id="empty-means-defaults"),
        pytest.param("rfm_bins = 3\n", TierRules(rfm_bins=3), id="partial"),
        pytest.param("high_ticket_factor = 3\n", TierRules(high_ticket_factor=3.0), id="integer-for-a-float"),
        pytest.param("# comment\nsleeping_days = 400 # inline\n", TierRules(sleeping_days=400), id="comments"),
    ],
)
def test_from_toml(text, expected):
    cfg = from_toml(text)
    assert cfg == expected
    assert type(cfg.high_ticket_factor) is float


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("rfm_binz = 3\n", "unknown tier config key(s): rfm_binz", id="unknown-key"),
        pytest.param("[rfm]\nbins = 3\n", "unknown tier config key(s): rfm", id="unknown-table"),
        pytest.param('rfm_bins = "five"\n', "'rfm_bins' must be of type int", id="string-for-int"),
        pytest.param("rfm_bins = 2.5\n", "'rfm_bins' must be of type int", id="float-for-int"),
        pytest.param("rfm_bins = true\n", "'rfm_bins' must be of type int", id="bool-for-int"),
        pytest.param('tier_order = "loyal"\n', "'tier_order' must be of type tuple", id="string-for-list"),
        pytest.param("rfm_bins = \n", "", id="not-toml"),
    ],
)
def test_from_toml_refuses_bad_input_with_one_line(text, message):
    with pytest.raises(ValueError) as error:
        from_toml(text)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="defaults-are-valid"),
        pytest.param({"rfm_bins": 2, "high_spend_share": 1.0}, [], id="limits-are-valid"),
        pytest.param({"rfm_bins": 1}, [("rfm_bins", "too_small")], id="one-bin"),
        pytest.param({"high_spend_share": 0.0}, [("high_spend_share", "share_out_of_range")], id="zero-share"),
        pytest.param({"loyal_share": 1.5}, [("loyal_share", "share_out_of_range")], id="share-above-one"),
        pytest.param({"silent_ratio": -0.5}, [("silent_ratio", "share_out_of_range")], id="negative-ratio"),
        pytest.param({"sleeping_days": 0}, [("sleeping_days", "not_positive")], id="zero-days"),
        pytest.param({"groups_window_days": -1}, [("groups_window_days", "not_positive")], id="negative-days"),
        pytest.param({"high_ticket_factor": 0.0}, [("high_ticket_factor", "not_positive")], id="zero-factor"),
        pytest.param({"high_ticket_factor": math.inf}, [("high_ticket_factor", "not_finite")], id="infinite-factor"),
        pytest.param({"loyal_min_orders": 0}, [("loyal_min_orders", "too_small")], id="zero-orders"),
        pytest.param({"rfm_bins": "5"}, [("rfm_bins", "wrong_type")], id="wrong-type"),
        pytest.param({"tier_order": GROUP_KEYS[:6]}, [("tier_order", "not_a_permutation")], id="order-missing-a-key"),
        pytest.param(
            {"tier_order": (*GROUP_KEYS[:6], "loyal")}, [("tier_order", "not_a_permutation")], id="order-duplicate"
        ),
        pytest.param(
            {"tier_order": (*GROUP_KEYS[:6], "vip")}, [("tier_order", "not_a_permutation")], id="order-unknown-key"
        ),
        pytest.param(
            {"tier_order": (), "rfm_bins": 0, "promo_chaser_share": 2.0},
            [
                ("rfm_bins", "too_small"),
                ("promo_chaser_share", "share_out_of_range"),
                ("tier_order", "not_a_permutation"),
            ],
            id="several-in-field-order",
        ),
    ],
)
def test_validate(changes, problems):
    found = validate(TierRules(**changes))
    assert [(p.field, p.code) for p in found] == problems
    assert all(isinstance(p, RulesProblem) for p in found)
