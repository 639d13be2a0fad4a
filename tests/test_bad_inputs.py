"""Bad inputs through the command line, as a user runs it: `python -m segcore ingest ... --workspace W`.

Two tables:
- BAD_FILES: a file (or command) that cannot be loaded. Expected: exit 2, one clear line on stderr, and the
  workspace exactly as before (a workspace already holding a load: same rows in every table; a fresh workspace:
  nothing added).
- BAD_ROWS: a file that loads, but some of its rows are wrong. Expected: exit 0, the quality report names the
  problem, the wrong rows are rejected with their reason, and every kept row holds exactly the values the file
  meant (no row misread).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from segcore.cli import main
from tests.helpers import TABLES, snapshot_file

ROOT = Path(__file__).resolve().parents[1]
SALES_HEADER = "会员卡号,消费时间,实收金额\n"
BASE = SALES_HEADER + "BASE1,2024-03-01,9.90\n"  # loaded before each bad command
MEMBERS = "会员卡号,姓名,手机号,生日\nM1,张三,13800000001,1990-05-01\n"

Content = bytes | Callable[[Path], None]


def xlsx_with(rows: list[list[object]], sheet: str = "Sheet1") -> Callable[[Path], None]:
    def make(path: Path) -> None:
        workbook = xlsxwriter.Workbook(str(path))
        worksheet = workbook.add_worksheet(sheet)
        for number, row in enumerate(rows):
            worksheet.write_row(number, 0, row)
        workbook.close()

    return make


@dataclass(frozen=True)
class BadFile:
    id: str
    files: dict[str, Content]
    args: list[str]  # "{name}" stands for the path of files[name] (or a folder / missing file under tmp_path)
    message: str  # expected in the one stderr line
    setup: list[str] = field(default_factory=list)  # args of a good ingest run before (besides BASE)


BAD_FILES = [
    BadFile("empty_file", {"s.csv": b""}, ["--sales", "{s.csv}"], "error: The file is empty."),
    BadFile("blank_lines", {"s.csv": b"\r\n  \r\n"}, ["--sales", "{s.csv}"], "error: The file is empty."),
    BadFile(
        "header_only", {"s.csv": SALES_HEADER.encode()}, ["--sales", "{s.csv}"], "has a header row (会员卡号, 消费时间"
    ),
    BadFile("no_header", {"s.csv": b",,\n1,2,3\n"}, ["--sales", "{s.csv}"], "error: The file has no header row."),
    BadFile("binary", {"s.csv": bytes(range(256)) * 16}, ["--sales", "{s.csv}"], "(it looks like binary data)"),
    BadFile(
        "latin1_text",
        {"s.csv": "customer,date,amount\nJosé,2024-03-05,5\n".encode("cp1252")},
        ["--sales", "{s.csv}"],
        "its encoding is not UTF-8, UTF-16 or GBK",
    ),
    BadFile(
        "members_as_sales",
        {"m.csv": MEMBERS.encode()},
        ["--sales", "{m.csv}"],
        "error: This looks like a members file: it has no order date / amount columns",
    ),
    BadFile(
        "sales_as_members",
        {"s.csv": (SALES_HEADER + "A,2024-03-05,5\n").encode()},
        ["--members", "{s.csv}"],
        "error: This looks like a sales file",
    ),
    BadFile(
        "members_loaded_then_given_as_sales",
        {"m.csv": MEMBERS.encode()},
        ["--sales", "{m.csv}"],
        "m.csv was already loaded into this dataset as a members file; it cannot also be a sales file.",
        setup=["--members", "{m.csv}"],
    ),
    BadFile(
        "missing_columns",
        {"s.csv": "顾客,日子,钱\nA,2024-03-05,8\n".encode()},
        ["--sales", "{s.csv}"],
        "Required columns are missing: customer_id, order_date, amount. Columns found: 顾客, 日子, 钱.",
    ),
    BadFile("no_such_file", {}, ["--sales", "{nope.csv}"], "error: File not found: "),
    BadFile("broken_xlsx", {"s.xlsx": b"PK\x03\x04 not a workbook"}, ["--sales", "{s.xlsx}"], "could not be opened"),
    BadFile("empty_xlsx", {"s.xlsx": xlsx_with([])}, ["--sales", "{s.xlsx}"], "has no sheet with a header row"),
    BadFile(
        "no_such_sheet",
        {"s.xlsx": xlsx_with([["会员卡号", "消费时间", "实收金额"], ["A", "2024-03-05", 5]])},
        ["--sales", "{s.xlsx}", "--sheet", "Nope"],
        "There is no sheet named Nope (sheets: Sheet1).",
    ),
    BadFile("broken_parquet", {"s.parquet": b"PAR1 not parquet"}, ["--sales", "{s.parquet}"], "could not be read"),
    BadFile(
        "unclosed_quote",
        {"s.csv": (SALES_HEADER + 'A,"2024-03-05,5\nB,2024-03-06,6\n').encode()},
        ["--sales", "{s.csv}"],
        'A quote (") opened in data row 1 is never closed',
    ),
    BadFile(
        "good_file_then_bad_file",
        {"good.csv": (SALES_HEADER + "A,2024-03-05,5\n").encode(), "bad.csv": b""},
        ["--sales", "{good.csv}", "--sales", "{bad.csv}"],
        "error: bad.csv: The file is empty.",
    ),
    BadFile(
        "good_sales_then_bad_members",
        {"good.csv": (SALES_HEADER + "A,2024-03-05,5\n").encode(), "m.csv": b"\xff\xfe\x00"},
        ["--sales", "{good.csv}", "--members", "{m.csv}"],
        "error: m.csv: ",
    ),
    BadFile("no_files", {}, [], "error: No file to load: give at least one --sales or --members file"),
    BadFile("empty_folder", {"folder/notes.md": b"# not data\n"}, ["--sales", "{folder}"], "holds no .csv"),
    BadFile(
        "map_to_a_missing_column",
        {"s.csv": (SALES_HEADER + "A,2024-03-05,5\n").encode()},
        ["--sales", "{s.csv}", "--map", "amount=价格"],
        "The file has no column named 价格",
    ),
    BadFile(
        "malformed_map",
        {"s.csv": (SALES_HEADER + "A,2024-03-05,5\n").encode()},
        ["--sales", "{s.csv}", "--map", "amount"],
        "--map takes canonical=source, got 'amount'.",
    ),
    BadFile(
        "blank_dataset_name",
        {"s.csv": (SALES_HEADER + "A,2024-03-05,5\n").encode()},
        ["--sales", "{s.csv}", "--dataset", " "],
        "error: Give the dataset a name.",
    ),
]


def _materialise(tmp_path: Path, files: dict[str, Content], args: list[str]) -> list[str]:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            content(path)
    out = []
    for arg in args:
        if arg.startswith("{") and arg.endswith("}"):
            arg = str(tmp_path / arg[1:-1])
        out.append(arg)
    return out


def _ingest_args(args: list[str], workspace: Path) -> list[str]:
    dataset = [] if "--dataset" in args else ["--dataset", "d"]
    return ["ingest", *dataset, *args, "--workspace", str(workspace)]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SEGCORE_DEBUG"} | {"SEGCORE_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "segcore", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.parametrize("case", BAD_FILES, ids=[case.id for case in BAD_FILES])
def test_bad_file_exits_2_with_a_clear_line_and_changes_nothing(tmp_path, case):
    base = tmp_path / "base.csv"
    base.write_text(BASE, encoding="utf-8")
    workspace = tmp_path / "ws.duckdb"
    args = _materialise(tmp_path, case.files, case.args)
    setup = _materialise(tmp_path, {}, case.setup)
    assert main(_ingest_args(["--sales", str(base), *setup], workspace)) == 0
    before = snapshot_file(workspace)
    assert len(before["sales"]) == 1

    run = _run(_ingest_args(args, workspace))

    assert (run.returncode, run.stdout) == (2, "")
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("error: ") and case.message in run.stderr
    assert snapshot_file(workspace) == before


@pytest.mark.parametrize("case", [c for c in BAD_FILES if not c.setup], ids=[c.id for c in BAD_FILES if not c.setup])
def test_bad_file_adds_nothing_to_a_fresh_workspace(tmp_path, case, capsys, monkeypatch):
    monkeypatch.setenv("SEGCORE_LANG", "en")
    workspace = tmp_path / "fresh.duckdb"
    args = _materialise(tmp_path, case.files, case.args)
    assert main(_ingest_args(args, workspace)) == 2
    assert case.message in capsys.readouterr().err
    assert snapshot_file(workspace) == {table: [] for table in TABLES}


@dataclass(frozen=True)
class BadRows:
    id: str
    content: bytes
    kept: list[tuple[str, str, str]]  # (customer_id, order day, amount) of every stored row, in file order
    rejected: list[tuple[int, str]]  # (row, reason)
    report: str  # expected in the report line on stdout


BAD_ROWS = [
    BadRows(
        "quoted_line_break",
        (SALES_HEADER.rstrip() + ',备注\nA,2024-03-05,10,"第一行\r\n第二行"\nB,2024-03-06,20,x\n').encode(),
        [("A", "2024-03-05", "10.00"), ("B", "2024-03-06", "20.00")],
        [],
        "read 2, kept 2, rejected 0 (none)",
    ),
    BadRows(
        "decimal_comma_semicolon_file",
        "会员卡号;消费时间;实收金额\nA;2024-03-05;1.234,50\nB;2024-03-06;12,5\n".encode(),
        [("A", "2024-03-05", "1234.50"), ("B", "2024-03-06", "12.50")],
        [],
        "number format: amount eu",
    ),
    BadRows(
        "unquoted_yen_thousands",
        (SALES_HEADER + "A,2024-03-05,¥1,234.50\nB,2024-03-06,3\n").encode(),
        [("B", "2024-03-06", "3.00")],
        [(1, "extra_fields")],
        "rejected 1 (extra_fields 1 [row 1])",
    ),
    BadRows(
        "lone_cr_in_crlf_file",
        b"customer,date,amount\r\nC1,2024-03-05,1\r\nC2,2\rC3,2024-03-05,3\r\n",
        [("C1", "2024-03-05", "1.00"), ("C3", "2024-03-05", "3.00")],
        [(2, "bad_date")],
        "warnings: lone_cr 1",
    ),
    BadRows(
        "scientific_notation_id",
        (SALES_HEADER + "1.38E+10,2024-03-05,5\n13800000001,2024-03-06,6\n").encode(),
        [("13800000001", "2024-03-06", "6.00")],
        [(1, "mangled_id")],
        "mangled_id 1 [row 1: 1.38E+10]",
    ),
    BadRows(
        "placeholder_date",
        (SALES_HEADER + "A,0001-01-01,5\nB,2024-03-06,6\n").encode(),
        [("B", "2024-03-06", "6.00")],
        [(1, "implausible_date")],
        "implausible_date 1 [row 1: 0001-01-01]",
    ),
    BadRows(
        "ambiguous_amount",
        (SALES_HEADER + "A,2024-03-05,1.234\nB,2024-03-06,7\n").encode(),
        [("B", "2024-03-06", "7.00")],
        [(1, "ambiguous_amount")],
        "ambiguous_amount 1 [row 1: 1.234]",
    ),
    BadRows(
        "stray_excel_serial",
        (SALES_HEADER + "A,2024-03-05,1\nB,45357,2\nC,2024-03-07,3\n").encode(),
        [("A", "2024-03-05", "1.00"), ("C", "2024-03-07", "3.00")],
        [(2, "bad_date")],
        "bad_date 1 [row 2: 45357]",
    ),
    BadRows(
        "excel_serial_column",
        (SALES_HEADER + "A,45356,1\nB,45357,2\n").encode(),
        [("A", "2024-03-05", "1.00"), ("B", "2024-03-06", "2.00")],
        [],
        "warnings: excel_serial_dates 2 [row 1: 45356; row 2: 45357]",
    ),
    BadRows(
        "duplicate_column_name",
        "会员卡号,消费时间,实收金额,实收金额\nA,2024-03-05,5,6\n".encode(),
        [("A", "2024-03-05", "5.00")],
        [],
        "warnings: duplicate_column 1 [实收金额]",
    ),
    BadRows(
        "unreadable_amount",
        (SALES_HEADER + "A,2024-03-05,abc\nB,2024-03-06,8\n").encode(),
        [("B", "2024-03-06", "8.00")],
        [(1, "bad_amount")],
        "bad_amount 1 [row 1: abc]",
    ),
]


@pytest.mark.parametrize("case", BAD_ROWS, ids=[case.id for case in BAD_ROWS])
def test_bad_rows_are_rejected_or_warned_and_no_row_is_misread(tmp_path, case):
    path = tmp_path / "s.csv"
    path.write_bytes(case.content)
    workspace = tmp_path / "ws.duckdb"

    run = _run(_ingest_args(["--sales", str(path)], workspace))

    assert (run.returncode, run.stderr) == (0, "")
    assert case.report in run.stdout
    with duckdb.connect(str(workspace), read_only=True) as con:
        kept = con.execute(
            "select customer_id, cast(cast(order_date as date) as varchar), cast(amount as varchar) "
            "from sales order by line_no"
        ).fetchall()
        rejected = con.execute("select line_no, reason from rejects order by line_no").fetchall()
    assert (kept, rejected) == (case.kept, case.rejected)
