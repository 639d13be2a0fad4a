"""The `targets` command: build a target list from sales/members files, split the holdout and write the lists.

The data is --sales / --members files, or a --dataset of the workspace (copied into memory with its past
campaigns, so contacted_within_days sees them; nothing is written to the workspace). The list is recorded as a
campaign in the run's private workspace (so the files carry the same rules, counts and
groups as a campaign saved in the app), then the treatment list goes to --out and the control list, marked
do not contact, to --control-out. Headers and values are the stable keys (customer_id, group, tier, ...); the
XLSX's second sheet reads the rules in words ($SEGCORE_LANG / $LANG: zh or en).

Defaults: as-of = the last sales day; start = the day after, end = start + 27 days (four weeks); seed = derived
from the name and start (printed, so the split can be reproduced with --seed); exclusions = unreachable on the
channel, plus promo chasers with --discount; every --exclude adds to them, and only `--exclude none` turns them
off (a do-not-contact list never drops the consent check). `--exclude manual=FILE`
reads a do-not-contact list with the same reader as sales files (CSV/TXT in any encoding and delimiter, or XLSX;
the column headed 会员卡号/customer_id, else 手机号/phone, else the only column) and prints how many ids it read
and how many matched customers; a list without ids is refused.

Refused before anything is written (exit 2, one line): --out or --control-out naming a folder or an input file,
--control-out the same file as --out, a seed outside 0..2**63-1, and an empty send list (with the step that
emptied it, e.g. no SMS consent recorded).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from segcore.cli_common import (
    add_data_args,
    check_out_suffix,
    cli_access,
    cli_lang,
    data_connection,
    expand_paths,
    input_files,
    parse_day,
    read_config,
    record_cli_export,
    resolve_as_of,
)
from segcore.errors import InputError
from segcore.export_log import Exported

__all__ = ["add_targets_command", "check_out_paths"]


def _yes_no(option: str, value: str) -> bool:
    flag = value.strip().lower()
    if flag not in ("yes", "no", "y", "n", "true", "false"):
        raise InputError("bad_yes_no", option=option, value=value)
    return flag in ("yes", "y", "true")


def _manual_ids(path: str) -> Any:
    """A do-not-contact file as a manual exclusion (segcore.targets.read_id_list)."""
    from segcore.targets import read_id_list

    return read_id_list(Path(path))


def check_out_paths(out: str, control_out: str | None, inputs: list[str]) -> None:
    """Refuse an output that is a folder or one of the input files, and a control list written over the send list."""
    read = {path.resolve() for path in expand_paths(inputs) if path.is_file()}
    for path in (out, control_out):
        if path is not None and Path(path).is_dir():
            raise InputError("out_is_folder", path=path)
        if path is not None and Path(path).resolve() in read:
            raise InputError("out_is_input", path=path)
    if control_out is not None and Path(out).resolve() == Path(control_out).resolve():
        raise InputError("same_out_files", path=out)


def _inputs(args: argparse.Namespace) -> list[str]:
    """Every file the command reads: sales, members, do-not-contact lists, the config."""
    manual = [v.partition("=")[2] for v in args.exclude or [] if v.startswith("manual=")]
    return [*input_files(args), *manual, *([args.config] if args.config else [])]


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(data)
    except OSError as exc:
        raise InputError("cannot_write", path=path, reason=exc.strerror or type(exc).__name__) from exc


def _exclusions(values: list[str] | None, discount: bool) -> list[Any]:
    """The default exclusions (unreachable on the channel; promo chasers with --discount) plus the given ones;
    only an explicit `--exclude none` drops the defaults, so adding a do-not-contact list never drops consent."""
    from segcore.targets import Exclusion, default_exclusions, parse_exclusion

    given = [value.strip() for value in values or []]
    out: list[Exclusion] = [] if "none" in given else list(default_exclusions(discount))
    for value in given:
        if value == "none":
            continue
        exclusion = _manual_ids(value.partition("=")[2]) if value.startswith("manual=") else parse_exclusion(value)
        if exclusion not in out:
            out.append(exclusion)
    return out


def _check_rule(expr: str) -> None:
    """Raise InputError for a rule that is bad on any dataset (an unknown name may be an extra column)."""
    from segcore.targets import parse_rule

    try:
        parse_rule(expr)
    except InputError as exc:
        if exc.code != "unknown_field":
            raise


def _cmd_targets(args: argparse.Namespace) -> int:
    from segcore.campaigns import campaign_record as record_of
    from segcore.campaigns import check_seed, default_seed, holdout_warnings, save_campaign, warning_texts
    from segcore.catalog import text
    from segcore.export import campaign_export, invalid_phones
    from segcore.targets import CHANNELS, build_list, empty_reason, fields_for, parse_rule
    from segcore.tier_rules import to_toml

    lang = cli_lang()
    access = cli_access()
    out_suffix = check_out_suffix(args.out, (".csv", ".xlsx"))
    control_suffix = check_out_suffix(args.control_out, (".csv", ".xlsx")) if args.control_out else None
    check_out_paths(args.out, args.control_out, _inputs(args))
    if args.channel not in CHANNELS:
        raise InputError("bad_channel", channel=args.channel, allowed=", ".join(CHANNELS))
    mask = _yes_no("--mask-phone", args.mask_phone)
    holdout_warnings(args.holdout)  # a bad share or name fails before any file is read
    if args.seed is not None:
        check_seed(args.seed)
    if not args.name.strip():
        raise InputError("empty_campaign_name")
    for expr in args.where or []:  # a bad rule fails before any file is read; an extra column's name is checked below
        _check_rule(expr)
    exclusions = _exclusions(args.exclude, args.discount)
    cfg = read_config(args.config)
    start = parse_day(args.start) if args.start else None
    end = parse_day(args.end) if args.end else None

    # the campaign is recorded in a private in-memory workspace (a copy of a --dataset): never in the file
    with data_connection(args, writes=True) as (con, dataset_id):
        as_of = resolve_as_of(con, dataset_id, args.as_of)
        fields = fields_for(con, dataset_id)
        rules = [parse_rule(expr, fields) for expr in args.where or []]
        target_list = build_list(con, dataset_id, as_of, cfg, rules, exclusions, args.channel)
        for count in target_list.id_lists:
            print(text("target.id_list_read", lang, read=count.read, matched=count.matched))
        reason = empty_reason(target_list, lang)
        if reason is not None:
            raise InputError("empty_send_list", reason=reason)
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
            access=access,
        )
        counts = con.execute(
            "select count(*) filter (where \"group\" = 'treatment'), count(*) filter (where \"group\" = 'control') "
            "from campaign_members where campaign_id = $campaign_id",
            {"campaign_id": campaign_id},
        ).fetchone()
        n_t, n_c = counts if counts else (0, 0)
        if n_t == 0:
            raise InputError("empty_send_list", reason=text("target.empty.all_control", lang, n=n_c))

        def data(path: str, suffix: str, group: str) -> tuple[str, bytes, Exported]:
            content, exported = campaign_export(con, campaign_id, group, suffix, None, access=access)
            return path, content, replace(exported, file_name=Path(path).name)

        files = [data(args.out, out_suffix, "treatment")]
        if args.control_out and control_suffix:
            files.append(data(args.control_out, control_suffix, "control"))
        for _, _, exported in files:  # every file is built and recorded before the first is written
            record_cli_export(args, exported)
        for path, content, _ in files:
            _write(path, content)
        removed = ", ".join(f"{e.kind} -{n}" for e, n in target_list.removed) or "no exclusions"
        print(
            f"{target_list.matched} customers matched as of {as_of} ({removed}); "
            f"{n_t} treatment -> {args.out}, {n_c} control"
            + (f" -> {args.control_out}" if args.control_out else " (not written: use --control-out)")
            + f"; seed {seed}"
        )
        for warning in warning_texts(record_of(con, campaign_id), lang):
            print(f"warning: {warning}")
        bad_phones = invalid_phones(con, campaign_id)
        if bad_phones:
            print(f"warning: {text('export.phones_invalid', lang, n=bad_phones)}")
    return 0


def add_targets_command(sub: Any) -> None:
    """Add the `targets` sub-command to the CLI's sub-parsers."""
    targets = sub.add_parser("targets", help="a target list with a hashed holdout, as CSV or XLSX")
    add_data_args(targets)
    targets.add_argument("--as-of", help="YYYY-MM-DD (default: the last date in the data)")
    targets.add_argument("--config", help="tier rules as TOML (default: the spec's defaults)")
    targets.add_argument(
        "--where", action="append", metavar='"field op value"', help='a filter, e.g. "tier in high_spend,loyal"'
    )
    targets.add_argument(
        "--exclude",
        action="append",
        metavar="EXCLUSION",
        help="promo_chaser | contacted_within_days=N | manual=FILE, added to the defaults (unreachable on the channel; "
        "promo_chaser with --discount); none drops the defaults",
    )
    targets.add_argument("--discount", action="store_true", help="a discount campaign: also leave out promo chasers")
    targets.add_argument("--holdout", type=float, default=0.1, help="control share, 0 <= share < 1 (default 0.1)")
    targets.add_argument("--seed", type=int, help="holdout seed, 0 <= seed < 2**63 (default: from the name and start)")
    targets.add_argument("--name", default="targets", help="campaign name")
    targets.add_argument("--channel", default="sms", help="sms | wechat | phone | store (default sms)")
    targets.add_argument("--start", help="first day of the offer (default: the day after --as-of)")
    targets.add_argument("--end", help="last day measured (default: start + 27 days)")
    targets.add_argument("--mask-phone", default="yes", help="yes | no (default yes)")
    targets.add_argument("--out", required=True, help="treatment list: .csv or .xlsx")
    targets.add_argument("--control-out", help="control list (do not contact): .csv or .xlsx")
    targets.set_defaults(run=_cmd_targets)
