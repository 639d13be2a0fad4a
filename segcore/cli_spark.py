"""`--engine spark`: the tiers, migration and predict commands computed on Spark through Spark Connect.

DuckDB stays the default; nothing of Spark is imported unless `--engine spark` is given. With it, `--sales` is one
path or table the cluster can read (Parquet, CSV or a table name), `--members` zero or more, `--map` as usual, and
`--spark-remote` (else $SPARK_REMOTE) is `sc://HOST:PORT` or `local` (a Spark Connect server started here from the
pyspark package). What reading gave is said on stderr, one line per source; the result is the same output file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from segcore.catalog import text
from segcore.cli_common import check_as_of, cli_lang, read_line
from segcore.errors import InputError

if TYPE_CHECKING:
    from segcore.spark.engine import SparkData
    from segcore.spark.source import SourceReport

__all__ = ["add_engine_args", "spark_as_of", "spark_data", "uses_spark"]

ENGINES = ("duckdb", "spark")


def add_engine_args(parser: argparse.ArgumentParser) -> None:
    """--engine duckdb|spark and --spark-remote."""
    parser.add_argument(
        "--engine", choices=ENGINES, default="duckdb", help="duckdb (default, this machine) or spark (Spark Connect)"
    )
    parser.add_argument(
        "--spark-remote",
        metavar="URL",
        help="with --engine spark: sc://HOST:PORT, or local to start a Spark here (default: $SPARK_REMOTE)",
    )


def uses_spark(args: argparse.Namespace) -> bool:
    """Whether the command runs on Spark; InputError for Spark options that do not fit the rest."""
    if args.engine != "spark":
        if args.spark_remote is not None:
            raise InputError("spark_remote_without_engine")
        return False
    if args.dataset is not None or args.workspace is not None:
        raise InputError("spark_with_dataset")
    if not args.sales:
        raise InputError("no_sales_or_dataset")
    if len(args.sales) != 1:
        raise InputError("spark_one_sales", n=len(args.sales))
    return True


def _report_line(report: SourceReport, lang: str) -> str:
    line = read_line(report.source, report.rows_read, report.rows_kept, report.rejects_by_reason, lang)
    warnings = ", ".join(f"{text(f'spark.warning.{w}', lang)} {n}" for w, n in report.warnings.items())
    return line + (f"; {warnings}" if warnings else "")


@contextmanager
def spark_data(args: argparse.Namespace) -> Iterator[SparkData]:
    """The command's sales and members registered on a Spark session, stopped when the block ends."""
    from segcore.mapping import parse_map_args
    from segcore.spark.engine import load
    from segcore.spark.session import spark_session

    remote = args.spark_remote or os.environ.get("SPARK_REMOTE")
    if not remote:
        raise InputError("spark_remote_missing")
    mapping = parse_map_args(args.map) if args.map else None
    spark = spark_session(remote)
    try:
        today: date = args.started_at.date()
        data = load(spark, args.sales[0], list(args.members or []), mapping, today)
        for report in data.reports:
            print(_report_line(report, cli_lang()), file=sys.stderr)
        yield data
    finally:
        spark.stop()


def spark_as_of(data: SparkData, raw: str | None) -> date:
    """The --as-of day against the Spark data's first and last sales days (segcore.cli_common.check_as_of)."""
    from segcore.spark.engine import spark_sales_range

    return check_as_of(*spark_sales_range(data), raw)
