"""Every query the Spark engine sends transpiles to Spark SQL free of the forms that answer differently there, and
the check finds each of those forms (sqlglot only: no Spark needed)."""

from __future__ import annotations

import pytest

from segcore.engine.one_date import tier_table_sql
from segcore.engine.orders import ORDER_DAYS_TABLES
from segcore.forecast.summary import summary_query
from segcore.spark import engine as spark_engine
from segcore.spark.dialect import spark_traps, to_spark
from segcore.tier_rules import DEFAULT_RULES, TierRules


def _sent_to_spark() -> dict[str, str]:
    queries = {table: select for table, select in ORDER_DAYS_TABLES}
    queries["facts"] = spark_engine._FACTS_SQL
    for name, cfg in {
        "spec": DEFAULT_RULES,
        "k=3, reversed order": TierRules(rfm_bins=3, tier_order=tuple(reversed(DEFAULT_RULES.tier_order))),
        "k=10": TierRules(rfm_bins=10),
    }.items():
        queries[f"tier table ({name})"] = tier_table_sql("", cfg, spark_engine._CACHED_FACTS)
    queries["summary"] = summary_query("", "spark", __import__("datetime").date(2024, 6, 30))[0]
    return queries


@pytest.mark.parametrize(("name", "sql"), list(_sent_to_spark().items()), ids=list(_sent_to_spark()))
def test_queries_sent_to_spark_have_no_trap(name, sql):
    spark_sql = to_spark(sql)
    assert spark_traps(spark_sql) == [], name
    assert ("$" not in spark_sql and ":as_of" in spark_sql) or "as_of" not in sql, name  # markers, not values


@pytest.mark.parametrize(
    ("spark_sql", "trap"),
    [
        ("select sum(x) over (order by y) from t", "window ORDER BY without NULLS FIRST/LAST: y"),
        ("select a / b from t", "division of non-DOUBLE values: a / b"),
        ("select a[1] from t", "list indexes: 1-based in DuckDB, 0-based in Spark"),
        ("select percentile_approx(a, 0.5) from t", "approximate percentiles"),
        ("select date_trunc('week', d) from t", "week truncation"),
        ("select weekofyear(d) from t", "week numbers: the engines number weeks by different conventions"),
        ("select dayofweek(d) from t", "day of week: Sunday is 0 in DuckDB, 1 in Spark"),
    ],
)
def test_each_trap_is_found(spark_sql, trap):
    assert trap in spark_traps(spark_sql)


def test_safe_forms_pass():
    assert spark_traps("select cast(a as double) / 7, sum(x) over (order by y nulls last), a div b from t") == []
    with pytest.raises(ValueError, match="not portable"):
        to_spark("select list_extract([1, 2], 1) as x")
