"""segcore.engine.run.frame: the same DataFrame as DuckDB's own df(), values and dtypes, NULLs included."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segcore.engine.run import frame

ROW = "(1::bigint, 2::int, true, 1.5::decimal(18, 2), date '2024-01-01', 'a', 3::tinyint, 2.5::decimal(38, 2))"
NULLS = "(null::bigint, null::int, null::boolean, null::decimal(18, 2), null::date, null, null::tinyint, null)"
COLUMNS = "t(big, small, flag, money, day, name, code, wide)"


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param(f"select * from (values {ROW}) {COLUMNS}", id="no-nulls"),
        pytest.param(f"select * from (values {ROW}) {COLUMNS} where false", id="no-rows"),
        pytest.param(f"select * from (values {NULLS}, {ROW}) {COLUMNS}", id="some-nulls"),
        pytest.param(f"select * from (values {NULLS}) {COLUMNS}", id="only-nulls"),
    ],
)
def test_frame_equals_duckdbs_df(sql: str) -> None:
    con = duckdb.connect()
    made = frame(con.execute(sql))
    pd.testing.assert_frame_equal(made, con.execute(sql).df(), check_exact=True)
    if "null" in sql and "where false" not in sql:
        assert made["name"].iloc[0] is None and pd.isna(made["big"].iloc[0])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.none() | st.integers(-(2**62), 2**62),
            st.none() | st.booleans(),
            st.none() | st.text(max_size=3),
            st.none() | st.integers(-(10**8), 10**8),
        ),
        max_size=30,
    )
)
def test_frame_equals_df_on_any_rows(rows: list[tuple[object, ...]]) -> None:
    con = duckdb.connect()
    con.execute("create table t (big bigint, flag boolean, name varchar, cents bigint)")
    if rows:
        con.executemany("insert into t values (?, ?, ?, ?)", rows)
    sql = "select big, flag, name, cast(cents as decimal(18, 0)) / 100 as money, cast(cents as integer) as c from t"
    pd.testing.assert_frame_equal(frame(con.execute(sql)), con.execute(sql).df(), check_exact=True)
