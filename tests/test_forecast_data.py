"""The forecast on real files (issue 13): the summary of a hand-typed store, the whole path from the raw CDNOW
file, the guardrails' warnings, the holdout check on a store built to break the model, the stored forecast, the
target-list fields and the `predict` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from segcore.access import owner
from segcore.errors import InputError
from segcore.forecast import forecast, load_forecast, save_forecast
from segcore.forecast.model import fit_models
from segcore.forecast.summary import summary
from segcore.ingest import FileSpec, load_files
from segcore.schema import create_tables
from segcore.targets import candidates, parse_rule, rules_to_sql

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT.parent / "shared" / "data" / "cdnow_sample" / "CDNOW_sample.txt"

# A: o1 (two lines, 150) and o2 (30) on 01-01 are one occasion worth 180; o3 is worth 0 and o4 is a refund: no
#    occasions; o5 200 on 03-01; o6 has lines on 03-10 (60) and 03-12 (40): one order dated 03-10 worth 100;
#    o7 is after D. Occasions 01-01, 03-01, 03-10 -> x = 2, t_x = 69 days, T = 90 days, m_x = (200 + 100) / 2.
# B: a single order worth 0: no purchase, not in the summary.
# C: one purchase on D itself: x = 0, t_x = 0, T = 0.
# D: two lines without an order id on 02-01 (one order worth 100) and a refund on 02-20: x = 0, T = 59 days.
SALES_CSV = """\
customer_id,order_id,order_date,amount
A,o1,2024-01-01 10:00,100.00
A,o1,2024-01-01 10:00,50.00
A,o2,2024-01-01 18:00,30.00
A,o3,2024-01-15 12:00,0.00
A,o4,2024-02-01 12:00,-20.00
A,o5,2024-03-01 12:00,200.00
A,o6,2024-03-10 12:00,60.00
A,o6,2024-03-12 12:00,40.00
A,o7,2024-04-01 12:00,500.00
B,p1,2024-02-10 12:00,0.00
C,q1,2024-03-31 23:00,80.00
D,,2024-02-01 09:00,40.00
D,,2024-02-01 17:00,60.00
D,,2024-02-20 12:00,-100.00
"""
D = date(2024, 3, 31)


def _store(con: duckdb.DuckDBPyConnection, tmp_path: Path, text: str, name: str = "s") -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    load_files(con, name, [FileSpec(path, "sales")], loaded_at=datetime(2026, 1, 1), access=OWNER)


def test_summary_of_a_hand_typed_store(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _store(con, tmp_path, SALES_CSV)
    got = summary(con, "s", D)
    assert list(got.columns) == ["customer_id", "x", "t_x", "T", "m_x"]
    assert list(got["customer_id"]) == ["A", "C", "D"]
    assert list(got["x"]) == [2, 0, 0]
    assert got["t_x"].tolist() == pytest.approx([69 / 7, 0.0, 0.0], abs=1e-12)
    assert got["T"].tolist() == pytest.approx([90 / 7, 0.0, 59 / 7], abs=1e-12)
    assert got.loc[0, "m_x"] == pytest.approx(150.0, abs=1e-12)
    assert got["m_x"].iloc[1:].isna().all()


def test_summary_as_of_a_day_inside_a_multi_day_order(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _store(con, tmp_path, SALES_CSV)
    got = summary(con, "s", date(2024, 3, 11)).set_index("customer_id")
    # as of 03-11 order o6 holds only its 60 line: occasions 01-01, 03-01, 03-10 -> m_x = (200 + 60) / 2
    assert got.loc["A", "x"] == 2
    assert got.loc["A", "m_x"] == pytest.approx(130.0, abs=1e-12)
    assert got.loc["A", "T"] == pytest.approx(70 / 7, abs=1e-12)
    assert "C" not in got.index


@pytest.fixture(scope="module")
def cdnow() -> duckdb.DuckDBPyConnection:
    assert CDNOW.exists(), f"the CDNOW sample is missing: {CDNOW}"
    raw = pd.read_csv(
        CDNOW, sep=r"\s+", header=None, names=["master", "customer_id", "day", "cds", "amount"], dtype=str
    )
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"cdnow_{os.getpid()}"
    folder.mkdir(exist_ok=True)
    path = folder / "cdnow.csv"
    pd.DataFrame(
        {"customer_id": raw["customer_id"], "order_date": pd.to_datetime(raw["day"], format="%Y%m%d").dt.date,
         "amount": raw["amount"]}
    ).to_csv(path, index=False)  # fmt: skip
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    create_tables(con)
    load_files(con, "cdnow", [FileSpec(path, "sales")], loaded_at=datetime(2026, 1, 1), access=OWNER)
    return con


def test_the_raw_cdnow_file_lands_within_1_percent_of_the_published_estimates(cdnow: duckdb.DuckDBPyConnection) -> None:
    frame = summary(cdnow, "cdnow", date(1997, 9, 30))
    assert len(frame) == 2357 - 8  # 8 customers have only a $0 purchase: no purchase at all
    fit = fit_models(frame)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert getattr(fit.bgnbd, name) == pytest.approx(value, rel=0.01), name
    assert fit.gamma_gamma is not None
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert getattr(fit.gamma_gamma, name) == pytest.approx(value, rel=0.01), name
    assert fit.warnings == ()


def test_cdnow_holdout_of_the_literature(cdnow: duckdb.DuckDBPyConnection) -> None:
    from segcore.forecast.accuracy import accuracy

    checked = accuracy(cdnow, "cdnow", date(1998, 6, 30), 273)
    assert checked is not None
    assert checked.calibration_end == date(1997, 9, 30)
    assert list(checked.by_frequency["frequency"]) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert checked.by_frequency["customers"].sum() == 2349
    # each customer's occasions after the calibration day, counted straight from the raw lines
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, names=["m", "id", "day", "n", "amount"], dtype={"day": str})
    raw = raw[raw["amount"] > 0]
    days = raw.drop_duplicates(["id", "day"])
    first = days.groupby("id")["day"].min()
    cohort = set(first[first <= "19970930"].index)
    held = days[(days["day"] > "19970930") & days["id"].isin(cohort)]
    assert checked.actual_total == len(held)
    assert abs(checked.error) < 0.2
    weekly = checked.weekly
    assert weekly["actual"].is_monotonic_increasing and weekly["expected"].is_monotonic_increasing
    repeat_days = days[days["id"].isin(cohort)].groupby("id").size().sum() - len(cohort)
    assert weekly["actual"].iloc[-1] == repeat_days


def _changed_store(tmp_path: Path) -> str:
    """400 customers who buy on the 1st of every month from January to June 2024, then every week from July to
    September: the calibration period shows a monthly buyer, the holdout a weekly one."""
    lines = ["customer_id,order_date,amount"]
    for n in range(400):
        days = [date(2024, month, 1 + n % 20) for month in range(1, 7)]
        days += [date(2024, 7, 1) + timedelta(days=7 * k + n % 5) for k in range(13)]
        lines += [f"c{n:03d},{d.isoformat()},{50 + n % 30}.00" for d in days if d <= date(2024, 9, 29)]
    return "\n".join(lines) + "\n"


def test_a_store_built_to_break_the_model_gets_the_holdout_warning(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _store(con, tmp_path, _changed_store(tmp_path), "broken")
    result = forecast(con, "broken", date(2024, 9, 29))
    assert result.accuracy is not None
    assert result.accuracy["holdout_days"] == 90
    assert result.accuracy["error"] < -0.5  # weekly buyers predicted as monthly ones: far too few purchases
    assert "holdout_error" in [w["code"] for w in result.warnings]


def test_guardrails_name_what_is_wrong(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _store(con, tmp_path, SALES_CSV)
    small = forecast(con, "s", D)
    codes = [w["code"] for w in small.warnings]
    assert "few_repeat" in codes and "no_spend_model" in codes
    assert small.scores["clv"].isna().all()  # no spend model: no CLV rather than a made-up one
    rng = np.random.default_rng(1)
    n = 3000
    x = rng.integers(0, 10, n)
    frame = pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(n)], "x": x, "t_x": np.where(x > 0, rng.integers(1, 200, n), 0) / 7}
    )
    frame["T"] = frame["t_x"] + rng.integers(0, 100, n) / 7
    frame["m_x"] = np.where(x > 0, 20.0 * x + rng.uniform(0, 5, n), np.nan)  # spend grows with frequency
    assert "spend_correlated" in [w.code for w in fit_models(frame).warnings]


def test_no_purchase_is_a_clear_error(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _store(con, tmp_path, SALES_CSV)
    with pytest.raises(InputError) as caught:
        forecast(con, "s", date(2023, 12, 31))
    assert caught.value.code == "forecast_no_customers"
    with pytest.raises(InputError) as caught:
        forecast(con, "s", D, horizon_days=0)
    assert caught.value.code == "bad_horizon"


def test_a_stored_forecast_is_read_back_until_the_data_changes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _store(con, tmp_path, _changed_store(tmp_path), "broken")
    day = date(2024, 9, 29)
    assert load_forecast(con, "broken", day, 90, 0.1) is None
    made = forecast(con, "broken", day)
    save_forecast(con, "broken", made)
    read = load_forecast(con, "broken", day, 90, 0.1)
    assert read is not None
    pd.testing.assert_frame_equal(read.scores, made.scores, check_dtype=False)
    assert read.fit == json.loads(json.dumps(made.fit))
    assert read.warnings == made.warnings
    assert load_forecast(con, "broken", day, 60, 0.1) is None  # another horizon
    assert load_forecast(con, "broken", day - timedelta(days=1), 90, 0.1) is None  # another date
    extra = tmp_path / "more.csv"
    extra.write_text("customer_id,order_date,amount\nnew1,2024-09-01,10.00\n", encoding="utf-8")
    load_files(con, "broken", [FileSpec(extra, "sales")], loaded_at=datetime(2026, 1, 2), access=OWNER)
    assert load_forecast(con, "broken", day, 90, 0.1) is None  # new data: never the stale forecast


def test_target_lists_filter_on_the_forecast(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _store(con, tmp_path, _changed_store(tmp_path), "broken")
    day = date(2024, 9, 29)
    table = candidates(con, "broken", day)
    scores = forecast(con, "broken", day, check_accuracy=False).scores.set_index("customer_id")
    clv_line, alive_line = round(float(scores["clv"].median()), 2), round(float(scores["p_alive"].quantile(0.75)), 4)
    rules = [parse_rule(f"clv >= {clv_line}"), parse_rule(f"p_alive < {alive_line}")]
    where, params = rules_to_sql(rules, as_of=day)
    picked = {r[0] for r in con.execute(f"select customer_id from {table} where {where}", params).fetchall()}
    expected = set(scores.index[(scores["clv"] >= clv_line) & (scores["p_alive"] < alive_line)])
    assert picked == expected
    assert 0 < len(picked) < 400


def _cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "segcore", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )  # fmt: skip


def test_predict_command(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_CSV, encoding="utf-8")
    out, params = tmp_path / "scores.csv", tmp_path / "params.json"
    done = _cli("predict", "--sales", sales, "--as-of", "2024-03-31", "--out", out, "--params-out", params)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out, dtype={"customer_id": str}, encoding="utf-8-sig")
    assert list(frame.columns) == [
        "customer_id", "x", "t_x", "T", "m_x", "p_alive", "expected_purchases", "expected_spend", "clv",
    ]  # fmt: skip
    assert list(frame["customer_id"]) == ["A", "C", "D"]
    assert list(frame["x"]) == [2, 0, 0]
    assert frame["T"].tolist() == pytest.approx([90 / 7, 0.0, 59 / 7], abs=1e-9)
    document = json.loads(params.read_text(encoding="utf-8"))
    assert document["time_unit"] == "week"
    assert set(document["bgnbd"]) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert document["gamma_gamma"] is None  # one repeat buyer: no spend model, and a warning says so
    assert {"few_repeat", "no_spend_model"} <= {w["code"] for w in document["warnings"]}
    assert "warning:" in done.stderr and "3 customers scored as of 2024-03-31" in done.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--horizon-days", "0"], "horizon must be 1 to 3650 days"),
        (["--annual-discount", "1.5"], "discount rate must be between 0 and 1"),
        (["--params-out", "p.txt"], "--params-out must name a .json file"),
        (["--as-of", "2020-01-01"], "before"),
        (["--out", "scores.txt"], "must end in one of .csv, .parquet, .xlsx"),
    ],
)
def test_predict_refuses_bad_input_in_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_CSV, encoding="utf-8")
    base = {"--as-of": "2024-03-31", "--out": str(tmp_path / "scores.csv")}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value if flag != "--params-out" and flag != "--out" else str(tmp_path / value)
    done = _cli("predict", "--sales", sales, *[part for pair in base.items() for part in pair])
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert not (tmp_path / "scores.csv").exists()


def test_predict_speaks_chinese(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_CSV, encoding="utf-8")
    done = _cli(
        "predict", "--sales", sales, "--as-of", "2024-03-31", "--horizon-days", "-5", "--out", tmp_path / "o.csv",
        env={"SEGCORE_LANG": "zh"},
    )  # fmt: skip
    assert done.returncode == 2 and "预测期须为 1 至 3650 天" in done.stderr


def test_the_weekly_forecast_alert_on_the_demo(demo_workspace_file: Path) -> None:
    from segcore.forecast.slipping import slipping

    week_end = date(2026, 11, 15)
    with duckdb.connect(str(demo_workspace_file), read_only=True) as demo:
        found = slipping(demo, "demo", week_end)
        made = forecast(demo, "demo", week_end, check_accuracy=False)
        before = summary(demo, "demo", week_end - timedelta(days=7)).set_index("customer_id")
    r, alpha, a, b = (made.fit["bgnbd"][k] for k in ("r", "alpha", "a", "b"))

    def alive(x: float, t_x: float, T: float) -> float:  # FHL 2005, typed out
        return 1.0 if x == 0 else 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))

    scores = made.scores.set_index("customer_id")
    line = float(np.floor(np.quantile(scores["clv"], 0.8)))  # the top fifth's lowest CLV, down to a whole amount
    expected = {
        c for c, row in scores.iterrows()
        if row["clv"] >= line and alive(row["x"], row["t_x"], row["T"]) < 0.5 and c in before.index
        and alive(*before.loc[c, ["x", "t_x", "T"]]) >= 0.5
    }  # fmt: skip
    assert found.clv_threshold == pytest.approx(line)
    assert found.customer_ids == expected
    assert len(expected) >= 1


def test_scores_the_model_cannot_make_are_left_empty_with_a_warning(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from segcore.forecast import model

    accuracy = importlib.import_module("segcore.forecast.accuracy")  # the module (the package exports its function)
    _store(con, tmp_path, _changed_store(tmp_path), "broken")
    real = model.conditional_expected_purchases

    def breaks_for_the_most_frequent(fit, t, x, t_x, T):
        values = real(fit, t, x, t_x, T)
        return np.where(x == x.max(), np.nan, values)  # as hyp2f1 does with extreme parameters

    monkeypatch.setattr(model, "conditional_expected_purchases", breaks_for_the_most_frequent)
    monkeypatch.setattr(accuracy, "conditional_expected_purchases", breaks_for_the_most_frequent)
    result = forecast(con, "broken", date(2024, 9, 29))
    failed = [w for w in result.warnings if w["code"] == "scores_failed"]
    assert len(failed) == 1 and failed[0]["n"] == int(result.scores["expected_purchases"].isna().sum()) > 0
    assert result.scores.loc[result.scores["expected_purchases"].isna(), "clv"].isna().all()
    assert "holdout_failed" in [w["code"] for w in result.warnings]  # the check's predictions are NaN too


def test_the_parameters_file_names_its_settings(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(_changed_store(tmp_path), encoding="utf-8")
    params = tmp_path / "p.json"
    args = ("--as-of", "2024-09-29", "--horizon-days", "60", "--annual-discount", "0.2")
    done = _cli("predict", "--sales", sales, *args, "--out", tmp_path / "o.parquet", "--params-out", params)
    assert done.returncode == 0, done.stderr
    document = json.loads(params.read_text(encoding="utf-8"))
    assert (document["as_of"], document["horizon_days"], document["annual_discount"]) == ("2024-09-29", 60, 0.2)
    assert document["accuracy"]["holdout_days"] == 60
    assert len(pd.read_parquet(tmp_path / "o.parquet")) == 400
