"""The same tiers on Spark (issue 14): the DuckDB engine's SQL, transpiled, on a real local Spark Connect server.

Every case loads the same files into both engines through their own readers (segcore.ingest into a DuckDB
workspace; segcore.spark.source on Spark) and compares what each engine returns, column by column and dtype by
dtype: the tier table at several dates, the migration states and transitions, and the prediction summary.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal as Dec
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from segcore.access import owner
from segcore.bootstrap import DEMO_DATASET
from segcore.engine import tier_table
from segcore.engine.history import snapshot_states, transition_table
from segcore.forecast.summary import summary
from segcore.ingest import FileSpec, load_files
from segcore.migration import transitions
from segcore.schema import create_tables
from segcore.sql import NO_EXTENSIONS
from segcore.tier_rules import DEFAULT_RULES, TierRules

pytestmark = pytest.mark.spark

D = date(2024, 6, 30)
LOADED_AT = datetime(2024, 8, 1, 9, 0)  # lines up to D + 30 days are not in the future


def _spark_load(spark, sales: Path, members: list[Path], today: date = LOADED_AT.date()):  # noqa: B008
    from segcore.spark.engine import load

    return load(spark, str(sales), [str(m) for m in members], None, today)


def _duckdb_load(sales: Path, members: list[Path]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    specs = [FileSpec(sales, "sales", None, None), *(FileSpec(m, "members", None, None) for m in members)]
    load_files(con, "d", specs, loaded_at=LOADED_AT, access=owner("test"))
    return con


def _same(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert list(spark.columns) == list(duck.columns)
    assert dict(spark.dtypes) == dict(duck.dtypes)
    pd.testing.assert_frame_equal(spark, duck, check_exact=True)


def _write_store(folder: Path, lines: list, members: list) -> tuple[Path, Path]:
    """Typed Parquet files of (customer, order id, days before D, hour, amount, promo) lines and (customer, days
    before D joined or None) members."""
    folder.mkdir(parents=True, exist_ok=True)
    sales = pd.DataFrame(
        {
            "customer_id": [c for c, *_ in lines],
            "order_id": pd.Series([o for _, o, *_ in lines], dtype=object),
            "order_date": [datetime.combine(D - timedelta(days=d), time(h)) for _, _, d, h, _, _ in lines],
            "amount": [a for *_, a, _ in lines],
            "is_promo": pd.Series([p for *_, p in lines], dtype=object),
        }
    )
    joined = pd.DataFrame(
        {
            "customer_id": [c for c, _ in members],
            "join_date": pd.Series([None if d is None else D - timedelta(days=d) for _, d in members], dtype=object),
        }
    )
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    con.register("lines", sales)
    con.register("joined", joined)
    paths = folder / "sales.parquet", folder / "members.parquet"
    con.execute(
        "copy (select customer_id, order_id, cast(order_date as timestamp) as order_date,"
        " cast(amount as decimal(18, 2)) as amount,"
        " cast(is_promo as boolean) as is_promo from lines) to '" + str(paths[0]) + "' (format parquet)"
    )
    con.execute(
        "copy (select customer_id, cast(join_date as date) as join_date from joined) to '"
        + str(paths[1])
        + "' (format parquet)"
    )
    con.close()
    return paths


# ---------------------------------------------------------------- the demo store


def test_demo_store_is_identical_on_both_engines(spark, demo_workspace_file: Path):
    from segcore.spark.engine import spark_sales_range, spark_summary, spark_tier_table

    folder = demo_workspace_file.parent / "demo"
    data = _spark_load(spark, folder / "sales.csv", [folder / "members.csv"], date(2026, 11, 22))  # as conftest loads
    assert [(r.rows_read, r.rows_kept) for r in data.reports] == [(220731, 220731), (20000, 20000)]
    con = duckdb.connect(str(demo_workspace_file), read_only=True, config=NO_EXTENSIONS)
    try:
        first, last = spark_sales_range(data)
        assert (first, last) == (date(2023, 11, 17), date(2026, 11, 15))
        days = [date(2025, 6, 30), last]
        tables = {}
        for day in days:
            tables[day] = spark_tier_table(data, day)
            _same(tier_table(con, DEMO_DATASET, day), tables[day])
        assert len(tables[last]) == 20000
        # migration: the states of each scheme from the Spark tier tables equal the DuckDB engine's many-dates pass
        from segcore.engine.history import states_of_tier_tables

        for scheme in ("tier", "lifecycle", "group:promo_chaser"):
            states = states_of_tier_tables(tables, scheme)
            _same(snapshot_states(con, DEMO_DATASET, days, DEFAULT_RULES, scheme), states)
            _same(transition_table(con, DEMO_DATASET, days, DEFAULT_RULES, scheme), transitions(states))
        _same(summary(con, DEMO_DATASET, last), spark_summary(data, last))
    finally:
        con.close()


# ---------------------------------------------------------------- hand-built cases of the spec

# (customer, order id, days before D, hour, amount, promo)
HAND_LINES = [
    ("a", "o1", 300, 10, Dec("120.00"), None),
    ("a", "o2", 20, 10, Dec("80.00"), True),
    ("a", "o3", 5, 10, Dec("33.33"), False),
    ("b", "o4", 200, 9, Dec("15.00"), None),
    ("c", None, 45, 12, Dec("300.00"), None),
    ("c", None, 5, 12, Dec("-300.00"), None),  # another day without an id: another order, worth <= 0
    ("e", "o5", 40, 8, Dec("10.00"), True),  # o5 spreads over 3 days
    ("e", "o5", 39, 8, Dec("10.01"), True),
    ("e", "o5", 10, 8, Dec("0.01"), False),
    ("f", "o6", 800, 8, Dec("999.99"), None),  # outside the lookback
    ("g", "o7", 2, 23, Dec("7.00"), True),
    ("g", None, 2, 1, Dec("7.00"), True),  # the same day without an order id: another order
    ("g", "o8", 400, 23, Dec("1.00"), False),
    ("h", "o9", -3, 10, Dec("50.00"), None),  # after D: not counted at D
    ("k", "k1", 30, 10, Dec("0.12"), None),  # aov 0.125: half away from zero is 0.13
    ("k", "k2", 31, 10, Dec("0.13"), None),
    ("m2", "n1", 60, 10, Dec("1.00"), None),  # aov 1.005 (0.99499... as a double): 1.01
    ("m2", "n2", 61, 10, Dec("1.01"), None),
]
HAND_MEMBERS = [("m", None), ("a", 100), ("n", -10), ("b", None)]  # n joins after D


def test_hand_built_store_is_identical_on_both_engines(spark, tmp_path: Path):
    from segcore.spark.engine import spark_summary, spark_tier_table

    sales, members = _write_store(tmp_path, HAND_LINES, HAND_MEMBERS)
    con = _duckdb_load(sales, [members])
    data = _spark_load(spark, sales, [members])
    k3 = TierRules(rfm_bins=3, tier_order=tuple(reversed(DEFAULT_RULES.tier_order)))
    for day, cfg in ((D, DEFAULT_RULES), (D, k3), (D - timedelta(days=35), DEFAULT_RULES)):
        duck = tier_table(con, "d", day, cfg)
        _same(duck, spark_tier_table(data, day, cfg))
    at_d = tier_table(con, "d", D).set_index("customer_id")
    # typed expectations: the average order value rounds half away from zero to the cent on both engines
    assert at_d.loc["k", "aov_w"] == 0.13
    assert at_d.loc["m2", "aov_w"] == 1.01
    assert at_d.loc["a", "monetary"] == 233.33
    assert "h" not in at_d.index and "n" not in at_d.index  # a line after D, a member joining after D
    assert at_d.loc["c", "recency_days"] == 45 and at_d.loc["c", "monetary"] == 0  # the refund is an order
    assert at_d.loc["m", "tier"] == "potential"
    _same(summary(con, "d", D), spark_summary(data, D))


def test_a_table_name_is_read_like_a_file(spark, tmp_path: Path):
    from segcore.spark.engine import load, spark_tier_table

    sales, members = _write_store(tmp_path, HAND_LINES, HAND_MEMBERS)
    spark.read.parquet(str(sales)).createOrReplaceTempView("warehouse_sales")  # a table the cluster knows by name
    data = load(spark, "warehouse_sales", [str(members)], None, LOADED_AT.date())
    assert (data.reports[0].source, data.reports[0].rows_read, data.reports[0].rows_kept) == ("warehouse_sales", 18, 18)
    _same(tier_table(_duckdb_load(sales, [members]), "d", D), spark_tier_table(data, D))


def test_lines_the_loader_rejects_are_left_out_and_counted(spark, tmp_path: Path):
    csv = tmp_path / "sales.csv"
    csv.write_text(
        "\ufeff会员卡号,订单号,消费时间,实收金额,是否促销\n"
        "A1,o1,2024-06-01 10:00:00,88.50,是\n"
        ",o2,2024-06-01,10.00,否\n"  # missing customer id
        "1.23E+10,o3,2024-06-01,10.00,否\n"  # an id Excel turned into a number
        "A2,o4,someday,10.00,否\n"  # unreadable date
        "A3,o5,1900-01-01,10.00,否\n"  # a placeholder date
        'A4,o6,2024-06-02,"1,234.50",否\n'  # text this reader does not read: rejected, never guessed
        "A5,o7,2030-01-01,10.00,否\n"  # in the future
        "A6,o8,2024-06-03,12.345,maybe\n",  # rounded to the cent; a promo word nobody knows: not promo
        encoding="utf-8",
    )
    from segcore.spark.engine import spark_tier_table

    data = _spark_load(spark, csv, [])
    report = data.reports[0]
    assert (report.rows_read, report.rows_kept) == (8, 2)
    assert report.rejects_by_reason == {
        "bad_amount": 1,
        "bad_date": 1,
        "future_date": 1,
        "implausible_date": 1,
        "mangled_id": 1,
        "missing_customer_id": 1,
    }
    assert report.warnings == {"promo_unrecognised": 1}
    table = spark_tier_table(data, date(2024, 6, 30)).set_index("customer_id")
    assert list(table.index) == ["A1", "A6"]
    assert table.loc["A6", "monetary"] == 12.35 and table.loc["A1", "promo_spend_w"] == 88.5
    assert table.loc["A6", "promo_spend_w"] == 0


def test_a_member_listed_twice_counts_from_the_earliest_join(spark, tmp_path: Path):
    sales, members = _write_store(tmp_path, [("a", "o1", 10, 10, Dec("5.00"), None)], [("z", 5), ("z", 50)])
    from segcore.spark.engine import spark_tier_table

    data = _spark_load(spark, sales, [members])
    assert data.reports[1].warnings == {"duplicate_member": 1}
    table = spark_tier_table(data, D - timedelta(days=20))
    assert list(table["customer_id"]) == ["z"]  # a buys after that day; z is a member since D - 50, not D - 5


# ---------------------------------------------------------------- generated small stores

lines_strategy = st.lists(
    st.tuples(
        st.sampled_from("abcdefgh"),
        st.sampled_from([None, "o1", "o2", "o3"]),  # one id on several days makes multi-day orders
        st.integers(min_value=-3, max_value=800),
        st.integers(min_value=0, max_value=23),
        st.one_of(
            st.decimals(min_value=1, max_value=300, places=2), st.decimals(min_value=-60, max_value=60, places=2)
        ),
        st.sampled_from([None, True, False]),
    ),
    min_size=1,
    max_size=30,
)
members_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefghij"), st.one_of(st.none(), st.integers(min_value=-30, max_value=800))),
    max_size=5,
    unique_by=lambda member: member[0],  # a member listed twice differs by design (see the test above)
)


# a Spark query takes seconds: few examples, and no shrinking (a failure is reported as found)
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=lines_strategy, members=members_strategy, back=st.integers(min_value=0, max_value=400))
def test_generated_stores_are_identical_on_both_engines(spark, tmp_path_factory, lines, members, back):
    from segcore.spark.engine import spark_tier_table

    folder = tmp_path_factory.mktemp("store")
    sales, joined = _write_store(folder, lines, members)
    member_files = [joined] if members else []  # the loader refuses a file with a header and no rows
    con = _duckdb_load(sales, member_files)
    data = _spark_load(spark, sales, member_files)
    for day in (D, D - timedelta(days=back)):
        _same(tier_table(con, "d", day), spark_tier_table(data, day))


def test_cli_tiers_on_spark_writes_the_same_table_and_the_app_shows_its_source(spark, tmp_path: Path):
    import json
    import subprocess
    import sys

    import pyarrow.parquet as pq

    from segcore.tier_imports import import_tier_file, imported_tier_table
    from segcore.workspace import Workspace

    sales, members = _write_store(tmp_path, HAND_LINES, HAND_MEMBERS)
    tables, made = {}, {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.parquet"
        extra = ["--engine", "spark", "--spark-remote", "local[1]"] if engine == "spark" else []
        argv = ["tiers", "--sales", str(sales), "--members", str(members), "--as-of", D.isoformat()]
        done = subprocess.run(
            [sys.executable, "-m", "segcore", *argv, "--out", str(out), *extra],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=Path(__file__).resolve().parents[1],
        )
        assert done.returncode == 0, done.stderr[-2000:]
        written = pq.read_table(out)
        made[engine] = json.loads(written.schema.metadata[b"segcore"])
        tables[engine] = written.replace_schema_metadata({})
    assert "sales.parquet: read 18, kept 18, left out 0 (none)" in done.stderr
    assert tables["spark"].equals(tables["duckdb"])  # the same columns, Arrow types and values, row by row
    assert (made["spark"]["engine"], made["spark"]["spark_remote"]) == ("spark", "local[1]")
    assert made["duckdb"]["engine"] == "duckdb" and made["spark"]["as_of"] == D.isoformat()
    workspace = Workspace(tmp_path / "ws.duckdb")
    with workspace.writer() as con:
        source = import_tier_file(
            con, "chain", (tmp_path / "spark.parquet").read_bytes(), "spark.parquet", loaded_at=LOADED_AT,
            access=owner("test"),
        )  # fmt: skip
        loaded = imported_tier_table(con, "chain", D)
    workspace.close()
    assert (source.engine, source.spark_remote, source.customers) == ("spark", "local[1]", len(loaded))
    pd.testing.assert_frame_equal(loaded, pd.read_parquet(tmp_path / "duckdb.parquet"), check_exact=True)
