"""`python -m segcore prepare`: what the pages' first visits need, computed and kept in the workspace."""

from __future__ import annotations

import argparse
import json

from segcore.cli_common import cli_lang, open_workspace, parse_day, resolve_dataset

__all__ = ["add_prepare_command"]


def _cmd_prepare(args: argparse.Namespace) -> int:
    from segcore.catalog import text
    from segcore.prepared import prepare

    workspace = open_workspace(args.workspace)
    try:
        with workspace.reader() as con:
            dataset_id = resolve_dataset(con, args.dataset, str(workspace.path))
        as_of = parse_day(args.as_of) if args.as_of else None
        report = prepare(workspace.writer, dataset_id, as_of=as_of)
    finally:
        workspace.close()
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        day = report.as_of.isoformat() if report.as_of else "-"
        line = text(
            "prepare.cli_done",
            cli_lang(),
            dataset=dataset_id,
            day=day,
            computed=len(report.computed),
            skipped=len(report.skipped),
        )
        print(line)
    return 0


def add_prepare_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `prepare --dataset NAME [--workspace FILE] [--as-of DATE] [--json]`."""
    p = sub.add_parser(
        "prepare",
        help="compute what the pages' default view needs (tier tables, states) and keep it in the workspace",
    )
    p.add_argument("--dataset", required=True, help="the dataset's id or name")
    p.add_argument("--workspace", help="the workspace file (default $SEGCORE_WORKSPACE or ./workspace/segcore.duckdb)")
    p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: the day of the dataset's last sale)")
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.set_defaults(run=_cmd_prepare)
