"""The command line: every capability of segcore, with a one-line reason and a non-zero exit on bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from segcore.cli_common import (
    add_data_args,
    check_out_suffix,
    cli_access,
    cli_lang,
    data_connection,
    expand_paths,
    file_specs,
    load_all,
    open_workspace,
    parse_day,
    read_config,
    record_cli_export,
    resolve_as_of,
    sales_range,
    write_table,
)
from segcore.cli_lift import add_lift_command
from segcore.cli_migration import add_migration_command
from segcore.cli_persona import add_persona_command
from segcore.cli_predict import add_predict_command
from segcore.cli_prepare import add_prepare_command
from segcore.cli_report import add_report_command
from segcore.cli_spark import add_engine_args, spark_as_of, spark_data, uses_spark
from segcore.cli_targets import add_targets_command
from segcore.errors import InputError
from segcore.export_log import Exported
from segcore.tier_rules import TierRules

# The shared helpers live in segcore.cli_common; the names stay importable from here for existing callers.
__all__ = [
    "build_parser",
    "expand_paths",
    "main",
    "open_workspace",
    "parse_day",
    "resolve_as_of",
    "sales_range",
    "write_table",
]


def _cmd_ingest(args: argparse.Namespace) -> int:
    if args.tiers:
        return _ingest_tier_tables(args)
    specs = file_specs(args)
    workspace = open_workspace(args.workspace)
    try:
        with workspace.writer() as con:  # one writer and one transaction for the whole command
            reports = load_all(con, args.dataset, specs, args.started_at, args.currency)
        for report in reports:
            print(_report_line(report.to_dict()) if not args.json else json.dumps(report.to_dict(), default=str))
        if not args.json:
            print(f"{args.dataset}: amounts in {workspace.currency(args.dataset)}")
    finally:
        workspace.close()
    return 0


def _ingest_tier_tables(args: argparse.Namespace) -> int:
    """Load tier tables computed elsewhere (`tiers --engine spark --out F.parquet`) as the dataset's tiers."""
    from segcore.tier_imports import import_tier_file

    if args.sales or args.members:
        raise InputError("tiers_with_sales")
    workspace = open_workspace(args.workspace)
    try:
        for raw in args.tiers:
            path = Path(raw)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InputError("no_such_file", path=raw) from exc
            with workspace.writer() as con:
                source = import_tier_file(
                    con, args.dataset, data, path.name, loaded_at=args.started_at, access=cli_access()
                )
            print(f"{args.dataset}: tiers of {source.customers} customers as of {source.as_of} from {path.name}")
    finally:
        workspace.close()
    return 0


def _report_line(report: dict[str, Any]) -> str:
    if report["status"] == "duplicate":
        return f"{report['file_name']}: already loaded into {report['dataset_id']}, nothing added"
    examples = report.get("examples") or {}

    def _counted(counts: dict[str, int]) -> str:
        parts = []
        for key, n in counts.items():
            shown = "; ".join(examples.get(key) or [])
            parts.append(f"{key} {n}" + (f" [{shown}]" if shown else ""))
        return ", ".join(parts)

    line = (
        f"{report['file_name']}: read {report['rows_read']}, kept {report['rows_kept']}, "
        f"rejected {report['rows_rejected']} ({_counted(report['rejects_by_reason']) or 'none'}); "
        + (
            f"refunds {report['refund_lines']}, duplicates {report['duplicate_lines']}, "
            f"customers {report['customers']}, dates {report['date_min']} .. {report['date_max']}"
            if report["kind"] == "sales"
            else f"members {report['customers']}"
        )
    )
    if report.get("warnings"):
        line += f"; warnings: {_counted(report['warnings'])}"
    if report.get("number_formats"):
        line += "; number format: " + ", ".join(f"{k} {v}" for k, v in report["number_formats"].items())
    if report.get("extra_columns"):
        line += "; kept as attributes: " + ", ".join(f"{k} {v}" for k, v in report["extra_columns"].items())
    return line


def _cmd_tiers(args: argparse.Namespace) -> int:
    from segcore.engine import tier_table

    check_out_suffix(args.out)
    cfg = read_config(args.config)
    if uses_spark(args):
        from segcore.spark.engine import spark_tier_table

        with spark_data(args) as data:
            as_of = spark_as_of(data, args.as_of)
            table = spark_tier_table(data, as_of, cfg)
        write_table(table, args.out, _tiers_provenance(args, as_of, cfg, len(table)))
        print(f"{len(table)} customers as of {as_of} (Spark) -> {args.out}")
        return 0
    with data_connection(args) as (con, dataset_id):
        as_of = resolve_as_of(con, dataset_id, args.as_of)
        table = tier_table(con, dataset_id, as_of, cfg)
    record_cli_export(args, Exported("tiers", dataset_id, as_of.isoformat(), Path(args.out).name, len(table)))
    write_table(table, args.out, _tiers_provenance(args, as_of, cfg, len(table)))
    print(f"{len(table)} customers as of {as_of} -> {args.out}")
    return 0


def _tiers_provenance(args: argparse.Namespace, as_of: date, cfg: TierRules, customers: int) -> dict[str, object]:
    """How a tier table was made, kept in its Parquet file: what the dashboard shows as its source."""
    from segcore.tier_rules import to_toml

    return {
        "what": "tiers",
        "as_of": as_of.isoformat(),
        "engine": args.engine,
        "spark_remote": args.spark_remote or os.environ.get("SPARK_REMOTE") if args.engine == "spark" else None,
        "sales": list(args.sales or []),
        "members": list(args.members or []),
        "dataset": args.dataset,
        "rules": to_toml(cfg),
        "customers": customers,
        "written_at": args.started_at.isoformat(timespec="seconds"),
    }


def _cmd_demo(args: argparse.Namespace) -> int:
    from segcore.demo import write_demo_store

    files = write_demo_store(Path(args.out), seed=args.seed)
    for path in (files.members, files.sales, files.campaign, files.campaign_meta):
        print(path)
    return 0


def _cmd_datasets(args: argparse.Namespace) -> int:
    from segcore.catalog import text

    workspace = open_workspace(args.workspace, read_only=True)
    table = workspace.datasets()
    if table.empty:
        print(text("cli.no_datasets", cli_lang()))
        return 0
    table["rejected"] = table["rejected"].astype("int64")
    table["currency"] = [workspace.currency(d) for d in table["dataset_id"]]
    for column in ("tiers_first_as_of", "tiers_last_as_of"):  # days, not moments
        table[column] = table[column].dt.strftime("%Y-%m-%d")
    print(table.to_csv(sep="\t", index=False, date_format="%Y-%m-%d %H:%M"), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per capability."""
    parser = argparse.ArgumentParser(prog="python -m segcore", description="Customer tiering for store owners.")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load sales / members files into a workspace dataset")
    ingest.add_argument("--dataset", required=True, help="dataset name (created if new)")
    ingest.add_argument("--sales", action="append", default=[], metavar="FILE", help="sales file (repeatable)")
    ingest.add_argument("--members", action="append", metavar="FILE", help="members file")
    ingest.add_argument(
        "--tiers",
        action="append",
        metavar="FILE",
        help="a tier table computed elsewhere (tiers --engine spark --out F.parquet), loaded as the dataset's tiers",
    )
    ingest.add_argument("--map", action="append", metavar="canonical=source", help="column mapping for sales files")
    ingest.add_argument("--sheet", help="XLSX sheet name (default: the first usable sheet)")
    ingest.add_argument("--workspace", help="workspace file (default: $SEGCORE_WORKSPACE or workspace/segcore.duckdb)")
    ingest.add_argument("--json", action="store_true", help="print each quality report as JSON")
    ingest.add_argument(
        "--currency", help="the amounts' currency: CNY, GBP, EUR, USD, HKD… (default: guessed from the file, else CNY)"
    )
    ingest.set_defaults(run=_cmd_ingest)

    demo = sub.add_parser("demo", help="write the demo store's CSV files")
    demo.add_argument("--out", required=True, help="folder for the files")
    demo.add_argument("--seed", type=int, default=20261115)
    demo.set_defaults(run=_cmd_demo)

    tiers = sub.add_parser("tiers", help="one row per customer: RFM, segments, lifecycle, groups and tier")
    add_data_args(tiers)
    tiers.add_argument("--as-of", help="YYYY-MM-DD within the data's dates (default: the last date in the data)")
    tiers.add_argument("--config", help="tier rules as TOML (default: the spec's defaults)")
    tiers.add_argument("--out", required=True, help="output file: .csv, .parquet or .xlsx")
    add_engine_args(tiers)
    tiers.set_defaults(run=_cmd_tiers)

    add_targets_command(sub)  # target lists and holdouts
    add_persona_command(sub)  # who is in a segment (客户画像)
    add_predict_command(sub)  # who is still alive, next purchases and CLV (预测)
    add_lift_command(sub)  # what a campaign earned
    add_migration_command(sub)  # moves between snapshot dates
    add_report_command(sub)  # the weekly review as HTML or PDF
    add_prepare_command(sub)  # what the pages' default view needs, kept in the workspace

    datasets = sub.add_parser("datasets", help="list the workspace's datasets")
    datasets.add_argument("--workspace")
    datasets.set_defaults(run=_cmd_datasets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; bad input prints one line to stderr and returns 2."""
    args = build_parser().parse_args(argv)
    args.started_at = datetime.now()  # the CLI is the edge that reads the clock: loads are stamped with this moment
    try:
        return int(args.run(args))
    except InputError as exc:
        print(f"error: {exc.message(cli_lang())}", file=sys.stderr)
        return 2
    except Exception as exc:  # the CLI never shows a traceback; SEGCORE_DEBUG=1 re-raises for developers
        if os.environ.get("SEGCORE_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
