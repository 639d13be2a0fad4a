"""Issue 12, section 3: from a chart to a customer in one click, and the customer card as a profile.

A hand-built store (typed below) with every expected value worked out by hand:

as of 30 Jun 2026, window W = 365 days (1 Jul 2025 to 30 Jun 2026)
  A  member 张三, two lines: 1 Mar 2024 ¥250 (outside W), 1 Jun 2026 ¥500 (store 二号店, not on promo)
  B  1 Jun 2026 ¥400 · C ¥300 · D ¥200 (not members; stores 二号店, 二号店, 三号店)
  E  1 Jun 2026 ¥100 on promotion
  F  member, never bought
  G  one refund line, -¥50 (no purchase, not a member)
Population P (a purchase in W and positive spend): A B C D E; their average order = 1,500 / 5 = ¥300.
Groups: high_spend = top ceil(20% x 5) = 1 -> A; high_ticket needs an order >= ¥600 -> nobody; loyal needs 2
orders -> nobody; promo: Q = {E} -> promo_frequent and promo_chaser (promo 100 >= 50% of 100) = E.
Tiers: A high_spend, B C D regular, E promo_frequent (before promo_chaser in the order), F potential, G none.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from segcore.access import owner
from segcore.engine import tier_table
from segcore.ingest import FileSpec, load_files
from segcore.segments import (
    customer_profile,
    membership_reasons,
    rf_cell_members,
    star_sign,
    store_averages,
)
from segcore.tier_rules import DEFAULT_RULES
from segcore.workspace import Workspace
from tests.helpers import app

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

AS_OF = date(2026, 6, 30)
SALES = """会员卡号,消费时间,实收金额,门店,是否促销,商品
A,2024-03-01 10:00,250,一号店,否,围巾
A,2026-06-01 11:30,500,二号店,否,手链
B,2026-06-01 12:00,400,二号店,否,项链
C,2026-06-01 12:00,300,二号店,否,耳环
D,2026-06-01 12:00,200,三号店,否,戒指
E,2026-06-01 12:00,100,三号店,是,发夹
G,2026-06-01 12:00,-50,三号店,否,退货
"""
MEMBERS = """会员卡号,姓名,手机号,生日,入会日期,所属门店,积分
A,张三,13812345678,1990-08-01,2025-01-15,一号店,1200
F,李四,13900001111,1985-12-25,2026-01-10,一号店,0
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A workspace holding only the hand-built store above, as dataset 'shop'."""
    (tmp_path / "sales.csv").write_text(SALES, encoding="utf-8")
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    path = tmp_path / "ws" / "segcore.duckdb"
    path.parent.mkdir()
    workspace = Workspace(path)
    with workspace.writer() as con:
        files = [FileSpec(tmp_path / "sales.csv", "sales"), FileSpec(tmp_path / "members.csv", "members")]
        load_files(con, "shop", files, loaded_at=datetime(2026, 7, 1, 9, 0), currency="CNY", access=OWNER)
    workspace.close()
    return path


def _table(path: Path) -> pd.DataFrame:
    workspace = Workspace(path)
    try:
        with workspace.reader() as con:
            return tier_table(con, "shop", AS_OF, DEFAULT_RULES)
    finally:
        workspace.close()


# --- a chart's selection event -> whose customers --------------------------------------------------------------

_BAR = {"curve_number": 0, "point_number": 7, "point_index": 7, "x": 1686, "y": "Potential", "customdata": "potential"}
_TILE = {"id": "regular", "parent": "", "label": "Regular", "value": 5604, "point_number": 0, "curve_number": 0}
_CELL = {"curve_number": 1, "point_number": 4, "x": "5", "y": "5", "customdata": [5, 5]}


def _event(*points: dict) -> dict:
    return {"selection": {"points": list(points), "point_indices": [0] * len(points), "box": [], "lasso": []}}


@pytest.mark.parametrize(
    "event, expected",
    [
        pytest.param(_event(_BAR), {"segment": "potential"}, id="bar-customdata"),
        pytest.param(_event({**_BAR, "customdata": ["loyal"]}), {"segment": "loyal"}, id="bar-customdata-list"),
        pytest.param(_event(_TILE), {"segment": "regular"}, id="treemap-tile-id"),
        pytest.param(_event(_CELL), {"cell": (5, 5)}, id="heatmap-cell"),
        pytest.param(_event({**_CELL, "customdata": [2.0, 3.0]}), {"cell": (2, 3)}, id="heatmap-cell-floats"),
        pytest.param(_event(), None, id="nothing-selected"),
        pytest.param({}, None, id="no-selection-key"),
        pytest.param(None, None, id="no-event"),
        pytest.param(_event({"x": 3, "y": "b"}), None, id="point-without-key"),
    ],
)
def test_a_chart_selection_names_a_segment_or_a_cell(event: dict | None, expected: dict | None) -> None:
    from ui.segment_views import chart_pick

    assert chart_pick(event) == expected


@pytest.mark.parametrize(
    "rows, expected",
    [
        pytest.param([0], "A", id="first-row"),
        pytest.param([2], "C", id="third-row"),
        pytest.param([], None, id="none"),
        pytest.param([5], None, id="out-of-range"),
    ],
)
def test_a_selected_table_row_names_its_customer(rows: list[int], expected: str | None) -> None:
    from ui.segment_views import customer_from_rows

    assert customer_from_rows({"selection": {"rows": rows, "columns": []}}, ["A", "B", "C"]) == expected


def test_a_grid_cell_lists_its_customers_biggest_spenders_first() -> None:
    table = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "r_score": [5, 5, 4, 5],
            "f_score": [5, 5, 5, 4],
            "spend_w": [10.0, 30.0, 99.0, 50.0],
        }
    )
    assert list(rf_cell_members(table, 5, 5)["customer_id"]) == ["b", "a"]


# --- the profile -----------------------------------------------------------------------------------------------


def test_the_tiers_of_the_hand_built_store(shop: Path) -> None:
    tiers = _table(shop).set_index("customer_id")["tier"]
    expected = {"A": "high_spend", "B": "regular", "C": "regular", "D": "regular", "E": "promo_frequent"}
    assert {k: tiers[k] for k in expected} == expected
    assert tiers["F"] == "potential"
    assert pd.isna(tiers["G"])


def test_profile_of_a_member(shop: Path) -> None:
    workspace = Workspace(shop)
    try:
        with workspace.reader() as con:
            profile = customer_profile(con, "shop", "A", AS_OF, access=OWNER)
    finally:
        workspace.close()
    assert profile["name"] == "张三"
    assert profile["phone"] == "13812345678"
    assert profile["store"] == "一号店"  # the members file's store, not where they last bought
    assert pd.Timestamp(profile["join_date"]).date() == date(2025, 1, 15)
    assert pd.Timestamp(profile["birthday"]).date() == date(1990, 8, 1)
    assert profile["points"] == 1200
    assert float(profile["lifetime_spend"]) == 750.0
    assert float(profile["spend_12m"]) == 500.0
    assert bool(profile["is_member"]) is True


def test_profile_of_a_buyer_outside_the_members_file(shop: Path) -> None:
    workspace = Workspace(shop)
    try:
        with workspace.reader() as con:
            profile = customer_profile(con, "shop", "D", AS_OF, access=OWNER)
    finally:
        workspace.close()
    assert bool(profile["is_member"]) is False
    assert profile["name"] is None and profile["phone"] is None and profile["points"] is None
    assert profile["store"] == "三号店"  # where they bought
    assert float(profile["lifetime_spend"]) == 200.0


@pytest.mark.parametrize(
    "day, sign",
    [
        (date(1990, 8, 1), "leo"),
        (date(1990, 1, 19), "capricorn"),
        (date(1990, 1, 20), "aquarius"),
        (date(1985, 12, 25), "capricorn"),
        (date(2000, 3, 21), "aries"),
        (date(2000, 3, 20), "pisces"),
        (None, None),
    ],
)
def test_star_sign(day: date | None, sign: str | None) -> None:
    assert star_sign(day) == sign


def test_store_average_order_over_the_group_population(shop: Path) -> None:
    assert store_averages(_table(shop)) == {"aov_p": 300.0}


def test_the_rules_that_put_a_customer_where_they_are(shop: Path) -> None:
    table = _table(shop)
    row = table.set_index("customer_id").loc["A"].to_dict()
    reasons = membership_reasons(row, DEFAULT_RULES, {"aov_p": 300.0}, "en")
    assert reasons[:2] == [
        ("tier", "high_spend", "The first of their groups in the tier order: High spend (VIP)"),
        ("groups", "high_spend", "Among the top 20% of buyers by spend in the last 365 days (spent ¥500)"),
    ]
    assert reasons[2] == ("lifecycle", "active", "Bought recently; not new, at risk, churned or loyal")
    zh = membership_reasons(row, DEFAULT_RULES, {"aov_p": 300.0}, "zh")
    assert zh[1] == ("groups", "high_spend", "近 365 天消费额位列前 20%（消费 ¥500）")
    regular = membership_reasons(table.set_index("customer_id").loc["B"].to_dict(), DEFAULT_RULES, {}, "en")
    assert regular[0] == ("tier", "regular", "Bought, but in no member group")


def test_purchases_say_whether_each_line_was_on_promotion() -> None:
    from ui.segment_views import purchases_table

    lines = pd.DataFrame(
        {
            "order_date": pd.to_datetime(["2026-06-01 11:30", "2026-05-02 09:05", "2026-04-03 18:00"]),
            "order_id": ["O1", None, "O3"],
            "product": ["手链", "发夹", None],
            "amount": [500.0, 123456.0, -50.0],
            "is_promo": pd.array([False, True, None], dtype="boolean"),
        }
    )
    shown = purchases_table(lines, "zh")
    assert list(shown.iloc[:, 4]) == ["否", "是", "–"]
    assert list(shown.iloc[:, 0]) == ["2026年6月1日 11:30", "2026年5月2日 09:05", "2026年4月3日 18:00"]
    assert list(shown.iloc[:, 3]) == ["¥500.00", "¥12.35万", "-¥50.00"]
    assert list(shown.iloc[:, 1]) == ["O1", "–", "O3"]


def test_the_customer_card_in_the_app(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    monkeypatch.setenv("SEGCORE_WORKSPACE", str(shop))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app(lang="en").run()  # as of the last day of the data, 1 Jun 2026
    at.switch_page("pages/segments.py").run()
    at.session_state["seg_customer"] = "A"  # what a click on A's row sets (see the row test above)
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "#### Customer A · 张三" in text
    assert "Tier :blue-badge[High spend (VIP)]" in text
    assert "**Phone** 13812345678" in text  # the shop's single local user is the owner: the phone in full
    assert "**Store** 一号店" in text
    assert "**Member since** 15 Jan 2025" in text
    assert "**Birthday** 1 Aug 1990 · Leo" in text
    assert "**First purchase** 1 Mar 2024" in text
    assert "- **Member groups: High spend (VIP)**: Among the top 20% of buyers by spend in the last 365 days" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Spend, all time": "¥750", "Spend, last 12 months": "¥500", "Points": "1,200"}
    purchases = next(d.value for d in at.dataframe if "On promotion" in d.value.columns)
    assert list(purchases["On promotion"]) == ["No"]
    assert "None" not in text and "nan" not in text and "NaT" not in text
    st.cache_data.clear()


SIGN_IN = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "s",
    "client_id": "c",
    "client_secret": "x",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.mark.parametrize(
    ("role", "title", "phone"),
    [
        ("owner", "#### Customer A · 张三", "**Phone** 13812345678"),
        ("marketer", "#### Customer A · 张三", "**Phone** 138****5678"),
        ("viewer", "#### Customer A · 张**", "**Phone** 138****5678"),
    ],
)
def test_the_customer_card_shows_what_the_signed_in_role_may_see(
    shop: Path, monkeypatch: pytest.MonkeyPatch, role: str, title: str, phone: str
) -> None:
    import streamlit as st

    monkeypatch.setenv("SEGCORE_WORKSPACE", str(shop))
    st.cache_resource.clear()
    at = app(lang="en")
    at.secrets["auth"] = SIGN_IN
    at.secrets["access"] = {"emails": {"someone@shop.example": role}}
    at.user = {"is_logged_in": True, "email": "someone@shop.example"}
    at.run()
    at.switch_page("pages/segments.py").run()
    at.session_state["seg_customer"] = "A"
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert title in text and phone in text
    hidden = "138****5678" if role == "owner" else "13812345678"
    assert hidden not in text


def test_the_customer_card_in_chinese_reads_wan_and_chinese_dates(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    monkeypatch.setenv("SEGCORE_WORKSPACE", str(shop))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app(lang="zh").run()  # as of the last day of the data, 1 Jun 2026
    at.switch_page("pages/segments.py").run()
    at.session_state["seg_customer"] = "E"
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "**入会日期** 不在会员名单中" in text
    assert "- **会员分组: 低价高频次会员**: 近 365 天促销消费额位列前 20%（促销消费 ¥100）" in text
    purchases = next(d.value for d in at.dataframe if "是否促销" in d.value.columns)
    assert list(purchases["是否促销"]) == ["是"]
    st.cache_data.clear()


def test_the_picked_grid_cell_is_outlined_where_it_is_drawn() -> None:
    from ui.charts import rf_heatmap

    grid = pd.DataFrame(
        {
            "r_score": [r for r in range(1, 6) for _ in range(1, 6)],
            "f_score": [f for _ in range(1, 6) for f in range(1, 6)],
            "customers": [1] * 25,
            "avg_monetary": [10.0] * 25,
            "segment": ["hibernating"] * 25,
        }
    )
    fig = rf_heatmap(grid, "en", picked=(5, 2))
    shape = fig.layout.shapes[0]
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (1.5, 2.5, 4.5, 5.5)  # F 2, R 5 (the axes read numbers)
    markers = fig.data[1]
    assert [5, 2] in [list(c) for c in markers.customdata]


@pytest.mark.parametrize("scheme", ["rfm", "cn8", "tier", "lifecycle"])
def test_every_playbook_row_has_an_action_and_a_channel(shop: Path, scheme: str) -> None:
    from segcore.keys import CHANNELS
    from segcore.playbook import playbook, save_playbook
    from segcore.segments import segment_order

    workspace = Workspace(shop)
    try:
        with workspace.writer() as con:
            order = segment_order(scheme, DEFAULT_RULES)
            # an edit saved with an empty channel cell comes back empty, never "None" / "nan"
            save_playbook(
                con, scheme, pd.DataFrame({"segment": [order[0]], "action": [None], "channel": [None]}), access=OWNER
            )
            book = playbook(con, scheme, order, "zh")
    finally:
        workspace.close()
    assert list(book["segment"]) == order
    assert book.iloc[0].tolist() == [order[0], "", ""]
    assert all(book["action"].iloc[1:] != "") and set(book["channel"].iloc[1:]) <= set(CHANNELS)


def test_potential_members_read_a_dash_not_nan() -> None:
    from ui.segment_views import members_table

    members = pd.DataFrame(
        {
            "customer_id": ["F", "A"],
            "tier": ["potential", None],
            "recency_days": [None, 12.0],
            "frequency": [0, 3],
            "monetary": [0.0, 123456.0],
            "spend_w": [0.0, 23456.0],
            "last_purchase": pd.to_datetime([None, "2026-05-20"]),
        }
    )
    shown = members_table(members, "zh")
    assert shown.values.tolist() == [
        ["F", "潜在客户", "–", "0", "¥0", "¥0", "–"],
        ["A", "尚未入会或消费", "12", "3", "¥12.35万", "¥2.35万", "2026年5月20日"],
    ]
