"""`python -m segcore lift` as a user runs it: real files in, a real process, the spec's columns out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = [
    "segment",
    "metric",
    "treatment",
    "control",
    "diff",
    "ci_low",
    "ci_high",
    "p_value",
    "relative_lift",
    "n_treatment",
    "n_control",
    "too_small",
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "segcore", "lift", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    sales = tmp_path / "sales.csv"
    sales.write_text(
        "会员卡号,订单号,消费时间,实收金额\n"
        "t1,o1,2026-08-12,100\n"
        "t2,o2,2026-08-20,50\n"
        "t3,o3,2026-07-01,70\n"  # before the window
        "c1,o4,2026-08-15,40\n"
        "c2,o5,2026-09-09,30\n",  # after the window
        encoding="utf-8",
    )
    campaign = tmp_path / "campaign.csv"
    campaign.write_text(
        "会员卡号,组别,分层\nt1,treatment,silent\nt2,treatment,loyal\nt3,treatment,silent\nt4,treatment,silent\n"
        "c1,control,silent\nc2,control,loyal\n",
        encoding="utf-8-sig",
    )
    return sales, campaign


def test_lift_writes_one_row_per_segment_and_metric(files: tuple[Path, Path], tmp_path: Path) -> None:
    sales, campaign = files
    out = tmp_path / "lift.csv"
    result = _run(
        "--sales",
        str(sales),
        "--campaign",
        str(campaign),
        "--start",
        "2026-08-12",
        "--end",
        "2026-09-08",
        "--holdout-share",
        "0.33",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert list(rows.columns) == COLUMNS
    assert list(rows["segment"].unique()) == ["all", "loyal", "silent"]
    overall = rows[rows["segment"] == "all"].set_index("metric")
    assert overall.loc["response_rate", "treatment"] == pytest.approx(2 / 4)
    assert overall.loc["response_rate", "control"] == pytest.approx(1 / 2)
    assert overall.loc["rpc", "treatment"] == pytest.approx(150 / 4)
    assert overall.loc["rpc", "control"] == pytest.approx(40 / 2)
    assert overall.loc["incremental_revenue", "diff"] == pytest.approx((150 / 4 - 40 / 2) * 4)
    assert (overall["n_treatment"] == 4).all() and (overall["n_control"] == 2).all()
    assert rows["too_small"].tolist() == [True] * 9  # 4 and 2 customers: under 30 in every segment


def test_lift_json_has_the_headline(files: tuple[Path, Path], tmp_path: Path) -> None:
    sales, campaign = files
    out = tmp_path / "lift.json"
    result = _run(
        "--sales",
        str(sales),
        "--campaign",
        str(campaign),
        "--start",
        "2026-08-12",
        "--end",
        "2026-09-08",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    # by hand: response 2/4 against 1/2, CI 0 -/+ 1.959964 sqrt(.25/4 + .25/2) = 84.9 points; revenue 100 50 0 0
    # against 40 0: incremental (37.5 - 20) * 4 = 70, Welch df 3.513, CI 70 -/+ 4 t se = -296.17 to 436.17;
    # the split (2 of 6 held out against the default 10%) has p = 0.057: no warning
    expected = (
        "Customers who got the offer bought about as often as those held out (difference 95% CI -84.9 to 84.9 "
        "points); incremental revenue ¥70 (-¥296 to ¥436)"
    )
    assert payload["headline"] == expected
    assert result.stdout.strip() == expected
    assert payload["srm_suspect"] is False and payload["srm_p_value"] == pytest.approx(0.056759446, abs=1e-8)
    assert len(payload["rows"]) == 9


@pytest.mark.parametrize(
    "change, message",
    [
        ({"--start": "2026-09-10"}, "is after the end"),
        ({"--out": "lift.txt"}, "must end in"),
        ({"--campaign": "missing.csv"}, "File not found"),
        ({"--start": "12/08/2026"}, "Not a date"),
    ],
    ids=["start-after-end", "bad-suffix", "missing-campaign", "bad-date"],
)
def test_bad_input_exits_with_one_line(
    files: tuple[Path, Path], tmp_path: Path, change: dict[str, str], message: str
) -> None:
    sales, campaign = files
    args = {
        "--sales": str(sales),
        "--campaign": str(campaign),
        "--start": "2026-08-12",
        "--end": "2026-09-08",
        "--out": str(tmp_path / "lift.csv"),
    }
    args.update({k: (str(tmp_path / v) if k in ("--out", "--campaign") else v) for k, v in change.items()})
    result = _run(*[part for pair in args.items() for part in pair])
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
