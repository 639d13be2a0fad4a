"""Issue 12, the marketer's Campaigns page: the campaign opened first, planned campaigns in the comparison, the
per-tier reading of an interval that includes zero, and the formats (hand-built registries and outcomes)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore.access import owner
from segcore.campaigns import import_campaign, latest_with_results
from segcore.lift import Effect, crosses_zero, lift_report
from segcore.sql import NO_EXTENSIONS
from tests.helpers import run_app
from ui import campaign_views

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role


def _registry(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"campaign_id": c, "name": c.upper(), "start": pd.Timestamp(start), "created_at": pd.Timestamp(made)}
            for c, start, made in rows
        ]
    )


@pytest.mark.parametrize(
    ("rows", "as_of", "expected"),
    [
        pytest.param(
            [
                ("planned", "2026-12-08", "2026-11-15"),
                ("oct", "2026-10-01", "2026-09-20"),
                ("aug", "2026-08-12", "2026-08-01"),
            ],
            date(2026, 11, 15),
            "oct",
            id="a-planned-list-does-not-hide-the-latest-measured",
        ),
        pytest.param(
            [("late", "2026-10-01", "2026-09-30"), ("early", "2026-10-01", "2026-09-01")],
            date(2026, 11, 15),
            "late",
            id="same-start-latest-created",
        ),
        pytest.param(
            [("today", "2026-11-15", "2026-11-14"), ("oct", "2026-10-01", "2026-09-20")],
            date(2026, 11, 15),
            "today",
            id="starting-today-has-interim-results",
        ),
        pytest.param(
            [("dec", "2026-12-08", "2026-11-15"), ("jan", "2027-01-05", "2026-11-14")],
            date(2026, 11, 15),
            "jan",
            id="none-started-newest",
        ),
    ],
)
def test_the_campaign_opened_first(rows: list[tuple[str, str, str]], as_of: date, expected: str) -> None:
    assert latest_with_results(_registry(*rows), as_of) == expected


def test_no_campaign_opens_nothing() -> None:
    assert latest_with_results(_registry(), date(2026, 11, 15)) is None


@pytest.mark.parametrize(
    ("effect", "expected"),
    [
        pytest.param(Effect(0.3, 0.25, 0.05, -0.01, 0.11), True, id="interval-includes-zero"),
        pytest.param(Effect(0.3, 0.25, 0.05, 0.01, 0.09), False, id="above-zero"),
        pytest.param(Effect(0.2, 0.25, -0.05, -0.09, -0.01), False, id="below-zero"),
        pytest.param(Effect(0.3, 0.25, 0.05, 0.0, 0.1), True, id="touches-zero"),
        pytest.param(Effect(0.3, 0.25, 0.05), True, id="no-interval"),
        pytest.param(Effect(None, None, None), True, id="nothing"),
    ],
)
def test_crosses_zero(effect: Effect, expected: bool) -> None:
    assert crosses_zero(effect) is expected


def _outcomes(tier: str, n: int, responders_t: int, responders_c: int) -> list[dict[str, object]]:
    rows = []
    for group, responders in (("treatment", responders_t), ("control", responders_c)):
        for i in range(n):
            bought = i < responders
            rows.append({"group": group, "tier": tier, "responded": int(bought), "revenue": 100.0 * bought,
                         "purchases": int(bought)})  # fmt: skip
    return rows


def test_the_tier_whose_interval_includes_zero_reads_not_conclusive() -> None:
    # loyal: 20/40 against 19/40: +2.5 points, standard error about 11 points, so the interval is about -19 to +24
    # points and includes zero. silent: 30/40 against 5/40: +62.5 points, far above zero.
    outcomes = pd.DataFrame(_outcomes("loyal", 40, 20, 19) + _outcomes("silent", 40, 30, 5))
    report = lift_report(outcomes, holdout_share=0.5)
    table = campaign_views.tier_table(report, "en")
    assert list(table["Tier"]) == ["Whole list", "Loyal", "Silent"]
    assert list(table["Reading"]) == ["more buyers", "not conclusive", "more buyers"]
    assert campaign_views.any_not_conclusive(report)


def _add_campaigns(workspace: Path) -> dict[str, str]:
    con = duckdb.connect(str(workspace), config=NO_EXTENSIONS)
    try:
        ids = [r[0] for r in con.execute("select customer_id from members order by customer_id limit 400").fetchall()]
        made = {}
        for key, name, start, end, created in (
            ("oct", "October VIP", date(2026, 10, 1), date(2026, 10, 28), datetime(2026, 9, 20)),
            ("dec", "December preview", date(2026, 12, 8), date(2026, 12, 31), datetime(2026, 11, 15, 12)),
        ):
            frame = pd.DataFrame({"customer_id": ids})
            made[key] = import_campaign(
                con,
                "demo",
                frame,
                name=name,
                channel="sms",
                start=start,
                end=end,
                created_at=created,
                seed=7,
                access=OWNER,
            )
    finally:
        con.close()
    return made


def test_campaigns_page_opens_the_latest_with_results_and_says_why_a_planned_one_has_no_row(
    app_workspace: Path,
) -> None:
    made = _add_campaigns(app_workspace)
    at = run_app("en")
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    pick = at.selectbox(key="camp_pick")
    assert pick.value == made["oct"]
    assert "December preview (starts 8 Dec 2026, no results yet)" in pick.options
    assert pick.placeholder == "Choose a campaign"
    at.multiselect(key="camp_compare").set_value([made["dec"], made["oct"]]).run()
    assert not at.exception
    compare = at.dataframe[-1].value
    assert list(compare["Campaign"]) == ["October VIP"]
    assert all(p.startswith("< ") or p[0].isdigit() for p in compare["p-value"])
    assert any(
        c.value == "Not in the table: December preview (starts 8 Dec 2026): not started yet, so no results."
        for c in at.caption
    )


def test_campaigns_page_in_chinese_reads_money_in_wan_and_marks_not_conclusive(app_workspace: Path) -> None:
    at = run_app("zh")
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    headline = " ".join(m.value for m in at.markdown)
    assert "增量收入 ¥" in headline and "万" in headline
    tiers = at.dataframe[1].value
    assert "结论" in tiers.columns
    readings = set(tiers["结论"])
    assert readings <= {"购买率提升", "购买率下降", "尚无定论", "样本太少，无法判断"}
    text = " ".join(tiers.astype(str).to_numpy().ravel())
    assert "None" not in text and "nan" not in text and "NaT" not in text
