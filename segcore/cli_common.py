"""What every command of the CLI shares: the data arguments (--sales files or a --dataset of the workspace), the
workspace, dates, the tier rules file and the output files.

`segcore.cli` (the parser and the simple commands) and every `segcore.cli_*` module import from here; nothing here
imports them, so the command modules never import `segcore.cli`.

A command's data comes from exactly one of:
- `--sales FILE... [--members FILE...] [--map canonical=source] [--sheet NAME]`: the files are read into a
  scratch workspace for this run (dataset id "cli"): a DuckDB file in a temporary folder, deleted when the run ends,
  so the tables are stored compressed as they are written instead of held whole in memory;
- `--dataset NAME [--workspace FILE]`: a dataset already loaded with `ingest` (matched by id, then by exact name),
  read from the workspace file opened read-only, so the app can keep it open and nothing is parsed again.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from segcore.errors import InputError
from segcore.tier_rules import TierRules

if TYPE_CHECKING:
    from segcore.access import Access
    from segcore.export_log import Exported
    from segcore.ingest import FileSpec, LoadReport
    from segcore.workspace import Workspace

__all__ = [
    "CLI_DATASET",
    "PROVENANCE_KEY",
    "add_data_args",
    "check_as_of",
    "check_out_suffix",
    "cli_access",
    "cli_lang",
    "copy_dataset",
    "data_connection",
    "expand_paths",
    "file_specs",
    "input_files",
    "load_all",
    "open_workspace",
    "parse_day",
    "read_config",
    "record_cli_export",
    "resolve_as_of",
    "resolve_dataset",
    "sales_range",
    "write_table",
]

CLI_DATASET = "cli"  # the dataset id of a run's scratch workspace (--sales)


def cli_lang() -> str:
    """The language of the CLI's messages: zh when $SEGCORE_LANG (else $LANG) starts with zh, else en."""
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


# ---------------------------------------------------------------- the data arguments


def add_data_args(parser: argparse.ArgumentParser) -> None:
    """--sales / --members / --map / --sheet (files read for this run) or --dataset / --workspace (loaded data)."""
    parser.add_argument("--sales", action="append", metavar="FILE", help="sales file or folder (or use --dataset)")
    parser.add_argument("--members", action="append", metavar="FILE", help="members file (with --sales)")
    parser.add_argument(
        "--map",
        action="append",
        metavar="canonical=source",
        help="column of the sales files for a canonical column; the other columns are still recognised by name",
    )
    parser.add_argument(
        "--dataset", metavar="NAME", help="a dataset already loaded with `ingest` (id or name, see `datasets`)"
    )
    parser.add_argument(
        "--workspace", help="workspace file of --dataset (default: $SEGCORE_WORKSPACE or workspace/segcore.duckdb)"
    )


def check_data_args(args: argparse.Namespace) -> None:
    """Exactly one of --sales and --dataset; the options of each only with it. Checked before any work."""
    if args.sales and args.dataset is not None:
        raise InputError("sales_and_dataset")
    if not args.sales and args.dataset is None:
        raise InputError("no_sales_or_dataset")
    if args.dataset is not None:
        given = [option for option in ("members", "map", "sheet") if getattr(args, option, None) not in (None, [], "")]
        if given:
            raise InputError("file_option_with_dataset", option=f"--{given[0]}")
        if not args.dataset.strip():
            raise InputError("empty_dataset_name")
    elif args.workspace is not None:
        raise InputError("workspace_without_dataset")


def input_files(args: argparse.Namespace) -> list[str]:
    """The data files the command reads (none with --dataset): no output may overwrite one."""
    return [*(args.sales or []), *(args.members or [])]


def _file_headers(path: Path, sheet: str | None) -> tuple[str, ...] | None:
    """The headers the loader will see in a file (same reader), or None when it cannot be read (the load says why)."""
    from segcore.sources import staged_source
    from segcore.sql import NO_EXTENSIONS

    if not path.is_file():
        return None
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        with staged_source(con, path, "seg_headers", sheet=sheet) as info:
            return info.headers
    except InputError:
        return None
    finally:
        con.close()


def file_specs(args: argparse.Namespace) -> list[FileSpec]:
    """The command's --sales / --members files (folders expanded); InputError when there are none.

    --map entries are completed per sales file: every canonical column not given is guessed from the headers the
    given ones leave free (segcore.mapping.complete_mapping)."""
    from segcore.ingest import FileSpec
    from segcore.mapping import complete_mapping, parse_map_args

    explicit = parse_map_args(args.map) if getattr(args, "map", None) else None
    sheet = getattr(args, "sheet", None)
    specs = []
    for path in expand_paths(getattr(args, "sales", None) or []):
        headers = _file_headers(path, sheet) if explicit else None
        mapping = complete_mapping(explicit, headers, "sales") if explicit and headers is not None else explicit
        specs.append(FileSpec(path, "sales", mapping, sheet))
    specs += [FileSpec(path, "members", None, sheet) for path in expand_paths(getattr(args, "members", None) or [])]
    if not specs:
        raise InputError("no_files")
    return specs


def load_all(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    specs: list[FileSpec],
    loaded_at: datetime,
    currency: str | None = None,
    *,
    reported: bool = True,
) -> list[LoadReport]:
    """Load the command's files in one transaction, stamped `loaded_at`; with several files, an error names the
    failing one. `reported=False`: the reports are not shown, so their distinct counts are not made."""
    from segcore.ingest import load_files

    try:
        return load_files(
            con,
            dataset_id,
            specs,
            loaded_at=loaded_at,
            currency=currency,
            distinct_counts=reported,
            access=cli_access(),
        )
    except InputError as exc:
        name = getattr(exc, "file_name", None)
        if len(specs) > 1 and name:
            raise InputError("in_file", file=name, message=exc.message(cli_lang())) from exc
        raise


def cli_access() -> Access:
    """The command line's user: the operating-system user, as the owner (whoever can run it can read the file)."""
    from segcore.access import owner

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    return owner(user, via="cli")


def record_cli_export(args: argparse.Namespace, exported: Exported) -> None:
    """Record a file written from a workspace dataset in that workspace's export log, as the OS user, before the
    file is written: a record that cannot be written (the workspace stays busy) stops the export. Files read with
    --sales are the user's own: there is no workspace to record in. Silent: stdout and stderr stay the command's."""
    from segcore.export_log import record_export

    if getattr(args, "dataset", None) is None:
        return
    access = cli_access()
    workspace = open_workspace(args.workspace)
    try:
        with workspace.writer() as con:
            record_export(con, access, exported, args.started_at)
    finally:
        workspace.close()


def open_workspace(path: str | None, *, read_only: bool = False) -> Workspace:
    """The --workspace file (or the default), read-only for commands that only read. While another program
    writes to it, say so once on stderr and wait up to $SEGCORE_WAIT_SECONDS (default 25), then
    InputError("workspace_busy")."""
    from segcore.catalog import text
    from segcore.workspace import Workspace

    def tell() -> None:
        print(text("cli.workspace_waiting", cli_lang()), file=sys.stderr, flush=True)

    return Workspace(Path(path) if path else None, read_only=read_only, on_wait=tell)


_DATASET_NAMES_SQL = "select dataset_id, name from datasets order by is_demo, created_at, dataset_id"
_KNOWN_SHOWN = 8  # datasets named in an "unknown dataset" message


def resolve_dataset(con: duckdb.DuckDBPyConnection, wanted: str, where: str) -> str:
    """The id of the dataset `wanted` names: its id, else its exact name; InputError when none or several match."""
    rows = [(str(i), str(n) if n is not None else "") for i, n in con.execute(_DATASET_NAMES_SQL).fetchall()]
    if any(dataset_id == wanted for dataset_id, _ in rows):
        return wanted
    named = [dataset_id for dataset_id, name in rows if name == wanted]
    if len(named) == 1:
        return named[0]
    if named:
        raise InputError("ambiguous_dataset", dataset=wanted, ids=", ".join(named))
    if not rows:
        raise InputError("workspace_no_datasets", path=where)
    known = [dataset_id if name in ("", dataset_id) else f"{dataset_id} ({name})" for dataset_id, name in rows]
    shown = ", ".join(known[:_KNOWN_SHOWN]) + (
        f", … (+{len(known) - _KNOWN_SHOWN})" if len(known) > _KNOWN_SHOWN else ""
    )
    raise InputError("unknown_dataset", dataset=wanted, path=where, known=shown)


# Rows a run needs from a workspace dataset when it works on a private in-memory copy (tables in load order).
_COPIED_TABLES = (
    "datasets",
    "loads",
    "sales",
    "members",
    "extra_columns",
    "extra_values",
    "campaigns",
    "campaign_members",
)
_COPY_SELECT = {
    "campaign_members": "select m.* from campaign_members m join campaigns c using (campaign_id) "
    "where c.dataset_id = $dataset_id",
}


def copy_dataset(source: duckdb.DuckDBPyConnection, dataset_id: str) -> duckdb.DuckDBPyConnection:
    """A new in-memory workspace holding one dataset of `source` (its sales, members, loads and campaigns)."""
    from segcore.campaigns import create_campaign_tables
    from segcore.schema import create_tables
    from segcore.sql import NO_EXTENSIONS, quote_ident

    target = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(target)
    create_campaign_tables(target)
    tables = source.execute("select table_name from duckdb_tables() where not temporary").fetchall()
    present = {row[0] for row in tables}
    for table in (t for t in _COPIED_TABLES if t in present):  # a workspace older than a table has none of it
        select = _COPY_SELECT.get(table, f"select * from {quote_ident(table)} where dataset_id = $dataset_id")
        target.register("seg_copied", source.sql(select, params={"dataset_id": dataset_id}).to_arrow_reader())
        try:
            target.execute(f"insert into {quote_ident(table)} by name select * from seg_copied")
        finally:
            target.unregister("seg_copied")
    return target


@contextmanager
def data_connection(
    args: argparse.Namespace, *, writes: bool = False
) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
    """The command's data as (connection, dataset id) while inside.

    --sales: the files loaded into a scratch workspace file, deleted after. --dataset: the workspace file opened
    read-only (waiting while another program writes to it) and held while inside; with `writes=True` (a command
    that records something, such as the targets' campaign) the dataset is copied into an in-memory workspace
    instead and the file is let go at once, so nothing is ever written to the workspace."""
    from segcore.schema import create_tables
    from segcore.sql import NO_EXTENSIONS

    check_data_args(args)
    if args.dataset is None:
        specs = file_specs(args)
        with tempfile.TemporaryDirectory(prefix="segcore-cli-") as scratch:
            con = duckdb.connect(str(Path(scratch) / "run.duckdb"), config=NO_EXTENSIONS)
            try:
                create_tables(con)
                # stamped with the moment segcore.cli.main started the run; only what was left out is said
                _tell_left_out(load_all(con, CLI_DATASET, specs, args.started_at, reported=False))
                yield con, CLI_DATASET
            finally:
                con.close()
        return
    workspace = open_workspace(args.workspace, read_only=True)
    with workspace.reader() as cursor:
        dataset_id = resolve_dataset(cursor, args.dataset.strip(), str(workspace.path))
        if not writes:
            yield cursor, dataset_id
            return
        copy = copy_dataset(cursor, dataset_id)
    try:
        yield copy, dataset_id
    finally:
        copy.close()


def read_line(source: str, read: int, kept: int, rejects_by_reason: dict[str, int], lang: str) -> str:
    """One line on what reading a source gave: lines read, kept, and left out by reason (in `lang`)."""
    from segcore.catalog import text

    reasons = ", ".join(f"{text(f'reason.{r}', lang)} {n}" for r, n in rejects_by_reason.items())
    return text(
        "cli.source_read",
        lang,
        source=source,
        read=read,
        kept=kept,
        rejected=read - kept,
        reasons=reasons or text("cli.source_read_none", lang),
    )


_FILES_NAMED = 5  # more files than this that lost lines: one line sums every file


def _tell_left_out(reports: list[LoadReport]) -> None:
    """On stderr, the files of a --sales / --members run that lost lines (one line each, or one line for them all
    when there are many, such as a folder of daily exports) and any second copy of a file. Clean files: nothing."""
    from segcore.catalog import text

    lang = cli_lang()
    read_files = [r for r in reports if r.status != "duplicate"]
    losing = [r for r in read_files if r.rows_rejected]
    for report in reports:
        if report.status == "duplicate":
            print(text("cli.same_file_twice", lang, file=report.file_name), file=sys.stderr)
        elif report.rows_rejected and len(losing) <= _FILES_NAMED:
            line = read_line(report.file_name, report.rows_read, report.rows_kept, report.rejects_by_reason, lang)
            print(line, file=sys.stderr)
    if len(losing) > _FILES_NAMED:
        reasons: dict[str, int] = {}
        for report in losing:
            for reason, n in report.rejects_by_reason.items():
                reasons[reason] = reasons.get(reason, 0) + n
        source = text("cli.files_counted", lang, n=len(read_files))
        read, kept = sum(r.rows_read for r in read_files), sum(r.rows_kept for r in read_files)
        print(read_line(source, read, kept, reasons, lang), file=sys.stderr)


# ---------------------------------------------------------------- dates, rules and outputs

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
    return check_as_of(*sales_range(con, dataset_id), raw)


def check_as_of(first: date, last: date, raw: str | None) -> date:
    """resolve_as_of for data whose first and last sales days are known."""
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


def read_config(path: str | None) -> TierRules:
    """The --config TOML file's tier rules (default: the spec's), or InputError naming what is wrong."""
    from segcore.tier_rules import DEFAULT_RULES, from_toml, validate

    if path is None:
        return DEFAULT_RULES
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
        raise InputError("bad_out_suffix", path=out, allowed=", ".join(allowed))
    return suffix


PROVENANCE_KEY = b"segcore"  # a Parquet result's schema metadata: how it was made (JSON)


def write_table(frame: pd.DataFrame, out: str, provenance: dict[str, object] | None = None) -> None:
    """Write a result table as CSV (UTF-8 with BOM), Parquet or XLSX, chosen by the file's suffix. A Parquet file
    carries `provenance` (what, as of, engine, sources, rules) as JSON in its metadata under PROVENANCE_KEY."""
    path = Path(out)
    suffix = check_out_suffix(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        import json

        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if provenance is not None:
            metadata = {**(table.schema.metadata or {}), PROVENANCE_KEY: json.dumps(provenance).encode()}
            table = table.replace_schema_metadata(metadata)
        pq.write_table(table, path)
    else:
        frame.to_excel(path, index=False, engine="xlsxwriter")
