"""Campaign outcomes gathered from sales, on hand-built tables with exact expected values."""

from __future__ import annotations

from datetime import date

import pandas as pd

from segcore.outcomes import campaign_outcomes, daily_revenue, did_frames

START, END = date(2026, 8, 10), date(2026, 8, 16)


def _sales(con, rows: list[tuple]) -> None:
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount)"
        " values ('d', 'l', ?, ?, ?, ?, ?)",
        [(i, *row) for i, row in enumerate(rows)],
    )


LISTED = pd.DataFrame(
    {
        "customer_id": ["ann", "bob", "cat", "dan", "eve"],
        "group": ["treatment", "treatment", "control", "control", "treatment"],
        "tier": ["silent", "loyal", "silent", "loyal", "silent"],
    }
)


def test_outcomes_follow_the_as_of_rules(con) -> None:
    _sales(
        con,
        [
            ("ann", "o1", "2026-08-11 10:00", 100.0),  # a purchase in the window
            ("ann", "o1", "2026-08-12 10:00", -30.0),  # part refund, same order: still a purchase
            ("bob", "o2", "2026-08-09 10:00", 80.0),  # the day before start: outside
            ("bob", "o2", "2026-08-10 09:00", -80.0),  # refund in the window: revenue -80, no purchase
            ("cat", None, "2026-08-16 20:00", 50.0),  # no order id, last day: a purchase
            ("cat", None, "2026-08-16 21:00", 25.0),  # same day, same order
            ("dan", "o3", "2026-08-17 10:00", 70.0),  # the day after end: outside
            ("zed", "o4", "2026-08-12 10:00", 99.0),  # not listed
        ],
    )
    got = campaign_outcomes(con, "d", LISTED, START, END)
    expected = pd.DataFrame(
        {
            "customer_id": ["ann", "bob", "cat", "dan", "eve"],
            "group": ["treatment", "treatment", "control", "control", "treatment"],
            "tier": ["silent", "loyal", "silent", "loyal", "silent"],
            "purchases": [1, 0, 1, 0, 0],
            "responded": [1, 0, 1, 0, 0],
            "revenue": [70.0, -80.0, 75.0, 0.0, 0.0],
        }
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_a_refund_that_cancels_the_order_is_no_response(con) -> None:
    _sales(con, [("ann", "o1", "2026-08-11", 100.0), ("ann", "o1", "2026-08-13", -100.0)])
    got = campaign_outcomes(con, "d", LISTED.head(1), START, END)
    assert (got.loc[0, "responded"], got.loc[0, "revenue"]) == (0, 0.0)


def test_daily_cumulative_revenue_per_customer(con) -> None:
    _sales(
        con, [("ann", "o1", "2026-08-10", 90.0), ("eve", "o2", "2026-08-12", 30.0), ("cat", "o3", "2026-08-11", 40.0)]
    )
    daily = daily_revenue(con, "d", LISTED, START, END)
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    treatment = daily[daily["group"] == "treatment"].set_index("day")["cumulative_rpc"]
    control = daily[daily["group"] == "control"].set_index("day")["cumulative_rpc"]
    assert len(treatment) == 7 and len(control) == 7
    assert treatment[date(2026, 8, 10)] == 30.0  # 90 over 3 treated customers
    assert treatment[date(2026, 8, 16)] == 40.0  # (90 + 30) / 3
    assert control[date(2026, 8, 10)] == 0.0 and control[date(2026, 8, 11)] == 20.0


def test_did_compares_with_unlisted_customers_of_the_same_tiers(con) -> None:
    _sales(
        con,
        [
            ("ann", "o1", "2026-08-05", 10.0),  # before window (2026-08-03 .. 08-09)
            ("ann", "o2", "2026-08-11", 50.0),
            ("fay", "o3", "2026-08-04", 20.0),  # unlisted, silent
            ("fay", "o4", "2026-08-12", 25.0),
            ("gus", "o5", "2026-08-12", 999.0),  # unlisted but regular: not comparable
            ("hal", "o6", "2026-08-02", 500.0),  # before the 'before' window: ignored
        ],
    )
    tiers = pd.DataFrame(
        {"customer_id": ["ann", "fay", "gus", "hal"], "tier": ["silent", "silent", "regular", "silent"]}
    )
    listed = LISTED[LISTED["customer_id"] == "ann"]
    treated, comparison = did_frames(con, "d", listed, tiers, START, END)
    assert treated.to_dict("records") == [{"customer_id": "ann", "pre": 10.0, "post": 50.0}]
    assert comparison.sort_values("customer_id").to_dict("records") == [
        {"customer_id": "fay", "pre": 20.0, "post": 25.0},
        {"customer_id": "hal", "pre": 0.0, "post": 0.0},
    ]
