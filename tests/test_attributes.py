"""Issue 16: the extra columns of a sales or members file are kept as typed attributes, usable in target filters.

A jeweller's sales export (as of D = 31 Mar 2024), 金重 = gold weight in grams, 主石重 = main-stone carats:
  A  2 lines: 6.5 g + 4.0 g = 10.5 g                    -> 金重 >= 10
  B  1 line: 12.25 g                                    -> 金重 >= 10
  C  a sale of 1 g and its refund of -1 g: net 0 g
  E  9.99 g
  F  5 g on or before D, 20 g after D (not counted)      -> 5 g as of D
款号 (style code) has leading zeros (007): text. 到期日 holds dates. 备注 mixes a number and words: text.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from segcore.access import owner
from segcore.attributes import extra_attributes
from segcore.ingest import FileSpec, LoadReport, load_files
from segcore.schema import create_tables
from segcore.sql import NO_EXTENSIONS
from segcore.targets import (
    CANDIDATE_COLUMNS,
    FIELDS,
    Rule,
    build_list,
    candidates,
    describe,
    fields_for,
    parse_rule,
    rules_from_json,
    rules_to_json,
)

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
D = date(2024, 3, 31)
JEWELLER = """会员卡号,日期,金额,品类,金重,主石重,款号,到期日,备注
A,2024-01-05,5000,黄金,6.5,0.30,007,2025-01-01,12
A,2024-02-05,3000,黄金,4.0,,008,2025-02-01,
B,2024-03-01,12000,钻石,12.25,1.00,009,,老客
C,2024-03-02,800,银饰,1,0,010,2024-12-31,
C,2024-03-03,-800,银饰,-1,0,010,,
E,2024-03-04,4000,黄金,9.99,,011,,
F,2024-03-05,2000,黄金,5,,012,,
F,2024-04-05,8000,黄金,20,,013,,
"""
MEMBERS = """会员卡号,性别,爱好,会员等级
A,女,旅游,3
B,男,,1
D,女,读书,2
"""


def load_jeweller(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, list[LoadReport]]:
    (tmp_path / "sales.csv").write_text(JEWELLER, encoding="utf-8")
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    reports = load_files(
        con, "j", [FileSpec(tmp_path / "sales.csv", "sales"), FileSpec(tmp_path / "members.csv", "members")],
        loaded_at=datetime(2024, 6, 1),
        access=OWNER,
    )  # fmt: skip
    return con, reports


@pytest.fixture()
def jeweller(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return load_jeweller(tmp_path)[0]


def test_extra_columns_are_typed_by_what_they_hold(tmp_path: Path) -> None:
    jeweller, (sales_report, members_report) = load_jeweller(tmp_path)
    assert sales_report.extra_columns == {
        "金重": "number",
        "主石重": "number",
        "款号": "text",
        "到期日": "date",
        "备注": "text",
    }
    assert members_report.extra_columns == {"爱好": "text", "会员等级": "number"}
    found = {a.name: a.kind for a in extra_attributes(jeweller, "j")}
    assert found == {"主石重": "number", "会员等级": "number", "备注": "text", "到期日": "date", "款号": "text",
                     "爱好": "text", "金重": "number"}  # fmt: skip


def test_customer_values_as_of_d(jeweller: duckdb.DuckDBPyConnection) -> None:
    table = candidates(jeweller, "j", D)
    got = jeweller.execute(
        f'select customer_id, "金重", "主石重", "款号", "到期日", "备注", "爱好", "会员等级" from {table} order by 1'
    ).fetchall()
    assert got == [
        ("A", 10.5, 0.3, "008", date(2025, 2, 1), "12", "旅游", 3.0),  # 款号 tie: the most recent line
        ("B", 12.25, 1.0, "009", None, "老客", None, 1.0),
        ("C", 0.0, 0.0, "010", date(2024, 12, 31), None, None, None),  # the refund line takes the gram off
        ("D", None, None, None, None, None, "读书", 2.0),  # a member who never bought
        ("E", 9.99, None, "011", None, None, None, None),
        ("F", 5.0, None, "012", None, None, None, None),  # the 20 g line is after D
    ]


@pytest.mark.parametrize("expr", ["金重 >= 10", "金重 ≥ 10", '"金重" >= 10'], ids=["ascii", "sign", "quoted"])
def test_a_target_filter_on_gold_weight(jeweller: duckdb.DuckDBPyConnection, expr: str) -> None:
    rule = parse_rule(expr, fields_for(jeweller, "j"))
    assert rule == Rule("金重", ">=", 10)
    listed = build_list(jeweller, "j", D, rules=[rule], channel="store")
    assert list(listed.rows["customer_id"]) == ["A", "B"]
    assert describe(rule, "zh", fields_for(jeweller, "j")) == "金重不低于10"


def test_filters_on_text_and_date_extras(jeweller: duckdb.DuckDBPyConnection) -> None:
    fields = fields_for(jeweller, "j")
    assert (fields["款号"].type, fields["到期日"].type, fields["会员等级"].type) == ("text", "date", "number")
    by_code = build_list(jeweller, "j", D, rules=[parse_rule("款号 in 009,010", fields)], channel="store")
    assert list(by_code.rows["customer_id"]) == ["B", "C"]
    by_date = build_list(jeweller, "j", D, rules=[parse_rule("到期日 >= 2025-01-01", fields)], channel="store")
    assert list(by_date.rows["customer_id"]) == ["A"]


def test_a_saved_rule_on_an_extra_column_reads_back(jeweller: duckdb.DuckDBPyConnection) -> None:
    rules = [Rule("金重", ">=", 10), Rule("款号", "in", ("009",))]
    assert rules_from_json(rules_to_json(rules)) == rules


def test_a_newer_members_file_replaces_the_members_values(jeweller: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    (tmp_path / "members2.csv").write_text("会员卡号,爱好\nA,游泳\n", encoding="utf-8")
    load_files(
        jeweller, "j", [FileSpec(tmp_path / "members2.csv", "members")], loaded_at=datetime(2024, 6, 2), access=OWNER
    )
    rows = jeweller.execute(
        "select customer_id, text from extra_values where source = 'members' and name = '爱好' order by 1"
    ).fetchall()
    assert rows == [("A", "游泳"), ("D", "读书")]


def test_an_extra_column_named_like_a_field_is_renamed(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("会员卡号,日期,金额,age\nA,2024-01-05,100,7\n", encoding="utf-8")
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    load_files(con, "x", [FileSpec(tmp_path / "s.csv", "sales")], loaded_at=datetime(2024, 6, 1), access=OWNER)
    [attribute] = extra_attributes(con, "x", {*FIELDS, *CANDIDATE_COLUMNS})
    assert (attribute.name, attribute.column) == ("age", "age_extra")
    table = candidates(con, "x", D)
    assert con.execute(f"select age, age_extra from {table}").fetchall() == [(None, 7.0)]


def test_the_candidate_table_has_exactly_its_declared_columns(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("会员卡号,日期,金额\nA,2024-01-05,100\n", encoding="utf-8")
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    load_files(con, "x", [FileSpec(tmp_path / "s.csv", "sales")], loaded_at=datetime(2024, 6, 1), access=OWNER)
    table = candidates(con, "x", D)
    assert tuple(r[0] for r in con.execute(f"describe {table}").fetchall()) == CANDIDATE_COLUMNS


def test_cli_targets_filters_on_an_extra_column(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(JEWELLER, encoding="utf-8")
    out = tmp_path / "list.csv"
    done = subprocess.run(
        [sys.executable, "-m", "segcore", "targets", "--sales", str(sales), "--as-of", "2024-03-31",
         "--where", "金重 >= 10", "--channel", "store", "--holdout", "0", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig") as handle:
        ids = sorted(row[0] for row in list(csv.reader(handle))[1:])
    assert ids == ["A", "B"]
    bad = subprocess.run(
        [sys.executable, "-m", "segcore", "targets", "--sales", str(sales), "--where", "银重 >= 10",
         "--channel", "store", "--out", str(tmp_path / "x.csv")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "银重" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_cli_ingest_says_which_columns_were_kept(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(JEWELLER, encoding="utf-8")
    env = {"PATH": "/usr/bin", "SEGCORE_WORKSPACE": str(tmp_path / "ws.duckdb"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "segcore", "ingest", "--dataset", "jewels", "--sales", str(sales)],
        capture_output=True, text=True, cwd=ROOT, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "kept as attributes: 金重 number, 主石重 number, 款号 text, 到期日 date, 备注 text" in done.stdout


def test_a_campaign_saved_with_extra_column_rules_reads_back_typed(jeweller: duckdb.DuckDBPyConnection) -> None:
    from segcore.campaigns import campaign_record, save_campaign

    fields = fields_for(jeweller, "j")
    rules = [parse_rule("到期日 >= 2025-01-01", fields), parse_rule("金重 in 10.5", fields)]
    listed = build_list(jeweller, "j", D, rules=rules, channel="store")
    assert list(listed.rows["customer_id"]) == ["A"]
    campaign = save_campaign(
        jeweller, "j", listed, name="金饰回访", channel="store", start=date(2024, 4, 1), end=date(2024, 4, 28),
        holdout_share=0.0, seed=7, created_at=datetime(2024, 4, 1),
        access=OWNER,
    )  # fmt: skip
    assert campaign_record(jeweller, campaign)["rules"] == [
        Rule("到期日", ">=", date(2025, 1, 1)),
        Rule("金重", "in", (Decimal("10.5"),)),
    ]
    # a column the dataset no longer has is typed by its value: an ISO date compared is a date
    assert rules_from_json('[{"field": "旧列", "op": ">=", "value": "2025-01-01"}]') == [
        Rule("旧列", ">=", date(2025, 1, 1))
    ]


def test_a_few_whole_numbers_are_described_value_by_value(jeweller: duckdb.DuckDBPyConnection) -> None:
    from segcore import persona

    table = candidates(jeweller, "j", D)
    cube = persona.persona_cube(jeweller, table, "tier", extra_attributes(jeweller, "j", {*FIELDS, *CANDIDATE_COLUMNS}))
    frame = persona.persona(cube, "regular", min_count=1)
    levels = frame[frame["attribute"] == "会员等级"]
    # 会员等级: A 3, B 1, D 2; C, E and F are not members (6 customers in the base)
    assert list(zip(levels["value"], levels["base_count"], strict=True)) == [("1", 1), ("2", 1), ("3", 1), (None, 3)]
    _, rules = persona.handover(cube, "regular", "会员等级", "2")
    assert rules == [Rule("会员等级", "=", 2)]
    assert list(build_list(jeweller, "j", D, rules=rules, channel="store").rows["customer_id"]) == ["D"]


def test_whole_number_columns_get_whole_cuts() -> None:
    from segcore.persona import quantile_bands

    assert [b[2] for b in quantile_bands([1.8, 3.6, 5.4, 7.2], whole=True)] == ["<2", "2-4", "4-5", "5-7", ">=7"]
    assert [b[2] for b in quantile_bands([1.8, 3.6, 5.4, 7.2])] == ["<1.8", "1.8-3.6", "3.6-5.4", "5.4-7.2", ">=7.2"]
