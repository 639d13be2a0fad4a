"""The `targets` command: build a target list from sales/members files, split the holdout and write the lists.

The list is recorded as a campaign in the run's in-memory workspace (so the files carry the same rules, counts and
groups as a campaign saved in the app), then the treatment list goes to --out and the control list, marked
do not contact, to --control-out. Headers and values are the stable keys (customer_id, group, tier, ...); the
XLSX's second sheet reads the rules in words ($SEGCORE_LANG / $LANG: zh or en).

Defaults: as-of = the last sales day; start = the day after, end = start + 27 days (four weeks); seed = derived
from the name and start (printed, so the split can be reproduced with --seed); exclusions = unreachable on the
channel, plus promo chasers with --discount. `--exclude none` turns the defaults off; `--exclude manual=FILE`
reads customer ids from a file (first column of a CSV/TXT, one id per line, header optional).
"""

from __future__ import annotations

import argparse
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from segcore.errors import InputError

__all__ = ["add_targets_command"]


def _yes_no(option: str, value: str) -> bool:
    flag = value.strip().lower()
    if flag not in ("yes", "no", "y", "n", "true", "false"):
        raise InputError("bad_yes_no", option=option, value=value)
    return flag in ("yes", "y", "true")


def _manual_ids(path: str) -> tuple[str, ...]:
    """Customer ids from a file: the first column, one id per line; a first line that is not an id is a header."""
    file = Path(path)
    if not file.is_file():
        raise InputError("no_such_file", path=path)
    from segcore.targets import ids_from_text

    return ids_from_text(file.read_bytes())


def _exclusions(values: list[str] | None, discount: bool) -> list[Any]:
    from segcore.targets import Exclusion, default_exclusions, parse_exclusion

    if not values:
        return list(default_exclusions(discount))
    out: list[Exclusion] = []
    for value in values:
        if value.strip() == "none":
            continue
        if value.startswith("manual="):
            out.append(Exclusion("manual", _manual_ids(value.partition("=")[2])))
        else:
            out.append(parse_exclusion(value))
    return out


def _cmd_targets(args: argparse.Namespace) -> int:
    from segcore.campaigns import campaign_record as record_of
    from segcore.campaigns import default_seed, holdout_warnings, save_campaign, warning_texts
    from segcore.cli import _lang, _last_sales_day, _memory_dataset, _read_config, check_out_suffix, parse_day
    from segcore.config import to_toml
    from segcore.export import export_csv, export_xlsx
    from segcore.targets import CHANNELS, build_list, parse_rule

    lang = _lang()
    out_suffix = check_out_suffix(args.out, (".csv", ".xlsx"))
    control_suffix = check_out_suffix(args.control_out, (".csv", ".xlsx")) if args.control_out else None
    if args.channel not in CHANNELS:
        raise InputError("bad_channel", channel=args.channel, allowed=", ".join(CHANNELS))
    mask = _yes_no("--mask-phone", args.mask_phone)
    holdout_warnings(args.holdout)  # a bad share or name fails before any file is read
    if not args.name.strip():
        raise InputError("empty_campaign_name")
    rules = [parse_rule(expr) for expr in args.where or []]
    exclusions = _exclusions(args.exclude, args.discount)
    cfg = _read_config(args.config)
    start = parse_day(args.start) if args.start else None
    end = parse_day(args.end) if args.end else None

    con, dataset_id = _memory_dataset(args)
    as_of = parse_day(args.as_of) if args.as_of else _last_sales_day(con, dataset_id)
    target_list = build_list(con, dataset_id, as_of, cfg, rules, exclusions, args.channel)
    start = start or as_of + timedelta(days=1)
    end = end or start + timedelta(days=27)
    seed = args.seed if args.seed is not None else default_seed(args.name, start)
    campaign_id = save_campaign(
        con,
        dataset_id,
        target_list,
        name=args.name,
        channel=args.channel,
        start=start,
        end=end,
        holdout_share=args.holdout,
        seed=seed,
        config_toml=to_toml(cfg),
        mask_phone=mask,
        created_at=datetime.combine(as_of, time()),  # the run's registry is in memory: stamped with the data's date
    )

    def write(path: str, suffix: str, group: str) -> None:
        data = export_csv(con, campaign_id, group) if suffix == ".csv" else export_xlsx(con, campaign_id, group, None)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(data)

    write(args.out, out_suffix, "treatment")
    if args.control_out and control_suffix:
        write(args.control_out, control_suffix, "control")
    counts = con.execute(
        "select count(*) filter (where \"group\" = 'treatment'), count(*) filter (where \"group\" = 'control') "
        "from campaign_members where campaign_id = $campaign_id",
        {"campaign_id": campaign_id},
    ).fetchone()
    n_t, n_c = counts if counts else (0, 0)
    removed = ", ".join(f"{e.kind} -{n}" for e, n in target_list.removed) or "no exclusions"
    print(
        f"{target_list.matched} customers matched as of {as_of} ({removed}); "
        f"{n_t} treatment -> {args.out}, {n_c} control"
        + (f" -> {args.control_out}" if args.control_out else " (not written: use --control-out)")
        + f"; seed {seed}"
    )
    for warning in warning_texts(record_of(con, campaign_id), lang):
        print(f"warning: {warning}")
    return 0


def add_targets_command(sub: Any) -> None:
    """Add the `targets` sub-command to the CLI's sub-parsers."""
    from segcore.cli import _add_file_args

    targets = sub.add_parser("targets", help="a target list with a hashed holdout, as CSV or XLSX")
    _add_file_args(targets)
    targets.add_argument("--as-of", help="YYYY-MM-DD (default: the last date in the data)")
    targets.add_argument("--config", help="tier rules as TOML (default: the spec's defaults)")
    targets.add_argument(
        "--where", action="append", metavar='"field op value"', help='a filter, e.g. "tier in high_spend,loyal"'
    )
    targets.add_argument(
        "--exclude",
        action="append",
        metavar="EXCLUSION",
        help="promo_chaser | unreachable | contacted_within_days=N | manual=FILE | none (default: unreachable)",
    )
    targets.add_argument("--discount", action="store_true", help="a discount campaign: also leave out promo chasers")
    targets.add_argument("--holdout", type=float, default=0.1, help="control share, 0 <= share < 1 (default 0.1)")
    targets.add_argument("--seed", type=int, help="holdout seed (default: from the name and start)")
    targets.add_argument("--name", default="targets", help="campaign name")
    targets.add_argument("--channel", default="sms", help="sms | wechat | phone | store (default sms)")
    targets.add_argument("--start", help="first day of the offer (default: the day after --as-of)")
    targets.add_argument("--end", help="last day measured (default: start + 27 days)")
    targets.add_argument("--mask-phone", default="yes", help="yes | no (default yes)")
    targets.add_argument("--out", required=True, help="treatment list: .csv or .xlsx")
    targets.add_argument("--control-out", help="control list (do not contact): .csv or .xlsx")
    targets.set_defaults(run=_cmd_targets)
