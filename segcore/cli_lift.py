"""`python -m segcore lift`: what a campaign earned, from the sales and the campaign's list."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from segcore.cli_common import add_data_args, check_out_suffix, data_connection, input_files, parse_day
from segcore.cli_targets import check_out_paths
from segcore.errors import InputError

__all__ = ["add_lift_command", "read_campaign_list"]


def read_campaign_list(path: Path) -> pd.DataFrame:
    """A campaign list file as (customer_id, group, tier), read as the Campaigns page reads it: any encoding,
    delimiter or XLSX, headers and group words in any language the app writes (发送组/对照组, treatment/control)."""
    from segcore.campaigns import group_of, read_campaign_file

    raw = read_campaign_file(path)
    if "group" not in raw.columns:
        raise InputError("missing_columns", missing="group", found=", ".join(raw.columns))
    raw = raw[raw["customer_id"].notna()].drop_duplicates("customer_id").reset_index(drop=True)
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"],
            "group": [group_of(g) for g in raw["group"]],
            "tier": raw["tier"] if "tier" in raw.columns else None,
        }
    )


def _cmd_lift(args: argparse.Namespace) -> int:
    from segcore.lift import headline, lift_report
    from segcore.outcomes import campaign_outcomes

    check_out_suffix(args.out, (".csv", ".json"))
    check_out_paths(args.out, None, [*input_files(args), args.campaign])
    start, end = parse_day(args.start), parse_day(args.end)
    if start > end:
        raise InputError("start_after_end", start=args.start, end=args.end)
    listed = read_campaign_list(Path(args.campaign))
    with data_connection(args) as (con, dataset_id):
        outcomes = campaign_outcomes(con, dataset_id, listed, start, end)
    cut = args.winsorize * 100 if args.winsorize is not None and args.winsorize <= 1 else args.winsorize
    report = lift_report(outcomes, args.holdout_share, winsorize_at=cut)
    rows = report.to_rows()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".json":
        payload = {
            "headline": headline(report, "en"),
            "srm_suspect": report.srm.suspect,
            "srm_p_value": report.srm.p_value,
            "rows": rows.to_dict("records"),
        }
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    else:
        rows.to_csv(out, index=False, encoding="utf-8-sig")
    print(headline(report, "en"))
    return 0


def add_lift_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `lift` on the CLI."""
    lift = sub.add_parser("lift", help="campaign lift: treatment against the holdout, with 95%% intervals")
    add_data_args(lift)
    lift.add_argument("--campaign", required=True, help="CSV with customer_id and group (treatment/control), tier")
    lift.add_argument("--start", required=True, help="first day of the offer, YYYY-MM-DD")
    lift.add_argument("--end", required=True, help="last day measured (inclusive), YYYY-MM-DD")
    lift.add_argument("--holdout-share", type=float, default=0.1, help="intended control share (default 0.1)")
    lift.add_argument("--winsorize", type=float, help="cap revenue at this upper percentile, e.g. 0.999")
    lift.add_argument("--out", required=True, help="output file: .csv or .json")
    lift.set_defaults(run=_cmd_lift)
