"""Exports of a campaign's lists as bytes: CSV (UTF-8 with BOM) and XLSX with a second sheet of rules and counts.

- The treatment list is the one to send; the control list is exported on its own, every row marked
  "do not contact" / "请勿联系" (a column, and the file name).
- Phones are masked (13812345678 -> 138****5678) unless the campaign records that the user chose to unmask them
  (`mask_phone=False` when it was saved) and the user exporting may unmask (`Access`: the owner). Exports cannot
  unmask on their own, and a role that exports nothing (the viewer) is refused before anything is read.
- A phone that is not a phone number (`valid_phone`: 5 to 15 digits, optionally with + and spaces, dashes or
  brackets; "13812345678.0" from Excel is read as its digits) is left empty, masked or not, and counted
  (`invalid_phones`, a row of the rules sheet): 1.38E+10 is never exported as "1.3****E+10".
- Formula injection: every text cell (headers included) that starts with = + - @, a tab or a carriage return gets a
  leading single quote, in CSV and XLSX alike; XLSX cells are written as plain strings, never as formulas.
- `lang=None` writes the stable keys (headers customer_id, group, tier, ...; values as keys), for machines and the
  CLI; `lang="zh"` or `"en"` writes readable headers and values.
"""

from __future__ import annotations

import io
import numbers
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import xlsxwriter

from segcore import fmt
from segcore.access import Access
from segcore.campaigns import campaign_record, warning_texts
from segcore.catalog import text
from segcore.errors import InputError
from segcore.export_log import Exported
from segcore.keys import CAMPAIGN_GROUPS
from segcore.targets import describe, describe_exclusion, id_key

__all__ = [
    "EXPORT_COLUMNS",
    "campaign_export",
    "escape_cell",
    "export_csv",
    "export_file_name",
    "export_xlsx",
    "frame_to_csv",
    "frames_to_xlsx",
    "invalid_phones",
    "list_frame",
    "mask_phone",
    "phones_masked",
    "rules_sheet",
    "valid_phone",
]

EXPORT_COLUMNS = ("customer_id", "group", "tier", "name", "phone", "store", "lifecycle", "rfm_segment", "cn8_segment")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Catalog prefix of the values of each column, for readable exports.
_VALUE_PREFIX = {"group": "export.group.", "tier": "tier.", "lifecycle": "lifecycle.", "rfm_segment": "rfm.",
                 "cn8_segment": "cn8."}  # fmt: skip


def mask_phone(phone: Any) -> str | None:
    """A valid phone with its middle hidden (11+ characters keep the first 3 and last 4, 7-10 the last 4, shorter
    none); None for anything that is not a phone, so "1.38E+10" never comes out as "1.3****8E10"."""
    value = valid_phone(phone)
    if value is None:
        return None
    if len(value) >= 11:
        return value[:3] + "****" + value[-4:]
    if len(value) >= 7:
        return "****" + value[-4:]
    return "****"


_PHONE_TEXT = re.compile(r"^\+?[0-9 ()\-]+$")  # the rule of segcore.targets.VALID_PHONE_SQL


def valid_phone(phone: Any) -> str | None:
    """The phone as text if it is a phone number (5 to 15 digits, optional leading +, spaces, dashes, brackets; a
    trailing ".0" of a spreadsheet number dropped), else None: "1.38E+10", "n/a" or "12" are not phones."""
    value = id_key(phone)
    if not _PHONE_TEXT.match(value) or not 5 <= sum(ch.isdigit() for ch in value) <= 15:
        return None
    return value


def escape_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula, with a leading single quote; anything else as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _escaped(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [escape_cell(str(c)) for c in frame.columns]
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(escape_cell)
    return out


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """A table as CSV bytes: UTF-8 with BOM, formula-like text escaped."""
    return _escaped(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _write_cell(sheet: Any, row: int, col: int, value: Any, fmt_: Any = None) -> None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt_)
    elif isinstance(value, numbers.Real):
        sheet.write_number(row, col, float(value), fmt_)
    elif isinstance(value, date):
        sheet.write_string(row, col, value.isoformat(), fmt_)
    else:
        sheet.write_string(row, col, escape_cell(str(value)), fmt_)


def frames_to_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Tables as one XLSX workbook (one sheet each, bold header row); text is never read as a formula or link."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(buffer, options)
    bold = book.add_format({"bold": True})
    for name, frame in sheets.items():
        sheet = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", name)[:31])
        for j, column in enumerate(frame.columns):
            _write_cell(sheet, 0, j, str(column), bold)
            width = max([len(str(column)), *(len(str(v)) for v in frame.iloc[:200, j])], default=8)
            sheet.set_column(j, j, min(max(width + 2, 8), 60))
        for i, values in enumerate(frame.itertuples(index=False, name=None), start=1):
            for j, value in enumerate(values):
                _write_cell(sheet, i, j, value)
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


_LIST_SQL = """
with listed as (
    select customer_id, "group", tier, lifecycle, rfm_segment, cn8_segment
    from campaign_members
    where campaign_id = $campaign_id
      and "group" = $group
),
contacts as (
    select customer_id, name, phone, store
    from members
    where dataset_id = $dataset_id
    qualify row_number() over (partition by customer_id order by load_id) = 1
),
final as (
    select l.customer_id, l."group", l.tier, c.name, c.phone, c.store, l.lifecycle, l.rfm_segment, l.cn8_segment
    from listed as l
    left join contacts as c using (customer_id)
)
select * from final
order by customer_id
"""


def list_frame(
    con: duckdb.DuckDBPyConnection,
    campaign_id: str,
    group: str = "treatment",
    lang: str | None = None,
    *,
    access: Access,
) -> pd.DataFrame:
    """One group of a campaign as an export table (contacts from the members file, phones masked as recorded, and
    always for a user who may not unmask)."""
    access.require("export")
    if group not in CAMPAIGN_GROUPS:
        raise InputError("bad_export_group", group=group, allowed=", ".join(CAMPAIGN_GROUPS))
    record = campaign_record(con, campaign_id)
    params = {"campaign_id": campaign_id, "group": group, "dataset_id": record["dataset_id"]}
    frame = con.execute(_LIST_SQL, params).df().astype(object)
    frame = frame.where(frame.notna(), None)
    frame["phone"] = frame["phone"].map(valid_phone)
    if phones_masked(record, access):
        frame["phone"] = frame["phone"].map(mask_phone)
    if group == "control":
        frame["do_not_contact"] = text("export.do_not_contact", lang or "en")
    if lang is None:
        return frame
    for column, prefix in _VALUE_PREFIX.items():
        frame[column] = frame[column].map(lambda v, p=prefix: None if v is None else text(p + str(v), lang))
    return frame.rename(columns={c: text(f"export.col.{c}", lang) for c in frame.columns})


_PHONES_SQL = """
with listed as (
    select customer_id
    from campaign_members
    where campaign_id = $campaign_id
      and ($group is null or "group" = $group)
),
contacts as (
    select customer_id, phone
    from members
    where dataset_id = $dataset_id
    qualify row_number() over (partition by customer_id order by load_id) = 1
),
final as (
    select c.phone
    from listed as l
    join contacts as c using (customer_id)
    where nullif(trim(c.phone), '') is not null
)
select phone from final order by phone
"""


def invalid_phones(con: duckdb.DuckDBPyConnection, campaign_id: str, group: str | None = None) -> int:
    """Listed customers (of one group, or both) whose phone is not a valid phone and is exported empty."""
    record = campaign_record(con, campaign_id)
    params = {"campaign_id": campaign_id, "group": group, "dataset_id": record["dataset_id"]}
    phones = [row[0] for row in con.execute(_PHONES_SQL, params).fetchall()]
    return sum(valid_phone(p) is None for p in phones)


def rules_sheet(
    con: duckdb.DuckDBPyConnection, campaign_id: str, lang: str = "en", *, access: Access | None = None
) -> pd.DataFrame:
    """The campaign's settings, rules in words and counts (matched, each exclusion, each group) as two columns.
    With the exporting user's access, the phones row says how this file shows them."""
    record = campaign_record(con, campaign_id)
    masked = phones_masked(record, access) if access is not None else bool(record["mask_phone"])
    sizes = con.execute(
        'select "group", count(*) from campaign_members where campaign_id = $campaign_id group by "group"',
        {"campaign_id": campaign_id},
    ).fetchall()
    n = {g: 0 for g in CAMPAIGN_GROUPS} | {g: int(c) for g, c in sizes}
    removed = sum(count for _, count in record["exclusions"])
    rows: list[tuple[str, Any]] = [
        (text("export.rules.name", lang), record["name"]),
        (text("export.rules.campaign_id", lang), record["campaign_id"]),
        (text("export.rules.channel", lang), text(f"channel.{record['channel']}", lang)),
        (text("export.rules.start", lang), record["start"].isoformat()),
        (text("export.rules.end", lang), record["end"].isoformat()),
        (text("export.rules.as_of", lang), record["as_of"].isoformat() if record["as_of"] else None),
        (text("export.rules.holdout_share", lang), fmt.percent(record["holdout_share"])),
        (text("export.rules.seed", lang), int(record["seed"])),
        (text("export.rules.source", lang), text(f"export.source.{record['source']}", lang)),
        (text("export.rules.config", lang), (record["config_hash"] or "")[:12]),
        (text("export.rules.phones", lang),
         text("export.phones_masked" if masked else "export.phones_unmasked", lang)),
    ]  # fmt: skip
    rule_label = text("export.rules.rule", lang)
    rows += [(rule_label, describe(rule, lang)) for rule in record["rules"]] or [
        (rule_label, text("export.rules.everyone", lang))
    ]
    rows.append((text("export.rules.matched", lang), n["treatment"] + n["control"] + removed))
    for exclusion, count in record["exclusions"]:
        label = text("export.rules.excluded", lang, what=describe_exclusion(exclusion, lang, record["channel"]))
        rows.append((label, count))
    rows.append((text("export.col.treatment", lang), n["treatment"]))
    rows.append((text("export.col.control", lang), n["control"]))
    bad_phones = invalid_phones(con, campaign_id)
    if bad_phones:
        rows.append((text("export.rules.phones_invalid", lang), bad_phones))
    rows += [(text("export.rules.warning", lang), w) for w in warning_texts(record, lang)]
    return pd.DataFrame(rows, columns=[text("export.rules.item", lang), text("export.rules.value", lang)])


def export_csv(
    con: duckdb.DuckDBPyConnection,
    campaign_id: str,
    group: str = "treatment",
    lang: str | None = None,
    *,
    access: Access,
) -> bytes:
    """One group of a campaign as CSV bytes (UTF-8 with BOM)."""
    return frame_to_csv(list_frame(con, campaign_id, group, lang, access=access))


def export_xlsx(
    con: duckdb.DuckDBPyConnection,
    campaign_id: str,
    group: str = "treatment",
    lang: str | None = "zh",
    *,
    access: Access,
) -> bytes:
    """One group of a campaign as XLSX bytes: the list, then the rules and counts (in `lang`, English for keys)."""
    words = lang or "en"
    list_sheet = text("export.sheet.control" if group == "control" else "export.sheet.treatment", words)
    return frames_to_xlsx({
        list_sheet: list_frame(con, campaign_id, group, lang, access=access),
        text("export.sheet.rules", words): rules_sheet(con, campaign_id, words, access=access),
    })  # fmt: skip


def phones_masked(record: Mapping[str, Any], access: Access) -> bool:
    """Whether a campaign's exports show masked phones for this user: as recorded, and always unless they may
    unmask."""
    return access.export_masks_phones(bool(record["mask_phone"]))


def campaign_export(
    con: duckdb.DuckDBPyConnection, campaign_id: str, group: str, suffix: str, lang: str | None, *, access: Access
) -> tuple[bytes, Exported]:
    """One group of a campaign as a file (".csv" or ".xlsx") and what it holds, for `export_log.deliver` or the
    CLI's record: the rows, and whether its phones and names are masked."""
    if suffix not in (".csv", ".xlsx"):
        raise InputError("bad_out_suffix", path=suffix, allowed=".csv, .xlsx")
    make = export_csv if suffix == ".csv" else export_xlsx
    content = make(con, campaign_id, group, lang, access=access)
    record = campaign_record(con, campaign_id)
    row = con.execute(
        'select count(*) from campaign_members where campaign_id = $campaign_id and "group" = $group',
        {"campaign_id": campaign_id, "group": group},
    ).fetchone()
    kind = "control_list" if group == "control" else "treatment_list"
    phones = "masked" if phones_masked(record, access) else "full"
    file_name = export_file_name(record, group, suffix, lang or "en")
    exported = Exported(kind, str(record["dataset_id"]), str(record["name"]), file_name, int(row[0] if row else 0),
                        phones=phones, names="full")  # fmt: skip
    return content, exported


def export_file_name(record: Mapping[str, Any], group: str, suffix: str, lang: str = "en") -> str:
    """A download name such as "Qixi_20260812_treatment.csv"; the control list's says do not contact."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", str(record["name"])).strip("_") or str(record["campaign_id"])
    part = text("export.file.control" if group == "control" else "export.file.treatment", lang)
    return f"{stem}_{record['start']:%Y%m%d}_{part}.{suffix.lstrip('.')}"
