"""The `migration` command: how many customers moved between tiers (or lifecycle stages, segments, in / out of a
group) from each snapshot date to the next, from sales / members files or a dataset of the workspace.

The files are loaded into a scratch workspace like `tiers` does (a --dataset is read in place, read-only); the
transitions are computed in one pass over all snapshots (segcore.migration.transition_table, never the workspace's
migration_cache) and written as from_date, to_date, from_state, to_state, customers.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from segcore.catalog import text
from segcore.cli_common import (
    add_data_args,
    check_out_suffix,
    cli_lang,
    data_connection,
    parse_day,
    read_config,
    record_cli_export,
    resolve_as_of,
    write_table,
)
from segcore.cli_spark import add_engine_args, spark_as_of, spark_data, uses_spark
from segcore.errors import InputError
from segcore.export_log import Exported
from segcore.tier_rules import TierRules

__all__ = ["add_migration_command"]


def _cmd_migration(args: argparse.Namespace) -> int:
    from segcore.migration import check_scheme, snapshot_dates, transition_table

    check_out_suffix(args.out)
    start, end = parse_day(args.start), parse_day(args.end)
    scheme = check_scheme(args.scheme)
    dates = snapshot_dates(start, end, args.every)
    if not dates:
        raise InputError("no_snapshot_in_range", start=start, end=end, every=args.every)
    cfg = read_config(args.config)
    if uses_spark(args):
        table = _spark_transitions(args, dates, cfg, scheme)
        _write(table, dates, args)
        return 0
    with data_connection(args) as (con, dataset_id):
        # The period must meet the data: its end neither before the first sale nor more than a year after the last.
        resolve_as_of(con, dataset_id, args.end)
        table = transition_table(con, dataset_id, dates, cfg, scheme)
    subject = f"{dates[0]} .. {dates[-1]}"
    record_cli_export(args, Exported("migration", dataset_id, subject, Path(args.out).name, len(table)))
    _write(table, dates, args)
    return 0


def _spark_transitions(args: argparse.Namespace, dates: list[date], cfg: TierRules, scheme: str) -> pd.DataFrame:
    """The transitions of the states computed on Spark, one tier table per snapshot date."""
    from segcore.migration import transitions
    from segcore.spark.engine import spark_states

    lang = cli_lang()

    def tell(k: int, n: int, day: date) -> None:
        print(text("cli.spark_snapshot", lang, k=k, n=n, day=day.isoformat()), file=sys.stderr, flush=True)

    with spark_data(args) as data:
        spark_as_of(data, args.end)  # the same check of the period against the data
        return transitions(spark_states(data, dates, cfg, scheme, tell))


def _write(table: pd.DataFrame, dates: list[date], args: argparse.Namespace) -> None:
    for column in ("from_date", "to_date"):
        table[column] = table[column].dt.date  # plain dates in the file (CSV: YYYY-MM-DD, Parquet: date32)
    write_table(table, args.out)
    print(f"{len(dates)} snapshots ({dates[0]} .. {dates[-1]}), {len(table)} transitions -> {args.out}")


def add_migration_command(sub: Any) -> None:
    """Add the `migration` sub-command to the CLI's sub-parsers."""
    migration = sub.add_parser("migration", help="customers moving between tiers from one snapshot date to the next")
    add_data_args(migration)
    migration.add_argument("--start", required=True, help="first day of the period, YYYY-MM-DD")
    migration.add_argument("--end", required=True, help="last day of the period, YYYY-MM-DD")
    migration.add_argument("--every", required=True, help="week (each Sunday) or month (each month's last day)")
    migration.add_argument(
        "--scheme", default="tier", help="tier (default), lifecycle, rfm_segment, cn8_segment or group:<group key>"
    )
    migration.add_argument("--config", help="tier rules as TOML (default: the spec's defaults)")
    migration.add_argument("--out", required=True, help="output file: .csv, .parquet or .xlsx")
    add_engine_args(migration)
    migration.set_defaults(run=_cmd_migration)
