"""The fast reading paths (typed Parquet columns, cheap forms of the text parsers) store exactly what the text
parsers store: every file is loaded both ways (and Parquet also through the old Arrow route) and compared, and the
stored rows are checked against values typed by hand."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import segcore.ingest
import segcore.sources
from segcore.access import owner
from segcore.ingest import LoadReport, load_file
from segcore.schema import create_tables
from segcore.sql import NO_EXTENSIONS

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

LOADED_AT = datetime(2026, 11, 22, 12, 0)
TABLES = ("sales", "members", "rejects", "loads")
SALES = "customer_id, order_id, order_date, amount, is_promo, quantity, unit_price"
MEMBERS = "customer_id, phone, birthday, join_date, points, wechat, extra"


@contextlib.contextmanager
def _arrow_route(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Parquet read through pyarrow and staged as text, as before the in-place reader."""

    @contextlib.contextmanager
    def never(*args: object) -> Iterator[None]:
        yield None

    with monkeypatch.context() as patch:
        patch.setattr(segcore.sources, "_parquet_in_place", never)
        yield


def _load(path: Path, kind: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, LoadReport]:
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        create_tables(con)
        with monkeypatch.context() as patch:
            patch.setattr(segcore.ingest, "FAST_PATHS", fast)
            report = load_file(con, "d", path, kind, loaded_at=LOADED_AT, access=OWNER)
        stored = {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}
        stored["shown"] = con.execute(
            f"select {SALES if kind == 'sales' else MEMBERS} from {kind} order by all"
        ).fetchall()
    finally:
        con.close()
    return stored, report


def load_both(path: Path, monkeypatch: pytest.MonkeyPatch, kind: str = "sales") -> tuple[list[tuple], LoadReport]:
    """Load `path` with the fast paths and with the text parsers only (and, for Parquet, through the Arrow route);
    assert every stored table and the quality report are the same; return the stored rows and the report."""
    fast, fast_report = _load(path, kind, fast=True, monkeypatch=monkeypatch)
    text, text_report = _load(path, kind, fast=False, monkeypatch=monkeypatch)
    assert fast == text
    assert fast_report.to_dict() == text_report.to_dict()
    if path.suffix == ".parquet":
        with _arrow_route(monkeypatch):
            arrow, arrow_report = _load(path, kind, fast=False, monkeypatch=monkeypatch)
        assert fast == arrow
        assert fast_report.to_dict() == arrow_report.to_dict()
    return fast["shown"], fast_report


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_parquet(path: Path, columns: dict[str, pa.Array]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


# --- Parquet with typed columns ----------------------------------------------------------------------------------


def test_parquet_timestamp_decimal_boolean_and_integer_ids(tmp_path, monkeypatch):
    path = write_parquet(
        tmp_path / "s.parquet",
        {
            "customer_id": pa.array([17850, 13047, None, 42], pa.int64()),  # ids become text
            "order_id": pa.array(["000123", "0", "x", None]),  # leading zeros stay
            "order_date": pa.array(
                [datetime(2024, 3, 5, 10, 30), datetime(2024, 3, 6, 0, 0, 0, 250000), datetime(2024, 3, 7), None],
                pa.timestamp("us"),
            ),
            "amount": pa.array(
                [Decimal("88.50"), Decimal("-12.00"), Decimal("1.00"), Decimal("5.00")], pa.decimal128(18, 2)
            ),
            "is_promo": pa.array([True, False, None, True]),
        },
    )
    stored, report = load_both(path, monkeypatch)
    assert stored == [
        ("13047", "0", datetime(2024, 3, 6, 0, 0, 0, 250000), Decimal("-12.00"), False, None, None),
        ("17850", "000123", datetime(2024, 3, 5, 10, 30), Decimal("88.50"), True, None, None),
    ]
    assert (report.rows_read, report.rejects_by_reason, report.warnings) == (
        4,
        {"bad_date": 1, "missing_customer_id": 1},
        {},
    )
    assert report.number_formats == {}


def test_parquet_dates_and_double_amounts_with_fractions_of_a_cent(tmp_path, monkeypatch):
    path = write_parquet(
        tmp_path / "s.parquet",
        {
            "会员卡号": pa.array(["A", "B", "C", "D", "E", "F"]),
            "消费时间": pa.array(
                [date(2024, 1, d) for d in (2, 3)] + [date(1989, 12, 31)] + [date(2024, 1, d) for d in (4, 5, 6)],
                pa.date32(),
            ),
            # 10.125 has a fraction of a cent (stored rounded, counted); 0.1 + 0.2 is not a 4-decimal value, so the
            # text parser reads it; 1e20 and NaN are unreadable amounts
            "实收金额": pa.array([10.125, 0.1 + 0.2, 5.0, 1e20, float("nan"), 17850.0], pa.float64()),
        },
    )
    stored, report = load_both(path, monkeypatch)
    assert stored == [
        ("A", None, datetime(2024, 1, 2), Decimal("10.13"), None, None, None),
        ("B", None, datetime(2024, 1, 3), Decimal("0.30"), None, None, None),
        ("F", None, datetime(2024, 1, 6), Decimal("17850.00"), None, None, None),
    ]
    assert report.rejects_by_reason == {"bad_amount": 2, "implausible_date": 1}
    assert (report.warnings, report.examples["amount_rounded"]) == ({"amount_rounded": 1}, ["row 1: 10.125"])


def test_parquet_date_outside_years_1_to_9999_is_read_by_the_text_parser(tmp_path, monkeypatch):
    days = pa.array([19_787, -800_000, None], pa.int32()).cast(pa.date32())  # 2024-03-05, a date BC, empty
    path = write_parquet(
        tmp_path / "s.parquet",
        {
            "customer_id": pa.array(["A", "B", "C"]),
            "order_date": days,
            "amount": pa.array([1, 2, 3], pa.int32()),
        },
    )
    stored, report = load_both(path, monkeypatch)
    assert stored == [("A", None, datetime(2024, 3, 5), Decimal("1.00"), None, None, None)]
    # the text of a date BC ('0221-09-03 (BC)') reads as that date, before 1990
    assert report.rejects_by_reason == {"bad_date": 1, "implausible_date": 1}


def test_parquet_quantity_and_unit_price_without_an_amount(tmp_path, monkeypatch):
    path = write_parquet(
        tmp_path / "s.parquet",
        {
            "CustomerID": pa.array([17850.0, 13047.0, 1.2345678901234568e17]),  # a float id above 2^53: mangled
            "InvoiceDate": pa.array([datetime(2010, 12, 1, 8, 26)] * 3, pa.timestamp("ms")),
            "Quantity": pa.array([6, -1, 1], pa.int64()),
            "UnitPrice": pa.array([2.55, 3.39, 1.0]),
        },
    )
    stored, report = load_both(path, monkeypatch)
    assert stored == [
        ("13047", None, datetime(2010, 12, 1, 8, 26), Decimal("-3.39"), None, -1.0, 3.39),
        ("17850", None, datetime(2010, 12, 1, 8, 26), Decimal("15.30"), None, 6.0, 2.55),
    ]
    assert report.rejects_by_reason == {"mangled_id": 1}


def test_parquet_members_typed_columns(tmp_path, monkeypatch):
    path = write_parquet(
        tmp_path / "m.parquet",
        {
            "会员卡号": pa.array(["007", "M2", "M3"]),
            "手机号": pa.array([13812345678.0, 1.38e20, None]),  # a phone above 2^53 lost its digits
            "生日": pa.array([date(1990, 5, 1), date(1800, 1, 1), None], pa.date32()),
            "入会日期": pa.array([datetime(2023, 1, 2, 9), None, datetime(2023, 2, 3)], pa.timestamp("s")),
            "积分": pa.array([Decimal("120.5000"), Decimal("0.0000"), None], pa.decimal128(18, 4)),
            "微信授权": pa.array([True, None, False]),
            "等级": pa.array([1, 2, None], pa.int16()),
        },
    )
    stored, report = load_both(path, monkeypatch, "members")
    assert stored == [
        ("007", "13812345678", date(1990, 5, 1), date(2023, 1, 2), 120.5, True, '{"等级":"1"}'),
        ("M2", None, None, None, 0.0, False, '{"等级":"2"}'),
        ("M3", None, None, date(2023, 2, 3), None, False, '{"等级":null}'),
    ]
    assert report.warnings == {"implausible_birthday": 1, "mangled_phone": 1}


# --- CSV ---------------------------------------------------------------------------------------------------------


def test_csv_clean_iso_dates_plain_amounts_and_leading_zero_ids(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "s.csv",
        "会员卡号,订单号,消费时间,实收金额,是否促销\n"
        "00123,0001,2024-03-05 10:30:00,88.50,是\n"
        "007,0002,2024-03-06,12.00,否\n"
        "17850.0,3,2024-03-07T08:00:00,-5.5,\n",
    )
    stored, report = load_both(path, monkeypatch)
    assert stored == [
        ("00123", "0001", datetime(2024, 3, 5, 10, 30), Decimal("88.50"), True, None, None),
        ("007", "0002", datetime(2024, 3, 6), Decimal("12.00"), False, None, None),
        ("17850", "3", datetime(2024, 3, 7, 8), Decimal("-5.50"), False, None, None),
    ]
    assert (report.rejects_by_reason, report.warnings, report.number_formats) == ({}, {}, {})


def test_csv_mixed_quality_column_falls_back_per_line_and_counts_as_before(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "s.csv",
        "会员卡号,消费时间,实收金额,是否促销\n"
        "A, 2024-03-05 ,88.50,Y\n"  # spaces around a date; Y is a flag in another case
        "B,2024/3/6,¥12.00,maybe\n"  # a slash date, a currency sign, a flag nobody knows
        "C,2024-13-45,1.00,是\n"  # not a date
        'D,2024年3月7日,"1,234.50",否\n'
        "E,45000,10.125,否\n"  # a lone serial day is not a date; a fraction of a cent
        "1.38E+10,2024-03-08,3,否\n"  # an id in scientific notation
        "F,2024-03-09,abc,否\n",
    )
    stored, report = load_both(path, monkeypatch)
    assert stored == [
        ("A", None, datetime(2024, 3, 5), Decimal("88.50"), True, None, None),
        ("B", None, datetime(2024, 3, 6), Decimal("12.00"), False, None, None),
        ("D", None, datetime(2024, 3, 7), Decimal("1234.50"), False, None, None),
    ]
    assert report.rejects_by_reason == {"bad_amount": 1, "bad_date": 2, "mangled_id": 1}
    assert report.warnings == {"promo_unrecognised": 1}
    assert report.examples["bad_date"] == ["row 3: 2024-13-45", "row 5: 45000"]


def test_csv_decimal_comma_column_reads_as_before(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "s.csv",
        "customer_id;order_date;amount;quantity\nA;2024-03-05;1.234,50;2\nB;2024-03-06;12,5;1.000\nC;2024-03-07;7;3\n",
    )
    stored, report = load_both(path, monkeypatch)
    assert stored == [
        ("A", None, datetime(2024, 3, 5), Decimal("1234.50"), None, 2.0, None),
        ("B", None, datetime(2024, 3, 6), Decimal("12.50"), None, None, None),
        ("C", None, datetime(2024, 3, 7), Decimal("7.00"), None, 3.0, None),
    ]
    assert report.number_formats == {"amount": "eu"}


def test_csv_excel_serial_dates_column(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "s.csv", "customer_id,order_date,amount\nA,45000,1\nB,45001.5,2\nC,2024-03-05,3\n")
    stored, report = load_both(path, monkeypatch)
    assert stored == [
        ("A", None, datetime(2023, 3, 15), Decimal("1.00"), None, None, None),
        ("B", None, datetime(2023, 3, 16, 12), Decimal("2.00"), None, None, None),
        ("C", None, datetime(2024, 3, 5), Decimal("3.00"), None, None, None),
    ]
    assert report.warnings == {"excel_serial_dates": 2}


def test_csv_promo_flags_in_every_spelling(tmp_path, monkeypatch):
    flags = ["是", "否", "Y", " yes ", "TRUE", "1.0", "√", "×", "-", "Off", "促销", "", "maybe", "\u3000是"]
    lines = "".join(f"C{i},2024-03-05,1,{flag}\n" for i, flag in enumerate(flags))
    path = write_csv(tmp_path / "s.csv", "customer_id,order_date,amount,is_promo\n" + lines)
    stored, report = load_both(path, monkeypatch)
    promo = {row[0]: row[4] for row in stored}
    assert [promo[f"C{i}"] for i in range(len(flags))] == [
        True, False, True, True, True, True, True, False, False, False, True, False, False, True,
    ]  # fmt: skip
    assert (report.warnings, report.examples["promo_unrecognised"]) == ({"promo_unrecognised": 1}, ["row 13: maybe"])
