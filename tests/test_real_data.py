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
