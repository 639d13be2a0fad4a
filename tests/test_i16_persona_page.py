"""Issue 16, section 2: the Personas page, and the Targets side of its hand-over.

Two hand-built stores, every expected value worked out by hand below.

The tiny store, as of 1 Jun 2026 (its last sales day): ten customers C01..C10 bought once each that day, C01 ¥100,
C02 ¥200, ..., C10 ¥1,000; all ten are members, women C01 C02 C09 C10, men C03..C08; C01 and C02 were born on
1 May 1990 (the others' birthdays are unknown).
  Population P = all ten. high_spend = the top ceil(20% x 10) = 2 by spend: C09, C10. Nobody has an order of at
  least twice the average order (¥550), nobody has two orders, no promotion data, everyone bought on D: every other
  customer is regular (C01..C08).
  Base (the candidate table) = the ten: women 4 of 10 = 40%, men 60%; high_spend = 2 customers, 20% of all.
  Spend bands: percentiles 20/40/60/80 of 100..1000 (linear) = 280, 460, 640, 820 (already two significant digits):
  <280 = C01 C02, 280-460 = C03 C04, 460-640 = C05 C06, 640-820 = C07 C08, >=820 = C09 C10 (20% of all each).
  high_spend: women 2 of 2 = 100% (40% overall), >= ¥820 2 of 2 = 100% (20% overall); by how far the share is above
  the base's: spend first (80 points), then gender (60 points).
  regular (8): men 6 of 8 = 75% (60% overall, index 125); ¥640-¥820 = C07 C08 = 2; age known for C01 C02 only,
  2 of 8 = 25% (under half: the page says so); age unknown for 6.
  With the default minimum of 30 customers per value no index is shown, and the sentence says the segment is too
  small for one.

The jeweller, with the extra columns 金重 (gold weight, a number), 工艺 (craft, a text) and 到期日 (a date):
  A: 2024-01-05 金重 6.5, 2024-02-05 金重 4.0 (古法; 到期日 2025-01-01, 2025-02-01)
  B: 2024-03-01 金重 12.25 (镶嵌; no 到期日)
  D: 2024-01-10 金重 8, 2024-03-05 金重 5 (硬金; 到期日 2025-01-10, 2025-03-05)
  E: 2024-02-01 金重 11, 2024-02-10 a refund line 金重 -5.5 (古法; 到期日 2025-02-01, 2025-02-10)
  F: 2024-02-15 金重 10 (硬金; 到期日 2024-12-31)
  G: 2024-02-20 no 金重, no 工艺, no 到期日; H: a member who never bought.
  As of 1 Mar 2024 the sums of 金重 are A 10.5, B 12.25, D 8, E 5.5, F 10 (G none): 金重 >= 10 -> A, B, F; with
  工艺 古法 as well -> A; the latest 到期日 on or after 15 Jan 2025 -> A (2025-02-01), E (2025-02-10).
  As of 5 Mar 2024 (the last sales day) D has 13: 金重 >= 10 -> A, B, D, F.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from segcore.access import owner
from segcore.ingest import FileSpec, load_files
from segcore.targets import Rule
from segcore.workspace import Workspace
from tests.helpers import app

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

TINY_SALES = "会员卡号,消费时间,实收金额\n" + "".join(f"C{i:02d},2026-06-01 12:00,{i * 100}\n" for i in range(1, 11))
TINY_MEMBERS = """会员卡号,性别,生日
C01,女,1990-05-01
C02,女,1990-05-01
C03,男,
C04,男,
C05,男,
C06,男,
C07,男,
C08,男,
C09,女,
C10,女,
"""
JEWELLER_SALES = """会员卡号,日期,金额,品类,金重,工艺,到期日
A,2024-01-05,5000,黄金,6.5,古法,2025-01-01
A,2024-02-05,3000,黄金,4.0,古法,2025-02-01
B,2024-03-01,12000,钻石,12.25,镶嵌,
D,2024-01-10,6000,黄金,8,硬金,2025-01-10
D,2024-03-05,4000,黄金,5,硬金,2025-03-05
E,2024-02-01,9000,黄金,11,古法,2025-02-01
E,2024-02-10,-4500,黄金,-5.5,古法,2025-02-10
F,2024-02-15,1500,黄金,10,硬金,2024-12-31
G,2024-02-20,2000,银饰,,,
"""
JEWELLER_MEMBERS = """会员卡号,性别,生日
A,女,1990-05-01
B,男,1985-01-01
H,女,2000-02-02
"""


def _workspace(folder: Path, dataset: str, sales: str, members: str, loaded_at: datetime) -> Path:
    folder.mkdir()
    (folder / "sales.csv").write_text(sales, encoding="utf-8")
    (folder / "members.csv").write_text(members, encoding="utf-8")
    path = folder / "segcore.duckdb"
    workspace = Workspace(path)
    with workspace.writer() as con:
        files = [FileSpec(folder / "sales.csv", "sales"), FileSpec(folder / "members.csv", "members")]
        load_files(con, dataset, files, loaded_at=loaded_at, currency="CNY", access=OWNER)
    workspace.close()
    return path


@pytest.fixture
def _fresh_caches() -> Iterator[None]:
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _fresh_caches: None) -> Path:
    """The tiny store above as the only dataset of the app's workspace."""
    path = _workspace(tmp_path / "tiny", "tiny", TINY_SALES, TINY_MEMBERS, datetime(2026, 6, 2, 9, 0))
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    return path


@pytest.fixture
def jeweller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _fresh_caches: None) -> Path:
    """The jeweller above as the only dataset of the app's workspace."""
    path = _workspace(tmp_path / "jeweller", "jeweller", JEWELLER_SALES, JEWELLER_MEMBERS, datetime(2024, 3, 6, 9, 0))
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    return path


def _personas(lang: str = "en", **query: str) -> AppTest:
    at = app(lang=lang, **query).run()
    at.switch_page("pages/personas.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _headlines(at: AppTest) -> list[str]:
    return [m.value.removeprefix("#### ") for m in at.markdown if m.value.startswith("#### ")]


def _sizes(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(":material/groups:")]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


# --- the page on the demo store ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "segment", "rule"),
    [
        ("en", "Personas: who is in a segment", "High spend (VIP): ", "Index shown only where at least 30 customers"),
        ("zh", "客户画像", "高消费总额会员：", "仅当本分层中至少 30 位顾客具有该取值时才显示指数"),
    ],
    ids=["en", "zh"],
)
def test_the_page_reads_on_the_demo(app_workspace: Path, lang: str, title: str, segment: str, rule: str) -> None:
    at = _personas(lang)
    assert at.title[0].value == title
    assert at.selectbox(key="per_segment_tier").value == "high_spend"  # the first segment with customers
    (headline,) = _headlines(at)
    assert headline.startswith(segment)
    assert any(rule in c.value for c in at.caption)
    attributes = [m.value for m in at.markdown if m.value.startswith("##### ")]
    assert len(attributes) >= 8  # gender, age, birthday month, zodiac, star sign, store, tenure, points, ...


def test_the_demo_compares_loyal_with_silent_and_keeps_unknowns_off_a_list(app_workspace: Path) -> None:
    at = _personas("en")
    at.selectbox(key="per_segment_tier").set_value("loyal").run()
    at.selectbox(key="per_compare").set_value("tier:silent").run()
    assert not at.exception
    assert [h.value for h in at.subheader][:2] == ["Loyal", "Silent"]
    headlines = _headlines(at)
    assert len(headlines) == 2 and headlines[0].startswith("Loyal: ") and headlines[1].startswith("Silent: ")
    assert len(_sizes(at)) == 2
    # the unknown age cannot become a list: the button is off and the page says why
    at.selectbox(key="per_ho_attribute").set_value("age_band").run()
    at.selectbox(key="per_ho_value_tier_loyal_age_band").set_value("").run()
    assert at.button(key="per_ho_open").disabled
    assert any("unknown cannot be opened as a list" in c.value for c in at.caption)


# --- the page on the tiny store ---------------------------------------------------------------------------------


def test_with_the_default_minimum_the_segment_is_too_small(tiny: Path) -> None:
    at = _personas("en")
    assert _headlines(at) == [
        "High spend (VIP): only 2 customers, fewer than the 30 an index needs; lower the minimum to compare."
    ]
    assert _sizes(at) == [":material/groups: **2 customers, 20% of all**"]


@pytest.mark.parametrize(
    ("lang", "parts", "size"),
    [
        (
            "en",
            ["Spend (2 years) ¥820 or more: 100% (20% overall)", "Gender female: 100% (40% overall)"],
            "2 customers, 20% of all",
        ),
        (
            "zh",
            ["消费金额（近2年）为¥820及以上的占 100%（整体 20%）", "性别为女的占 100%（整体 40%）"],
            "2 位顾客，占全体 20%",
        ),
    ],
)
def test_the_headline_names_what_sets_the_segment_apart(tiny: Path, lang: str, parts: list[str], size: str) -> None:
    at = _personas(lang)
    at.number_input(key="per_min_count").set_value(1).run()
    (headline,) = _headlines(at)
    assert parts[0] in headline and parts[1] in headline
    assert headline.index(parts[0]) < headline.index(parts[1])  # the bigger gap first
    assert _sizes(at) == [f":material/groups: **{size}**"]
    assert any("at least 1 customers" in c.value or "至少 1 位顾客" in c.value for c in at.caption)


def test_the_compare_view_shows_both_segments_and_low_coverage(tiny: Path) -> None:
    at = _personas("en")
    at.number_input(key="per_min_count").set_value(1).run()
    at.selectbox(key="per_compare").set_value("tier:regular").run()
    assert not at.exception
    assert [h.value for h in at.subheader][:2] == ["High spend (VIP)", "Regular"]
    headlines = _headlines(at)
    assert "Regular: Gender male: 75% (60% overall)" in headlines[1]
    assert _sizes(at) == [
        ":material/groups: **2 customers, 20% of all**",
        ":material/groups: **8 customers, 80% of all**",
    ]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    gender = [c for c in charts if c["data"][0]["customdata"][0][0] == "gender"]
    # one scale for both: high_spend's 100% women (its own axis would end at 102%), regular's 75% men (81%)
    assert [c["layout"]["xaxis"]["range"] for c in gender] == [[0, 1.02], [0, 1.02]]
    notes = [c.value for c in at.caption if "known for" in c.value]
    assert ":warning: Age known for 0% of this segment: too little data to rely on." in notes  # high_spend
    assert ":warning: Age known for 25% of this segment: too little data to rely on." in notes  # regular


@pytest.mark.parametrize(
    ("attribute", "value", "label", "rules", "matched"),
    [
        ("gender", "M", "male (6 customers)", [Rule("gender", "in", ("M",))], "6"),
        (
            "spend_band",
            "640-820",
            "¥640–¥820 (2 customers)",
            [Rule("monetary", ">=", 640), Rule("monetary", "<", 820)],
            "2",
        ),
    ],
    ids=["gender", "spend-band"],
)
def test_the_hand_over_opens_a_list_of_exactly_the_bar(
    tiny: Path, attribute: str, value: str, label: str, rules: list[Rule], matched: str
) -> None:
    at = _personas("en")
    at.selectbox(key="per_segment_tier").set_value("regular").run()
    at.selectbox(key="per_ho_attribute").set_value(attribute).run()
    pick = at.selectbox(key=f"per_ho_value_tier_regular_{attribute}")
    pick.set_value(value)
    assert pick.format_func(value) == label  # the persona's count of the value
    at.run()
    at.button(key="per_ho_open").click().run()
    assert not at.exception
    assert at.title[0].value == "Build a target list"
    assert at.session_state["tgt_prefill"] == {"tier": ["regular"], "rules": rules}
    assert at.multiselect(key="tgt_tier").value == ["regular"]
    assert _metric(at, "Matched the filters") == matched
    shown = [i.value for i in at.info if i.value.startswith("From Personas: ")]
    assert len(shown) == len(rules)
    assert all(f"• {line.removeprefix('From Personas: ')}" in [c.value for c in at.caption] for line in shown)

    at.switch_page("pages/targets.py")  # AppTest runs the page it was told, not the one the script switched to
    at.button(key="tgt_handover_clear").click().run()
    assert at.title[0].value == "Build a target list"
    assert not [i for i in at.info if i.value.startswith("From Personas: ")]
    assert _metric(at, "Matched the filters") == "8"  # every regular customer


def test_the_handed_over_rule_reads_in_chinese(tiny: Path) -> None:
    at = _personas("zh")
    at.selectbox(key="per_segment_tier").set_value("regular").run()
    at.selectbox(key="per_ho_attribute").set_value("gender").run()
    at.selectbox(key="per_ho_value_tier_regular_gender").set_value("M").run()
    at.button(key="per_ho_open").click().run()
    assert not at.exception
    assert [i.value for i in at.info if i.value.startswith("来自客户画像")] == ["来自客户画像：性别为以下任一：男"]
    assert _metric(at, "符合筛选条件") == "6"


# --- the Targets page's filters on the files' other columns -----------------------------------------------------


def _targets(**query: str) -> AppTest:
    at = app(lang="en", **query).run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.checkbox(key="tgt_ex_unreachable").uncheck().run()  # nobody here has a phone: keep everyone matched
    return at


def _listed(at: AppTest) -> set[str]:
    frame = next(d.value for d in at.dataframe if "Customer ID" in d.value.columns)
    return set(frame["Customer ID"])


def test_a_number_column_filters_on_its_sum_up_to_the_as_of_date(jeweller: Path) -> None:
    at = _targets(as_of="2024-03-01")
    assert "Other columns of your files" in [e.label for e in at.expander]
    at.number_input(key="tgt_x_金重_min").set_value(10).run()
    assert not at.exception
    assert _metric(at, "Matched the filters") == "3"
    assert _listed(at) == {"A", "B", "F"}
    assert "• 金重 is at least 10" in [c.value for c in at.caption]
    at.multiselect(key="tgt_x_工艺").set_value(["古法"]).run()
    assert _listed(at) == {"A"}


def test_on_the_last_day_the_later_line_counts(jeweller: Path) -> None:
    at = _targets()  # as of 5 Mar 2024
    at.number_input(key="tgt_x_金重_min").set_value(10).run()
    assert _metric(at, "Matched the filters") == "4"
    assert _listed(at) == {"A", "B", "D", "F"}


def test_text_and_date_columns_of_the_files(jeweller: Path) -> None:
    at = _targets(as_of="2024-03-01")
    assert at.multiselect(key="tgt_x_工艺").options == ["古法", "硬金", "镶嵌"]
    at.date_input(key="tgt_x_到期日_min").set_value(date(2025, 1, 15)).run()
    assert not at.exception
    assert _listed(at) == {"A", "E"}
    assert "• 到期日 is at least 2025-01-15" in [c.value for c in at.caption]


# --- the charts, drawn from hand-typed persona rows -------------------------------------------------------------


def _rows() -> pd.DataFrame:
    """A store attribute of a segment of 100 in a base of 1,000: the index is share / base share x 100."""
    return pd.DataFrame(
        {
            "attribute": ["store"] * 4,
            "value": ["一号店", "二号店", "三号店", None],
            "segment_count": [60, 20, 5, 15],
            "segment_share": [0.60, 0.20, 0.05, 0.15],
            "base_count": [400, 400, 100, 100],
            "base_share": [0.40, 0.40, 0.10, 0.10],
            "index": [150.0, 50.0, float("nan"), 150.0],  # 三号店: 5 customers, below the minimum of 10
        }
    )


def test_a_chart_writes_the_index_in_colour_and_mutes_small_values() -> None:
    from segcore.persona import Attribute
    from ui.persona_views import attribute_chart

    fig = attribute_chart(_rows(), Attribute("store", "store", "value"), "zh", min_count=10)
    bars, ticks = fig.data
    assert list(bars.y) == ["一号店", "二号店", "三号店", "未知"]
    assert list(bars.x) == [0.60, 0.20, 0.05, 0.15] and list(ticks.x) == [0.40, 0.40, 0.10, 0.10]
    assert list(bars.marker.color) == ["#2563eb", "#2563eb", "#cbd5e1", "#94a3b8"]  # muted, then the unknown's
    assert [list(c) for c in bars.customdata] == [
        ["store", "一号店"],
        ["store", "二号店"],
        ["store", "三号店"],
        ["store", ""],
    ]
    assert [a.text for a in fig.layout.annotations] == [
        '60%  <span style="color:#15803d"><b>指数 150 ▲</b></span>',
        '20%  <span style="color:#c2410c"><b>指数 50 ▼</b></span>',
        "5%",  # no index below the minimum count
        '15%  <span style="color:#15803d"><b>指数 150 ▲</b></span>',
    ]
    assert [a.y for a in fig.layout.annotations] == list(bars.y)  # each beside its own bar


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"selection": {"points": [{"customdata": ["gender", "F"], "x": 0.6, "y": "女"}]}}, ("gender", "F")),
        ({"selection": {"points": [{"customdata": ["金重", ">=12"]}]}}, ("金重", ">=12")),
        ({"selection": {"points": [{"customdata": ["gender", ""]}]}}, ("gender", None)),
        ({"selection": {"points": []}}, None),
        ({}, None),
        (None, None),
    ],
    ids=["bar", "extra-column", "unknown", "nothing", "no-selection", "no-event"],
)
def test_a_click_names_an_attribute_and_a_value(event: dict | None, expected: tuple | None) -> None:
    from ui.persona_views import picked_point

    assert picked_point(event) == expected
