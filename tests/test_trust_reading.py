"""Issue 10, section 2 (reading files): every case here was misread, refused or silently damaged before.

Each test types its file by hand and states the exact values the file means.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from segcore.access import owner
from segcore.errors import InputError
from segcore.ingest import FileSpec, LoadReport, load_file, load_files
from segcore.schema import create_tables
from tests.helpers import snapshot

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
LOADED_AT = datetime(2026, 11, 22, 12, 0)


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load(con: duckdb.DuckDBPyConnection, path: Path, kind: str = "sales", **options: object) -> LoadReport:
    return load_file(con, "d", path, kind, loaded_at=LOADED_AT, **options, access=OWNER)  # type: ignore[arg-type]


def sales(con: duckdb.DuckDBPyConnection, columns: str = "customer_id, amount") -> list[tuple]:
    return con.execute(f"select {columns} from sales order by line_no").fetchall()


def rejects(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("select line_no, reason from rejects order by line_no").fetchall()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SEGCORE_DEBUG"} | {"SEGCORE_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "segcore", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


# --- quoted line breaks ------------------------------------------------------------------------------------------


def test_members_file_with_a_line_break_inside_a_quoted_address_loads(con, tmp_path):
    path = write(
        tmp_path / "m.csv",
        '会员卡号,姓名,地址,手机号\r\nM1,张三,"上海市静安区\r\n南京西路1号",13800000001\r\nM2,李四,北京,13800000002\r\n',
    )
    report = load(con, path, "members")
    assert (report.rows_read, report.rows_kept) == (2, 2)
    stored = con.execute("select customer_id, phone, extra from members order by customer_id").fetchall()
    assert [(c, p, json.loads(e)) for c, p, e in stored] == [
        ("M1", "13800000001", {"地址": "上海市静安区\r\n南京西路1号"}),
        ("M2", "13800000002", {"地址": "北京"}),
    ]


def test_sales_file_with_a_quoted_line_break_loads_through_the_cli(tmp_path):
    text = '会员卡号,消费时间,实收金额,备注\nA,2024-03-05,10,"第一行\n第二行"\nB,2024-03-06,20,\n'
    path = write(tmp_path / "s.csv", text)
    run = run_cli("ingest", "--dataset", "d", "--sales", str(path), "--workspace", str(tmp_path / "w.duckdb"))
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith("s.csv: read 2, kept 2, rejected 0 (none)")


@pytest.mark.parametrize("end", ["\n", "\r\n", ""], ids=["lf", "crlf", "no-final-newline"])
def test_a_line_break_in_the_last_row_loads(con, tmp_path, end):
    text = '会员卡号,姓名,地址,入会日期\nC1,张三,上海,2023-01-01\nC2,李四,"北京市\n朝阳区",2023-02-01' + end
    report = load(con, write(tmp_path / "m.csv", text), "members")
    assert (report.rows_read, report.rows_kept) == (2, 2)
    stored = con.execute("select customer_id, join_date, extra from members order by customer_id").fetchall()
    assert [(c, str(d), json.loads(e)) for c, d, e in stored] == [
        ("C1", "2023-01-01", {"地址": "上海"}),
        ("C2", "2023-02-01", {"地址": "北京市\n朝阳区"}),
    ]


def test_unclosed_quote_in_a_utf16_file_is_refused(con, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text('会员卡号,消费时间,实收金额\nA,"2024-03-05,10\nB,2024-03-06,20\n', encoding="utf-16")
    with pytest.raises(InputError) as caught:
        load(con, path)
    assert caught.value.code == "unterminated_quote"


def test_unclosed_quote_is_refused_not_swallowed(con, tmp_path):
    path = write(tmp_path / "s.csv", '会员卡号,消费时间,实收金额\nA,"2024-03-05,10\nB,2024-03-06,20\n')
    with pytest.raises(InputError) as caught:
        load(con, path)
    assert (caught.value.code, caught.value.details) == ("unterminated_quote", {"row": 1})


# --- money ------------------------------------------------------------------------------------------------------


def test_decimal_comma_column_is_read_as_meant(con, tmp_path):
    text = "会员卡号;消费时间;实收金额\nA;2024-03-05;1.234,50\nB;2024-03-05;12,5\nC;2024-03-05;7\n"
    path = write(tmp_path / "s.csv", text)
    report = load(con, path)
    assert sales(con) == [("A", Decimal("1234.50")), ("B", Decimal("12.50")), ("C", Decimal("7.00"))]
    assert report.number_formats == {"amount": "eu"}


def test_quoted_decimal_comma_in_a_comma_file(con, tmp_path):
    load(con, write(tmp_path / "s.csv", '会员卡号,消费时间,实收金额\nA,2024-03-05,"12,5"\nB,2024-03-05,"3,75"\n'))
    assert sales(con) == [("A", Decimal("12.50")), ("B", Decimal("3.75"))]


def test_unquoted_yen_thousands_is_rejected_not_read_as_one(con, tmp_path):
    path = write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,¥1,234.50\nB,2024-03-05,8.00\n")
    report = load(con, path)
    assert sales(con) == [("B", Decimal("8.00"))]
    assert rejects(con) == [(1, "extra_fields")]
    assert (report.rejects_by_reason, report.examples["extra_fields"]) == ({"extra_fields": 1}, ["row 1"])


@pytest.mark.parametrize(
    ("amounts", "kept", "rejected"),
    [
        pytest.param(["1.234"], [], [(1, "ambiguous_amount")], id="dot_three_decimals_alone"),
        pytest.param(["1.234", "5.50"], [Decimal("1.23"), Decimal("5.50")], [], id="dot_decimals_elsewhere"),
        pytest.param(["1.234", "5,50"], [Decimal("1234.00"), Decimal("5.50")], [], id="comma_decimals_elsewhere"),
        pytest.param(["1,234"], [Decimal("1234.00")], [], id="comma_thousands_alone"),
        pytest.param(
            ["1,234", "1.234,50", "2,345.10"],
            [Decimal("1234.50"), Decimal("2345.10")],
            [(1, "ambiguous_amount")],
            id="both_styles_in_one_column",
        ),
    ],
)
def test_number_convention_is_found_per_column(con, tmp_path, amounts, kept, rejected):
    lines = "".join(f'C{i},2024-03-05,"{a}"\n' for i, a in enumerate(amounts, start=1))
    load(con, write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额\n" + lines))
    assert [amount for _, amount in sales(con)] == kept
    assert rejects(con) == rejected


# --- rows, line breaks ------------------------------------------------------------------------------------------


def test_lone_cr_in_a_crlf_file_keeps_the_next_id(con, tmp_path):
    text = b"customer,date,amount\r\nC1,2024-03-05,1\r\nC2,2\rC3,2024-03-05,3\r\nC4,2024-03-05,4\r\n"
    path = write(tmp_path / "s.csv", text)
    report = load(con, path)
    assert sales(con) == [("C1", Decimal("1.00")), ("C3", Decimal("3.00")), ("C4", Decimal("4.00"))]
    assert (rejects(con), report.warnings) == ([(2, "bad_date")], {"lone_cr": 1})


# --- values that look wrong -------------------------------------------------------------------------------------


def test_placeholder_order_date_is_rejected_with_an_example(con, tmp_path):
    path = write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额\nA,0001-01-01,5\nB,2024-03-05,6\n")
    report = load(con, path)
    assert (sales(con), rejects(con)) == ([("B", Decimal("6.00"))], [(1, "implausible_date")])
    assert report.examples["implausible_date"] == ["row 1: 0001-01-01"]


def test_fractions_of_a_cent_are_rounded_and_said(con, tmp_path):
    text = "会员卡号,消费时间,实收金额\nA,2024-03-05,2.50\nB,2024-03-05,10.125\nC,2024-03-05,3.1\n"
    report = load(con, write(tmp_path / "a.csv", text))
    assert sales(con) == [("A", Decimal("2.50")), ("B", Decimal("10.13")), ("C", Decimal("3.10"))]
    assert (report.warnings, report.examples["amount_rounded"]) == ({"amount_rounded": 1}, ["row 2: 10.125"])


def test_excel_serials_are_read_only_in_a_mostly_serial_column(con, tmp_path):
    mostly = "会员卡号,消费时间,实收金额\nA,45356,1\nB,45357,2\nC,2024-03-07,3\n"
    report = load(con, write(tmp_path / "a.csv", mostly))
    assert sales(con, "customer_id, order_date") == [
        ("A", datetime(2024, 3, 5)),
        ("B", datetime(2024, 3, 6)),
        ("C", datetime(2024, 3, 7)),
    ]
    assert (report.warnings, report.examples["excel_serial_dates"]) == (
        {"excel_serial_dates": 2},
        ["row 1: 45356", "row 2: 45357"],
    )


def test_a_stray_five_digit_number_among_dates_is_not_a_date(con, tmp_path):
    few = "会员卡号,消费时间,实收金额\nA,2024-03-05,1\nB,45357,2\nC,2024-03-07,3\n"
    load(con, write(tmp_path / "b.csv", few))
    assert (sales(con, "customer_id"), rejects(con)) == ([("A",), ("C",)], [(2, "bad_date")])


def test_scientific_notation_customer_id_is_rejected(con, tmp_path):
    path = write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额\n1.38E+10,2024-03-05,5\n13800000001,2024-03-05,6\n")
    report = load(con, path)
    assert (sales(con, "customer_id"), rejects(con)) == ([("13800000001",)], [(1, "mangled_id")])
    assert report.examples["mangled_id"] == ["row 1: 1.38E+10"]


def test_duplicate_column_name_is_named_in_the_report(con, tmp_path):
    path = write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额,实收金额\nA,2024-03-05,5,6\n")
    report = load(con, path)
    assert sales(con) == [("A", Decimal("5.00"))]
    assert report.info.headers == ("会员卡号", "消费时间", "实收金额", "实收金额 (2)")
    assert (report.warnings, report.examples["duplicate_column"]) == ({"duplicate_column": 1}, ["实收金额"])


def test_member_dates_that_look_wrong_are_warned(con, tmp_path):
    path = write(
        tmp_path / "m.csv",
        "会员卡号,生日,入会日期\nM1,0001-01-01,2023-01-02\nM2,1990-05-01,2027-06-01\nM3,1985-02-03,0001-01-01\n",
    )
    report = load(con, path, "members")
    stored = con.execute("select customer_id, birthday, join_date from members order by customer_id").fetchall()
    assert stored == [
        ("M1", None, date(2023, 1, 2)),
        ("M2", date(1990, 5, 1), date(2027, 6, 1)),
        ("M3", date(1985, 2, 3), None),
    ]
    assert report.warnings == {"implausible_birthday": 1, "implausible_join_date": 1, "future_join_date": 1}
    assert report.examples["future_join_date"] == ["row 2: 2027-06-01"]


# --- ids and phones ---------------------------------------------------------------------------------------------


def test_phone_in_scientific_notation_is_left_empty_and_counted(con, tmp_path):
    path = write(tmp_path / "m.csv", "会员卡号,手机号\nM1,1.38E+10\nM2,13800000002\n")
    report = load(con, path, "members")
    assert con.execute("select customer_id, phone from members order by 1").fetchall() == [
        ("M1", None),
        ("M2", "13800000002"),
    ]
    assert (report.warnings, report.examples["mangled_phone"]) == ({"mangled_phone": 1}, ["row 1: 1.38E+10"])


def test_parquet_float_phone_and_id_are_whole_numbers_or_flagged(con, tmp_path):
    table = pa.table(
        {
            "会员卡号": pa.array([17850.0, 1.2345678901234568e17]),
            "手机号": pa.array([13812345678.0, 13900000000.0]),
        }
    )
    pq.write_table(table, tmp_path / "m.parquet")
    report = load(con, tmp_path / "m.parquet", "members")
    assert con.execute("select customer_id, phone from members").fetchall() == [("17850", "13812345678")]
    assert report.rejects_by_reason == {"mangled_id": 1}


def test_xlsx_id_with_more_digits_than_excel_keeps_is_rejected(con, tmp_path):
    workbook = xlsxwriter.Workbook(str(tmp_path / "s.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["会员卡号", "消费时间", "实收金额"])
    sheet.write_row(1, 0, [123456789012345678, "2024-03-05", 5])  # stored as a float: the last digits are gone
    sheet.write_row(2, 0, [17850, "2024-03-05", 6])
    workbook.close()
    report = load(con, tmp_path / "s.xlsx")
    assert (sales(con, "customer_id"), report.rejects_by_reason) == ([("17850",)], {"mangled_id": 1})


def test_xlsx_id_column_mixing_text_and_number_cells_rejects_only_the_damaged_number(con, tmp_path):
    workbook = xlsxwriter.Workbook(str(tmp_path / "s.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["会员卡号", "消费时间", "实收金额"])
    sheet.write_string(1, 0, "310101199001011235")  # a text cell: every digit kept
    sheet.write_row(1, 1, ["2024-03-05", 5])
    sheet.write_number(2, 0, 310101199001011234)  # a number cell: read back as ...328, another customer's id
    sheet.write_row(2, 1, ["2024-03-05", 6])
    sheet.write_row(3, 0, ["C3", "2024-03-05", 7])
    workbook.close()
    report = load(con, tmp_path / "s.xlsx")
    assert sales(con, "customer_id") == [("310101199001011235",), ("C3",)]
    assert report.rejects_by_reason == {"mangled_id": 1}


# --- one command, one transaction -------------------------------------------------------------------------------


def test_several_files_load_all_or_nothing(con, tmp_path):
    good = write(tmp_path / "good.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,5\n")
    bad = write(tmp_path / "bad.csv", b"")
    before = snapshot(con)
    with pytest.raises(InputError) as caught:
        load_files(con, "d", [FileSpec(good, "sales"), FileSpec(bad, "sales")], loaded_at=LOADED_AT, access=OWNER)
    assert (caught.value.code, caught.value.file_name) == ("empty_file", "bad.csv")  # type: ignore[attr-defined]
    assert snapshot(con) == before
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchall() == [(0,)]


def test_several_files_in_one_transaction_are_all_written(con, tmp_path):
    one = write(tmp_path / "one.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,5\n")
    two = write(tmp_path / "two.csv", "会员卡号,消费时间,实收金额\nB,2024-03-06,6\n")
    members = write(tmp_path / "m.csv", "会员卡号,姓名\nA,张三\n")
    specs = [FileSpec(one, "sales"), FileSpec(two, "sales"), FileSpec(members, "members"), FileSpec(one, "sales")]
    reports = load_files(con, "d", specs, loaded_at=LOADED_AT, access=OWNER)
    assert [r.status for r in reports] == ["loaded", "loaded", "loaded", "duplicate"]
    assert sales(con) == [("A", Decimal("5.00")), ("B", Decimal("6.00"))]
    assert con.execute("select file_name from loads order by file_name").fetchall() == [
        ("m.csv",),
        ("one.csv",),
        ("two.csv",),
    ]


def test_cli_ingest_whose_last_file_is_bad_keeps_nothing(tmp_path):
    good = write(tmp_path / "good.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,5\n")
    bad = write(tmp_path / "bad.csv", b"")
    workspace = tmp_path / "w.duckdb"
    run = run_cli("ingest", "--dataset", "d", "--sales", str(good), "--sales", str(bad), "--workspace", str(workspace))
    assert (run.returncode, run.stdout, run.stderr) == (2, "", "error: bad.csv: The file is empty.\n")
    with duckdb.connect(str(workspace), read_only=True) as check:
        assert check.execute("select (select count(*) from sales), (select count(*) from loads)").fetchall() == [(0, 0)]


# --- messages ---------------------------------------------------------------------------------------------------


def test_text_in_an_unknown_encoding_is_not_called_binary(con, tmp_path):
    path = write(tmp_path / "s.csv", "customer,date,amount\nJosé,2024-03-05,5\nRenée,2024-03-05,6\n".encode("cp1252"))
    with pytest.raises(InputError) as caught:
        load(con, path)
    assert caught.value.code == "unknown_encoding"
    assert "binary" not in caught.value.message("en")


def test_members_file_given_as_sales_says_so(con, tmp_path):
    path = write(tmp_path / "m.csv", "会员卡号,姓名,手机号,生日\nM1,张三,13800000001,1990-05-01\n")
    with pytest.raises(InputError) as caught:
        load(con, path, "sales")
    assert caught.value.message("en").startswith("This looks like a members file: it has no order date / amount")


def test_members_file_loaded_then_given_as_sales_is_not_already_loaded(con, tmp_path):
    path = write(tmp_path / "m.csv", "会员卡号,姓名\nM1,张三\n")
    load(con, path, "members")
    with pytest.raises(InputError) as caught:
        load(con, path, "sales")
    assert caught.value.message("en") == (
        "m.csv was already loaded into this dataset as a members file; it cannot also be a sales file."
    )


def test_utf16_without_byte_order_mark_is_read(con, tmp_path):
    load(con, write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额\n张三,2024-03-05,5\n".encode("utf-16-le")))
    assert sales(con) == [("张三", Decimal("5.00"))]


# --- ingest without files, --as-of ------------------------------------------------------------------------------


def test_cli_ingest_without_files_fails_with_the_reason(tmp_path):
    run = run_cli("ingest", "--dataset", "d", "--workspace", str(tmp_path / "w.duckdb"))
    assert (run.returncode, run.stderr.startswith("error: No file to load")) == (2, True)
    (tmp_path / "empty").mkdir()
    run = run_cli("ingest", "--dataset", "d", "--sales", str(tmp_path / "empty"), "--workspace", str(tmp_path / "w"))
    assert (run.returncode, run.stderr) == (
        2,
        f"error: The folder {tmp_path / 'empty'} holds no .csv, .txt, .tsv, .xlsx or .parquet file.\n",
    )


@pytest.fixture
def two_days(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_date, amount) values "
        "('d', 'l', 1, 'A', timestamp '2024-01-10 09:00', 1), ('d', 'l', 2, 'B', timestamp '2024-06-30 20:00', 2)"
    )
    return con


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, date(2024, 6, 30), id="default_last_day"),
        pytest.param("2024-03-01", date(2024, 3, 1), id="inside"),
        pytest.param("2024-01-10", date(2024, 1, 10), id="first_day"),
        pytest.param("2025-06-30", date(2025, 6, 30), id="a_year_after"),
    ],
)
def test_resolve_as_of_accepts(two_days, raw, expected):
    from segcore.cli import resolve_as_of

    assert resolve_as_of(two_days, "d", raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("", "--as-of is empty: give a day YYYY-MM-DD between 2024-01-10 and 2024-06-30", id="empty"),
        pytest.param(
            "2024-01-09",
            "--as-of 2024-01-09 is before the first sale (2024-01-10); the data runs from 2024-01-10 to 2024-06-30.",
            id="before",
        ),
        pytest.param(
            "2099-01-01",
            "--as-of 2099-01-01 is more than a year after the last sale (2024-06-30); the data runs from "
            "2024-01-10 to 2024-06-30.",
            id="far_future",
        ),
    ],
)
def test_resolve_as_of_refuses_with_the_date_range(two_days, raw, message):
    from segcore.cli import resolve_as_of

    with pytest.raises(InputError) as caught:
        resolve_as_of(two_days, "d", raw)
    assert caught.value.message("en").startswith(message)


def test_cli_tiers_as_of_far_in_the_future_exits_2(tmp_path):
    path = write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,5\n")
    run = run_cli("tiers", "--sales", str(path), "--as-of", "2099-01-01", "--out", str(tmp_path / "t.csv"))
    assert (run.returncode, run.stderr) == (
        2,
        "error: --as-of 2099-01-01 is more than a year after the last sale (2024-03-05); the data runs from "
        "2024-03-05 to 2024-03-05.\n",
    )
    assert not (tmp_path / "t.csv").exists()


# --- uploads ----------------------------------------------------------------------------------------------------


def test_uploads_are_private_and_deleted_after_the_load(tmp_path):
    from ui import uploads

    upload = SimpleNamespace(file_id="abc123", name="Sales.CSV", getvalue=lambda: b"x,y\n1,2\n")
    path = uploads.saved_upload(upload)  # type: ignore[arg-type]
    folder = path.parent
    assert (path.name, path.read_bytes()) == ("abc123.csv", b"x,y\n1,2\n")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert folder.stat().st_uid == os.getuid()
    uploads.discard_uploads([path])
    assert not path.exists()


def test_fresh_workspace_gets_nothing_when_a_file_fails(tmp_path):
    con = duckdb.connect(":memory:")
    create_tables(con)
    good = write(tmp_path / "good.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,5\n")
    bad = write(tmp_path / "bad.csv", "会员卡号,消费时间\n")
    with pytest.raises(InputError):
        load_files(con, "new", [FileSpec(good, "sales"), FileSpec(bad, "sales")], loaded_at=LOADED_AT, access=OWNER)
    assert all(rows == [] for rows in snapshot(con).values())
