"""Issue 13, the app side: the Forecast page (预测), the forecast on the customer card and the forecast filters and
hand-over on Target lists.

The demo store (as of 15 Nov 2026, its last sales day) is modelled without a warning; the checks there are that
the page shows what segcore stored (its own numbers come from segcore's tests) in the people's formats.

The surge store, built to break the model: 400 customers buy at their own steady rate (about once a month), some
drop out after a purchase; in the last 90 days everyone still buying buys four times as often. Fitted on the first
nine months, the model expects the old rate for the last three: its holdout error is far beyond 20% (checked with
segcore first), and the page must say so next to the numbers.

The tiny store: ten customers who each bought once, on the same day. Nobody has a repeat purchase, there is no
history to check the model against, and every warning of the fit is listed at the top.

The small tables of the pure helpers are typed by hand, with their expected values worked out below each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from segcore import fmt
from segcore.access import owner
from segcore.forecast import DEFAULT_DISCOUNT, DEFAULT_HORIZON_DAYS, Forecast, forecast, load_forecast
from segcore.forecast.guardrails import describe
from segcore.ingest import FileSpec, load_files
from segcore.targets import Rule
from segcore.workspace import Workspace
from tests.helpers import app

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

DEMO_DAY = date(2026, 11, 15)
TINY_SALES = "会员卡号,消费时间,实收金额\n" + "".join(f"C{i:02d},2026-06-01 12:00,{i * 100}\n" for i in range(1, 11))


def _surge_sales() -> str:
    """The surge store's sales file (see the module docstring), 1 Jan to 31 Dec 2025."""
    rng = np.random.default_rng(13)
    lines = ["会员卡号,消费时间,实收金额"]
    start, end, surge = date(2025, 1, 1), 365, 365 - 90
    for customer in range(400):
        rate = rng.gamma(2.0, 1 / 60)  # purchases a day: about one a month on average
        day = int(rng.integers(0, 180))
        while day < end:
            lines.append(f"K{customer:03d},{start + timedelta(days=day)} 12:00,{int(rng.gamma(4, 100))}")
            if rng.random() < 0.1:  # gone for good after this purchase
                break
            day += max(1, int(rng.exponential(1 / (rate * (4 if day >= surge else 1)))))
    return "\n".join(lines) + "\n"


def _workspace(folder: Path, dataset: str, sales: str, loaded_at: datetime) -> Path:
    folder.mkdir()
    (folder / "sales.csv").write_text(sales, encoding="utf-8")
    path = folder / "segcore.duckdb"
    workspace = Workspace(path)
    with workspace.writer() as con:
        load_files(
            con, dataset, [FileSpec(folder / "sales.csv", "sales")], loaded_at=loaded_at, currency="CNY", access=OWNER
        )
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
def surge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _fresh_caches: None) -> Path:
    path = _workspace(tmp_path / "surge", "surge", _surge_sales(), datetime(2026, 1, 2, 9, 0))
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    return path


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _fresh_caches: None) -> Path:
    path = _workspace(tmp_path / "tiny", "tiny", TINY_SALES, datetime(2026, 6, 2, 9, 0))
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    return path


def _forecast_page(lang: str = "en", **query: str) -> AppTest:
    at = app(lang=lang, **query).run()
    at.switch_page("pages/forecast.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _stored(path: Path, dataset: str, day: date, horizon: int = DEFAULT_HORIZON_DAYS) -> Forecast | None:
    with Workspace(path, read_only=True).reader() as con:
        return load_forecast(con, dataset, day, horizon, DEFAULT_DISCOUNT)


def _runs(path: Path) -> int:
    with Workspace(path, read_only=True).reader() as con:
        return int(con.execute("select count(*) from forecast_runs").fetchone()[0])


# --- the page on the demo store ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            {
                "title": "Forecast: who will buy again",
                "customers": "Customers modelled",
                "active": "Likely still active",
                "purchases": "Purchases, next 90 days",
                "value": "Value (CLV), next 90 days",
                "value_format": r"^¥\d{1,3}(,\d{3})+$",
                "accuracy": "Model accuracy",
                "error": r"^\*\*In those 90 days customers made [\d,]+ purchases; the model expected [\d,]+: "
                r"an error of (?P<error>[+-]\d+\.\d%)\.\*\*$",
                "calibration": "fitted again on the purchases up to 17 Aug 2026 only (the calibration date)",
                "slipping": "Valuable but slipping",
            },
        ),
        (
            "zh",
            {
                "title": "预测：谁会再来购买",
                "customers": "参与预测的顾客",
                "active": "可能仍活跃",
                "purchases": "未来90天预计购买",
                "value": "未来90天预计价值",
                "value_format": r"^¥[\d,]+\.\d\d万$",
                "accuracy": "模型准确度",
                "error": r"^\*\*在这 90 天里，顾客实际购买 [\d,]+ 次，模型预计 [\d,]+ 次："
                r"偏差 (?P<error>[+-]\d+\.\d%)。\*\*$",
                "calibration": "只用截至2026年8月17日（校准日）的购买记录重新拟合",
                "slipping": "高价值但流失风险高",
            },
        ),
    ],
    ids=["en", "zh"],
)
def test_the_page_reads_on_the_demo(app_workspace: Path, lang: str, words: dict[str, str]) -> None:
    at = _forecast_page(lang)
    assert at.title[0].value == words["title"]
    assert not at.warning  # the demo store is modelled without a warning
    stored = _stored(app_workspace, "demo", DEMO_DAY)
    assert stored is not None  # the page computed the forecast and stored it
    metrics = _metrics(at)
    assert list(metrics) == [words["customers"], words["active"], words["purchases"], words["value"]]
    assert metrics[words["customers"]] == fmt.count(len(stored.scores))
    assert re.fullmatch(r"\d{1,3}%", metrics[words["active"]])
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", metrics[words["purchases"]])
    assert re.fullmatch(words["value_format"], metrics[words["value"]])
    # the accuracy panel: the calibration date and the holdout in words, the error as stored, two charts
    subheaders = [s.value for s in at.subheader]
    assert words["accuracy"] in subheaders and words["slipping"] in subheaders
    assert any(words["calibration"] in m.value for m in at.markdown)
    sentence = next(m.value for m in at.markdown if re.fullmatch(words["error"], m.value))
    shown = re.fullmatch(words["error"], sentence).group("error")
    assert shown == fmt.signed_percent(stored.accuracy["error"], lang)
    assert abs(stored.accuracy["error"]) < 0.2  # the demo's model is within the limit: no warning beside it
    keys = [c.proto.id for c in at.get("plotly_chart")]
    assert len(keys) == 5  # P(alive), two segment bars, the two accuracy charts


def test_the_headline_counts_every_customer_who_bought(app_workspace: Path) -> None:
    from segcore.overview import customer_counts

    at = _forecast_page("en")
    with Workspace(app_workspace, read_only=True).reader() as con:
        bought = customer_counts(con, "demo", DEMO_DAY)["bought"]
    assert _metrics(at)["Customers modelled"] == fmt.count(bought)


def test_a_second_run_reads_the_stored_forecast(app_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    _forecast_page("en")
    assert _runs(app_workspace) == 1
    st.cache_resource.clear()  # a new server process: nothing in memory, the forecast in the workspace
    st.cache_data.clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again although stored")

    monkeypatch.setattr("segcore.forecast.forecast", refuse)
    at = _forecast_page("en")
    assert _metrics(at)["Customers modelled"] != fmt.BLANK
    assert _runs(app_workspace) == 1


def test_other_settings_are_a_forecast_of_their_own(app_workspace: Path) -> None:
    at = _forecast_page("en")
    at.number_input(key="fc_horizon").set_value(30).run()
    assert not at.exception
    assert "Purchases, next 30 days" in _metrics(at)
    assert any(
        "Target lists and customer cards use the forecast at the default settings" in c.value for c in at.caption
    )
    assert _runs(app_workspace) == 2
    assert _stored(app_workspace, "demo", DEMO_DAY, 30) is not None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("fc_horizon", 0, "The horizon must be 1 to 3650 days, not 0."),
        ("fc_horizon", 4000, "The horizon must be 1 to 3650 days, not 4000."),
        ("fc_discount", 150.0, "The annual discount rate must be 0% to 100%, not 150%."),
        ("fc_discount", -5.0, "The annual discount rate must be 0% to 100%, not -5%."),
    ],
    ids=["horizon-0", "horizon-4000", "discount-150", "discount-negative"],
)
def test_a_bad_setting_says_what_is_allowed(app_workspace: Path, key: str, value: float, message: str) -> None:
    at = _forecast_page("en")
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert not at.metric  # no number without a valid setting


def test_a_bad_setting_in_chinese(app_workspace: Path) -> None:
    at = _forecast_page("zh")
    at.number_input(key="fc_horizon").set_value(0).run()
    assert [e.value for e in at.error] == ["预测期须为 1 至 3650 天，而不是 0。"]


# --- valuable but slipping: the hand-over to Target lists -------------------------------------------------------


def test_valuable_but_slipping_opens_the_list_of_exactly_those_customers(app_workspace: Path) -> None:
    at = _forecast_page("en")
    scores = _stored(app_workspace, "demo", DEMO_DAY).scores
    line = int(np.floor(np.quantile(scores["clv"], 0.8)))  # the top 20% by CLV, down to a whole amount
    slipping = scores[(scores["clv"] >= line) & (scores["p_alive"] < 0.5)]
    assert len(slipping) > 0
    assert f"**{fmt.count(len(slipping))} customers**" in [m.value for m in at.markdown]
    table = next(d.value for d in at.dataframe if "Chance still active" in d.value.columns)
    assert set(table["Customer ID"]) == set(slipping["customer_id"])
    assert all(re.fullmatch(r"\d{3}\*{4}\d{4}|–", p) for p in table["Phone"])  # masked
    assert all(re.fullmatch(r"\d{1,2}%", p) for p in table["Chance still active"])  # below 50%, in percent
    assert all(v.startswith("¥") for v in table["Expected value (CLV)"])

    at.button(key="fc_slip_open").click().run()
    assert not at.exception
    assert at.title[0].value == "Build a target list"
    assert at.session_state["tgt_prefill"] == {
        "rules": [Rule("clv", ">=", line), Rule("p_alive", "<", 0.5)],
        "source": "forecast",
    }
    assert [i.value for i in at.info if i.value.startswith("From Forecast: ")] == [
        f"From Forecast: Customer lifetime value (next 90 days) is at least {line}",
        "From Forecast: Chance still active (P(alive)) is below 50%",
    ]
    assert _metrics(at)["Matched the filters"] == fmt.count(len(slipping))
    at.switch_page("pages/targets.py")  # AppTest runs the page it was told, not the one the script switched to
    at.button(key="tgt_handover_clear").click().run()
    assert not [i for i in at.info if i.value.startswith("From Forecast: ")]


# --- the Target lists page's forecast filters --------------------------------------------------------------------


def test_the_forecast_filters_make_the_rules(app_workspace: Path) -> None:
    at = app(lang="en").run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception
    assert "Forecast: chance still active, expected purchases, CLV" in [e.label for e in at.expander]
    at.number_input(key="tgt_fc_clv_min").set_value(2000).run()
    at.number_input(key="tgt_fc_p_alive_max").set_value(0.5).run()
    at.number_input(key="tgt_fc_expected_purchases_min").set_value(0.25).run()
    assert not at.exception
    bullets = [c.value for c in at.caption if c.value.startswith("• ")]
    assert bullets == [  # in the form's order
        "• Chance still active (P(alive)) is at most 50%",
        "• Expected purchases (next 90 days) is at least 0.25",
        "• Customer lifetime value (next 90 days) is at least 2000",
    ]
    scores = _stored(app_workspace, "demo", DEMO_DAY).scores  # stored by the page for its fields' warnings
    picked = scores[(scores["clv"] >= 2000) & (scores["p_alive"] <= 0.5) & (scores["expected_purchases"] >= 0.25)]
    assert _metrics(at)["Matched the filters"] == fmt.count(len(picked))


def test_the_forecast_filters_show_the_models_warnings(tiny: Path) -> None:
    at = app(lang="en").run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception
    (box,) = [w.value for w in at.warning if w.value.startswith("The forecast behind these filters has warnings:")]
    assert "Only 0 customers have bought more than once; the model needs at least 100." in box


# --- the customer card ------------------------------------------------------------------------------------------


def test_the_customer_card_shows_the_forecast(app_workspace: Path) -> None:
    at = app(lang="en").run()
    at.switch_page("pages/segments.py").run()
    scores = _stored_or_computed(app_workspace)
    row = scores.sort_values("clv", ascending=False).iloc[0]  # the most valuable customer
    at.session_state["seg_customer"] = row["customer_id"]
    at.run()
    assert not at.exception
    line = next(m.value for m in at.markdown if m.value.startswith("**Forecast:**"))
    assert line == (
        f"**Forecast:** **Chance still active** {round(row['p_alive'] * 100)}% &nbsp;·&nbsp; "
        f"**Expected purchases, next 90 days** {row['expected_purchases']:.1f} &nbsp;·&nbsp; "
        f"**Expected value (CLV), next 90 days** ¥{round(row['clv']):,}"
    )


def test_a_member_who_never_bought_is_not_modelled(app_workspace: Path) -> None:
    with Workspace(app_workspace, read_only=True).reader() as con:
        (never,) = con.execute(
            "select min(customer_id) from members where dataset_id = 'demo' "
            "and customer_id not in (select customer_id from sales where dataset_id = 'demo')"
        ).fetchone()
    at = app(lang="zh").run()
    at.switch_page("pages/segments.py").run()
    at.session_state["seg_customer"] = never
    at.run()
    assert not at.exception
    assert "**预测：** 未纳入预测：尚无购买记录。" in [m.value for m in at.markdown]


def _stored_or_computed(path: Path) -> pd.DataFrame:
    """The demo's scores at the default settings (stored by an earlier page, else computed by segcore)."""
    with Workspace(path, read_only=True).reader() as con:
        found = load_forecast(con, "demo", DEMO_DAY, DEFAULT_HORIZON_DAYS, DEFAULT_DISCOUNT)
        return found.scores if found is not None else forecast(con, "demo", DEMO_DAY, check_accuracy=False).scores


# --- stores the model does not fit -------------------------------------------------------------------------------


def test_the_surge_store_breaks_the_model_in_segcore(surge: Path) -> None:
    with Workspace(surge, read_only=True).reader() as con:
        result = forecast(con, "surge", date(2025, 12, 31))
    assert result.accuracy is not None and result.accuracy["holdout_days"] == 90
    assert result.accuracy["error"] < -0.2  # it expected far fewer purchases than the surge brought
    assert [w["code"] for w in result.warnings] == ["holdout_error"]


@pytest.mark.parametrize(
    ("lang", "caution", "title"),
    [
        ("en", "Checked against the purchases after its calibration date, the model was off by -", "does not fit"),
        ("zh", "用校准日之后的实际购买检验，模型偏差为 -", "模型与本店数据不太相符"),
    ],
    ids=["en", "zh"],
)
def test_the_page_warns_beside_the_error_when_the_model_is_off(
    surge: Path, lang: str, caution: str, title: str
) -> None:
    at = _forecast_page(lang)
    stored = _stored(surge, "surge", date(2025, 12, 31))
    expected = describe(stored.warnings[0], lang)
    assert expected.startswith(caution)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2  # the box at the top, and the one beside the error
    assert title in warnings[0] and expected in warnings[0]
    assert warnings[1] == expected
    # the warning comes right after the error sentence, above the accuracy charts
    sentence = next(m.value for m in at.markdown if fmt.signed_percent(stored.accuracy["error"], lang) in m.value)
    assert sentence.startswith("**")


def test_a_store_with_no_history_to_check_says_so(tiny: Path) -> None:
    at = _forecast_page("en")
    (box,) = [w.value for w in at.warning]
    assert box.startswith("The model does not fit this store's data well. Use the numbers below with care:")
    assert "- Only 0 customers have bought more than once; the model needs at least 100." in box
    assert "- Only 0 repeat buyers, fewer than the 20 the spend model needs: no expected spend or CLV." in box
    assert _metrics(at)["Value (CLV), next 90 days"] == fmt.BLANK
    assert _metrics(at)["Customers modelled"] == "10"
    assert "Too little history to check the model: it needs at least 56 days of sales up to 1 Jun 2026." in [
        i.value for i in at.info
    ]
    assert "No customer has an expected value (the warnings above say why), so nobody can be picked out." in [
        i.value for i in at.info
    ]


# --- the pure helpers, on tables typed by hand ----------------------------------------------------------------


def test_segment_totals_count_a_customer_in_one_tier_and_every_group() -> None:
    from segcore.forecast.views import segment_totals

    scores = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "expected_purchases": [1.0, 2.0, 0.5, 0.25],
            "clv": [100.0, 200.0, 50.0, float("nan")],
        }
    )
    tiers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],  # e: a member who never bought, not scored
            "tier": ["high_spend", "high_spend", "loyal", "regular", "potential"],
            "groups": ["high_spend;loyal", "high_spend", "loyal", "", ""],
        }
    )
    order = ["high_spend", "high_ticket", "loyal", "regular", "potential"]
    by_tier = segment_totals(scores, tiers, "tier", order)
    # high_spend: a + b (3 purchases, 300); loyal: c; regular: d, whose CLV is unknown; nobody scored in the others
    assert list(by_tier["segment"]) == ["high_spend", "loyal", "regular"]
    assert list(by_tier["customers"]) == [2, 1, 1]
    assert list(by_tier["expected_purchases"]) == [3.0, 0.5, 0.25]
    assert list(by_tier["clv"][:2]) == [300.0, 50.0] and np.isnan(by_tier["clv"][2])
    by_group = segment_totals(scores, tiers, "groups", ["high_spend", "loyal", "silent"])
    # high_spend: a, b; loyal: a (in two groups) and c
    assert by_group.to_dict("records") == [
        {"segment": "high_spend", "customers": 2, "expected_purchases": 3.0, "clv": 300.0},
        {"segment": "loyal", "customers": 2, "expected_purchases": 1.5, "clv": 150.0},
    ]


def test_valuable_slipping_takes_the_top_fifth_by_clv_below_half_alive() -> None:
    from segcore.forecast.views import valuable_slipping

    # CLV 100, 200, ..., 1,000: the 80th percentile (linear) is 100 + 0.8 x 900 = 820, so the top fifth is i and j
    # (and h at 800 is not); of those, p_alive below 0.5: j only (i is at exactly 0.5). k has no CLV.
    scores = pd.DataFrame(
        {
            "customer_id": list("abcdefghijk"),
            "p_alive": [0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3, 0.1, 0.5, 0.49, 0.01],
            "clv": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0, 1000.0, float("nan")],
        }
    )
    line, rows = valuable_slipping(scores)
    assert line == 820.0
    assert list(rows["customer_id"]) == ["j"]


def test_valuable_slipping_rounds_the_line_down_to_a_whole_amount() -> None:
    from segcore.forecast.views import valuable_slipping

    # CLV 10.5, 20.5, 30.5, 40.5, 50.5: the 80th percentile is 10.5 + 0.8 x 40 = 42.5, down to 42; e (50.5) is
    # above it with p_alive 0.2; d (40.5) is below it.
    scores = pd.DataFrame(
        {"customer_id": list("abcde"), "p_alive": [0.1] * 4 + [0.2], "clv": [10.5, 20.5, 30.5, 40.5, 50.5]}
    )
    line, rows = valuable_slipping(scores)
    assert (line, list(rows["customer_id"])) == (42.0, ["e"])


def test_without_any_clv_nobody_is_picked() -> None:
    from segcore.forecast.views import valuable_slipping

    scores = pd.DataFrame({"customer_id": ["a"], "p_alive": [0.1], "clv": [float("nan")]})
    line, rows = valuable_slipping(scores)
    assert line is None and rows.empty


@pytest.mark.parametrize(
    ("line", "rules"),
    [
        (820.0, [Rule("clv", ">=", 820), Rule("p_alive", "<", 0.5)]),
        (1816.0, [Rule("clv", ">=", 1816), Rule("p_alive", "<", 0.5)]),
    ],
)
def test_the_slipping_rules(line: float, rules: list[Rule]) -> None:
    from ui.forecast_views import slipping_rules

    assert slipping_rules(line) == rules


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", {"p_alive": "73%", "expected_purchases": "1.2", "clv": "¥12,346"}),
        ("zh", {"p_alive": "73%", "expected_purchases": "1.2", "clv": "¥1.23万"}),
    ],
)
def test_a_customers_numbers_read_as_people_read_them(lang: str, expected: dict[str, str]) -> None:
    from ui.forecast_views import customer_numbers

    numbers = {"p_alive": 0.7265, "expected_purchases": 1.234, "clv": 12345.6}
    assert customer_numbers(numbers, lang, "CNY") == expected
    assert customer_numbers(None, lang, "CNY") is None


def test_the_p_alive_chart_counts_customers_per_five_points() -> None:
    from ui.forecast_views import alive_figure

    # 0.02 and 0.04 in the first band (0-5%), 0.49 in the tenth (45-50%), 0.5 in the eleventh, 1.0 in the last
    scores = pd.DataFrame({"p_alive": [0.02, 0.04, 0.49, 0.5, 1.0]})
    (bars,) = alive_figure(scores, "en").data
    counts = list(bars.y)
    assert len(counts) == 20
    assert (counts[0], counts[9], counts[10], counts[19]) == (2, 1, 1, 1)
    assert sum(counts) == 5
    assert bars.hovertext[0] == "0%–5%: 2 customers"
    assert list(bars.marker.color[9:11]) == ["#f59e0b", "#2563eb"]  # below the 50% line in amber


def test_the_frequency_chart_labels_the_last_group_7_plus() -> None:
    from ui.forecast_views import frequency_figure

    frame = pd.DataFrame(
        {"frequency": [0, 1, 7], "customers": [10, 5, 2], "actual": [0.1, 0.5, 2.0], "predicted": [0.2, 0.4, 2.5]}
    )
    actual, predicted = frequency_figure(frame, "zh", 90).data
    assert list(actual.x) == ["0", "1", "7+"] and list(actual.y) == [0.1, 0.5, 2.0]
    assert (actual.name, predicted.name) == ("实际", "模型预计")
    assert predicted.hovertext[2] == "模型预计：人均 2.50 次<br>2 位顾客"


@pytest.mark.parametrize(
    ("count", "rows"),
    [(1, [[0]]), (3, [[0, 1, 2]]), (4, [[0, 1], [2, 3]]), (5, [[0, 1], [2, 3], [4]])],
)
def test_weekly_alerts_go_two_to_a_row_beyond_three(count: int, rows: list[list[int]]) -> None:
    from ui.weekly_views import _alert_rows

    assert [list(r) for r in _alert_rows(count)] == rows
