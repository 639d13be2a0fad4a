"""Customer keys: every customer of a dataset numbered in customer_id order, kept with the order days.

The tier rules group and sort by this integer (segcore.engine.orders); these tests pin what it must keep: the tier
table lists customers by customer_id, members-only customers included, and a workspace written before the keys
existed reads the same (read-only: from its lines; opened for writing: upgraded once).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from segcore.access import owner
from segcore.engine.one_date import tier_table
from segcore.ingest import load_file
from segcore.workspace import Workspace

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

LOADED_AT = datetime(2024, 6, 1, 9, 0)
AS_OF = date(2024, 5, 31)

SALES = """customer_id,order_id,order_date,amount
d,o1,2024-05-01,120.00
b,o2,2023-11-01,80.00
b,o3,2024-05-20,40.00
z,o4,2024-01-10,-30.00
"""
MEMBERS = """customer_id,join_date
e,2024-01-01
a,2023-06-01
c,2024-02-01
b,2023-01-01
late,2024-12-01
"""


def _load(tmp_path: Path, workspace: Workspace) -> None:
    (tmp_path / "sales.csv").write_text(SALES, encoding="utf-8")
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    with workspace.writer() as con:
        load_file(con, "shop", tmp_path / "sales.csv", "sales", loaded_at=LOADED_AT, access=OWNER)
        load_file(con, "shop", tmp_path / "members.csv", "members", loaded_at=LOADED_AT, access=OWNER)


def test_keys_number_sales_and_members_customers_in_id_order(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws.duckdb")
    _load(tmp_path, workspace)
    with workspace.reader() as con:
        keys = con.execute(
            "select customer_key, customer_id from customer_keys where dataset_id = 'shop' order by customer_key"
        ).fetchall()
        days = con.execute(
            "select customer_key, customer_id from order_days where dataset_id = 'shop' order by customer_id, day"
        ).fetchall()
    assert keys == [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e"), (6, "late"), (7, "z")]
    assert days == [(2, "b"), (2, "b"), (4, "d"), (7, "z")]


def test_tier_table_lists_customers_by_id_with_members_only_customers_between_buyers(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws.duckdb")
    _load(tmp_path, workspace)
    with workspace.reader() as con:
        table = tier_table(con, "shop", AS_OF)
    # 'late' joins after the as-of date; 'z' has only a refund (a customer without a purchase, not a member)
    assert table["customer_id"].tolist() == ["a", "b", "c", "d", "e", "z"]
    assert table["frequency"].tolist() == [0, 2, 0, 1, 0, 0]
    assert table["lifecycle"].tolist() == ["potential", "active", "potential", "new", "potential", None]


def _make_legacy(path: Path) -> None:
    """The workspace as written before customer keys existed: order_days without the key, no customer_keys."""
    con = duckdb.connect(str(path))
    try:
        con.execute("drop table customer_keys")
        con.execute("alter table order_days drop column customer_key")
    finally:
        con.close()


def test_a_workspace_without_keys_reads_the_same_read_only_and_is_upgraded_when_opened_for_writing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ws.duckdb"
    workspace = Workspace(path)
    _load(tmp_path, workspace)
    with workspace.reader() as con:
        before = tier_table(con, "shop", AS_OF)
    _make_legacy(path)

    read_only = duckdb.connect(str(path), read_only=True)
    try:
        from_lines = tier_table(read_only, "shop", AS_OF)
    finally:
        read_only.close()
    assert from_lines.equals(before)

    with Workspace(path).writer() as con:
        upgraded = tier_table(con, "shop", AS_OF)
        keys = con.execute("select count(*) from customer_keys where dataset_id = 'shop'").fetchone()
        keyed_days = con.execute("select count(customer_key) from order_days where dataset_id = 'shop'").fetchone()
    assert upgraded.equals(before)
    assert keys == (7,)
    assert keyed_days == (4,)
