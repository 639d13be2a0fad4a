"""`--map canonical=source` completes the guessed mapping: the given columns win, every other column is still
recognised by its header, and no source column is used twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from segcore.mapping import complete_mapping

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("headers", "explicit", "expected"),
    [
        pytest.param(
            ["会员卡号", "ts", "实收金额", "门店"],
            {"order_date": "ts"},
            {"customer_id": "会员卡号", "order_date": "ts", "amount": "实收金额", "store": "门店"},
            id="one-entry-the-rest-guessed",
        ),
        pytest.param(
            ["customer_id", "order_date", "amount", "Betrag"],
            {"amount": "Betrag"},
            {"customer_id": "customer_id", "order_date": "order_date", "amount": "Betrag"},
            id="explicit-wins-over-the-guess-of-the-same-column",
        ),
        pytest.param(
            ["customer_id", "order_date", "amount", "store", "shop"],
            {"channel": "store"},
            {
                "customer_id": "customer_id",
                "order_date": "order_date",
                "amount": "amount",
                "store": "shop",
                "channel": "store",
            },
            id="column-taken-by-the-user-is-guessed-again-elsewhere",
        ),
        pytest.param(
            ["customer_id", "order_date", "amount", "store"],
            {"channel": "store"},
            {"customer_id": "customer_id", "order_date": "order_date", "amount": "amount", "channel": "store"},
            id="column-taken-by-the-user-without-another-candidate-is-left-out",
        ),
        pytest.param(
            ["customer_id", "date", "amount"],
            {"order_date": "date", "amount": "amount"},
            {"customer_id": "customer_id", "order_date": "date", "amount": "amount"},
            id="entries-equal-to-the-guess",
        ),
        pytest.param(
            ["customer_id", "date", "amount"],
            {"colour": "amount"},
            {"customer_id": "customer_id", "order_date": "date", "colour": "amount"},
            id="unknown-canonical-kept-for-check-mapping-to-refuse",
        ),
    ],
)
def test_complete_mapping(headers: list[str], explicit: dict[str, str], expected: dict[str, str]) -> None:
    assert complete_mapping(explicit, headers, "sales") == expected


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SEGCORE_DEBUG"} | {"SEGCORE_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "segcore", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


_STORED_SQL = """
select customer_id, order_id, order_date, amount, store, channel
from sales
where dataset_id = 'shop'
order by line_no
"""


def _ingest(tmp_path: Path, csv: str, *maps: str) -> list[tuple[object, ...]]:
    """Ingest the typed file with these --map entries; the stored sales rows."""
    sales = tmp_path / "sales.csv"
    sales.write_text(csv, encoding="utf-8")
    workspace = tmp_path / "ws.duckdb"
    map_args = [arg for entry in maps for arg in ("--map", entry)]
    run = _cli("ingest", "--dataset", "shop", "--sales", sales, *map_args, "--workspace", workspace)
    assert (run.returncode, run.stderr) == (0, ""), run.stderr
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        return con.execute(_STORED_SQL).fetchall()
    finally:
        con.close()


def test_one_map_entry_keeps_the_other_columns_found_by_name(tmp_path: Path) -> None:
    rows = _ingest(
        tmp_path,
        "会员卡号,小票号,ts,实收金额,门店\nA1,T1,2024-03-05 10:00:00,12.50,东门\nB2,T2,2024-03-06 11:30:00,7.00,西门\n",
        "order_date=ts",
    )
    assert rows == [
        ("A1", "T1", datetime(2024, 3, 5, 10, 0), Decimal("12.50"), "东门", None),
        ("B2", "T2", datetime(2024, 3, 6, 11, 30), Decimal("7.00"), "西门", None),
    ]


def test_the_explicit_column_wins_over_the_guessed_one(tmp_path: Path) -> None:
    rows = _ingest(
        tmp_path,
        "customer_id,order_date,amount,Betrag\nA1,2024-03-05,1.00,100.00\nB2,2024-03-06,2.00,200.00\n",
        "amount=Betrag",
    )
    assert [(r[0], r[3]) for r in rows] == [("A1", Decimal("100.00")), ("B2", Decimal("200.00"))]


def test_a_column_the_user_took_is_not_used_twice(tmp_path: Path) -> None:
    rows = _ingest(
        tmp_path,
        "customer_id,order_date,amount,store,shop\nA1,2024-03-05,10,web,东门\nB2,2024-03-06,20,app,西门\n",
        "channel=store",
    )
    assert [(r[0], r[4], r[5]) for r in rows] == [("A1", "东门", "web"), ("B2", "西门", "app")]


def test_the_stored_mapping_is_the_completed_one(tmp_path: Path) -> None:
    _ingest(tmp_path, "会员卡号,ts,实收金额\nA1,2024-03-05,12.50\n", "order_date=ts")
    con = duckdb.connect(str(tmp_path / "ws.duckdb"), read_only=True)
    try:
        stored = con.execute("select cast(mapping as varchar) from loads").fetchall()
    finally:
        con.close()
    assert [json.loads(text) for (text,) in stored] == [
        {"customer_id": "会员卡号", "order_date": "ts", "amount": "实收金额"}
    ]


def test_tiers_with_a_partial_map_equals_tiers_on_standard_headers(tmp_path: Path) -> None:
    lines = ["C1,2024-03-05 10:00:00,12.50", "C1,2024-04-01 09:00:00,30.00", "C2,2024-04-02 18:00:00,7.00"]
    (tmp_path / "standard.csv").write_text("customer_id,order_date,amount\n" + "\n".join(lines) + "\n")
    (tmp_path / "odd.csv").write_text("customer_id,when,amount\n" + "\n".join(lines) + "\n")
    standard = _cli("tiers", "--sales", tmp_path / "standard.csv", "--out", tmp_path / "a.csv")
    odd = _cli("tiers", "--sales", tmp_path / "odd.csv", "--map", "order_date=when", "--out", tmp_path / "b.csv")
    assert (standard.returncode, standard.stderr, odd.returncode, odd.stderr) == (0, "", 0, "")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()[1].startswith("C1,1,2,42.5,")
