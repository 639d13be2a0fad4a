"""`python -m segcore report`: the weekly review of a week as a self-contained HTML file or a 2-page PDF.

The week: --week YYYY-Www, or the last complete Monday-Sunday week on or before --as-of, or by default the last
complete week on or before the data's last sales day. --lang (zh or en) defaults to $SEGCORE_LANG / $LANG.
Every check on the arguments happens before any file is read, so bad input fails fast with one line.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from segcore.cli_common import (
    add_data_args,
    cli_access,
    cli_lang,
    data_connection,
    parse_day,
    read_config,
    record_cli_export,
    resolve_as_of,
)
from segcore.errors import InputError

__all__ = ["add_report_command"]

_SUFFIXES = (".html", ".pdf")


def _cmd_report(args: argparse.Namespace) -> int:
    from segcore.report import report_export
    from segcore.weekly import iso_week, last_complete_week, weekly_review

    suffix = Path(args.out).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError("bad_report_suffix", path=args.out)
    lang = args.lang or cli_lang()
    if lang not in ("zh", "en"):
        raise InputError("bad_lang", value=lang)
    if args.week and args.as_of:
        raise InputError("week_and_as_of")
    week = iso_week(args.week) if args.week else None
    if args.as_of is not None and args.as_of.strip():
        parse_day(args.as_of.strip())  # a malformed day fails before any file is read
    cfg = read_config(args.config)
    with data_connection(args) as (con, dataset_id):
        if week is None:
            week = last_complete_week(resolve_as_of(con, dataset_id, args.as_of))
        # the store's name: --name, else the first sales file's name, else (--dataset) the dataset's name
        name = args.name or (Path(args.sales[0]).stem if args.sales else None)
        review = weekly_review(con, dataset_id, week[1], cfg, lang, dataset_name=name)
    out = Path(args.out)
    content, exported = report_export(review, lang, suffix, access=cli_access())
    record_cli_export(args, replace(exported, file_name=out.name))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"weekly review {review.week_label} ({review.week_start} .. {review.week_end}) -> {out}")
    return 0


def add_report_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `report` on the CLI."""
    report = sub.add_parser("report", help="the weekly review as a self-contained HTML file or a PDF")
    add_data_args(report)
    report.add_argument("--week", help="ISO week YYYY-Www (default: the last complete week of the data)")
    report.add_argument("--as-of", help="YYYY-MM-DD: the last complete Monday-Sunday week on or before it")
    report.add_argument("--lang", help="zh or en (default: $SEGCORE_LANG / $LANG)")
    report.add_argument("--config", help="tier rules as TOML (default: the spec's defaults)")
    report.add_argument(
        "--name", help="store name shown in the report (default: the first sales file's or the dataset's name)"
    )
    report.add_argument("--out", required=True, help="output file: .html or .pdf")
    report.set_defaults(run=_cmd_report)
