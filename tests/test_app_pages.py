"""AppTest of each page: build, act, assert."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.helpers import app
from tests.helpers import run_app as _app


def test_overview_shows_the_demo_banner_and_kpis(app_workspace: Path) -> None:
    at = _app()
    assert not at.exception
    assert "demo store" in at.info[0].value
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Customers (ever bought)", "Active (last 12 months)", "Members"]
    assert at.metric[2].value == "20,000"


def test_overview_speaks_chinese_with_chinese_number_formats(app_workspace: Path) -> None:
    at = _app("zh")
    assert not at.exception
    assert at.title[0].value == "门店总览"
    revenue = next(m for m in at.metric if m.label == "近12个月销售额")
    assert revenue.value.startswith("¥") and revenue.value.endswith(("万", "亿"))


def test_language_switch_in_the_sidebar(app_workspace: Path) -> None:
    at = _app("en")
    at.sidebar.radio(key="_w_lang").set_value("zh").run()
    assert at.title[0].value == "门店总览"


def test_as_of_defaults_to_the_last_day_of_the_data(app_workspace: Path) -> None:
    at = _app()
    assert str(at.sidebar.date_input(key="_w_as_of").value) == "2026-11-15"


def test_data_page_lists_datasets_and_deletes_after_confirmation(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Data"
    assert at.dataframe[0].value.iloc[0, 0] == "demo (demo)"
    at.selectbox(key="data_delete_pick").set_value("demo").run()
    assert "cannot be undone" in at.warning[0].value
    at.button(key="data_delete").click().run()
    assert not at.exception
    assert at.dataframe[0].value.empty


def test_data_page_asks_for_a_new_dataset_name(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/data.py").run()
    assert at.selectbox(key="data_target").value == "+ New dataset…"
    name = at.text_input(key="data_new_name")
    assert (name.label, name.value, name.placeholder) == ("Name of the new dataset", "", "e.g. my-store-2026")
    assert [w.key for w in at.text_input] == ["data_new_name", "imp_dataset"]  # and the tier-table section's
    assert at.button(key="data_load").disabled
    name.input("my-store").run()
    assert at.button(key="data_load").disabled  # a name but no file yet


@pytest.mark.parametrize("lang, title", [("en", "Data"), ("zh", "数据")])
def test_data_page_in_both_languages(app_workspace: Path, lang: str, title: str) -> None:
    at = _app(lang)
    at.switch_page("pages/data.py").run()
    assert at.title[0].value == title


def test_segments_page_shows_every_tier_and_changes_scheme(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/segments.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Segment"])[:3] == ["High spend (VIP)", "High ticket", "Loyal"]
    assert "Regular" in set(table["Segment"]) and "Potential (never bought)" in set(table["Segment"])
    at.segmented_control(key="seg_scheme").set_value("cn8").run()
    assert not at.exception
    assert at.dataframe[0].value["Segment"].iloc[0] == "Important value"


def test_segments_drill_down_opens_one_customer(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/segments.py").run()
    at.selectbox(key="seg_segment").set_value("loyal").run()
    customers = at.dataframe[1].value
    assert len(customers) > 0 and set(customers["Tier"]) == {"Loyal"}
    first = customers["Customer ID"].iloc[0]
    at.session_state["seg_customer"] = first  # what a click on its row sets (tests/test_i12_segments.py)
    at.run()
    assert not at.exception
    assert any(first in m.value for m in at.markdown)


def test_segments_page_in_chinese_uses_the_spec_names(app_workspace: Path) -> None:
    at = _app("zh")
    at.switch_page("pages/segments.py").run()
    at.segmented_control(key="seg_scheme").set_value("groups").run()
    names = set(at.dataframe[0].value["分层"])
    assert {"高消费总额会员", "低价低频次会员（促销黑名单）", "睡眠会员"} <= names


def test_rules_page_flags_a_bad_share_inline_and_blocks_saving(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/tier_rules.py").run()
    at.number_input(key="set_high_spend_share").set_value(150.0).run()
    assert any("between 0 and 1" in e.value or "at most 1" in e.value for e in at.error)
    assert at.button(key="set_save").disabled


# The top-p-of-spend_w rule of the spec, written straight in SQL (window RANK(), no segcore code): customers of the
# population P (a purchase in the 365 days to D, positive net spend there) ranked by spend_w, descending.
_TOP_SPENDERS_SQL = """
with lines as (
    select customer_id, order_id, cast(order_date as date) as day, amount
    from sales
    where dataset_id = 'demo' and cast(order_date as date) <= $d
),
orders as (
    select customer_id, min(day) as day, sum(amount) as value
    from lines
    group by customer_id, coalesce('id ' || order_id, 'day ' || cast(day as varchar))
),
spend as (
    select customer_id, sum(amount) as spend_w from lines where day > $d - 365 group by customer_id
),
bought as (
    select customer_id, count(*) as orders_w from orders where value > 0 and day > $d - 365 group by customer_id
),
ranked as (
    select rank() over (order by spend_w desc) as r, count(*) over () as n
    from spend join bought using (customer_id)
    where spend_w > 0
)
select count(*) filter (where r <= ceil($low * n)), count(*) filter (where r <= ceil($high * n)) from ranked
"""


def _high_spend_between(path: Path, low: float, high: float) -> int:
    """Customers in the top `high` share of spend_w but not in the top `low` (as of 15 Nov 2026, the demo's end)."""
    from decimal import Decimal

    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        params = {"d": date(2026, 11, 15), "low": Decimal(str(low)), "high": Decimal(str(high))}
        top_low, top_high = con.execute(_TOP_SPENDERS_SQL, params).fetchone()
    finally:
        con.close()
    return top_high - top_low


def test_rules_page_saves_and_says_how_many_customers_moved(app_workspace: Path, demo_workspace_file: Path) -> None:
    # halving the high-spend share moves exactly the customers it drops from high_spend (first in the tier order,
    # and no other group depends on the share); counted on the untouched copy of the same demo workspace
    moved = _high_spend_between(demo_workspace_file, 0.1, 0.2)
    at = _app()
    at.switch_page("pages/tier_rules.py").run()
    at.number_input(key="set_high_spend_share").set_value(10.0).run()  # shares are typed in percent
    at.button(key="set_save").click().run()
    assert not at.exception
    assert moved > 0
    assert at.success[0].value == f"{moved:,} customers changed tier because of this change (as of 15 Nov 2026)."
    at.button(key="set_restore").click().run()
    assert at.number_input(key="set_high_spend_share").value == 20.0


def test_targets_page_builds_a_list_and_saves_a_campaign(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/targets.py").run()
    assert not at.exception
    at.multiselect(key="tgt_tier").set_value(["silent"]).run()
    size = next(m for m in at.metric if m.label == "On the list")
    assert int(size.value.replace(",", "")) > 0
    at.text_input(key="tgt_name").input("Silent win-back").run()
    at.button(key="tgt_save").click().run()
    assert not at.exception
    assert "Saved" in at.success[0].value
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    assert "Silent win-back" in list(at.dataframe[0].value["Campaign"])


def test_campaigns_page_reads_the_demo_campaign_in_plain_words(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    card = " ".join(m.value for m in at.markdown)
    assert "Customers who got the offer bought" in card and "incremental revenue" in card


def test_campaigns_page_in_chinese(app_workspace: Path) -> None:
    at = _app("zh")
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    card = " ".join(m.value for m in at.markdown)
    assert "收到优惠的顾客" in card and "增量收入" in card


def test_a_shared_link_opens_the_same_view(app_workspace: Path) -> None:
    at = app()
    for key, value in {"lang": "en", "as_of": "2026-10-01", "scheme": "cn8", "segment": "general_keep"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/segments.py").run()
    assert not at.exception
    assert str(at.session_state["as_of"]) == "2026-10-01"
    assert at.segmented_control(key="seg_scheme").value == "cn8"
    assert at.selectbox(key="seg_segment").value == "general_keep"
    assert "1 Oct 2026" in at.caption[0].value


def test_weekly_review_in_presentation_mode_shows_one_section_at_a_time(app_workspace: Path) -> None:
    at = app()
    at.query_params["lang"] = "en"
    at.query_params["present"] = "1"
    at.run()
    at.switch_page("pages/weekly.py").run()
    assert not at.exception
    assert at.toggle(key="wk_present").value is True
    assert [h.value for h in at.header] == ["This week in numbers"]
    assert any("kpi-value" in m.value and "display: none" not in m.value for m in at.markdown)
    at.button(key="wk_next").click().run()
    assert [h.value for h in at.header] == ["Tier movements this week"]


def test_weekly_review_shows_every_section_and_the_report_outside_presentation(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/weekly.py").run()
    assert not at.exception
    headers = [h.value for h in at.header]
    assert headers[:2] == ["This week in numbers", "Tier movements this week"] and "The week's report" in headers


def test_migration_page_summarises_moves_and_hands_movers_to_targets(app_workspace: Path) -> None:
    at = _app()
    at.switch_page("pages/migration.py").run()
    assert not at.exception
    summary = next(m.value for m in at.markdown if "moved up" in m.value)
    assert "moved down" in summary and "VIPs went silent" in summary
    assert len(at.dataframe[0].value) > 0
    at.button(key="mig_make_list").click().run()
    assert not at.exception
    assert at.title[0].value == "Build a target list"
    assert any("hand-picked" in i.value for i in at.info)
