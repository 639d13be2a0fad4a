"""`python -m segcore tiers` as a user runs it: real subprocesses on hand-typed files and on the real data.

The expected values of the hand-built store were worked out by hand from shared/spec/tiers.md (see the comments
at EXPECTED); the real-data figures are recomputed independently with pandas from the raw lines.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = ROOT / ".." / "shared" / "data" / "online_retail"
AS_OF = "2024-06-30"

FIRST_COLUMNS = [
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "cn8_segment",
    "lifecycle",
    "groups",
    "tier",
]

# The store, as of D = 2024-06-30 (the last date in the file). Ages are D - date in days.
#   C1 member: orders O11 (2 lines, 80, age 10), O12 60 (60), O13 40 (112), O14 70 promo (212), O15 20 promo (320)
#   C2 member: O21 500 on D itself, in the evening (age 0)
#   C3: O31 100 (426), O32 50 (668)
#   C4: O41 (2 lines, 200, age 193), refund order R41 -80 (177), O43 30 (473)
#   C5: no order_id: two lines on 2024-06-01 (15 + 25, both promo: one order, age 29), one line 10 (137)
#   C6: only a refund, -20 (56); not a member
#   M9: members-only (joined before D); M8 joined after D, so absent
SALES_CSV = """\
customer_id,order_id,order_date,amount,is_promo
C1,O11,2024-06-20 10:15:00,50.00,0
C1,O11,2024-06-20 10:15:00,30.00,0
C1,O12,2024-05-01 09:00:00,60.00,0
C1,O13,2024-03-10 18:30:00,40.00,0
C1,O14,2023-12-01 12:00:00,70.00,1
C1,O15,2023-08-15 12:00:00,20.00,1
C2,O21,2024-06-30 20:00:00,500.00,0
C3,O31,2023-05-01 10:00:00,100.00,0
C3,O32,2022-09-01 10:00:00,50.00,0
C4,O41,2023-12-20 14:00:00,120.00,0
C4,O41,2023-12-20 14:00:00,80.00,0
C4,R41,2024-01-05 16:00:00,-80.00,
C4,O43,2023-03-15 10:00:00,30.00,0
C5,,2024-06-01 09:00:00,15.00,1
C5,,2024-06-01 19:00:00,25.00,1
C5,,2024-02-14 12:00:00,10.00,0
C6,R61,2024-05-05 12:00:00,-20.00,
"""
MEMBERS_CSV = """\
customer_id,name,join_date
C1,Ann,2022-01-01
C2,Bo,2024-06-01
M9,Mei,2024-01-01
M8,Max,2024-07-15
"""

# Worked out by hand. Scored population C1..C5 (n = 5 = k, so each score is the RANK() itself):
#   frequency 5, 1, 2, 2, 2 -> f 5, 1, 2, 2, 2; monetary 270, 500, 150, 150, 50 -> m 4, 5, 2, 2, 1 (ties share);
#   recency 10, 0, 426, 193, 29, longest ago first -> r 4, 5, 1, 2, 3.
#   cn8 means: recency 658/5 = 131.6, frequency 2.4, monetary 224.
#   Window W (365 days): spend_w 270, 500, 0, 120, 50; orders_w 5, 1, 0, 1, 2; P = {C1, C2, C4, C5}.
#   high_spend top ceil(0.8) = 1: C2. high_ticket: aov >= 2 * 940 / 9 = 208.9: C2. loyal top 2 = {C2, C1},
#   orders_w >= 2, gap (320 - 10) / 4 <= 180: C1. Promo Q = {C1 90, C5 40}: promo_frequent top 1 = C1;
#   promo_chaser bottom 1 = C5 and 40 >= 0.5 * 50. silent: C4 (tenure 473, recency 193, no purchase in the last 182
#   days). sleeping: C3.
# Columns: FIRST_COLUMNS, then first_purchase, last_purchase, spend_w, orders_w, aov_w, promo_spend_w.
EXPECTED = {
    "C1": (10, 5, 270.0, 4, 5, 4, "loyal_customers", "important_value", "loyal", "loyal;promo_frequent", "loyal",
           "2023-08-15", "2024-06-20", 270.0, 5, 54.0, 90.0),
    "C2": (0, 1, 500.0, 5, 1, 5, "new_customers", "important_develop", "new", "high_spend;high_ticket",
           "high_spend", "2024-06-30", "2024-06-30", 500.0, 1, 500.0, 0.0),
    "C3": (426, 2, 150.0, 1, 2, 2, "hibernating", "general_winback", "churned", "sleeping", "sleeping",
           "2022-09-01", "2023-05-01", 0.0, 0, None, 0.0),
    "C4": (193, 2, 150.0, 2, 2, 2, "hibernating", "general_winback", "at_risk", "silent", "silent",
           "2023-03-15", "2023-12-20", 120.0, 1, 120.0, 0.0),
    "C5": (29, 2, 50.0, 3, 2, 1, "about_to_sleep", "general_develop", "active", "promo_chaser", "promo_chaser",
           "2024-02-14", "2024-06-01", 50.0, 2, 25.0, 40.0),
    "C6": (None, 0, -20.0, None, None, None, None, None, None, "", None,
           None, None, -20.0, 0, None, 0.0),
    "M9": (None, 0, 0.0, None, None, None, None, None, "potential", "", "potential",
           None, None, 0.0, 0, None, 0.0),
}  # fmt: skip
EXTRA_COLUMNS = ["first_purchase", "last_purchase", "spend_w", "orders_w", "aov_w", "promo_spend_w"]


# ---------------------------------------------------------------- helpers


def start_cli(*args: str | Path) -> subprocess.Popen[str]:
    """Start `python -m segcore <args>` from the repo root, without the developer's traceback switch."""
    env = {key: value for key, value in os.environ.items() if key != "SEGCORE_DEBUG"}
    return subprocess.Popen(
        [sys.executable, "-m", "segcore", *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Wait for a started run; its exit code, stdout and stderr."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def read_table(path: Path) -> pd.DataFrame:
    """A tiers output file read back by its suffix."""
    if path.suffix == ".csv":
        return pd.read_csv(path, encoding="utf-8-sig")
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    import fastexcel

    return fastexcel.read_excel(str(path)).load_sheet(0).to_pandas()


def plain(value: object) -> object:
    """One cell in a form that survives every output format: None for missing or "", floats, ISO dates."""
    if value is None or value is pd.NA or value is pd.NaT or value == "":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        return float(value)  # type: ignore[arg-type]
    return value


def rows(frame: pd.DataFrame, columns: list[str]) -> dict[str, tuple[object, ...]]:
    """{customer_id: plain values of `columns`}."""
    return {
        str(record["customer_id"]): tuple(plain(record[column]) for column in columns)
        for record in frame.to_dict("records")
    }


def expected_rows(expected: dict[str, tuple[object, ...]]) -> dict[str, tuple[object, ...]]:
    return {customer: tuple(plain(value) for value in values) for customer, values in expected.items()}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- every CLI run, started together


@pytest.fixture(scope="module", autouse=True)
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[str], Path] | None]:
    """The real-data run (the slowest, ~300 files), started before the first test so the others overlap it."""
    if not REAL_DATA.is_dir():
        yield None
        return
    out = tmp_path_factory.mktemp("real_tiers") / "tiers.parquet"
    process = start_cli("tiers", "--sales", REAL_DATA, "--out", out)
    yield process, out
    if process.poll() is None:  # a test run stopped early: do not leave the child behind
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the typed-in files: sales.csv, members.csv, the same sales under other headers, configs."""
    folder = tmp_path_factory.mktemp("store")
    write(folder, "sales.csv", SALES_CSV)
    write(folder, "members.csv", MEMBERS_CSV)
    header, _, body = SALES_CSV.partition("\n")
    assert header == "customer_id,order_id,order_date,amount,is_promo"
    write(folder, "kasse.csv", "Kunde,Beleg,Zeitpunkt,Betrag,Aktion\n" + body)
    # the store with three lines the loader rejects, and the same file again under another name
    bad_lines = SALES_CSV + "C7,O71,not a date,10.00,0\n,O72,2024-06-01,10.00,0\nC7,O73,2024-06-01,abc,0\n"
    write(folder, "with_bad_lines.csv", bad_lines)
    write(folder, "with_bad_lines_copy.csv", bad_lines)
    write(folder, "rules.toml", "high_spend_share = 0.5\n")
    write(folder, "broken.toml", "high_spend_share = \n[unclosed\n")
    write(folder, "out_of_range.toml", "high_spend_share = 2.5\n")
    return folder


def hand_runs(folder: Path) -> dict[str, tuple[list[str | Path], Path]]:
    """Every run on the typed-in store: {name: (arguments, output file)}."""
    sales, members = folder / "sales.csv", folder / "members.csv"
    base = ["tiers", "--sales", sales, "--members", members]
    mapping = ["customer_id=Kunde", "order_id=Beleg", "order_date=Zeitpunkt", "amount=Betrag", "is_promo=Aktion"]
    runs: dict[str, tuple[list[str | Path], Path]] = {}
    for suffix in (".csv", ".parquet", ".xlsx"):
        runs[suffix] = ([*base, "--as-of", AS_OF], folder / f"tiers{suffix}")
    runs["default_as_of"] = (base, folder / "default_as_of.csv")
    runs["config"] = ([*base, "--as-of", AS_OF, "--config", folder / "rules.toml"], folder / "with_config.csv")
    runs["map"] = (
        ["tiers", "--sales", folder / "kasse.csv", "--members", members, "--as-of", AS_OF,
         *(arg for pair in mapping for arg in ("--map", pair))],
        folder / "mapped.parquet",
    )  # fmt: skip
    runs["left_out"] = (
        ["tiers", "--sales", folder / "with_bad_lines.csv", "--sales", folder / "with_bad_lines_copy.csv",
         "--members", members, "--as-of", AS_OF],
        folder / "left_out.csv",
    )  # fmt: skip
    runs["out_suffix"] = (["tiers", "--sales", sales], folder / "out.json")
    runs["missing_file"] = (["tiers", "--sales", folder / "no_such_sales.csv"], folder / "bad_missing.csv")
    runs["bad_toml"] = (["tiers", "--sales", sales, "--config", folder / "broken.toml"], folder / "bad_toml.csv")
    runs["bad_value"] = (
        ["tiers", "--sales", sales, "--config", folder / "out_of_range.toml"],
        folder / "bad_value.csv",
    )
    runs["bad_as_of"] = (["tiers", "--sales", sales, "--as-of", "2024-13-45"], folder / "bad_as_of.csv")
    return runs


@pytest.fixture(scope="module")
def results(store: Path) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    """Every hand-built run, started at once and awaited: {name: (completed run, output file)}."""
    started = {name: (start_cli(*args, "--out", out), out) for name, (args, out) in hand_runs(store).items()}
    return {name: (finish(process, timeout=120), out) for name, (process, out) in started.items()}


# ---------------------------------------------------------------- the hand-built store


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_run_succeeds_and_says_what_it_wrote(results, suffix):
    run, out = results[suffix]
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.strip() == f"7 customers as of {AS_OF} -> {out}"
    assert out.is_file()


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_first_twelve_columns(results, suffix):
    frame = read_table(results[suffix][1])
    assert list(frame.columns[:12]) == FIRST_COLUMNS


def test_every_customer_has_the_hand_worked_values(results):
    frame = read_table(results[".parquet"][1])
    assert list(frame["customer_id"]) == list(EXPECTED)  # sorted by customer_id; M8 joined after D: absent
    assert rows(frame, FIRST_COLUMNS[1:] + EXTRA_COLUMNS) == expected_rows(EXPECTED)
    assert list(frame["groups"].iloc[-2:]) == ["", ""]  # no group: the empty string, never NULL


def test_csv_parquet_and_xlsx_read_back_equal(results):
    frames = {suffix: read_table(results[suffix][1]) for suffix in (".csv", ".parquet", ".xlsx")}
    columns = list(frames[".parquet"].columns)
    assert all(list(frame.columns) == columns for frame in frames.values())
    expected = rows(frames[".parquet"], columns[1:])
    assert rows(frames[".csv"], columns[1:]) == expected
    assert rows(frames[".xlsx"], columns[1:]) == expected


def test_as_of_defaults_to_the_last_date_in_the_data(results):
    run, out = results["default_as_of"]
    assert (run.returncode, run.stderr) == (0, "")
    assert f"as of {AS_OF}" in run.stdout  # C2's evening purchase on 2024-06-30 is the last line
    pd.testing.assert_frame_equal(read_table(out), read_table(results[".csv"][1]))


def test_config_with_one_changed_threshold_changes_the_tier(results):
    # high_spend = top 50% of P = {C2 500, C1 270, C4 120, C5 50}: ceil(0.5 * 4) = 2, so C1 joins C2 in high_spend,
    # and high_spend comes before loyal in the tier order. Nothing else changes.
    run, out = results["config"]
    assert (run.returncode, run.stderr) == (0, "")
    expected = {customer: (values[9], values[10]) for customer, values in EXPECTED.items()}
    expected["C1"] = ("high_spend;loyal;promo_frequent", "high_spend")
    assert rows(read_table(out), ["groups", "tier"]) == expected_rows(expected)


def test_map_with_non_standard_headers(results):
    run, out = results["map"]
    assert (run.returncode, run.stderr) == (0, "")
    pd.testing.assert_frame_equal(read_table(out), read_table(results[".parquet"][1]))


def test_lines_left_out_are_counted_on_stderr_and_a_second_copy_is_read_once(results):
    run, out = results["left_out"]
    assert run.returncode == 0, run.stderr
    lines = SALES_CSV.count("\n") - 1 + 3
    first, second = run.stderr.splitlines()
    counts, _, reasons = first.removesuffix(")").partition(" (")
    assert counts == f"with_bad_lines.csv: read {lines}, kept {lines - 3}, left out 3"
    assert sorted(reasons.split(", ")) == ["missing customer id 1", "unreadable amount 1", "unreadable date 1"]
    assert second == "with_bad_lines_copy.csv: the same content as a file given before; read once"
    pd.testing.assert_frame_equal(read_table(out), read_table(results[".csv"][1]))


# ---------------------------------------------------------------- bad input: one line on stderr, non-zero exit


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        pytest.param("out_suffix", "out.json", id="unknown-output-suffix"),
        pytest.param("missing_file", "no_such_sales.csv", id="missing-sales-file"),
        pytest.param("bad_toml", "broken.toml", id="toml-syntax-error"),
        pytest.param("bad_value", "high_spend_share", id="toml-value-out-of-range"),
        pytest.param("bad_as_of", "2024-13-45", id="bad-as-of"),
    ],
)
def test_bad_input_fails_with_one_line(results, name, needle):
    run, out = results[name]
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert run.stderr.startswith("error: ")
    assert needle in run.stderr
    assert not out.exists()


# ---------------------------------------------------------------- the real data (UCI Online Retail)


@pytest.fixture(scope="module")
def real_finished(real_run) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The whole folder through `tiers --sales <folder>` (default as-of): the finished run and its output."""
    need(real_run is not None, f"the real data folder {REAL_DATA.resolve()}", "put it beside the clone (../shared)")
    process, out = real_run
    run = finish(process)
    assert run.returncode == 0, run.stderr
    return run, out


@pytest.fixture(scope="module")
def real_tiers(real_finished) -> pd.DataFrame:
    """The real run's tier table, indexed by customer."""
    return pd.read_parquet(real_finished[1]).set_index("customer_id")


def test_real_data_lines_without_a_customer_are_counted_in_one_line(real_finished, real_lines):
    files = len(list(REAL_DATA.glob("*.csv")))
    no_customer = int(real_lines["CustomerID"].isna().sum())
    assert no_customer > 100_000  # the UCI file's guest lines
    read = len(real_lines)
    assert real_finished[0].stderr == (
        f"{files} files: read {read}, kept {read - no_customer}, left out {no_customer} "
        f"(missing customer id {no_customer})\n"
    )


@pytest.fixture(scope="module")
def real_lines() -> pd.DataFrame:
    """Every raw line as text, as pandas reads the daily CSVs."""
    need(REAL_DATA.is_dir(), f"the real data folder {REAL_DATA.resolve()}", "put it beside the clone (../shared)")
    files = sorted(REAL_DATA.glob("*.csv"))
    return pd.concat([pd.read_csv(path, dtype=str) for path in files], ignore_index=True)


@pytest.fixture(scope="module")
def real_as_of(real_lines) -> date:
    """The last date in the data."""
    return pd.to_datetime(real_lines["InvoiceDate"]).max().date()


def independent_rfm(lines: pd.DataFrame, customer: str, as_of: date) -> tuple[int, int, Decimal]:
    """(recency_days, frequency, monetary) of one customer, from its raw lines, by the spec's definitions."""
    mine = lines[lines["CustomerID"].str.replace(r"\.0$", "", regex=True) == customer].copy()
    cent = Decimal("0.01")
    mine["amount"] = [
        (Decimal(quantity) * Decimal(price)).quantize(cent, rounding=ROUND_HALF_UP)
        for quantity, price in zip(mine["Quantity"], mine["UnitPrice"], strict=True)
    ]
    mine["day"] = pd.to_datetime(mine["InvoiceDate"]).dt.date
    mine["age"] = [(as_of - day).days for day in mine["day"]]
    orders = mine.groupby("InvoiceNo").agg(age=("age", "max"), value=("amount", "sum"))
    purchases = orders[orders["value"] > 0]
    recency = int(purchases["age"].min())
    frequency = int((purchases["age"] < 730).sum())
    monetary = sum(mine.loc[mine["age"] < 730, "amount"], Decimal(0))
    return recency, frequency, monetary


def test_real_data_as_of_is_the_last_date(real_tiers, real_lines, real_as_of):
    assert real_as_of == date(2011, 12, 9)
    assert pd.to_datetime(real_tiers["last_purchase"]).max().date() == real_as_of
    assert len(real_tiers) == real_lines["CustomerID"].nunique()


@pytest.mark.parametrize(
    "customer",
    [
        pytest.param("12347", id="12347-regular-buyer"),
        pytest.param("17850", id="17850-early-heavy-buyer-with-cancellations"),
        pytest.param("14646", id="14646-largest-spender"),
        pytest.param("12346", id="12346-one-order-fully-cancelled"),
    ],
)
def test_real_data_rfm_matches_pandas(real_tiers, real_lines, real_as_of, customer):
    recency, frequency, monetary = independent_rfm(real_lines, customer, real_as_of)
    row = real_tiers.loc[customer]
    assert (row["recency_days"], row["frequency"]) == (recency, frequency)
    assert Decimal(str(row["monetary"])).quantize(Decimal("0.01")) == monetary


def test_real_data_cancellations_are_in_the_picked_customers(real_lines):
    """The cases above cover cancellations: 17850 and 12346 have C-invoices, 12346 nets to zero."""
    ids = real_lines["CustomerID"].str.replace(r"\.0$", "", regex=True)
    cancelled = set(ids[real_lines["InvoiceNo"].str.startswith("C")].dropna())
    assert {"17850", "12346"} <= cancelled
