"""The tier engine: one-date and many-dates facts agree, stored order days equal the lines they sum, the rules are
generated from their declarations, and every rules query is portable SQL (a first gate for Spark)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
import sqlglot
from hypothesis import given
from sqlglot import exp

from segcore.engine import rules
from segcore.engine.history import snapshot_tables, snapshot_values
from segcore.engine.one_date import customer_facts, tier_table, tier_table_sql
from segcore.engine.orders import ORDERS_AS_OF_CTES, build_order_days
from segcore.schema import create_tables
from segcore.tier_rules import DEFAULT_RULES, TierRules
from tests.test_migration_properties import (
    SETTINGS,
    D,
    dates_strategy,
    lines_strategy,
    members_strategy,
    refunds_strategy,
    store,
    with_refunds,
)

FACT_COLUMNS = [
    "is_member",
    "recency_days",
    "tenure_days",
    "purchases",
    "frequency",
    "purchases_lifecycle",
    "purchases_recent",
    "orders_w",
    "first_w_age",
    "monetary",
    "spend_w",
    "promo_spend_w",
]


def stored(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The same workspace with its order days stored, as a load leaves it."""
    build_order_days(con, "d")
    return con


def assert_facts_agree(con: duckdb.DuckDBPyConnection, dates: list[date]) -> None:
    many = snapshot_values(con, "d", dates)
    for day in dates:
        one = customer_facts(con, "d", day).set_index("customer_id")[FACT_COLUMNS]
        at_day = many[many.snapshot_date == pd.Timestamp(day)].set_index("customer_id")[FACT_COLUMNS]
        assert list(at_day.index) == list(one.index), day
        pd.testing.assert_frame_equal(at_day.astype(object), one.astype(object), check_names=False, obj=str(day))


@SETTINGS
@given(lines=lines_strategy, refunds=refunds_strategy, members=members_strategy, dates=dates_strategy)
def test_one_date_and_many_dates_facts_agree(lines, refunds, members, dates):
    con = store(with_refunds(lines, refunds), members)
    assert_facts_agree(con, dates)  # order days computed from the lines
    assert_facts_agree(stored(con), dates)  # order days read from the table


@SETTINGS
@given(lines=lines_strategy, refunds=refunds_strategy, members=members_strategy, dates=dates_strategy)
def test_many_dates_tables_equal_one_date_tables(lines, refunds, members, dates):
    con = stored(store(with_refunds(lines, refunds), members))
    cfg = TierRules(rfm_bins=3, high_spend_share=0.3)
    tables = snapshot_tables(con, "d", dates, cfg)
    assert list(tables) == dates
    for day in dates:
        pd.testing.assert_frame_equal(tables[day], tier_table(con, "d", day, cfg), obj=str(day))


@SETTINGS
@given(lines=lines_strategy, refunds=refunds_strategy, members=members_strategy)
def test_stored_order_days_give_the_same_tier_table(lines, refunds, members):
    con = store(with_refunds(lines, refunds), members)
    from_lines = tier_table(con, "d", D)
    pd.testing.assert_frame_equal(tier_table(stored(con), "d", D), from_lines)


def test_order_days_hand_built():
    con = duckdb.connect(":memory:")
    create_tables(con)
    rows = [
        ("a", "o1", "2024-01-01 10:00", "10.00", True),
        ("a", "o1", "2024-01-01 12:00", "5.50", None),
        ("a", "o1", "2024-01-03 09:00", "-3.00", None),  # o1 spans two days
        ("a", None, "2024-01-02 09:00", "7.00", False),
        ("a", None, "2024-01-02 18:00", "1.00", True),  # no order id: (customer, day) is the order
        ("b", "o1", "2024-01-05 09:00", "20.00", False),  # the same id for another customer is another order
    ]
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo) "
        "values ('d', 'l', ?, ?, ?, ?, ?, ?)",
        [(i, *row) for i, row in enumerate(rows)],
    )
    build_order_days(con, "d")
    got = con.execute(
        "select customer_id, order_id, day, is_single_day, amount, promo_amount from order_days order by all"
    ).fetchall()
    from decimal import Decimal

    assert got == [
        ("a", "o1", date(2024, 1, 1), False, Decimal("15.50"), Decimal("10.00")),
        ("a", "o1", date(2024, 1, 3), False, Decimal("-3.00"), Decimal("0.00")),
        ("a", None, date(2024, 1, 2), True, Decimal("8.00"), Decimal("1.00")),
        ("b", "o1", date(2024, 1, 5), True, Decimal("20.00"), Decimal("0.00")),
    ]
    # as of 2024-01-02, o1 is worth 15.50 (its third-day refund is later); as of 2024-01-03, 12.50, dated 01-01
    facts = customer_facts(con, "d", date(2024, 1, 2)).set_index("customer_id")
    assert facts.loc["a", ["purchases", "tenure_days", "recency_days", "monetary"]].tolist() == [
        2,
        1,
        0,
        Decimal("23.50"),
    ]
    facts = customer_facts(con, "d", date(2024, 1, 3)).set_index("customer_id")
    assert facts.loc["a", ["purchases", "tenure_days", "recency_days", "monetary"]].tolist() == [
        2,
        2,
        1,
        Decimal("20.50"),
    ]


# ---------------------------------------------------------------- the rules, generated from their declarations


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (
            DEFAULT_RULES.tier_order,
            "case when recency_days is null then case when is_member then 9 end when high_spend then 1 "
            "when high_ticket then 2 when loyal then 3 when promo_frequent then 4 when silent then 5 "
            "when sleeping then 6 when promo_chaser then 7 else 8 end",
        ),
        (
            ("sleeping", "silent", "promo_chaser", "promo_frequent", "loyal", "high_ticket", "high_spend"),
            "case when recency_days is null then case when is_member then 9 end when sleeping then 1 "
            "when silent then 2 when promo_chaser then 3 when promo_frequent then 4 when loyal then 5 "
            "when high_ticket then 6 when high_spend then 7 else 8 end",
        ),
    ],
    ids=["spec order", "reversed"],
)
def test_tier_sql_follows_the_configured_order(order, expected):
    assert rules._tier_sql(order) == expected


@pytest.mark.parametrize(
    ("bins", "expected"),
    [(5, "r_score"), (3, "case r_score when 1 then 2 when 2 then 4 when 3 then 5 end")],
    ids=["k=5", "k=3"],
)
def test_scores_map_to_the_5_grid(bins, expected):
    # ceil(score * 5 / k): k = 3 gives 1 -> 2, 2 -> 4, 3 -> 5
    assert rules._grid_sql("r_score", bins) == expected


def test_cut_points_are_declared_once_per_histogram():
    plan = rules._cut_plan(5)
    assert sorted(plan) == [
        ("frequency", "is_scored"),
        ("monetary", "is_scored"),
        ("promo_spend_w", "in_q"),
        ("recency_days", "is_scored"),
        ("spend_w", "in_p"),
    ]
    assert plan[("spend_w", "in_p")] == {
        "high_spend_cut": "min(value) filter (where above < $high_spend_share * n)",
        "loyal_cut": "min(value) filter (where above < $loyal_share * n)",
    }
    assert (
        plan[("promo_spend_w", "in_q")]["promo_chaser_cut"]
        == "max(value) filter (where below < $promo_chaser_share * n)"
    )
    assert plan[("recency_days", "is_scored")]["r_score_cut2"] == "max(value) filter (where 5 * above >= 1 * n)"
    assert plan[("frequency", "is_scored")]["f_score_cut5"] == "min(value) filter (where 5 * below >= 4 * n)"


# ---------------------------------------------------------------- portable SQL: the gate before Spark

# DuckDB-only or approximate forms the rules must not use: lists and lambdas, percentiles (Spark's are approximate),
# unnest, and DuckDB's planner hints.
_FORBIDDEN_NODES = (
    exp.Array,
    exp.Lambda,
    exp.Bracket,
    exp.Unnest,
    exp.Explode,
    exp.PercentileDisc,
    exp.PercentileCont,
    exp.ApproxQuantile,
    exp.Quantile,
)
_FORBIDDEN_WORDS = ("list_", "materialized", "percentile", "quantile", "lambda", "->", "unnest", "::")


def _rules_queries() -> dict[str, str]:
    stored_days = ""  # the order days read from the workspace table
    queries = {}
    for name, cfg in {
        "spec": DEFAULT_RULES,
        "k=3, reversed order": TierRules(rfm_bins=3, tier_order=tuple(reversed(DEFAULT_RULES.tier_order))),
        "k=10": TierRules(rfm_bins=10),
    }.items():
        queries[f"tier table ({name})"] = tier_table_sql(stored_days, cfg)
        # the rules over any facts relation (the many-dates case feeds them its own `customers`)
        queries[f"rules ({name})"] = (
            "with customers as (select * from facts)" + rules.rules_ctes(cfg) + ("\nselect * from ruled")
        )
    queries["orders as of D"] = "with " + ORDERS_AS_OF_CTES + "\nselect * from orders"
    return queries


@pytest.mark.parametrize(("name", "sql"), list(_rules_queries().items()), ids=list(_rules_queries()))
def test_rules_sql_transpiles_to_spark(name, sql):
    spark = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]
    tree = sqlglot.parse_one(spark, read="spark")
    found = [type(node).__name__ for node in tree.walk() if isinstance(node, _FORBIDDEN_NODES)]
    assert found == [], name
    words = [word for word in _FORBIDDEN_WORDS if word in spark.lower() or word in sql.lower()]
    assert words == [], name
    # exact integer / decimal arithmetic: no division in the rules (a DECIMAL quotient is a DOUBLE in DuckDB and a
    # DECIMAL in Spark); the tier table's aov_w is an integer division of cents
    assert [node.sql() for node in tree.walk() if isinstance(node, exp.Div)] == [], name
    divided = [node.expression.sql() for node in tree.walk() if isinstance(node, exp.IntDiv)]
    assert divided == ([] if "tier table" not in name else ["(2 * orders_w)"]), name


# ---------------------------------------------------------------- a customer's card: month-end tiers, kept


def test_customer_card_tiers_are_kept_for_the_next_card():
    from decimal import Decimal as Dec

    from segcore.segments import month_ends, tier_history

    # (customer, order, days before D, hour, amount, promo)
    lines = [
        ("a", "o1", 300, 10, Dec("120.00"), None),
        ("a", "o2", 20, 10, Dec("80.00"), None),
        ("b", "o3", 200, 9, Dec("15.00"), None),
        ("c", None, 45, 12, Dec("300.00"), None),
        ("c", None, 5, 12, Dec("-300.00"), None),  # c's only purchase is refunded: no purchase as of D
    ]
    con = stored(store(lines, [("m", None)]))
    ends = month_ends(D, 12)
    # the one-date engine at each month-end is the oracle (tier None where the table has no row or no tier)
    expected = {}
    for day in ends:
        table = tier_table(con, "d", day).set_index("customer_id")["tier"]
        expected[day] = {c: (table.get(c) if c in table.index else None) for c in ("a", "b")}
    plain = tier_history(con, "d", ["a", "b"], D, DEFAULT_RULES)
    kept = tier_history(con, "d", ["a", "b"], D, DEFAULT_RULES, keep=True)
    pd.testing.assert_frame_equal(plain, kept)
    for row in kept.itertuples():
        assert (row.tier if isinstance(row.tier, str) else None) == expected[row.snapshot][row.customer_id]
    # everyone's month-end states are stored: the next card (c, m) reads them, a tampered row shows
    stored_rows = con.execute("select count(*), count(distinct customer_id) from migration_cache").fetchone()
    assert stored_rows == (12 * 4, 4)
    con.execute("update migration_cache set state = 'tampered' where customer_id = 'm'")
    card = tier_history(con, "d", ["m"], D, DEFAULT_RULES, keep=True)
    assert set(card["tier"]) == {"tampered"}


def test_a_workspace_from_before_order_days_reads_its_lines_read_only(tmp_path):
    from decimal import Decimal as Dec

    lines = [("a", "o1", 10, 10, Dec("50.00"), True), ("b", None, 400, 9, Dec("20.00"), False)]
    path = tmp_path / "old.duckdb"
    con = store(lines, [])
    expected = tier_table(stored(con), "d", D)
    writer = duckdb.connect(str(path))
    for table in ("sales", "members"):  # no order_days: an older workspace
        writer.register("rows", con.sql(f"select * from {table}").to_arrow_table())
        writer.execute(f"create table {table} as select * from rows")
        writer.unregister("rows")
    writer.close()
    old = duckdb.connect(str(path), read_only=True)
    pd.testing.assert_frame_equal(tier_table(old, "d", D), expected)
