"""The tier engine on Apache Spark, through Spark Connect, for chains whose sales live in a Spark warehouse.

Nothing here is imported unless a command runs with `--engine spark`; pyspark is an optional install
(requirements-spark.txt). The rules are not written again: the engine's portable SQL (segcore.engine) is
transpiled from DuckDB's dialect to Spark's with sqlglot and run with bound parameters.

- `session`: connect to `sc://HOST:PORT`, or start a local Spark Connect server from the pyspark package;
- `source`: read a Parquet or CSV path or a table the cluster can read, map and type its columns as the loader
  does for clean values, and count every line left out, with its reason;
- `dialect`: DuckDB SQL to Spark SQL, and the forms that must never reach Spark;
- `engine`: the tier table, the migration states and the prediction summary, computed on Spark.
"""
