"""The Overview's headline counts use the tier table's definition of an order: (customer, order id), or
(customer, day) for lines without an order id; an order id that looks like a date is still an order id."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from segcore.engine import tier_table
from segcore.overview import store_summary

AS_OF = date(2024, 3, 31)


def _sales(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    con.execute(f"""
        insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount)
        select 'shop', 'l1', row_number() over (), customer_id, order_id, order_date, amount
        from (values {rows}) t(customer_id, order_id, order_date, amount)
    """)


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[object, object, object]:
    summary = store_summary(con, "shop", AS_OF)
    return summary["customers"], summary["active_customers"], summary["purchases_12m"]


def test_an_order_id_that_looks_like_a_date_is_not_merged_with_an_id_less_line_of_that_day(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _sales(
        con,
        """('ann', '2024-01-05', timestamp '2024-01-05 10:00', 50.00),
           ('ann', null,         timestamp '2024-01-05 18:00', -50.00)""",
    )
    # two orders: '2024-01-05' worth 50 (a purchase) and the id-less refund of that day worth -50 (not one)
    assert _counts(con) == (1, 1, 1)
    row = tier_table(con, "shop", AS_OF).set_index("customer_id").loc["ann"]
    assert row["frequency"] == 1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            """('ann', null, timestamp '2024-01-05 10:00', 20.00),
               ('ann', null, timestamp '2024-01-05 18:00', 30.00)""",
            (1, 1, 1),
            id="id-less lines of one day are one order",
        ),
        pytest.param(
            """('ann', null, timestamp '2024-01-05 10:00', 20.00),
               ('ann', null, timestamp '2024-01-06 10:00', 30.00)""",
            (1, 1, 2),
            id="id-less lines of two days are two orders",
        ),
        pytest.param(
            """('ann', 'o1', timestamp '2024-01-05 10:00', 20.00),
               ('ann', 'o1', timestamp '2024-01-09 10:00', -20.00)""",
            (0, 0, 0),
            id="an order refunded in full on a later day is not a purchase",
        ),
        pytest.param(
            """('ann', 'o1', timestamp '2023-03-20 10:00', 20.00),
               ('ann', 'o1', timestamp '2023-04-02 10:00', 5.00)""",
            (1, 0, 0),
            id="an order is dated by its earliest line (older than 365 days)",
        ),
        pytest.param(
            """('ann', 'o1', timestamp '2024-01-05 10:00', 20.00),
               ('bob', 'o1', timestamp '2024-01-05 10:00', 30.00)""",
            (2, 2, 2),
            id="the same order id of two customers is two orders",
        ),
    ],
)
def test_overview_counts_orders_like_the_tier_table(
    con: duckdb.DuckDBPyConnection, rows: str, expected: tuple[int, int, int]
) -> None:
    _sales(con, rows)
    assert _counts(con) == expected
