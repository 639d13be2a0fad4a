"""The command line: every capability of segcore, with a one-line reason and a non-zero exit on bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from segcore.config import TierConfig
from segcore.errors import InputError

if TYPE_CHECKING:
    from segcore.ingest import FileSpec, LoadReport
    from segcore.workspace import Workspace

__all__ = ["expand_paths", "main", "open_workspace", "parse_day", "resolve_as_of", "sales_range", "write_table"]

_CLI_DATASET = "cli"


def _lang() -> str:
    env = os.environ.get("SEGCORE_LANG") or os.environ.get("LANG", "")
    return "zh" if env.lower().startswith("zh") else "en"


def parse_day(value: str) -> date:
    """A YYYY-MM-DD argument as a date."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError("bad_date_arg", value=value) from exc


_DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")


def expand_paths(paths: Sequence[str]) -> list[Path]:
    """Files as given; a folder stands for its data files in name order (InputError for a folder without any)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in _DATA_SUFFIXES and p.is_file())
            if not found:
                raise InputError("empty_folder", path=str(path))
            out += found
        else:
            out.append(path)
    return out


def _file_specs(args: argparse.Namespace) -> list[FileSpec]:
    """The command's --sales / --members files (folders expanded); InputError when there are none."""
    from segcore.ingest import FileSpec
    from segcore.mapping import parse_map_args

    mapping = parse_map_args(args.map) if getattr(args, "map", None) else None
    sheet = getattr(args, "sheet", None)
    specs = [FileSpec(path, "sales", mapping, sheet) for path in expand_paths(getattr(args, "sales", None) or [])]
    specs += [FileSpec(path, "members", None, sheet) for path in expand_paths(getattr(args, "members", None) or [])]
    if not specs:
        raise InputError("no_files")
    return specs


def _load_all(con: duckdb.DuckDBPyConnection, dataset_id: str, specs: list[FileSpec]) -> list[LoadReport]:
    """Load the command's files in one transaction; with several files, an error names the failing one."""
    from segcore.ingest import load_files

    try:
        return load_files(con, dataset_id, specs, loaded_at=datetime.now())
    except InputError as exc:
        name = getattr(exc, "file_name", None)
        if len(specs) > 1 and name:
            raise InputError("in_file", file=name, message=exc.message(_lang())) from exc
        raise


def _cmd_ingest(args: argparse.Namespace) -> int:
    specs = _file_specs(args)
    workspace = open_workspace(args.workspace)
    try:
        with workspace.writer() as con:  # one writer and one transaction for the whole command
            reports = _load_all(con, args.dataset, specs)
        for report in reports:
            print(_report_line(report.to_dict()) if not args.json else json.dumps(report.to_dict(), default=str))
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
    return line


def _memory_dataset(args: argparse.Namespace) -> tuple[duckdb.DuckDBPyConnection, str]:
    """Load --sales/--members files into an in-memory workspace (the CLI's commands that take files)."""
    from segcore.schema import create_tables
    from segcore.sql import NO_EXTENSIONS

    specs = _file_specs(args)
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    _load_all(con, _CLI_DATASET, specs)
    return con, _CLI_DATASET


_SALES_RANGE_SQL = """
select min(cast(order_date as date)), max(cast(order_date as date)) from sales where dataset_id = $dataset_id
"""
AS_OF_SLACK_DAYS = 366  # an --as-of more than a year after the last sale is a typo, not a question


def sales_range(con: duckdb.DuckDBPyConnection, dataset_id: str) -> tuple[date, date]:
    """The first and last sales day of a dataset; InputError when it has no sales."""
    row = con.execute(_SALES_RANGE_SQL, {"dataset_id": dataset_id}).fetchall()[0]
    if row[0] is None:
        raise InputError("no_sales")
    return row[0], row[1]


def resolve_as_of(con: duckdb.DuckDBPyConnection, dataset_id: str, raw: str | None) -> date:
    """The --as-of day: None means the last sales day; '' , a day before the first sale, or one more than a year
    after the last sale is an InputError naming the data's date range."""
    first, last = sales_range(con, dataset_id)
    if raw is None:
        return last
    if not raw.strip():
        raise InputError("as_of_empty", first=first, last=last)
    day = parse_day(raw.strip())
    if day < first:
        raise InputError("as_of_before_data", as_of=day, first=first, last=last)
    if (day - last).days > AS_OF_SLACK_DAYS:
        raise InputError("as_of_after_data", as_of=day, first=first, last=last)
    return day


def _last_sales_day(con: duckdb.DuckDBPyConnection, dataset_id: str) -> date:
    return sales_range(con, dataset_id)[1]


def _read_config(path: str | None) -> TierConfig:
    from segcore.config import DEFAULT_CONFIG, from_toml, validate

    if path is None:
        return DEFAULT_CONFIG
    try:
        cfg = from_toml(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError("bad_config", path=path, reason=str(exc).splitlines()[0][:200]) from exc
    problems = validate(cfg)
    if problems:
        reason = ", ".join(f"{p.field} ({p.code})" for p in problems)
        raise InputError("bad_config", path=path, reason=reason)
    return cfg


def check_out_suffix(out: str, allowed: tuple[str, ...] = (".csv", ".parquet", ".xlsx")) -> str:
    """The output file's suffix, or InputError before any work is done."""
    suffix = Path(out).suffix.lower()
    if suffix not in allowed:
        raise InputError("bad_out_suffix", path=out)
    return suffix


def write_table(frame: pd.DataFrame, out: str) -> None:
    """Write a result table as CSV (UTF-8 with BOM), Parquet or XLSX, chosen by the file's suffix."""
    path = Path(out)
    suffix = check_out_suffix(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_excel(path, index=False, engine="xlsxwriter")


def _cmd_tiers(args: argparse.Namespace) -> int:
    from segcore.tiers import tier_table

    check_out_suffix(args.out)
    cfg = _read_config(args.config)
    con, dataset_id = _memory_dataset(args)
    as_of = resolve_as_of(con, dataset_id, args.as_of)
    table = tier_table(con, dataset_id, as_of, cfg)
    write_table(table, args.out)
    print(f"{len(table)} customers as of {as_of} -> {args.out}")
    return 0


def _add_file_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sales", action="append", required=True, metavar="FILE", help="sales file or folder")
    parser.add_argument("--members", action="append", metavar="FILE", help="members file")
    parser.add_argument("--map", action="append", metavar="canonical=source", help="column mapping for sales files")


def _cmd_demo(args: argparse.Namespace) -> int:
    from segcore.demo import write_demo_store

    files = write_demo_store(Path(args.out), seed=args.seed)
    for path in (files.members, files.sales, files.campaign, files.campaign_meta):
        print(path)
    return 0


def open_workspace(path: str | None, *, read_only: bool = False) -> Workspace:
    """The --workspace file (or the default), read-only for commands that only read. While another program
    writes to it, say so once on stderr and wait up to $SEGCORE_WAIT_SECONDS (default 25), then
    InputError("workspace_busy")."""
    from segcore.catalog import text
    from segcore.workspace import Workspace

    def tell() -> None:
        print(text("cli.workspace_waiting", _lang()), file=sys.stderr, flush=True)

    return Workspace(Path(path) if path else None, read_only=read_only, on_wait=tell)


def _cmd_datasets(args: argparse.Namespace) -> int:
    from segcore.catalog import text

    table = open_workspace(args.workspace, read_only=True).datasets()
    if table.empty:
        print(text("cli.no_datasets", _lang()))
        return 0
    table["rejected"] = table["rejected"].astype("int64")
    print(table.to_csv(sep="\t", index=False, date_format="%Y-%m-%d %H:%M"), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per capability."""
    from segcore.cli_lift import add_lift_command

    parser = argparse.ArgumentParser(prog="python -m segcore", description="Customer tiering for store owners.")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load sales / members files into a workspace dataset")
    ingest.add_argument("--dataset", required=True, help="dataset name (created if new)")
    ingest.add_argument("--sales", action="append", default=[], metavar="FILE", help="sales file (repeatable)")
    ingest.add_argument("--members", action="append", metavar="FILE", help="members file")
    ingest.add_argument("--map", action="append", metavar="canonical=source", help="column mapping for sales files")
    ingest.add_argument("--sheet", help="XLSX sheet name (default: the first usable sheet)")
    ingest.add_argument("--workspace", help="workspace file (default: $SEGCORE_WORKSPACE or workspace/segcore.duckdb)")
    ingest.add_argument("--json", action="store_true", help="print each quality report as JSON")
    ingest.set_defaults(run=_cmd_ingest)

    demo = sub.add_parser("demo", help="write the demo store's CSV files")
    demo.add_argument("--out", required=True, help="folder for the files")
    demo.add_argument("--seed", type=int, default=20261115)
    demo.set_defaults(run=_cmd_demo)

    tiers = sub.add_parser("tiers", help="one row per customer: RFM, segments, lifecycle, groups and tier")
    _add_file_args(tiers)
    tiers.add_argument("--as-of", help="YYYY-MM-DD within the data's dates (default: the last date in the data)")
    tiers.add_argument("--config", help="tier rules as TOML (default: the spec's defaults)")
    tiers.add_argument("--out", required=True, help="output file: .csv, .parquet or .xlsx")
    tiers.set_defaults(run=_cmd_tiers)

    from segcore.cli_targets import add_targets_command  # `targets`: target lists and holdouts

    add_targets_command(sub)

    add_lift_command(sub)

    from segcore.cli_migration import add_migration_command  # `migration`: moves between snapshot dates

    add_migration_command(sub)

    from segcore.cli_report import add_report_command  # `report`: the weekly review as HTML or PDF

    add_report_command(sub)

    datasets = sub.add_parser("datasets", help="list the workspace's datasets")
    datasets.add_argument("--workspace")
    datasets.set_defaults(run=_cmd_datasets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; bad input prints one line to stderr and returns 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except InputError as exc:
        print(f"error: {exc.message(_lang())}", file=sys.stderr)
        return 2
    except Exception as exc:  # the CLI never shows a traceback; SEGCORE_DEBUG=1 re-raises for developers
        if os.environ.get("SEGCORE_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
