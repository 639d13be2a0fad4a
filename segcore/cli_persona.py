"""The `persona` command: a segment's persona (客户画像) against the whole customer base, as a table.

One row per (attribute, value or band); the first columns are exactly attribute, value, segment_count,
segment_share, base_count, base_share, index (segcore.persona). An unknown value is a row with an empty value;
index is empty where the segment's count is below --min-count. Refused before any file is written (exit 2, one
line): an unknown scheme or segment, a --min-count below 1, an --out that is not .csv or .xlsx, or names an input.
"""

from __future__ import annotations

import argparse
from typing import Any

from segcore import fmt
from segcore.catalog import text
from segcore.cli_common import (
    add_data_args,
    check_out_suffix,
    cli_lang,
    data_connection,
    input_files,
    read_config,
    resolve_as_of,
    write_table,
)
from segcore.cli_targets import check_out_paths
from segcore.errors import InputError

__all__ = ["add_persona_command"]


def add_persona_command(sub: Any) -> None:
    """Add the `persona` sub-command to the CLI's sub-parsers."""
    command = sub.add_parser("persona", help="who is in a segment, against the whole customer base (客户画像)")
    add_data_args(command)
    command.add_argument("--scheme", default="tier", help="tier (default), groups, lifecycle, rfm or cn8")
    command.add_argument("--segment", required=True, help="a segment key of the scheme, e.g. high_spend")
    command.add_argument("--as-of", help="YYYY-MM-DD (default: the last sales day)")
    command.add_argument("--min-count", type=int, default=None, help="fewest customers for an index (default 30)")
    command.add_argument("--config", help="tier rules as TOML (default: the spec's defaults)")
    command.add_argument("--out", required=True, help="output file: .csv or .xlsx")
    command.set_defaults(run=_cmd_persona)


def _cmd_persona(args: argparse.Namespace) -> int:
    from segcore import persona
    from segcore.attributes import extra_attributes
    from segcore.targets import CANDIDATE_COLUMNS, FIELDS, candidates

    check_out_suffix(args.out, (".csv", ".xlsx"))
    check_out_paths(args.out, None, input_files(args))
    scheme = persona.scheme_key(args.scheme)
    if args.segment not in persona.segment_keys(scheme):
        raise InputError("unknown_segment", segment=args.segment, choices=", ".join(persona.segment_keys(scheme)))
    min_count = persona.MIN_COUNT if args.min_count is None else args.min_count
    if min_count < 1:
        raise InputError("bad_min_count", value=args.min_count)
    cfg = read_config(args.config)
    with data_connection(args) as (con, dataset_id):
        as_of = resolve_as_of(con, dataset_id, args.as_of)
        table = candidates(con, dataset_id, as_of, cfg)
        extras = extra_attributes(con, dataset_id, {*FIELDS, *CANDIDATE_COLUMNS})
        cube = persona.persona_cube(con, table, scheme, extras)
    frame = persona.persona(cube, args.segment, min_count)
    write_table(frame, args.out)
    lang = cli_lang()
    size = cube.sizes.get(args.segment, 0)
    print(
        text("cli.persona_done", lang, segment=args.segment, n=fmt.count(size, lang),
             base=fmt.count(cube.base_size, lang), day=as_of.isoformat(), rows=len(frame), out=args.out)
    )  # fmt: skip
    return 0
