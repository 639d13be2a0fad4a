"""The engine's DuckDB SQL in Spark's dialect (sqlglot, pinned in requirements-spark.txt), and the forms that would
run on both engines with different answers.

DuckDB's `$name` parameters become Spark's `:name` markers, bound by `spark.sql(sql, args=...)`: values never
enter the SQL text.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["spark_traps", "to_spark"]

# Each is a way the same SQL text answers differently on the two engines (tests/test_spark_dialect.py):
_TRAP_NODES = {
    "Array": "lists: 1-based in DuckDB, 0-based in Spark",
    "Bracket": "list indexes: 1-based in DuckDB, 0-based in Spark",
    "Lambda": "lambdas",
    "Unnest": "unnest",
    "Explode": "explode",
    "PercentileDisc": "percentiles: exact in DuckDB, approximate in Spark",
    "PercentileCont": "percentiles: exact in DuckDB, approximate in Spark",
    "ApproxQuantile": "approximate percentiles",
    "Quantile": "quantiles: exact in DuckDB, approximate in Spark",
    "Week": "week numbers: the engines number weeks by different conventions",
    "WeekOfYear": "week numbers: the engines number weeks by different conventions",
    "DayOfWeek": "day of week: Sunday is 0 in DuckDB, 1 in Spark",
    "YearOfWeek": "ISO years",
}


@lru_cache(maxsize=64)
def to_spark(sql: str) -> str:
    """`sql` (DuckDB's dialect, `$name` parameters) as Spark SQL with `:name` markers; ValueError naming a trap."""
    import sqlglot

    spark_sql = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]
    traps = spark_traps(spark_sql)
    if traps:
        raise ValueError("SQL not portable to Spark: " + "; ".join(traps))
    return spark_sql


def spark_traps(spark_sql: str) -> list[str]:
    """The forms in a Spark SQL text that would answer differently from DuckDB (empty when there are none):

    - the nodes of _TRAP_NODES;
    - a division whose dividend is not an explicit DOUBLE: DECIMAL / DECIMAL is a DOUBLE in DuckDB and a DECIMAL
      rounded to a scale in Spark, and integer / integer is a DOUBLE in both only by luck of the dialect;
    - a week truncation (of a timestamp with a zone it can land on another day in the other engine);
    - a window ORDER BY without an explicit NULLS FIRST / LAST (DuckDB puts NULLs last, Spark first)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(spark_sql, read="spark")
    found = []
    for node in tree.walk():
        name = type(node).__name__
        if name in _TRAP_NODES:
            found.append(_TRAP_NODES[name])
        elif isinstance(node, exp.Div) and not _is_double(node.this):
            found.append(f"division of non-DOUBLE values: {node.sql(dialect='spark')}")
        elif isinstance(node, (exp.DateTrunc, exp.TimestampTrunc)) and "WEEK" in node.sql(dialect="spark").upper():
            found.append("week truncation")
        elif isinstance(node, exp.Window) and node.args.get("order"):
            for ordered in node.args["order"].expressions:
                if "NULLS " not in ordered.sql(dialect="spark").upper():
                    found.append(f"window ORDER BY without NULLS FIRST/LAST: {ordered.sql(dialect='spark')}")
    return sorted(set(found))


def _is_double(node: object) -> bool:
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, exp.Cast) and node.to.this in (exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT)
