"""Every key list is defined once, in segcore/keys.py; and the one transaction helper."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pytest

from segcore import keys
from segcore.sql import transaction

ROOT = Path(__file__).resolve().parents[1]
# Switched by the engine rewrite: these still hold their own copies (RFM_SEGMENTS, GROUP_KEYS, SCHEMES, ...).
EXEMPT = {"segcore/keys.py"}


def key_lists() -> dict[frozenset[str], str]:
    """Each key list of segcore.keys (a tuple of at least 3 strings, or a mapping's values) as a set -> its name."""
    out: dict[frozenset[str], str] = {}
    for name in keys.__all__:
        value = getattr(keys, name)
        if isinstance(value, dict):
            out |= {frozenset(v): f"{name}[{k!r}]" for k, v in value.items() if isinstance(v, tuple) and len(v) >= 3}
            value = tuple(value.values())
        if isinstance(value, tuple) and len(value) >= 3 and all(isinstance(v, str) for v in value):
            out[frozenset(value)] = name
    return out


def string_literals(path: Path) -> list[tuple[int, frozenset[str]]]:
    """(line, values) of every tuple, list or set literal of at least 3 string constants in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        is_literal = isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) >= 3
        if is_literal and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            found.append((node.lineno, frozenset(e.value for e in node.elts)))  # type: ignore[attr-defined]
    return found


def source_files() -> list[Path]:
    files = [p for folder in ("segcore", "ui", "pages") for p in sorted((ROOT / folder).rglob("*.py"))]
    return [*files, ROOT / "app.py"]


def test_every_key_list_is_defined_only_in_segcore_keys():
    lists = key_lists()
    copies = [
        f"{path.relative_to(ROOT).as_posix()}:{line} repeats segcore.keys.{lists[values]}"
        for path in source_files()
        if path.relative_to(ROOT).as_posix() not in EXEMPT
        for line, values in string_literals(path)
        if values in lists
    ]
    assert copies == []


def test_the_check_finds_a_copy(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text('CHANNELS = ("wechat", "sms", "phone", "store")\n', encoding="utf-8")
    assert [key_lists()[values] for _, values in string_literals(copy)] == ["CHANNELS"]


def test_key_lists_hold_distinct_keys():
    for name in keys.__all__:
        value = getattr(keys, name)
        if isinstance(value, tuple):
            assert len(set(value)) == len(value), name


@pytest.fixture
def table() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("create table t as select * from (values (1), (2)) v(x)")
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("select x from t order by x").fetchall()


def test_transaction_commits_a_body_that_ends(table):
    with transaction(table):
        table.execute("insert into t values (3)")
        table.execute("delete from t where x = 1")
    assert rows(table) == [(2,), (3,)]
    table.execute("begin transaction")  # no transaction is left open
    table.execute("rollback")


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt()], ids=["exception", "interrupt"])
def test_transaction_rolls_back_a_failing_body_and_reraises(table, error):
    with pytest.raises(type(error)), transaction(table):
        table.execute("insert into t values (3)")
        table.execute("delete from t where x = 1")
        raise error
    assert rows(table) == [(1,), (2,)]
    table.execute("begin transaction")
    table.execute("rollback")


def test_transaction_rolls_back_a_failing_statement(table):
    with pytest.raises(duckdb.Error), transaction(table):
        table.execute("insert into t values (3)")
        table.execute("insert into t values ('not a number')")
    assert rows(table) == [(1,), (2,)]
