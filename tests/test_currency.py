"""Each dataset's currency: guessed from the file, kept per dataset, chosen by the owner, shown with amounts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from segcore.access import owner
from segcore.currency import dataset_currency, guess_currency, set_dataset_currency
from segcore.errors import InputError
from segcore.ingest import load_file, preview_file
from segcore.schema import create_tables
from segcore.workspace import Workspace

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

LOADED_AT = datetime(2026, 12, 1, 9, 0)


@pytest.mark.parametrize(
    "headers, rows, expected",
    [
        (("单号", "会员号", "金额(元)"), [("1", "a", "10")], "CNY"),
        (("Invoice", "Customer", "Price £"), [("1", "a", "10")], "GBP"),
        (("Invoice", "Customer", "Amount"), [("1", "a", "€12,50")], "EUR"),
        (("Invoice", "Customer", "Amount"), [("1", "a", "HK$120")], "HKD"),
        (("Invoice", "Customer", "Amount", "Country"), [("1", "a", "3", "United Kingdom")] * 3, "GBP"),
        (("Invoice", "Customer", "Amount", "Country"), [("1", "a", "3", "France")], "EUR"),
        (("订单号", "顾客", "金额"), [("1", "a", "10")], "CNY"),
        (("Invoice", "Customer", "Amount"), [("1", "a", "10")], None),
    ],
    ids=["yuan-header", "pound-header", "euro-cell", "hkd-cell", "uk-country", "france", "chinese-headers", "none"],
)
def test_guess_currency(headers: tuple[str, ...], rows: list[tuple[str, ...]], expected: str | None) -> None:
    assert guess_currency(headers, rows) == expected


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_load_keeps_the_guess_and_the_owners_choice_wins(tmp_path: Path) -> None:
    uk = _csv(
        tmp_path,
        "uk.csv",
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Country\n"
        "1,c1,2026-01-02,2,3.5,United Kingdom\n2,c2,2026-01-03,1,9,United Kingdom\n",
    )
    assert preview_file(uk, "sales").currency == "GBP"
    con = duckdb.connect()
    create_tables(con)
    load_file(con, "uk", uk, "sales", loaded_at=LOADED_AT, access=OWNER)
    assert dataset_currency(con, "uk") == "GBP"
    assert dataset_currency(con, "other") == "CNY"
    load_file(con, "chosen", uk, "sales", loaded_at=LOADED_AT, currency="EUR", access=OWNER)
    assert dataset_currency(con, "chosen") == "EUR"
    set_dataset_currency(con, "uk", "USD")
    assert dataset_currency(con, "uk") == "USD"
    with pytest.raises(InputError) as caught:
        set_dataset_currency(con, "uk", "XXX")
    assert "XXX" in caught.value.message("en")


def test_default_dataset_is_the_demo_until_the_owner_chooses(tmp_path: Path) -> None:
    sales = _csv(tmp_path, "s.csv", "订单号,会员号,日期,金额\n1,c1,2026-01-02,10\n")
    ws = Workspace(tmp_path / "ws.duckdb")
    with ws.writer() as con:
        create_tables(con)
        load_file(con, "demo", sales, "sales", loaded_at=LOADED_AT, is_demo=True, access=OWNER)
        load_file(con, "mine", sales, "sales", loaded_at=LOADED_AT, access=OWNER)
    assert ws.default_dataset() == "demo"
    ws.set_default_dataset("mine", access=OWNER)
    assert ws.default_dataset() == "mine"
    assert ws.currency("mine") == "CNY"
    ws.delete_dataset("mine", access=OWNER)
    assert ws.default_dataset() == "demo"
    with pytest.raises(InputError):
        ws.set_default_dataset("gone", access=OWNER)
