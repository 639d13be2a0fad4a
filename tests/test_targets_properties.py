"""Properties of the rule builder: values never reach the SQL text, and the SQL filter equals a pandas filter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segcore.targets import FIELDS, Rule, rules_to_sql

ODD = [
    "'",
    '"',
    ";",
    "'); drop table sales; --",
    '"; drop table members; --',
    "\\",
    "\\'",
    "😀",
    "护肤",
    "上海南京路店",
    "$p0",
    "{a}",
    "%",
    "_",
    "a,b",
    "",
    " ",
    "NULL",
    "\n",
    '=HYPERLINK("http://x","y")',
]
text_values = st.one_of(
    st.sampled_from(ODD),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
TEXT_FIELDS = ("store", "last_category")


def _sql_for(rule: Rule, placeholder: Any) -> str:
    """The SQL of the same rule with a harmless value of the same shape."""
    value = tuple(placeholder for _ in rule.value) if isinstance(rule.value, tuple) else placeholder
    return rules_to_sql([Rule(rule.field, rule.op, value)], FIELDS)[0]


@given(field=st.sampled_from(TEXT_FIELDS), op=st.sampled_from(["=", "!=", "in", "not in"]), data=st.data())
def test_the_sql_text_never_depends_on_a_value(field: str, op: str, data: st.DataObject) -> None:
    values = data.draw(st.lists(text_values, min_size=1, max_size=3)) if "in" in op else data.draw(text_values)
    rule = Rule(field, op, tuple(values) if isinstance(values, list) else values)
    sql, params = rules_to_sql([rule], FIELDS)
    assert sql == _sql_for(rule, "x")  # the same text whatever the value: the value is only a parameter
    for value in values if isinstance(values, list) else [values]:
        if len(value) >= 2 and value not in _sql_for(rule, "x"):
            assert value not in sql
    expected = list(dict.fromkeys(values)) if isinstance(values, list) else values
    assert params == {"p0": expected}


@given(category=text_values, days=st.integers(1, 1000))
def test_category_rules_bind_the_category(category: str, days: int) -> None:
    if not category.strip():
        return
    sql, params = rules_to_sql([Rule("category_in_last_days", "=", (category, days))], FIELDS)
    assert sql == '(coalesce("category_in_last_days"[$p0] < $p1, false))'
    assert params == {"p0": category.strip(), "p1": days}


# --- SQL against pandas on the same frame ---------------------------------------------------------------------

_ROW = st.fixed_dictionaries({
    "store": st.none() | text_values,
    "last_category": st.none() | text_values,
    "cents": st.none() | st.integers(-10_000, 10_000),
    "recency_days": st.none() | st.integers(0, 400),
    "categories": st.dictionaries(text_values.filter(lambda s: s.strip() == s and s != ""), st.integers(0, 400),
                                  max_size=3),
})  # fmt: skip


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [f"c{i:03d}" for i in range(len(rows))],
        "store": [r["store"] for r in rows],
        "last_category": [r["last_category"] for r in rows],
        "cents": [r["cents"] for r in rows],
        "recency_days": [r["recency_days"] for r in rows],
        "categories": [r["categories"] for r in rows],
    })  # fmt: skip


def _load(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    con.execute(
        "create or replace table target_candidates (customer_id varchar, store varchar, last_category varchar, "
        "monetary decimal(18, 2), recency_days integer, category_in_last_days map(varchar, integer))"
    )
    con.executemany(
        "insert into target_candidates values (?, ?, ?, ?, ?, map(?::varchar[], ?::integer[]))",
        [
            (r.customer_id, r.store, r.last_category, None if r.cents is None or pd.isna(r.cents)
             else Decimal(int(r.cents)) / 100, None if pd.isna(r.recency_days) else int(r.recency_days),
             list(r.categories), list(r.categories.values()))
            for r in frame.itertuples()
        ],
    )  # fmt: skip


def _reference(frame: pd.DataFrame, rule: Rule) -> list[str]:
    """The rule as a pandas filter: missing values match only != and not in, as documented."""
    if rule.field == "category_in_last_days":
        category, days = rule.value
        hit = frame["categories"].map(lambda m: m.get(category) is not None and m[category] < days)
        keep = hit if rule.op == "=" else ~hit
    else:
        if rule.field == "monetary":
            column = frame["cents"].map(lambda c: None if c is None or pd.isna(c) else Decimal(int(c)) / 100)
        else:
            column = frame[rule.field]
        value = rule.value

        def test(x: Any) -> bool:
            if rule.op == "!=":
                return bool(x is None or x != value)
            if rule.op == "not in":
                return x is None or x not in value
            if x is None:
                return False
            return {"=": lambda: x == value, "in": lambda: x in value, ">=": lambda: x >= value,
                    "<=": lambda: x <= value, "between": lambda: value[0] <= x <= value[1]}[rule.op]()  # fmt: skip

        keep = column.map(lambda x: test(None if x is None or (isinstance(x, float) and pd.isna(x)) else x))
    return list(frame.loc[keep.astype(bool), "customer_id"])


def _rules(rows: list[dict[str, Any]]) -> st.SearchStrategy[Rule]:
    """Rules whose values are often present in the rows."""
    seen_text = [r[f] for r in rows for f in TEXT_FIELDS if r[f] is not None] or ["x"]
    text_value = st.sampled_from(seen_text) | text_values
    money = st.integers(-10_000, 10_000).map(lambda c: Decimal(c) / 100)
    days = st.integers(0, 400)
    seen_categories = [c for r in rows for c in r["categories"]] or ["x"]
    return st.one_of(
        st.builds(Rule, st.sampled_from(TEXT_FIELDS), st.sampled_from(["=", "!="]), text_value),
        st.builds(Rule, st.sampled_from(TEXT_FIELDS), st.sampled_from(["in", "not in"]),
                  st.lists(text_value, min_size=1, max_size=3).map(tuple)),
        st.builds(Rule, st.just("monetary"), st.sampled_from(["=", "!=", ">=", "<="]), money),
        st.builds(Rule, st.just("recency_days"), st.sampled_from(["=", "!=", ">=", "<="]), days),
        st.builds(Rule, st.just("recency_days"), st.just("between"),
                  st.tuples(days, days).map(lambda t: tuple(sorted(t)))),
        st.builds(Rule, st.just("monetary"), st.sampled_from(["in", "not in"]), st.lists(money, min_size=1).map(tuple)),
        st.builds(Rule, st.just("category_in_last_days"), st.sampled_from(["=", "!="]),
                  st.tuples(st.sampled_from(seen_categories) | text_values.filter(lambda s: s.strip() == s != ""),
                            st.integers(1, 400))),
    )  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_sql_filter_equals_the_pandas_filter(data: st.DataObject) -> None:
    rows = data.draw(st.lists(_ROW, min_size=1, max_size=8))
    rules = data.draw(st.lists(_rules(rows), min_size=1, max_size=3))
    frame = _frame(rows)
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        _load(con, frame)
        where, params = rules_to_sql(rules, FIELDS)
        got = [r[0] for r in con.execute(f"select customer_id from target_candidates where {where} order by 1",
                                         params).fetchall()]  # fmt: skip
        assert con.execute("select count(*) from target_candidates").fetchone() == (len(rows),)  # nothing dropped
    finally:
        con.close()
    expected = set(frame["customer_id"])
    for rule in rules:
        expected &= set(_reference(frame, rule))
    assert got == sorted(expected)
