"""Campaigns: the hashed holdout split and the campaign registry (workspace tables `campaigns`, `campaign_members`).

The holdout follows shared/spec/lift.md: control iff holdout_draw(seed, customer_id) < share, with the demo's
sha256 definition (segcore.demo.holdout_draw), so the same list, share and seed always give the same control group
whatever the row order, and the demo campaign and app campaigns split alike.

Choices where the spec is silent:

- A share of 0 is allowed (nobody held out); the campaign then records the warning `target.warn.no_holdout`
  (it cannot be measured). A share must be below 1. Warnings are stored as {"key": catalog key, values...}.
- The registry keeps, per campaign: id, dataset, name, channel, start and end dates, holdout share, seed, the list's
  as-of date, the rules (JSON), the exclusions with what each removed (JSON), the tier config (TOML text and its
  sha256), whether phones are masked in exports, where the list came from (app, import, demo), warnings and the
  creation time; per listed customer: group, tier, lifecycle, rfm_segment, cn8_segment and groups at export time.
- An imported list (made outside the app, or exported by it in any language): `read_campaign_file` reads it with the
  same reader as sales files; headers and group words are those of `campaign_columns` / `group_of`, which include
  every word the app writes (the catalog's, in every language: 发送组/对照组, treatment/control, ...), and a tier
  name the app wrote (高忠诚度会员, Loyal) is read back as its key.
  Ids are read as ingest stores them (trimmed, a trailing .0 dropped), empty ids dropped, a repeated id keeps its
  first row.
  Its tier is the list's own `tier` column when given (the record of export time), else the tier as of the day
  before the start; the other segments always come from the tier table as of the day before the start. Ids the
  dataset does not know stay on the list with no tier (warning `target.warn.unknown_customers`).
  Without a group column the hash split assigns groups; with one, the intended share is the given share or,
  if none is given, the observed control share (so the sample-ratio check cannot flag it).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from segcore.access import Access, owner
from segcore.catalog import CATALOG, LANGS, text
from segcore.demo import holdout_draw
from segcore.engine import tier_table
from segcore.errors import InputError
from segcore.keys import (
    CAMPAIGN_GROUP_HEADERS,
    CAMPAIGN_GROUP_WORDS,
    CAMPAIGN_HEADERS_ZH,
    CAMPAIGN_ID_HEADERS,
    CAMPAIGN_TIER_HEADERS,
    CHANNELS,
    SEGMENT_COLUMNS,
    TIER_KEYS,
)
from segcore.mapping import guess_mapping
from segcore.schema import create_campaign_tables
from segcore.sources import staged_source
from segcore.sql import NO_EXTENSIONS, install_parsers, quote_ident, transaction
from segcore.targets import (
    Exclusion,
    Rule,
    TargetList,
    fields_for,
    id_key,
    list_warnings,
    rules_from_json,
    rules_to_json,
)
from segcore.tier_rules import DEFAULT_RULES, TierRules, to_toml

__all__ = [
    "DEFAULT_HOLDOUT_SHARE",
    "assign_groups",
    "campaign_members",
    "campaign_record",
    "check_seed",
    "create_campaign_tables",
    "default_seed",
    "delete_campaign",
    "group_of",
    "group_words",
    "holdout_warnings",
    "import_campaign",
    "import_demo_campaign",
    "latest_with_results",
    "list_campaigns",
    "read_campaign_file",
    "save_campaign",
    "started",
    "warning_texts",
]

DEFAULT_HOLDOUT_SHARE = 0.10

# Words a list may use for its groups: segcore.keys' words, and every word the app writes for them in any language
# (the catalog's export values, export headers and page labels), so a list exported in Chinese reads back as written.
_GROUP_CATALOG_KEYS = ("export.group.{}", "export.col.{}", "camp.{}")


def _words(names: Iterable[str]) -> list[str]:
    """Names with the catalog keys among them replaced by their words in every language."""
    out: list[str] = []
    for name in names:
        out += [text(name, lang) for lang in LANGS] if name in CATALOG else [name]
    return out


def _fold(word: str) -> str:
    return re.sub(r"[\s_\-./()（）]+", "", word.strip().lower())


def group_words() -> dict[str, str]:
    """Every word (folded: lower case, no spaces or brackets) a campaign list may use for a group -> the group."""
    words: dict[str, str] = {}
    for group, synonyms in CAMPAIGN_GROUP_WORDS.items():
        keys = [key.format(group) for key in _GROUP_CATALOG_KEYS]
        words |= {_fold(w): group for w in (*synonyms, *_words(keys))}
    return words


def group_of(value: Any) -> str:
    """'treatment' or 'control' for a group cell in any language the app or the CLI writes; InputError otherwise."""
    word = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    group = group_words().get(_fold(word))
    if group is None:
        raise InputError("bad_group_value", value=word, allowed="treatment, control, 发送组, 对照组")
    return group


def _tier_of(value: Any) -> str | None:
    """A tier cell as its key: a key as it is, a tier name in any language as its key, other text unchanged."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
        return None
    names = {_fold(text(f"tier.{key}", lang)): key for key in TIER_KEYS for lang in LANGS}
    return names.get(_fold(str(value)), str(value).strip())


def campaign_columns(headers: Sequence[str]) -> dict[str, str]:
    """Which header holds customer_id, group and tier (each if present), in any language the app writes."""
    by_fold = {_fold(str(h)): str(h) for h in headers}
    found: dict[str, str] = {}
    for canonical, names in (
        ("customer_id", CAMPAIGN_ID_HEADERS),
        ("group", CAMPAIGN_GROUP_HEADERS),
        ("tier", CAMPAIGN_TIER_HEADERS),
    ):
        header = next((by_fold[_fold(n)] for n in _words(names) if _fold(n) in by_fold), None)
        if header is not None:
            found[canonical] = header
    others = [str(h) for h in headers if str(h) not in found.values()]
    for kind in ("members", "sales"):  # a member id header, else a phone that a store uses as its id
        if "customer_id" not in found and "customer_id" in guess_mapping(others, kind):
            found["customer_id"] = guess_mapping(others, kind)["customer_id"]
    return found


_CAMPAIGN_FILE = "campaign_list_raw"


def read_campaign_file(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """A campaign list file (CSV/TXT in any encoding and delimiter, or XLSX, in the app's words in any language) as
    text columns customer_id (ids as ingest stores them), and group / tier when the file has them."""
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        install_parsers(con)
        with staged_source(con, Path(path), _CAMPAIGN_FILE, sheet=sheet) as info:
            headers = [h for h in info.headers if h != "line_no"]
            columns = campaign_columns(headers)
            if "customer_id" not in columns:
                raise InputError("no_customer_column", found=", ".join(headers))
            select = ", ".join(
                ("seg_id({}) as {}" if name == "customer_id" else "{} as {}").format(
                    quote_ident(source), quote_ident(name)
                )
                for name, source in columns.items()
            )
            frame = con.execute(f"select {select} from {_CAMPAIGN_FILE} order by line_no").df()
    except duckdb.Error as exc:
        raise InputError("bad_csv", reason=str(exc).splitlines()[0][:200]) from exc
    finally:
        con.close()
    frame = frame.astype(object).where(frame.notna(), None)
    if "tier" in frame.columns:
        frame["tier"] = frame["tier"].map(_tier_of)
    return frame


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where table_name in ('campaigns', 'campaign_members') and not temporary"
    ).fetchone()
    return bool(row and row[0] == 2)


# --- holdout --------------------------------------------------------------------------------------------------


def _check_share(share: float) -> float:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share < 1:
        raise InputError("bad_holdout", share=str(share))
    return float(share)


def assign_groups(customer_ids: Iterable[str], share: float, seed: int) -> list[str]:
    """'control' or 'treatment' per id: control iff sha256 draw of (seed, id) < share; row order plays no part."""
    share = _check_share(share)
    return ["control" if holdout_draw(seed, str(cid)) < share else "treatment" for cid in customer_ids]


def holdout_warnings(share: float) -> tuple[str, ...]:
    """Catalog keys of the warnings a holdout share deserves: with no holdout, the campaign cannot be measured."""
    return ("target.warn.no_holdout",) if _check_share(share) == 0 else ()


MAX_SEED = 2**63 - 1  # the registry stores seeds as BIGINT


def check_seed(seed: Any) -> int:
    """The seed as an int, or InputError when it is not a whole number from 0 to MAX_SEED."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InputError("bad_seed", seed=str(seed), max=MAX_SEED)
    return int(seed)


def default_seed(name: str, start: date) -> int:
    """A seed from the campaign's name and start (so two campaigns do not hold out the same customers)."""
    return int.from_bytes(hashlib.sha256(f"{name}|{start.isoformat()}".encode()).digest()[:4], "big")


# --- registry -------------------------------------------------------------------------------------------------


def _campaign_id(dataset_id: str, name: str, created_at: datetime) -> str:
    digest = hashlib.sha256(f"{dataset_id}|{name}|{created_at.isoformat()}".encode()).hexdigest()
    return "cmp-" + digest[:12]


def _check_campaign(name: str, channel: str, start: date, end: date) -> None:
    if not name.strip():
        raise InputError("empty_campaign_name")
    if channel not in CHANNELS:
        raise InputError("bad_channel", channel=channel, allowed=", ".join(CHANNELS))
    if end < start:
        raise InputError("bad_campaign_dates", start=start.isoformat(), end=end.isoformat())


def _exclusions_json(removed: Sequence[tuple[Exclusion, int]]) -> str:
    items = [
        {"kind": e.kind, "value": list(e.value) if isinstance(e.value, tuple) else e.value, "removed": n}
        | ({"by": e.by} if e.by != "id" else {})
        for e, n in removed
    ]
    return json.dumps(items, ensure_ascii=False)


_INSERT_CAMPAIGN_SQL = """
insert into campaigns
values ($campaign_id, $dataset_id, $name, $channel, $start, $end, $holdout_share, $seed, $as_of, $rules,
        $exclusions, $config_toml, $config_hash, $mask_phone, $source, $warnings, $created_at)
"""

_INSERT_MEMBERS_SQL = """
insert into campaign_members
select $campaign_id, customer_id, "group", tier, lifecycle, rfm_segment, cn8_segment, groups
from campaign_members_frame
"""


def _write(con: duckdb.DuckDBPyConnection, record: dict[str, Any], members: pd.DataFrame) -> str:
    """Insert one campaign and its members in one transaction; its id."""
    create_campaign_tables(con)
    exists = con.execute(
        "select count(*) from campaigns where campaign_id = $campaign_id", {"campaign_id": record["campaign_id"]}
    ).fetchone()
    if exists and exists[0]:
        raise InputError("campaign_exists", campaign=record["campaign_id"])
    frame = members[["customer_id", "group", *SEGMENT_COLUMNS]].astype(object)
    frame = frame.where(frame.notna(), None)
    with transaction(con):
        con.execute(_INSERT_CAMPAIGN_SQL, record)
        con.register("campaign_members_frame", frame)
        try:
            con.execute(_INSERT_MEMBERS_SQL, {"campaign_id": record["campaign_id"]})
        finally:
            con.unregister("campaign_members_frame")
    return str(record["campaign_id"])


def _config_fields(config_toml: str | None) -> dict[str, Any]:
    if config_toml is None:
        config_toml = to_toml(DEFAULT_RULES)
    return {"config_toml": config_toml, "config_hash": hashlib.sha256(config_toml.encode()).hexdigest()}


def _groups_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value
    return ";".join(str(v) for v in value)


def save_campaign(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    target_list: TargetList,
    *,
    name: str,
    channel: str,
    start: date,
    end: date,
    holdout_share: float = DEFAULT_HOLDOUT_SHARE,
    seed: int,
    rules: Sequence[Rule] | None = None,
    exclusions: Sequence[tuple[Exclusion, int]] | None = None,
    config_toml: str | None = None,
    mask_phone: bool = True,
    created_at: datetime,
    access: Access,
) -> str:
    """Record a built list as a campaign (groups by the hashed holdout, segments as of the list); its id.
    InputError("not_allowed") for a user who may not make lists, or unmask when `mask_phone` is False."""
    _check_access(access, mask_phone)
    _check_campaign(name, channel, start, end)
    share = _check_share(holdout_share)
    seed = check_seed(seed)
    rows = target_list.rows
    members = pd.DataFrame({
        "customer_id": rows["customer_id"].astype(str),
        "group": assign_groups(rows["customer_id"], share, seed),
        **{c: rows[c] for c in SEGMENT_COLUMNS if c != "groups"},
        "groups": rows["groups"].map(_groups_text),
    })  # fmt: skip
    record = {
        "campaign_id": _campaign_id(dataset_id, name, created_at),
        "dataset_id": dataset_id,
        "name": name.strip(),
        "channel": channel,
        "start": start,
        "end": end,
        "holdout_share": share,
        "seed": seed,
        "as_of": target_list.as_of,
        "rules": rules_to_json(target_list.rules if rules is None else rules),
        "exclusions": _exclusions_json(target_list.removed if exclusions is None else exclusions),
        **_config_fields(config_toml),
        "mask_phone": bool(mask_phone),
        "source": "app",
        "warnings": json.dumps(
            [*list_warnings(target_list), *({"key": k} for k in holdout_warnings(share))], ensure_ascii=False
        ),
        "created_at": created_at,
    }
    return _write(con, record, members)


_LIST_SQL = """
with sizes as (
    select campaign_id,
           count(*) filter (where "group" = 'treatment') as n_treatment,
           count(*) filter (where "group" = 'control') as n_control
    from campaign_members
    group by campaign_id
),
final as (
    select c.campaign_id, c.name, c.channel, c.start_date as "start", c.end_date as "end", c.holdout_share,
           c.seed, c.as_of, coalesce(s.n_treatment, 0) as n_treatment, coalesce(s.n_control, 0) as n_control,
           c.mask_phone, c.source, c.created_at
    from campaigns as c
    left join sizes as s using (campaign_id)
    where c.dataset_id = $dataset_id
)
select * from final
order by "start" desc, created_at desc, campaign_id
"""

_LIST_COLUMNS = [
    "campaign_id",
    "name",
    "channel",
    "start",
    "end",
    "holdout_share",
    "seed",
    "as_of",
    "n_treatment",
    "n_control",
    "mask_phone",
    "source",
    "created_at",
]


def list_campaigns(con: duckdb.DuckDBPyConnection, dataset_id: str) -> pd.DataFrame:
    """The dataset's campaigns, newest start first, with their group sizes."""
    if not _has_tables(con):
        return pd.DataFrame(columns=_LIST_COLUMNS)
    return con.execute(_LIST_SQL, {"dataset_id": dataset_id}).df()


def _day_of(value: Any) -> date:
    return pd.Timestamp(value).date()


def started(campaigns: pd.DataFrame, as_of: date) -> pd.Series:
    """Whether each campaign of a list_campaigns frame has started by `as_of` (so it has results, interim or final)."""
    return pd.Series([_day_of(s) <= as_of for s in campaigns["start"]], index=campaigns.index, dtype=bool)


def latest_with_results(campaigns: pd.DataFrame, as_of: date) -> str | None:
    """The campaign to open first: the latest start (then the latest created) among those started by `as_of`; the
    newest campaign when none has started; None for no campaigns. A list saved for next week does not hide the
    results of the ones already measured."""
    if campaigns.empty:
        return None
    begun = campaigns[started(campaigns, as_of)]
    pool = begun if not begun.empty else campaigns
    order = pool.assign(_start=[_day_of(v) for v in pool["start"]], _created=pd.to_datetime(pool["created_at"]))
    best = order.sort_values(["_start", "_created", "campaign_id"], ascending=[False, False, True]).iloc[0]
    return str(best["campaign_id"])


_RECORD_SQL = """
select campaign_id, dataset_id, name, channel, start_date as "start", end_date as "end", holdout_share, seed, as_of,
       cast(rules as varchar) as rules, cast(exclusions as varchar) as exclusions, config_toml, config_hash,
       mask_phone, source, cast(warnings as varchar) as warnings, created_at
from campaigns
where campaign_id = $campaign_id
"""


def campaign_record(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, Any]:
    """One campaign's record: its settings, `rules` as Rule objects, `exclusions` as (Exclusion, removed) pairs."""
    cursor = con.execute(_RECORD_SQL, {"campaign_id": campaign_id}) if _has_tables(con) else None
    row = cursor.fetchone() if cursor is not None else None
    if cursor is None or row is None:
        raise InputError("no_such_campaign", campaign=campaign_id)
    record = dict(zip([d[0] for d in cursor.description], row, strict=True))
    record["rules"] = rules_from_json(record["rules"], fields_for(con, record["dataset_id"]))
    record["exclusions"] = [
        (
            Exclusion(e["kind"], tuple(e["value"]) if isinstance(e["value"], list) else e["value"], e.get("by", "id")),
            int(e["removed"]),
        )
        for e in json.loads(record["exclusions"])
    ]
    record["warnings"] = list(json.loads(record["warnings"]))
    return record


def warning_texts(record: dict[str, Any], lang: str = "en") -> list[str]:
    """A campaign record's warnings in words."""
    return [text(w["key"], lang, **{k: v for k, v in w.items() if k != "key"}) for w in record["warnings"]]


_MEMBERS_SQL = """
select customer_id, "group", tier, lifecycle, rfm_segment, cn8_segment, groups
from campaign_members
where campaign_id = $campaign_id
order by customer_id
"""


def campaign_members(con: duckdb.DuckDBPyConnection, campaign_id: str) -> pd.DataFrame:
    """Every listed customer of a campaign: customer_id, group, tier and segments at export time; by customer_id."""
    campaign_record(con, campaign_id)  # a clean error for an unknown id
    return con.execute(_MEMBERS_SQL, {"campaign_id": campaign_id}).df()


def _check_access(access: Access, mask_phone: bool) -> None:
    access.require("make_lists")
    if not mask_phone:
        access.require("unmask")


def delete_campaign(con: duckdb.DuckDBPyConnection, campaign_id: str, *, access: Access) -> None:
    """Remove a campaign and its list, in one transaction (the owner only)."""
    access.require("delete_data")
    if not _has_tables(con):
        return
    with transaction(con):
        for table in ("campaign_members", "campaigns"):
            con.execute(f"delete from {table} where campaign_id = $campaign_id", {"campaign_id": campaign_id})


# --- imports --------------------------------------------------------------------------------------------------


def import_campaign(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    frame: pd.DataFrame,
    *,
    name: str,
    channel: str,
    start: date,
    end: date,
    created_at: datetime,
    holdout_share: float | None = None,
    seed: int | None = None,
    cfg: TierRules = DEFAULT_RULES,
    config_toml: str | None = None,
    mask_phone: bool = True,
    campaign_id: str | None = None,
    source: str = "import",
    access: Access,
) -> str:
    """Record a list made outside the app: ids, optionally a group and a tier column; segments as of start - 1."""
    _check_access(access, mask_phone)
    _check_campaign(name, channel, start, end)
    columns = campaign_columns([str(c) for c in frame.columns])
    if "customer_id" not in columns:
        raise InputError("no_customer_column", found=", ".join(str(c) for c in frame.columns))
    group_column, tier_column = columns.get("group"), columns.get("tier")
    listed = pd.DataFrame({"customer_id": frame[columns["customer_id"]].map(id_key)})
    if group_column is not None:
        listed["group"] = [group_of(v) for v in frame[group_column]]
    if tier_column is not None:
        listed["list_tier"] = frame[tier_column].map(_tier_of)
    listed = listed[listed["customer_id"] != ""].drop_duplicates("customer_id").reset_index(drop=True)
    seed = default_seed(name, start) if seed is None else check_seed(seed)
    if group_column is None:
        share = _check_share(DEFAULT_HOLDOUT_SHARE if holdout_share is None else holdout_share)
        listed["group"] = assign_groups(listed["customer_id"], share, seed)
    elif holdout_share is None:
        share = round(float((listed["group"] == "control").mean()), 4) if len(listed) else 0.0
    else:
        share = _check_share(holdout_share)
    tiers = tier_table(con, dataset_id, start - timedelta(days=1), cfg)
    members = listed.merge(tiers[["customer_id", *SEGMENT_COLUMNS]], on="customer_id", how="left")
    unknown = int((~listed["customer_id"].isin(tiers["customer_id"])).sum())
    if "list_tier" in members:
        members["tier"] = members["list_tier"].where(members["list_tier"].notna(), members["tier"])
    members["groups"] = members["groups"].map(_groups_text)
    warnings: list[dict[str, Any]] = [{"key": "target.warn.no_holdout"}] if share == 0 else []
    if unknown:
        warnings.append({"key": "target.warn.unknown_customers", "n": unknown})
    record = {
        "campaign_id": campaign_id or _campaign_id(dataset_id, name, created_at),
        "dataset_id": dataset_id,
        "name": name.strip(),
        "channel": channel,
        "start": start,
        "end": end,
        "holdout_share": share,
        "seed": seed,
        "as_of": start - timedelta(days=1),
        "rules": "[]",
        "exclusions": "[]",
        **_config_fields(config_toml if config_toml is not None else to_toml(cfg)),
        "mask_phone": bool(mask_phone),
        "source": source,
        "warnings": json.dumps(warnings),
        "created_at": created_at,
    }
    return _write(con, record, members)


def import_demo_campaign(
    con: duckdb.DuckDBPyConnection, dataset_id: str, folder: Path, created_at: datetime | None = None
) -> str:
    """Load the demo store's campaign (campaign.csv + campaign_meta.json) once; its id (also when already there)."""
    folder = Path(folder)
    meta = json.loads((folder / "campaign_meta.json").read_text(encoding="utf-8"))
    campaign_id = str(meta["campaign_id"])
    if _has_tables(con):
        row = con.execute(
            "select count(*) from campaigns where campaign_id = $campaign_id", {"campaign_id": campaign_id}
        ).fetchone()
        if row and row[0]:
            return campaign_id
    frame = pd.read_csv(folder / "campaign.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    start, end = date.fromisoformat(meta["start"]), date.fromisoformat(meta["end"])
    return import_campaign(
        con,
        dataset_id,
        frame.rename(columns=dict(zip(CAMPAIGN_HEADERS_ZH, ("customer_id", "group", "tier"), strict=True))),
        name=str(meta["name"]),
        channel=str(meta["channel"]),
        start=start,
        end=end,
        created_at=created_at or datetime.combine(start - timedelta(days=1), time(9, 0)),
        holdout_share=float(meta["holdout_share"]),
        seed=int(meta["seed"]),
        campaign_id=campaign_id,
        source="demo",
        access=owner("segcore"),  # the demo store's own past campaign, recorded when the demo is built
    )
