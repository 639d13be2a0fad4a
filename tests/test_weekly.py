"""The weekly review's figures on a small hand-built store whose weekly numbers are worked out by hand below."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from segcore.access import owner
from segcore.errors import InputError
from segcore.weekly import (
    KPI_KEYS,
    actions,
    alerts,
    iso_week,
    iso_week_label,
    last_complete_week,
    recent_campaigns,
    sunday_tables,
    tier_counts,
    tier_movements,
    top_movements,
    weekly_kpis,
    weekly_review,
)

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

S = date(2026, 11, 15)  # the week under review: Mon 9 - Sun 15 Nov 2026 (2026-W46)
P = date(2026, 11, 8)  # the week before: Mon 2 - Sun 8 Nov

# (customer_id, order_id, order_date, amount). Who is who, with S = 15 Nov and P = 8 Nov:
SALES = [
    # vip: high spend all along; buys in both weeks; a partial refund of an old order lands in week S
    ("vip", "o1", "2026-03-01 10:00", 1000.00),
    ("vip", "o2", "2026-06-01 10:00", 1000.00),
    ("vip", "o3", "2026-09-01 10:00", 1000.00),
    ("vip", "o5", "2026-11-03 10:00", 500.00),  # week P
    ("vip", "o4", "2026-11-10 10:00", 1000.00),  # week S
    ("vip", "o1", "2026-11-12 10:00", -200.00),  # week S: refund, o1 stays a purchase (dated 1 Mar)
    # hi: high ticket at P; its only recent purchase (13 May) leaves the 182-day window during week S -> silent at S
    ("hi", "h1", "2025-05-01 10:00", 3000.00),
    ("hi", "h2", "2025-08-01 10:00", 3000.00),
    ("hi", "h3", "2026-05-13 10:00", 3000.00),
    # l1, l3: last purchase passes 365 days during week S (lost to sleeping); l2 during week P
    ("l1", "a1", "2025-11-10 10:00", 100.00),
    ("l2", "a2", "2025-11-03 10:00", 100.00),
    ("l3", "a3", "2025-11-08 10:00", 80.00),  # 365 days before P: silent at P, sleeping at S
    # b1: sleeping at P, buys on Monday of week S (came back)
    ("b1", "b1a", "2024-06-01 10:00", 100.00),
    ("b1", "b1b", "2026-11-09 00:00", 150.00),
    # s1: silent at P, buys in week S (a line without order id); s2: silent at P - 7, buys in week P
    ("s1", "x1", "2025-01-05 10:00", 100.00),
    ("s1", "x2", "2025-03-05 10:00", 100.00),
    ("s1", "x3", "2025-06-05 10:00", 100.00),
    ("s1", "x4", "2025-12-01 10:00", 100.00),
    ("s1", None, "2026-11-14 10:00", 100.00),
    ("s2", "y1", "2025-01-05 10:00", 100.00),
    ("s2", "y2", "2025-03-05 10:00", 100.00),
    ("s2", "y3", "2025-06-05 10:00", 100.00),
    ("s2", "y4", "2025-12-01 10:00", 100.00),
    ("s2", "y5", "2026-11-04 10:00", 100.00),
    # new customers: n1 (two orders in week S), n4 (Sunday S, late evening), n2 (Sunday P, so week P)
    ("n1", "n1a", "2026-11-11 10:00", 80.00),
    ("n1", "n1b", "2026-11-13 10:00", 20.00),
    ("n4", "n4a", "2026-11-15 23:30", 40.00),
    ("n2", "n2a", "2026-11-08 20:00", 60.50),
    # n3: an order refunded in full within week S: no purchase, not new, revenue nets to 0
    ("n3", "r1", "2026-11-14 10:00", 50.00),
    ("n3", "r1", "2026-11-15 09:00", -50.00),
    # f1: first purchase 12 Oct (day 30 = 11 Nov, in week S), nothing since -> alert; f2 came back; f3 is a week late
    ("f1", "f1a", "2026-10-12 10:00", 70.00),
    ("f2", "f2a", "2026-10-14 10:00", 70.00),
    ("f2", "f2b", "2026-11-01 10:00", 30.00),
    ("f3", "f3a", "2026-10-17 10:00", 70.00),
    # q: the biggest spender, quiet since 1 Aug (106 days at S)
    ("q", "q1", "2026-08-01 10:00", 5000.00),
    # old: sleeping for ever
    ("old", "z1", "2024-01-01 10:00", 50.00),
]
MEMBERS = [
    # (customer_id, name, phone)
    ("hi", "高先生", "13812345678"),
    ("q", "钱女士", "13900001111"),
    ("f1", "<script>alert(1)</script>", "13700002222"),
    ("vip", "王丽", "13600003333"),
    ("m0", "潜在", None),  # a member who never bought: tier potential
]

# The expected KPIs (value at S, value at P), worked out by hand from the rows above:
EXPECTED = {
    # purchase within 180 days (after 19 May at S, after 12 May at P)
    "active": (11, 8),  # S: vip b1 s1 s2 n1 n2 n4 f1 f2 f3 q; P: vip hi s2 n2 f1 f2 f3 q
    "revenue": (1190.00, 660.50),  # S: 1000 - 200 + 150 + 100 + 80 + 20 + 50 - 50 + 40; P: 500 + 100 + 60.50
    "purchases": (6, 3),  # S: o4 b1b s1(no id) n1a n1b n4a; P: o5 y5 n2a
    "new": (2, 1),  # S: n1 n4; P: n2
    "vips": (3, 2),  # top ceil(0.2 * 12) = 3 of spend_w at S (q vip hi); ceil(0.2 * 10) = 2 at P (q vip)
    "came_back": (2, 1),  # S: b1 (sleeping), s1 (silent); P: s2 (silent at 1 Nov)
    "lost_to_sleeping": (2, 1),  # S: l1 l3; P: l2
}
HISTORY_SUNDAYS = [S - timedelta(days=7 * k) for k in range(7, -1, -1)]
REVENUE_HISTORY = [0.0, 0.0, 0.0, 210.0, 0.0, 30.0, 660.50, 1190.00]  # f1 f2 f3 in 12-18 Oct, f2b on 1 Nov


def add_store(con: duckdb.DuckDBPyConnection, dataset_id: str = "d") -> None:
    """The hand-built store above as dataset `dataset_id`."""
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount) "
        "values (?, 'test', ?, ?, ?, cast(? as timestamp), ?)",
        [(dataset_id, i, *row) for i, row in enumerate(SALES)],
    )
    con.executemany(
        "insert into members (dataset_id, load_id, customer_id, name, phone) values (?, 'test', ?, ?, ?)",
        [(dataset_id, *row) for row in MEMBERS],
    )
    con.execute("insert into datasets values (?, '测试门店', timestamp '2026-11-16 08:00', false)", [dataset_id])


@pytest.fixture
def store(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    add_store(con)
    return con


# --- weeks ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, expected",
    [
        (date(2026, 11, 15), (date(2026, 11, 9), date(2026, 11, 15))),
        (date(2026, 11, 16), (date(2026, 11, 9), date(2026, 11, 15))),
        (date(2026, 11, 21), (date(2026, 11, 9), date(2026, 11, 15))),
        (date(2026, 11, 22), (date(2026, 11, 16), date(2026, 11, 22))),
        (date(2027, 1, 1), (date(2026, 12, 21), date(2026, 12, 27))),
        (datetime(2026, 11, 16, 23, 59), (date(2026, 11, 9), date(2026, 11, 15))),
    ],
    ids=["sunday-is-its-own-week", "monday-takes-the-week-before", "saturday", "next-sunday", "new-year", "datetime"],
)
def test_last_complete_week(as_of: date, expected: tuple[date, date]) -> None:
    assert last_complete_week(as_of) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-W46", (date(2026, 11, 9), date(2026, 11, 15))),
        ("2026w46", (date(2026, 11, 9), date(2026, 11, 15))),
        (" 2026-W01 ", (date(2025, 12, 29), date(2026, 1, 4))),
        ("2020-W53", (date(2020, 12, 28), date(2021, 1, 3))),
    ],
    ids=["plain", "lowercase-no-dash", "week-1-starts-in-december", "week-53"],
)
def test_iso_week(value: str, expected: tuple[date, date]) -> None:
    assert iso_week(value) == expected
    assert iso_week(iso_week_label(expected[0])) == expected


@pytest.mark.parametrize(
    "value", ["2026-W54", "2026-W00", "2026-46", "W46", "", "2026-11-15", "2026-W4a"], ids=lambda v: v or "empty"
)
def test_iso_week_refuses_bad_input(value: str) -> None:
    with pytest.raises(InputError) as caught:
        iso_week(value)
    assert caught.value.code == "bad_week"


# --- KPIs -------------------------------------------------------------------------------------------------------


def test_kpis_of_the_week_and_the_week_before(store: duckdb.DuckDBPyConnection) -> None:
    kpis = {k.key: k for k in weekly_kpis(store, "d", S)}
    assert list(kpis) == list(KPI_KEYS)
    got = {key: (kpi.value, kpi.previous) for key, kpi in kpis.items()}
    assert got == EXPECTED
    assert kpis["revenue"].change == pytest.approx(529.50)
    assert kpis["lost_to_sleeping"].higher_is_better is False
    assert kpis["revenue"].kind == "money"
    assert kpis["new"].change_ratio == 1.0


def test_histories_cover_eight_sundays_and_end_with_the_week(store: duckdb.DuckDBPyConnection) -> None:
    kpis = {k.key: k for k in weekly_kpis(store, "d", S)}
    for kpi in kpis.values():
        assert [day for day, _ in kpi.history] == HISTORY_SUNDAYS
        assert [v for _, v in kpi.history][-2:] == [kpi.previous, kpi.value]
    assert [v for _, v in kpis["revenue"].history] == REVENUE_HISTORY


def test_kpis_reuse_given_tier_tables(store: duckdb.DuckDBPyConnection) -> None:
    tables = sunday_tables(store, "d", S)
    assert sorted(tables) == [S - timedelta(days=7 * k) for k in range(8, -1, -1)]
    got = {k.key: (k.value, k.previous) for k in weekly_kpis(store, "d", S, tables=tables)}
    assert got == EXPECTED
    # the given tables are the ones used: hide q (a VIP) from the table of S, and S counts one VIP less
    without_q = {**tables, S: tables[S][tables[S]["customer_id"] != "q"]}
    vips = next(k for k in weekly_kpis(store, "d", S, tables=without_q) if k.key == "vips")
    assert (vips.value, vips.previous) == (2, 2)


def test_a_week_must_end_on_a_sunday(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="Sunday"):
        weekly_kpis(store, "d", date(2026, 11, 14))


def test_an_empty_dataset_gives_zeros(con: duckdb.DuckDBPyConnection) -> None:
    kpis = weekly_kpis(con, "nothing", S)
    assert [(k.value, k.previous, k.change) for k in kpis] == [(0, 0, 0)] * len(KPI_KEYS)


# --- movements --------------------------------------------------------------------------------------------------


def _tiers(rows: list[tuple[str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "tier"])


def test_tier_movements_count_pairs_with_none_for_absent_customers() -> None:
    before = _tiers([("a", "loyal"), ("b", "loyal"), ("c", "silent"), ("d", "regular"), ("e", None)])
    after = _tiers([("a", "silent"), ("b", "silent"), ("c", "silent"), ("e", "regular"), ("f", "regular")])
    expected = pd.DataFrame(
        [
            ("loyal", "silent", 2),
            ("none", "regular", 2),
            ("regular", "none", 1),
            ("silent", "silent", 1),
        ],
        columns=["from_tier", "to_tier", "customers"],
    )
    pd.testing.assert_frame_equal(tier_movements(before, after), expected)


def test_top_movements_in_words_leave_out_stayers() -> None:
    movements = pd.DataFrame(
        [("silent", "silent", 500), ("loyal", "silent", 120), ("none", "regular", 7), ("regular", "loyal", 1)],
        columns=["from_tier", "to_tier", "customers"],
    )
    assert top_movements(movements, 5, "en") == [
        "120 customers moved from Loyal to Silent",
        "7 customers moved from Not yet joined or bought to Regular",
        "1 customer moved from Regular to Loyal",
    ]
    assert top_movements(movements, 1, "zh") == ["120 位顾客从 高忠诚度会员 变为 沉默会员"]


def test_movements_of_the_store(store: duckdb.DuckDBPyConnection) -> None:
    tables = sunday_tables(store, "d", S)
    moved = tier_movements(tables[P], tables[S])
    changes = moved[moved["from_tier"] != moved["to_tier"]]
    assert list(changes.itertuples(index=False, name=None)) == [
        ("none", "regular", 2),  # n1, n4
        ("high_ticket", "high_spend", 1),  # hi
        ("loyal", "regular", 1),  # f2
        ("regular", "sleeping", 1),  # l1
        ("silent", "regular", 1),  # s1
        ("silent", "sleeping", 1),  # l3
        ("sleeping", "regular", 1),  # b1
    ]
    assert int(moved["customers"].sum()) == 18  # every customer of either Sunday, members included


# --- alerts -----------------------------------------------------------------------------------------------------


def test_alerts_name_their_customers(store: duckdb.DuckDBPyConnection) -> None:
    found = alerts(store, "d", S)
    assert {key: list(frame["customer_id"]) for key, frame in found.items()} == {
        "went_silent": ["hi"],
        "vip_quiet": ["q", "hi"],  # most spend first
        "no_second_purchase": ["f1"],
        "slipping": [],  # a handful of buyers: no spend model, so no CLV and nobody listed (test_forecast_data)
    }
    row = found["vip_quiet"].iloc[0]
    assert (row["name"], row["phone"], row["tier"], row["last_purchase"], row["spend_w"]) == (
        "钱女士",
        "13900001111",
        "high_spend",
        date(2026, 8, 1),
        5000.0,
    )
    assert list(found["went_silent"].columns) == ["customer_id", "name", "phone", "tier", "last_purchase", "spend_w"]


def test_the_new_customer_alert_follows_the_week_of_the_day_30_mark(store: duckdb.DuckDBPyConnection) -> None:
    # f3's first purchase on 17 Oct reaches day 30 on 16 Nov: it is next week's alert, not this week's
    assert list(alerts(store, "d", S + timedelta(days=7))["no_second_purchase"]["customer_id"]) == ["f3"]
    assert alerts(store, "d", P)["no_second_purchase"].empty


# --- actions and campaigns -------------------------------------------------------------------------------------


def test_actions_count_each_tier_of_the_playbook() -> None:
    tiers = _tiers([("a", "loyal"), ("b", "loyal"), ("c", "silent"), ("d", None)])
    playbook = pd.DataFrame(
        [("loyal", "New products first", "wechat"), ("silent", "Care", "sms"), ("sleeping", "Win back", "sms")],
        columns=["segment", "action", "channel"],
    )
    expected = pd.DataFrame(
        [("loyal", 2, "New products first", "wechat"), ("silent", 1, "Care", "sms")],
        columns=["tier", "customers", "action", "channel"],
    )
    assert tier_counts(tiers) == {"loyal": 2, "silent": 1}  # d has no tier
    pd.testing.assert_frame_equal(actions(tier_counts(tiers), playbook), expected)


def add_campaign(con: duckdb.DuckDBPyConnection, name: str, start: date, end: date, minute: int) -> str:
    """A campaign on 5 customers with 3 held out, imported into dataset `d`; its id."""
    from segcore.campaigns import create_campaign_tables, import_campaign

    create_campaign_tables(con)

    listed = pd.DataFrame(
        {
            "customer_id": ["vip", "b1", "s1", "n1", "hi", "q", "f1", "f3"],
            "group": ["treatment"] * 5 + ["control"] * 3,
        }
    )
    created = datetime(2026, 9, 1, 9, minute)
    return import_campaign(
        con, "d", listed, name=name, channel="wechat", start=start, end=end, created_at=created, access=OWNER
    )


def test_recent_campaigns_are_running_or_ended_in_the_last_four_weeks(store: duckdb.DuckDBPyConnection) -> None:
    running = add_campaign(store, "双11", date(2026, 11, 9), date(2026, 11, 22), 1)
    ended = add_campaign(store, "Mid-October", date(2026, 10, 5), date(2026, 10, 19), 2)
    add_campaign(store, "Too old", date(2026, 9, 1), date(2026, 10, 18), 3)  # ended exactly 4 weeks before S
    add_campaign(store, "Not yet", date(2026, 11, 16), date(2026, 11, 30), 4)
    lines = recent_campaigns(store, "d", S, lang="en")
    assert [(c.name, c.status, c.campaign_id) for c in lines] == [
        ("双11", "running", running),
        ("Mid-October", "ended", ended),
    ]
    assert lines[0].headline.startswith("Interim, measured up to 15 Nov 2026: ")
    assert not lines[1].headline.startswith("Interim")
    assert recent_campaigns(store, "d", S, lang="zh")[0].headline.startswith("阶段性结果（统计至 2026年11月15日）：")


# --- the whole review -------------------------------------------------------------------------------------------


def test_weekly_review_bundles_the_same_numbers(store: duckdb.DuckDBPyConnection) -> None:
    review = weekly_review(store, "d", S, lang="zh")
    assert (review.week_start, review.week_end, review.week_label) == (date(2026, 11, 9), S, "2026-W46")
    assert review.dataset_name == "测试门店"
    assert {k.key: (k.value, k.previous) for k in review.kpis} == EXPECTED
    assert review.top_movements[0] == "2 位顾客从 尚未入会或消费 变为 普通会员"
    assert list(review.alerts["went_silent"]["customer_id"]) == ["hi"]
    assert review.campaigns == []
    assert list(review.actions["tier"]) == ["high_spend", "sleeping", "regular", "potential"]
    assert list(review.actions["customers"]) == [3, 4, 9, 1]
    assert review.actions["action"].iloc[0] == "专属服务、优先预约、生日礼遇"


def test_the_forecast_alert_of_a_store_too_small_to_model(store: duckdb.DuckDBPyConnection) -> None:
    from segcore.forecast.slipping import slipping

    found = slipping(store, "d", S)
    assert found.customer_ids == set() and found.clv_threshold is None
    assert "no_spend_model" in [w["code"] for w in found.warnings]


def test_an_alert_counts_one_customer_in_the_singular() -> None:
    from segcore.report import alert_count

    assert [alert_count(n, "en") for n in (0, 1, 2, 1234)] == [
        "0 customers",
        "1 customer",
        "2 customers",
        "1,234 customers",
    ]
    assert [alert_count(n, "zh") for n in (1, 1234)] == ["1 位顾客", "1,234 位顾客"]
