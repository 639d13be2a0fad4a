"""Ingestion: encodings, delimiters, value parsers, header guessing, quality report, members, errors and the CLI."""

from __future__ import annotations

import codecs
import json
import os
import random
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

import segcore.ingest
from segcore.access import owner
from segcore.cli import main
from segcore.errors import InputError
from segcore.ingest import LoadReport, load_file, preview_file
from segcore.workspace import Workspace
from tests.helpers import TABLES, snapshot

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
LOADED_AT = datetime(2026, 11, 22, 12, 0)
HEADER = "会员卡号,订单号,消费时间,实收金额,是否促销"
CN_MAPPING = {
    "customer_id": "会员卡号",
    "order_id": "订单号",
    "order_date": "消费时间",
    "amount": "实收金额",
    "is_promo": "是否促销",
}
SALE_COLUMNS = "customer_id, order_id, order_date, amount, is_promo"


def write(path: Path, content: str | bytes) -> Path:
    """Write text as UTF-8 (or bytes as they are) and return the path."""
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load(con: duckdb.DuckDBPyConnection, path: Path, kind: str = "sales", **options: object) -> LoadReport:
    return load_file(con, "d", path, kind, loaded_at=LOADED_AT, **options, access=OWNER)  # type: ignore[arg-type]


def rows(con: duckdb.DuckDBPyConnection, columns: str = SALE_COLUMNS, table: str = "sales") -> list[tuple]:
    order = "line_no" if table == "sales" else "customer_id"
    return con.execute(f"select {columns} from {table} order by {order}").fetchall()


def one_sale(tmp_path: Path, *, when: str = "2024-03-05", amount: str = "10", promo: str = "否") -> Path:
    """A sales file with the Chinese header and one line; the amount is quoted (it may hold a comma)."""
    return write(tmp_path / "one.csv", f'{HEADER}\nA1,o1,{when},"{amount}",{promo}\n')


# --- encodings and delimiters -------------------------------------------------------------------------------


def chinese_sales(name: str) -> str:
    return f"{HEADER}\n{name},单001,2024-03-05 10:30:00,88.50,是\n李四,单002,2024-03-06 09:00:00,12.00,否\n"


@pytest.mark.parametrize(
    ("codec", "bom", "name", "detected"),
    [
        pytest.param("utf-8", b"", "张三", "utf-8", id="utf8"),
        pytest.param("utf-8", codecs.BOM_UTF8, "张三", "utf-8-sig", id="utf8_bom"),
        pytest.param("gbk", b"", "张三", "gb18030", id="gbk"),
        pytest.param("gb18030", b"", "𠮷野", "gb18030", id="gb18030_char_outside_gbk"),
        pytest.param("utf-16-le", codecs.BOM_UTF16_LE, "张三", "utf-16", id="utf16_le_bom"),
    ],
)
def test_encoding_roundtrips_chinese_headers_and_values(con, tmp_path, codec, bom, name, detected):
    report = load(con, write(tmp_path / "s.csv", bom + chinese_sales(name).encode(codec)))
    assert (report.info.encoding, report.mapping) == (detected, CN_MAPPING)
    assert rows(con) == [
        (name, "单001", datetime(2024, 3, 5, 10, 30), Decimal("88.50"), True),
        ("李四", "单002", datetime(2024, 3, 6, 9, 0), Decimal("12.00"), False),
    ]


def test_gbk_text_after_an_ascii_sample_is_still_decoded(con, tmp_path):
    text = "customer,date,amount,product\n" + "A,2024-03-05,1,cup\n" * 5000 + "B,2024-03-06,2,杯子\n"
    report = load(con, write(tmp_path / "s.csv", text.encode("gbk")))
    assert (report.info.encoding, report.rows_kept) == ("gb18030", 5001)
    assert rows(con, "customer_id, product")[-1] == ("B", "杯子")


def sample_cuts_a_character(data: bytes, codec: str) -> bool:
    """Whether the first 64 KiB (the encoding sniffer's sample) end inside a multi-byte character."""
    try:
        data[: 1 << 16].decode(codec)
    except UnicodeDecodeError:
        return True
    return False


@pytest.mark.parametrize(("codec", "detected"), [("utf-8", "utf-8"), ("gbk", "gb18030")], ids=["utf8", "gbk"])
def test_character_cut_by_the_sniffed_sample_is_not_an_encoding_error(con, tmp_path, codec, detected):
    head, body = f"{HEADER}\n".encode(codec), "张三,单001,2024-03-05,8,是\n".encode(codec) * 3000
    candidates = [head + b"P" * pad + body for pad in range(32)]  # pad the first customer id to move the boundary
    data = next(candidate for candidate in candidates if sample_cuts_a_character(candidate, codec))
    report = load(con, write(tmp_path / "s.csv", data))
    assert (report.info.encoding, report.rows_kept) == (detected, 3000)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_delimiter_with_quoted_fields(con, tmp_path, delimiter):
    lines = [
        "会员卡号|订单号|消费时间|实收金额|商品",
        '"A|1"|o1|2024-03-05|88.50|"杯子|""大号"""',
        "B|o2|2024-03-06|12|碗",
    ]
    report = load(con, write(tmp_path / "s.csv", "\n".join(lines).replace("|", delimiter) + "\n"))
    assert report.info.delimiter == delimiter
    assert rows(con, "customer_id, order_id, amount, product") == [
        (f"A{delimiter}1", "o1", Decimal("88.50"), f'杯子{delimiter}"大号"'),
        ("B", "o2", Decimal("12.00"), "碗"),
    ]


def test_windows_line_endings(con, tmp_path):
    load(con, write(tmp_path / "s.csv", f"{HEADER}\r\nA,o1,2024-03-05,1,是\r\nB,o2,2024-03-06,2,否\r\n"))
    assert rows(con, "customer_id, amount, is_promo") == [("A", Decimal("1.00"), True), ("B", Decimal("2.00"), False)]


# --- value parsers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2024-03-05", datetime(2024, 3, 5), id="iso_date"),
        pytest.param("2024-03-05 10:30:00", datetime(2024, 3, 5, 10, 30), id="iso_datetime"),
        pytest.param("2024-03-05 10:30", datetime(2024, 3, 5, 10, 30), id="iso_minutes"),
        pytest.param("2024-03-05T10:30:15", datetime(2024, 3, 5, 10, 30, 15), id="iso_t"),
        pytest.param("2024/3/5", datetime(2024, 3, 5), id="slashes"),
        pytest.param("2024/3/5 8:05", datetime(2024, 3, 5, 8, 5), id="slashes_with_time"),
        pytest.param("2024年3月5日", datetime(2024, 3, 5), id="chinese"),
        pytest.param("2024年3月5日 10:30", datetime(2024, 3, 5, 10, 30), id="chinese_with_time"),
        pytest.param("20240305", datetime(2024, 3, 5), id="compact"),
        pytest.param("2024.3.5", datetime(2024, 3, 5), id="dots"),
        pytest.param("45356", datetime(2024, 3, 5), id="excel_serial"),
        pytest.param("45356.75", datetime(2024, 3, 5, 18, 0), id="excel_serial_with_time"),
    ],
)
def test_order_date_formats(con, tmp_path, text, expected):
    load(con, one_sale(tmp_path, when=text))
    assert rows(con, "order_date") == [(expected,)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("¥1,234.50", Decimal("1234.50"), id="yen_sign_thousands"),
        pytest.param("￥1,234.50", Decimal("1234.50"), id="fullwidth_yen_sign"),
        pytest.param("1234.5元", Decimal("1234.50"), id="yuan_suffix"),
        pytest.param("1,234", Decimal("1234.00"), id="thousands_no_decimals"),
        pytest.param("-88.50", Decimal("-88.50"), id="refund"),
        pytest.param("-¥88.50", Decimal("-88.50"), id="refund_with_sign"),
        pytest.param(" 12 ", Decimal("12.00"), id="padded"),
        # "12.345" alone could be 12345 (dot thousands) and is rejected as ambiguous (tests/test_trust_reading.py)
        pytest.param("12.3450", Decimal("12.35"), id="half_cent_rounds_up"),
    ],
)
def test_amount_formats(con, tmp_path, text, expected):
    load(con, one_sale(tmp_path, amount=text))
    assert rows(con, "amount") == [(expected,)]


def test_amount_is_quantity_times_unit_price_to_the_cent(con, tmp_path):
    text = (
        "CustomerID,InvoiceNo,InvoiceDate,Quantity,UnitPrice\n"
        "17850.0,536365,2010-12-01 08:26:00,6,2.55\n"
        "17850.0,536366,2010-12-01 08:28:00,7,1.15\n"
        "13047.0,536367,2010-12-01 08:34:00,3,0.125\n"
        "13047.0,C536368,2010-12-01 08:40:00,-2,19.99\n"
    )
    report = load(con, write(tmp_path / "s.csv", text))
    assert "amount" not in report.mapping
    assert rows(con, "customer_id, order_id, amount, quantity, unit_price") == [
        ("17850", "536365", Decimal("15.30"), 6.0, 2.55),
        ("17850", "536366", Decimal("8.05"), 7.0, 1.15),
        ("13047", "536367", Decimal("0.38"), 3.0, 0.125),
        ("13047", "C536368", Decimal("-39.98"), -2.0, 19.99),
    ]


@pytest.mark.parametrize(
    ("text", "is_promo", "warnings"),
    [
        pytest.param("是", True, {}, id="shi"),
        pytest.param("否", False, {}, id="fou"),
        pytest.param("Y", True, {}, id="Y"),
        pytest.param("N", False, {}, id="N"),
        pytest.param("1", True, {}, id="one"),
        pytest.param("0", False, {}, id="zero"),
        pytest.param("true", True, {}, id="true"),
        pytest.param("FALSE", False, {}, id="FALSE"),
        pytest.param("", False, {}, id="empty"),
        pytest.param("也许", False, {"promo_unrecognised": 1}, id="unrecognised"),
    ],
)
def test_promo_flags(con, tmp_path, text, is_promo, warnings):
    report = load(con, one_sale(tmp_path, promo=text))
    assert (rows(con, "is_promo"), report.warnings) == ([(is_promo,)], warnings)


def test_no_promo_column_leaves_is_promo_null(con, tmp_path):
    report = load(con, write(tmp_path / "s.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,1\nB,2024-03-06,2\n"))
    assert "is_promo" not in report.mapping
    assert rows(con, "is_promo") == [(None,), (None,)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("17850.0", "17850", id="uci_float"),
        pytest.param("17850.00", "17850", id="two_zeros"),
        pytest.param("17850", "17850", id="plain"),
        pytest.param("00123", "00123", id="leading_zeros_kept"),
        pytest.param(" VIP-7 ", "VIP-7", id="trimmed"),
        pytest.param("1.5", "1.5", id="not_a_float_id"),
    ],
)
def test_customer_id_normalised(con, tmp_path, text, expected):
    load(con, write(tmp_path / "s.csv", f'会员卡号,消费时间,实收金额\n"{text}",2024-03-05,1\n'))
    assert rows(con, "customer_id") == [(expected,)]


# --- header guessing and mapping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "mapping", "missing"),
    [
        pytest.param(
            "会员ID,下单时间,消费金额,小票号,促销",
            {
                "customer_id": "会员ID",
                "order_id": "小票号",
                "order_date": "下单时间",
                "amount": "消费金额",
                "is_promo": "促销",
            },
            [],
            id="chinese",
        ),
        pytest.param(
            "CustomerID,InvoiceDate,Amount,InvoiceNo",
            {"customer_id": "CustomerID", "order_id": "InvoiceNo", "order_date": "InvoiceDate", "amount": "Amount"},
            [],
            id="english_amount",
        ),
        pytest.param(
            "Customer ID,Invoice Date,Sales,Invoice No",
            {"customer_id": "Customer ID", "order_id": "Invoice No", "order_date": "Invoice Date", "amount": "Sales"},
            [],
            id="english_sales_with_spaces",
        ),
        pytest.param(
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
            {
                "customer_id": "CustomerID",
                "order_id": "InvoiceNo",
                "order_date": "InvoiceDate",
                "quantity": "Quantity",
                "unit_price": "UnitPrice",
                "product": "Description",
            },
            [],
            id="uci_quantity_and_price",
        ),
        pytest.param("顾客,日子,钱", {}, ["customer_id", "order_date", "amount"], id="nothing_recognised"),
        pytest.param(
            "会员卡号,数量",
            {"customer_id": "会员卡号", "quantity": "数量"},
            ["order_date", "amount"],
            id="quantity_without_price",
        ),
    ],
)
def test_header_guessing(tmp_path, header, mapping, missing):
    columns = len(header.split(","))
    preview = preview_file(write(tmp_path / "s.csv", f"{header}\n" + ",".join(["x"] * columns) + "\n"), "sales")
    assert (preview.mapping, preview.missing) == (mapping, missing)


def test_preview_shows_headers_rows_and_first_five_lines(tmp_path):
    text = "会员卡号,消费时间,实收金额\n" + "".join(f"M{i},2024-03-0{i},{i}0\n" for i in range(1, 8))
    preview = preview_file(write(tmp_path / "s.csv", text), "sales")
    assert (preview.info.headers, preview.rows) == (("会员卡号", "消费时间", "实收金额"), 7)
    assert preview.sample.values.tolist() == [[f"M{i}", f"2024-03-0{i}", f"{i}0"] for i in range(1, 6)]


def test_explicit_mapping_overrides_the_guess(con, tmp_path):
    path = write(tmp_path / "s.csv", "会员卡号,手机号,消费时间,实收金额\nM1,13800000001,2024-03-05,1\n")
    mapping = {"customer_id": "手机号", "order_date": "消费时间", "amount": "实收金额"}
    assert preview_file(path, "sales").mapping["customer_id"] == "会员卡号"
    report = load(con, path, mapping=mapping)
    assert (report.mapping, rows(con, "customer_id")) == (mapping, [("13800000001",)])
    assert json.loads(con.execute("select mapping from loads").fetchone()[0]) == mapping


# --- quality report, rejects, appending, transactions ----------------------------------------------------------

REPORT_FILE = f"""{HEADER}
A,o1,2024-03-05 10:00,100,是
A,o1,2024-03-05 10:00,100,是
B,o2,2024-03-06,-30,否
,o3,2024-03-06,5,否
C,o4,2024-13-45,5,否
C,o5,2024-03-07,五元,否
C,o6,2026-11-23,5,否
C,o7,2026-11-22 18:00,20,否
"""


def raw_line(line_no: int, customer: str | None, order: str, when: str, amount: str) -> dict[str, object]:
    return {"line_no": line_no, "会员卡号": customer, "订单号": order, "消费时间": when, "实收金额": amount,
            "是否促销": "否"}  # fmt: skip


REJECTED = [
    (4, "missing_customer_id", raw_line(4, None, "o3", "2024-03-06", "5")),
    (5, "bad_date", raw_line(5, "C", "o4", "2024-13-45", "5")),
    (6, "bad_amount", raw_line(6, "C", "o5", "2024-03-07", "五元")),
    (7, "future_date", raw_line(7, "C", "o6", "2026-11-23", "5")),
]


def test_quality_report_counts(con, tmp_path):
    report = load(con, write(tmp_path / "s.csv", REPORT_FILE))
    assert (report.status, report.rows_read, report.rows_kept, report.rows_rejected) == ("loaded", 8, 4, 4)
    assert report.rejects_by_reason == {"bad_amount": 1, "bad_date": 1, "future_date": 1, "missing_customer_id": 1}
    assert (report.duplicate_lines, report.refund_lines, report.customers) == (1, 1, 3)
    assert (report.date_min, report.date_max) == (datetime(2024, 3, 5, 10, 0), datetime(2026, 11, 22, 18, 0))
    assert (report.amount_total, report.warnings) == (190.0, {})


def test_kept_lines_are_the_ones_without_a_reject_reason(con, tmp_path):
    load(con, write(tmp_path / "s.csv", REPORT_FILE))
    assert rows(con, "line_no, customer_id, order_id, amount") == [
        (1, "A", "o1", Decimal("100.00")),
        (2, "A", "o1", Decimal("100.00")),
        (3, "B", "o2", Decimal("-30.00")),
        (8, "C", "o7", Decimal("20.00")),
    ]


def test_rejects_table_keeps_the_original_values(con, tmp_path):
    load(con, write(tmp_path / "s.csv", REPORT_FILE))
    stored = con.execute("select line_no, reason, raw from rejects order by line_no").fetchall()
    assert [(line_no, reason, json.loads(raw)) for line_no, reason, raw in stored] == REJECTED


def test_workspace_rejects_returns_original_values_as_columns(tmp_path):
    workspace = Workspace(tmp_path / "ws.duckdb")
    try:
        with workspace.writer() as cursor:
            load(cursor, write(tmp_path / "s.csv", REPORT_FILE))
        frame = workspace.rejects("d")
    finally:
        workspace.close()
    assert list(frame.columns) == ["file_name", "line_no", "reason", *HEADER.split(",")]
    expected = [{"file_name": "s.csv", "line_no": n, "reason": r} | {k: v for k, v in raw.items() if k != "line_no"}
                for n, r, raw in REJECTED]  # fmt: skip
    assert frame.to_dict("records") == expected


def test_two_files_append_into_one_dataset(con, tmp_path):
    first = load(con, write(tmp_path / "a.csv", f"{HEADER}\nA,o1,2024-03-05,1,是\n"))
    second = load(con, write(tmp_path / "b.csv", f"{HEADER}\nB,o2,2024-03-06,2,否\n"))
    assert (first.status, second.status) == ("loaded", "loaded")
    assert rows(con, "customer_id, load_id") == [("A", first.load_id), ("B", second.load_id)]
    assert con.execute("select dataset_id, file_name from loads order by file_name").fetchall() == [
        ("d", "a.csv"),
        ("d", "b.csv"),
    ]
    assert con.execute("select dataset_id from datasets").fetchall() == [("d",)]


@pytest.mark.parametrize("second_name", ["s.csv", "renamed copy.csv"], ids=["same_path", "same_bytes_new_name"])
def test_same_file_twice_is_reported_and_adds_nothing(con, tmp_path, second_name):
    load(con, write(tmp_path / "s.csv", REPORT_FILE))
    before = snapshot(con)
    report = load(con, write(tmp_path / second_name, REPORT_FILE))
    assert (report.status, report.rows_kept, snapshot(con)) == ("duplicate", 0, before)


def test_connection_is_free_for_the_caller_after_a_duplicate_load(con, tmp_path):
    path = write(tmp_path / "s.csv", REPORT_FILE)
    assert [load(con, path).status, load(con, path).status] == ["loaded", "duplicate"]
    assert con.sql("select count(*) from loads").fetchall() == [(1,)]  # no unfinished result left behind


def add_unknown_loads_column(con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    con.execute("alter table loads add column note varchar")  # the load record insert fails after the rows


def break_load_insert(con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segcore.ingest, "_INSERT_LOAD_SQL", "insert into loads select * from no_such_table")


@pytest.mark.parametrize("kind", ["sales", "members"])
@pytest.mark.parametrize("breaker", [add_unknown_loads_column, break_load_insert], ids=["schema_drift", "bad_sql"])
def test_failed_write_leaves_workspace_as_before(con, tmp_path, monkeypatch, kind, breaker):
    load(con, write(tmp_path / "s.csv", REPORT_FILE))
    load(con, write(tmp_path / "m.csv", "会员卡号,姓名\nA,张三\n,无名\n"), "members")
    breaker(con, monkeypatch)
    before = snapshot(con)
    second = (
        "会员卡号,姓名\nA,张三丰\n,无名氏\n" if kind == "members" else f"{HEADER}\nD,o9,2024-03-05,9,是\n,o10,x,1,否\n"
    )
    with pytest.raises(duckdb.Error):
        load(con, write(tmp_path / "second.csv", second), kind)
    assert snapshot(con) == before
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchall() == [(0,)]


# --- bad input -------------------------------------------------------------------------------------------------


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An XLSX file with the given sheets (rows of plain values)."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, sheet_rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for number, row in enumerate(sheet_rows):
            sheet.write_row(number, 0, row)
    workbook.close()
    return path


def empty_sheet_xlsx(path: Path) -> Path:
    return xlsx(path, {"Sheet1": []})


def sales_sheet_xlsx(path: Path) -> Path:
    return xlsx(path, {"销售": [["会员卡号", "消费时间", "实收金额"], ["A", "2024-03-05", 1]]})


BAD_INPUTS = [
    pytest.param("s.csv", b"", {}, "empty_file", "The file is empty.", "文件是空的。", id="empty"),
    pytest.param("s.csv", b"\r\n  \r\n", {}, "empty_file", "The file is empty.", "文件是空的。", id="blank_lines"),
    pytest.param(
        "s.csv", f"{HEADER}\n", {}, "header_only",
        "The file has a header row (会员卡号, 订单号, 消费时间, 实收金额, 是否促销) but no data rows.",
        "文件只有表头（会员卡号, 订单号, 消费时间, 实收金额, 是否促销），没有数据行。",
        id="header_only",
    ),
    pytest.param(
        "s.csv", bytes(range(256)) * 16, {}, "not_text",
        "This is not a readable CSV, Excel or Parquet file (it looks like binary data).",
        "无法读取：这不是 CSV、Excel 或 Parquet 文件（看起来是二进制数据）。",
        id="binary_renamed_csv",
    ),
    pytest.param(
        "s.xlsx", random.Random(7).randbytes(4096), {}, "not_text",
        "This is not a readable CSV, Excel or Parquet file (it looks like binary data).",
        "无法读取：这不是 CSV、Excel 或 Parquet 文件（看起来是二进制数据）。",
        id="random_bytes_named_xlsx",
    ),
    pytest.param(
        "s.xlsx", empty_sheet_xlsx, {}, "no_usable_sheet",
        "The Excel file has no sheet with a header row and data (sheets: Sheet1).",
        "Excel 文件中没有包含表头和数据的工作表（工作表：Sheet1）。",
        id="xlsx_only_an_empty_sheet",
    ),
    pytest.param(
        "s.xlsx", sales_sheet_xlsx, {"sheet": "会员"}, "no_such_sheet",
        "There is no sheet named 会员 (sheets: 销售).", "没有名为 会员 的工作表（现有：销售）。",
        id="xlsx_unknown_sheet",
    ),
    pytest.param(
        "s.csv", "会员卡号,备注\nA,x\n", {}, "missing_columns",
        "Required columns are missing: order_date, amount. Columns found: 会员卡号, 备注.",
        "缺少必需的列：order_date, amount。文件中的列：会员卡号, 备注。",
        id="missing_columns",
    ),
    pytest.param(
        "s.csv", "姓名,手机号\n张三,138\n", {"kind": "members"}, "missing_columns",
        "Required columns are missing: customer_id. Columns found: 姓名, 手机号.",
        "缺少必需的列：customer_id。文件中的列：姓名, 手机号。",
        id="members_without_customer_id",
    ),
    pytest.param(
        "s.csv", b"a" * (3 * 2**19), {"max_bytes": 2**20}, "too_large",
        "The file is 1.5 MB, over the 1 MB upload limit.", "文件大小 1.5 MB，超过上传上限 1 MB。",
        id="over_size_limit",
    ),
    pytest.param(
        "s.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,1\n",
        {"mapping": {"customer_id": "卡号", "order_date": "消费时间", "amount": "实收金额"}}, "unknown_source",
        "The file has no column named 卡号 (columns: 会员卡号, 消费时间, 实收金额).",
        "文件中没有名为 卡号 的列（现有：会员卡号, 消费时间, 实收金额）。",
        id="mapping_names_an_unknown_column",
    ),
    pytest.param(
        "s.csv", "会员卡号,消费时间,实收金额\nA,2024-03-05,1\n", {"kind": "orders"}, "unknown_kind",
        "Unknown file kind orders: use sales or members.", "未知文件类型 orders：请用 sales 或 members。",
        id="unknown_kind",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "options", "code", "en", "zh"), BAD_INPUTS)
def test_bad_input_is_an_input_error_in_both_languages(con, tmp_path, name, content, options, code, en, zh):
    path = content(tmp_path / name) if callable(content) else write(tmp_path / name, content)
    kind = options.get("kind", "sales")
    with pytest.raises(InputError) as caught:
        load(con, path, kind, **{key: value for key, value in options.items() if key != "kind"})
    assert (caught.value.code, caught.value.message("en"), caught.value.message("zh")) == (code, en, zh)
    assert snapshot(con) == {table: [] for table in TABLES}


def zip_without_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return path


def truncated_zip(path: Path) -> Path:
    return write(path, b"PK\x03\x04" + bytes(range(256)) * 8)


@pytest.mark.parametrize("make", [zip_without_workbook, truncated_zip], ids=["zip_without_workbook", "truncated_zip"])
def test_broken_xlsx_is_a_bad_xlsx_error(con, tmp_path, make):
    with pytest.raises(InputError) as caught:
        load(con, make(tmp_path / "s.xlsx"))
    reason = caught.value.details["reason"]
    assert (caught.value.code, reason.startswith("calamine error")) == ("bad_xlsx", True)
    assert caught.value.message("en") == f"The Excel file could not be opened: {reason}"
    assert caught.value.message("zh") == f"Excel 文件无法打开：{reason}"


# --- XLSX and Parquet ------------------------------------------------------------------------------------------


def store_workbook(path: Path) -> Path:
    """Two sheets: 门店A with Excel-typed dates, numbers and a boolean; 门店B with text only."""
    workbook = xlsxwriter.Workbook(str(path))
    minutes = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy/m/d"})
    first = workbook.add_worksheet("门店A")
    first.write_row(0, 0, HEADER.split(","))
    first.write_row(1, 0, ["A1", "o1"])
    first.write_datetime(1, 2, datetime(2024, 3, 5, 10, 30), minutes)
    first.write_row(1, 3, [12.5, "是"])
    first.write_row(2, 0, [17850, "o2"])
    first.write_datetime(2, 2, datetime(2024, 3, 6), day)
    first.write_number(2, 3, 1234.5)
    first.write_boolean(2, 4, False)
    second = workbook.add_worksheet("门店B")
    second.write_row(0, 0, ["会员ID", "下单时间", "消费金额"])
    second.write_row(1, 0, ["B1", "2024/3/7", "¥8"])
    workbook.close()
    return path


@pytest.mark.parametrize(
    ("sheet", "used", "expected"),
    [
        pytest.param(
            None, "门店A",
            [("A1", "o1", datetime(2024, 3, 5, 10, 30), Decimal("12.50"), True),
             ("17850", "o2", datetime(2024, 3, 6), Decimal("1234.50"), False)],
            id="first_sheet_by_default_with_excel_dates",
        ),
        pytest.param(
            "门店B", "门店B", [("B1", None, datetime(2024, 3, 7), Decimal("8.00"), None)], id="sheet_by_name"
        ),
    ],
)  # fmt: skip
def test_xlsx_sheets(con, tmp_path, sheet, used, expected):
    report = load(con, store_workbook(tmp_path / "s.xlsx"), sheet=sheet)
    assert (report.info.file_format, report.info.sheet, rows(con)) == ("xlsx", used, expected)


def test_parquet_input(con, tmp_path):
    table = pa.table({
        "CustomerID": [17850.0, None, 13047.0],
        "InvoiceNo": ["536365", "536366", "C536367"],
        "InvoiceDate": [datetime(2010, 12, 1, 8, 26), datetime(2010, 12, 1, 8, 28), datetime(2010, 12, 1, 9, 0)],
        "Quantity": [6, 2, -1],
        "UnitPrice": [2.55, 1.85, 3.39],
        "Description": ["杯子", "碗", "盘子"],
    })  # fmt: skip
    pq.write_table(table, tmp_path / "s.parquet")
    report = load(con, tmp_path / "s.parquet")
    assert (report.info.file_format, report.rejects_by_reason) == ("parquet", {"missing_customer_id": 1})
    assert rows(con, "customer_id, order_id, order_date, amount, product") == [
        ("17850", "536365", datetime(2010, 12, 1, 8, 26), Decimal("15.30"), "杯子"),
        ("13047", "C536367", datetime(2010, 12, 1, 9, 0), Decimal("-3.39"), "盘子"),
    ]


# --- members ---------------------------------------------------------------------------------------------------

MEMBERS_FILE = """会员卡号,姓名,手机号,性别,生日,入会日期,所属门店,积分,微信授权,短信授权,备注
M1,张三,13800000001,男,1990-05-01,2023-01-02,静安店,120,是,否,老顾客
M2,李四,13800000002,女,生日不详,2023/2/3,徐汇店,"1,500",否,是,
M1,张三丰,13800000009,男,1991-01-01,2023-01-02,静安店,1,是,是,重复
"""
MEMBER_COLUMNS = "customer_id, name, phone, gender, birthday, join_date, store, points, wechat, sms, email, extra"


def test_members_file(con, tmp_path):
    report = load(con, write(tmp_path / "m.csv", MEMBERS_FILE), "members")
    assert (report.rows_read, report.rows_kept, report.customers) == (3, 2, 2)
    assert (report.rejects_by_reason, report.warnings) == ({"duplicate_member": 1}, {"bad_birthday": 1})
    assert [(*row[:-1], json.loads(row[-1])) for row in rows(con, MEMBER_COLUMNS, "members")] == [
        ("M1", "张三", "13800000001", "M", date(1990, 5, 1), date(2023, 1, 2), "静安店", 120.0, True, False, None,
         {"备注": "老顾客"}),
        ("M2", "李四", "13800000002", "F", None, date(2023, 2, 3), "徐汇店", 1500.0, False, True, None,
         {"备注": None}),
    ]  # fmt: skip


def test_duplicate_member_row_is_rejected(con, tmp_path):
    load(con, write(tmp_path / "m.csv", MEMBERS_FILE), "members")
    (line_no, reason, raw), *more = con.execute("select line_no, reason, raw from rejects").fetchall()
    assert (line_no, reason, json.loads(raw)["姓名"], more) == (3, "duplicate_member", "张三丰", [])


def test_second_members_file_replaces_the_same_customers(con, tmp_path):
    load(con, write(tmp_path / "m1.csv", MEMBERS_FILE), "members")
    second = load(con, write(tmp_path / "m2.csv", "会员卡号,姓名\nM2,李四新\nM3,王五\n"), "members")
    stored = con.execute(
        "select customer_id, name, phone, load_id = $load_id from members order by customer_id",
        {"load_id": second.load_id},
    ).fetchall()
    assert stored == [("M1", "张三", "13800000001", False), ("M2", "李四新", None, True), ("M3", "王五", None, True)]


# --- CLI -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "message"), [("en", "The file is empty."), ("zh", "文件是空的。")])
def test_cli_bad_file_prints_one_line(tmp_path, capsys, monkeypatch, lang, message):
    monkeypatch.setenv("SEGCORE_LANG", lang)
    argv = [
        "ingest",
        "--dataset",
        "d",
        "--sales",
        str(write(tmp_path / "s.csv", b"")),
        "--workspace",
        str(tmp_path / "w"),
    ]
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", f"error: {message}\n")


def test_cli_map_names_the_columns(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SEGCORE_LANG", "en")
    path = write(tmp_path / "s.csv", "顾客,日子,钱\nA,2024-03-05,¥8\n")
    argv = ["ingest", "--dataset", "d", "--sales", str(path), "--workspace", str(tmp_path / "ws.duckdb")]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "error: Required columns are missing: customer_id, order_date, amount. Columns found: 顾客, 日子, 钱.\n"
    )
    assert main([*argv, "--map", "customer_id=顾客", "--map", "order_date=日子", "--map", "amount=钱"]) == 0
    assert capsys.readouterr().out == (
        "s.csv: read 1, kept 1, rejected 0 (none); refunds 0, duplicates 0, customers 1, "
        "dates 2024-03-05T00:00:00 .. 2024-03-05T00:00:00\n"
        "d: amounts in CNY\n"  # the ¥ in the amount cell
    )
    with duckdb.connect(str(tmp_path / "ws.duckdb"), read_only=True) as check:
        assert check.execute("select customer_id, amount from sales").fetchall() == [("A", Decimal("8.00"))]


def test_cli_same_file_twice_says_nothing_added(tmp_path, capsys):
    path = write(tmp_path / "s.csv", f"{HEADER}\nA,o1,2024-03-05,1,是\n")
    argv = ["ingest", "--dataset", "d", "--sales", str(path), "--workspace", str(tmp_path / "ws.duckdb")]
    assert (main(argv), main(argv)) == (0, 0)
    assert capsys.readouterr().out.splitlines()[2] == "s.csv: already loaded into d, nothing added"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "SEGCORE_DEBUG"} | {"SEGCORE_LANG": "en"}
    command = [sys.executable, "-m", "segcore", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_cli_subprocess_bad_file_exits_2_with_one_line(tmp_path):
    bad = write(tmp_path / "s.csv", bytes(range(256)) * 16)
    run = run_cli("ingest", "--dataset", "d", "--sales", str(bad), "--workspace", str(tmp_path / "ws.duckdb"))
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        "error: This is not a readable CSV, Excel or Parquet file (it looks like binary data)."
    ]
    assert "Traceback" not in run.stderr


def test_cli_subprocess_help_exits_0():
    run = run_cli("--help")
    assert (run.returncode, run.stdout.startswith("usage: python -m segcore"), run.stderr) == (0, True, "")
