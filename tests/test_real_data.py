"""The real UCI Online Retail files (../shared/data/online_retail), loaded through the CLI like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "online_retail"
LINES, KEPT, CUSTOMERS = 541_909, 406_829, 4_372


@pytest.fixture(autouse=True)
def _real_data_folder() -> None:
    """Skip without the folder; under CI=true (where ../shared is beside the clone) fail with a one-line reason."""
    need(DATA.is_dir(), f"the real data folder {DATA.resolve()}", "put it beside the clone (../shared)")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[dict]]]:
    """Every daily CSV loaded by `python -m segcore ingest --sales <folder>`: the workspace and the JSON reports."""
    workspace = tmp_path_factory.mktemp("real") / "ws.duckdb"
    command = [sys.executable, "-m", "segcore", "ingest", "--dataset", "uci", "--sales", str(DATA)]
    env = {key: value for key, value in os.environ.items() if key != "SEGCORE_DEBUG"}
    run = subprocess.run(
        [*command, "--workspace", str(workspace), "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    assert (run.returncode, run.stderr) == (0, "")
    con = duckdb.connect(str(workspace), read_only=True)
    yield con, [json.loads(line) for line in run.stdout.splitlines()]
    con.close()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """All daily CSVs read by pandas as text (empty CustomerID is NaN)."""
    return pd.concat([pd.read_csv(path, dtype=str) for path in sorted(DATA.glob("*.csv"))], ignore_index=True)


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchall()[0]


def test_every_file_is_loaded_with_the_guessed_mapping(loaded):
    con, reports = loaded
    assert [report["status"] for report in reports] == ["loaded"] * len(list(DATA.glob("*.csv")))
    mappings = con.execute("select distinct cast(mapping as varchar) from loads").fetchall()
    assert [json.loads(m) for (m,) in mappings] == [
        {
            "customer_id": "CustomerID",
            "order_id": "InvoiceNo",
            "order_date": "InvoiceDate",
            "quantity": "Quantity",
            "unit_price": "UnitPrice",
            "product": "Description",
        }
    ]


def test_lines_kept_and_customers(loaded):
    con, _ = loaded
    assert one(con, "select sum(rows_read), sum(rows_kept) from loads") == (LINES, KEPT)
    assert one(con, "select count(*), count(distinct customer_id) from sales") == (KEPT, CUSTOMERS)


def test_rejects_are_exactly_the_lines_without_customer_id(loaded):
    con, _ = loaded
    rejects = con.execute("select reason, count(*) from rejects group by reason").fetchall()
    assert rejects == [("missing_customer_id", LINES - KEPT)]


def test_cancellations_are_negative_and_counted_as_refunds(loaded, raw):
    con, reports = loaded
    with_customer = raw[raw["CustomerID"].notna()]
    cancellations = int(with_customer["InvoiceNo"].str.startswith("C").sum())
    stored = one(con, "select count(*), count(*) filter (where amount < 0) from sales where order_id like 'C%'")
    assert stored == (cancellations, cancellations)
    assert sum(report["refund_lines"] for report in reports) == cancellations  # the only refunds with a customer


def test_kept_amounts_match_an_independent_pandas_sum(loaded, raw):
    con, _ = loaded
    with_customer = raw[raw["CustomerID"].notna()]
    cent = Decimal("0.01")
    lines = [
        (Decimal(quantity) * Decimal(price)).quantize(cent, rounding=ROUND_HALF_UP)
        for quantity, price in zip(with_customer["Quantity"], with_customer["UnitPrice"], strict=True)
    ]
    assert one(con, "select sum(amount) from sales")[0] == sum(lines, Decimal(0))


def test_country_is_kept_as_an_attribute_and_described_by_persona(loaded, tmp_path):
    """Issue 16: StockCode and Country are no canonical column, so they are kept as attributes: Country as text,
    StockCode as a number in a file whose kept codes are all plain numbers and as text in the others. The persona's
    base counts of Country are checked against pandas: each customer's country is the one on most of their lines
    (ties: the latest line)."""
    con, reports = loaded
    assert {tuple(sorted(r["extra_columns"])) for r in reports} == {("Country", "StockCode")}
    frames = []
    for path in sorted(DATA.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str)
        frames.append(frame.assign(day=path.stem, line_no=range(1, len(frame) + 1)))
    lines = pd.concat(frames, ignore_index=True)
    lines = lines[lines["CustomerID"].notna()]
    plain = lines["StockCode"].str.strip().str.fullmatch(r"(0|[1-9][0-9]*)(\.[0-9]+)?")
    code_kinds = {"number" if every else "text" for every in plain.groupby(lines["day"]).all()}
    kinds = dict(
        con.execute(
            "select name, string_agg(distinct kind, ',' order by kind) from extra_columns group by 1"
        ).fetchall()
    )
    assert kinds == {"Country": "text", "StockCode": ",".join(sorted(code_kinds))}

    lines = lines.assign(customer=lines["CustomerID"].str.replace(r"\.0+$", "", regex=True))
    per = lines.groupby(["customer", "Country"]).agg(n=("line_no", "size"), day=("day", "max"))
    per["latest"] = lines.groupby(["customer", "Country"]).apply(
        lambda g: max(zip(g["day"], g["line_no"], strict=True)), include_groups=False
    )
    per = per.reset_index().sort_values(["customer", "n", "latest", "Country"])
    country = per.groupby("customer").tail(1).set_index("customer")["Country"]
    expected = country.value_counts()

    workspace = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()
    out = tmp_path / "persona.csv"
    run = subprocess.run(
        [sys.executable, "-m", "segcore", "persona", "--dataset", "uci", "--workspace", workspace[0][0],
         "--segment", "high_spend", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    got = table[table["attribute"] == "Country"].set_index("value")["base_count"]
    assert got.sum() == CUSTOMERS
    assert got.to_dict() == expected.to_dict()
