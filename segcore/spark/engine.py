"""The engine's queries on Spark: the tier table, the migration states and the prediction summary.

The sales and members are registered first (segcore.spark.source), then the engine's two order relations
(segcore.engine.orders.ORDER_DAYS_TABLES) are computed once and cached as views, so each query below reads the
same `order_days` and `customer_keys` the workspace keeps. Every query is the DuckDB engine's own SQL, transpiled.
Results come back as Arrow and are turned into pandas by DuckDB, so each column has the dtype the DuckDB engine
gives it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from segcore.engine.facts import ONE_DATE_FACTS_CTES
from segcore.engine.history import clean_dates, states_of_tier_tables
from segcore.engine.one_date import decode, tier_table_sql
from segcore.engine.orders import ORDER_DAYS_TABLES
from segcore.engine.rules import rule_params
from segcore.engine.run import used_params
from segcore.errors import InputError
from segcore.spark.dialect import to_spark
from segcore.spark.source import SPARK_DATASET, SourceReport, register_members, register_sales
from segcore.sql import NO_EXTENSIONS
from segcore.tier_rules import DEFAULT_RULES, TierRules

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SparkData", "load", "spark_sales_range", "spark_states", "spark_summary", "spark_tier_table"]


@dataclass
class SparkData:
    """Sales and members registered on a Spark session, with what reading them gave."""

    spark: SparkSession
    reports: list[SourceReport]
    has_promo: bool


def load(
    spark: SparkSession,
    sales: str,
    members: list[str],
    mapping: dict[str, str] | None,
    today: date,
) -> SparkData:
    """Register the sales (and members) as views on `spark`, then the cached order days behind every query."""
    sales_report, has_promo = register_sales(spark, sales, mapping, today)
    member_reports = register_members(spark, members, None, today)
    for table, select in ORDER_DAYS_TABLES:
        frame = spark.sql(to_spark(select), args={"dataset_id": SPARK_DATASET})
        frame.persist().createOrReplaceTempView(table)
    return SparkData(spark, [sales_report, *member_reports], has_promo)


def _frame(spark: SparkSession, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    table = spark.sql(to_spark(sql), args=used_params(sql, params)).toArrow()
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        return con.from_arrow(table).df()
    finally:
        con.close()


def spark_sales_range(data: SparkData) -> tuple[date, date]:
    """The first and last sales day; InputError when no line was kept."""
    from pyspark.sql import functions as F

    row = data.spark.table("sales").agg(F.min("order_date"), F.max("order_date")).collect()[0]
    if row[0] is None:
        raise InputError("no_sales")
    return row[0], row[1]


_FACTS_SQL = "with " + ONE_DATE_FACTS_CTES + "\nselect * from customers"
_CACHED_FACTS = "customers as (select * from facts)"


def spark_tier_table(data: SparkData, as_of: date, cfg: TierRules = DEFAULT_RULES) -> pd.DataFrame:
    """segcore.engine.tier_table, computed on Spark: the same columns, dtypes and rows.

    The facts as of the date are computed first and cached: the rules read them about twenty times."""
    params = {**rule_params(cfg), "dataset_id": SPARK_DATASET, "as_of": as_of, "has_promo": data.has_promo}
    facts = data.spark.sql(to_spark(_FACTS_SQL), args=used_params(_FACTS_SQL, params)).persist()
    try:
        facts.createOrReplaceTempView("facts")
        return decode(_frame(data.spark, tier_table_sql("", cfg, _CACHED_FACTS), params), cfg)
    finally:
        facts.unpersist()


def spark_states(
    data: SparkData,
    dates: Iterable[date],
    cfg: TierRules = DEFAULT_RULES,
    scheme: str = "tier",
    progress: Callable[[int, int, date], None] | None = None,
) -> pd.DataFrame:
    """segcore.engine.history.snapshot_states, from a Spark tier table at each snapshot date; `progress(k, n, day)`
    is told before the k-th of n tables (each is a whole Spark query)."""
    days = clean_dates(dates)
    tables = {}
    for k, day in enumerate(days, start=1):
        if progress is not None:
            progress(k, len(days), day)
        tables[day] = spark_tier_table(data, day, cfg)
    return states_of_tier_tables(tables, scheme)


def spark_summary(data: SparkData, as_of: date) -> pd.DataFrame:
    """segcore.forecast.summary, computed on Spark (the models are then fitted here, on its rows)."""
    from segcore.forecast.summary import summary_query

    return _frame(data.spark, *summary_query("", SPARK_DATASET, as_of))
