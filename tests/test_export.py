"""Exports: CSV with BOM in both languages, XLSX with a rules sheet, masked phones, escaped formulas."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import duckdb
import fastexcel
import pandas as pd
import pytest
from test_targets import D, add_store

from segcore.access import owner
from segcore.campaigns import campaign_record, save_campaign
from segcore.errors import InputError
from segcore.export import (
    escape_cell,
    export_csv,
    export_file_name,
    export_xlsx,
    frame_to_csv,
    frames_to_xlsx,
    list_frame,
    mask_phone,
    rules_sheet,
)
from segcore.targets import Exclusion, build_list, parse_rule

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

INJECTION = '=HYPERLINK("http://x","y")'


@pytest.fixture
def store(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The hand-built store, with cat renamed to a formula and bob given a phone that starts with +."""
    add_store(con)
    con.execute("update members set name = $name where customer_id = 'cat'", {"name": INJECTION})
    con.execute("update members set phone = '+8613512345678' where customer_id = 'bob'")
    return con


def _campaign(
    con: duckdb.DuckDBPyConnection, mask_phone: bool = True, share: float = 0.5, name: str = "七夕 短信/唤醒"
) -> str:
    listed = build_list(con, "d", D, rules=[parse_rule("tier != potential"), parse_rule("recency_days <= 200")],
                        exclusions=[Exclusion("promo_chaser")], channel="sms")  # fmt: skip
    return save_campaign(con, "d", listed, name=name, channel="sms", start=D + timedelta(days=1),
                         end=D + timedelta(days=28), holdout_share=share, seed=4, mask_phone=mask_phone,
                         created_at=datetime(2024, 6, 30, 9), access=OWNER)  # fmt: skip


def _both_groups(con: duckdb.DuckDBPyConnection, campaign_id: str, lang: str | None) -> pd.DataFrame:
    files = [export_csv(con, campaign_id, g, lang, access=OWNER) for g in ("treatment", "control")]
    frames = [pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig") for data in files]
    return pd.concat(frames, ignore_index=True)


# --- cells ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone, masked",
    [("13812345678", "138****5678"), ("+8613812345678", "+86****5678"), ("87654321", "****4321"), ("12345", "****"),
     ("123", None), (None, None), ("", None), ("1.38E+10", None), ("13812345678.0", "138****5678")],
)  # fmt: skip
def test_mask_phone(phone: str | None, masked: str | None) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    "value, escaped",
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("安妮", "安妮"), ("a=b", "a=b"), (-2, -2), (None, None)],
)  # fmt: skip
def test_escape_cell(value: object, escaped: object) -> None:
    assert escape_cell(value) == escaped


# --- CSV ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, header",
    [(None, ["customer_id", "group", "tier", "name", "phone", "store"]),
     ("en", ["Customer ID", "Group", "Tier", "Name", "Phone", "Home store"]),
     ("zh", ["会员号", "组别", "分层", "姓名", "手机号", "所属门店"])],
)  # fmt: skip
def test_csv_has_a_bom_and_opens_with_pandas(
    store: duckdb.DuckDBPyConnection, lang: str | None, header: list[str]
) -> None:
    campaign_id = _campaign(store)
    data = export_csv(store, campaign_id, "treatment", lang, access=OWNER)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = _both_groups(store, campaign_id, lang)
    assert list(frame.columns[:6]) == header
    assert sorted(frame.iloc[:, 0]) == ["ann", "bob", "cat"]


def test_readable_values_in_chinese(store: duckdb.DuckDBPyConnection) -> None:
    frame = _both_groups(store, _campaign(store), "zh").set_index("会员号")
    assert frame.loc["ann", "分层"] == "高忠诚度会员"
    assert set(frame["组别"]) <= {"发送组", "对照组"}


def test_treatment_and_control_are_separate_and_control_says_do_not_contact(store: duckdb.DuckDBPyConnection) -> None:
    campaign_id = _campaign(store)
    sent = pd.read_csv(
        io.BytesIO(export_csv(store, campaign_id, "treatment", access=OWNER)), dtype=str, encoding="utf-8-sig"
    )
    held = pd.read_csv(
        io.BytesIO(export_csv(store, campaign_id, "control", "zh", access=OWNER)), dtype=str, encoding="utf-8-sig"
    )
    assert set(sent["group"]) == {"treatment"} and "do_not_contact" not in sent
    assert set(held["请勿联系"]) == {"请勿联系"} and set(held["组别"]) == {"对照组"}
    assert sorted([*sent["customer_id"], *held["会员号"]]) == ["ann", "bob", "cat"]
    assert len(sent) and len(held)
    record = campaign_record(store, campaign_id)
    assert export_file_name(record, "control", "csv", "zh") == "七夕_短信_唤醒_20240701_对照组_请勿联系.csv"
    assert export_file_name(record, "control", "xlsx", "en") == "七夕_短信_唤醒_20240701_control_do_not_contact.xlsx"
    assert export_file_name(record, "treatment", "csv", "en") == "七夕_短信_唤醒_20240701_send_list.csv"
    with pytest.raises(InputError):
        export_csv(store, campaign_id, "everyone", access=OWNER)


def test_phones_are_masked_unless_the_campaign_records_unmasking(store: duckdb.DuckDBPyConnection) -> None:
    masked = _both_groups(store, _campaign(store), None).set_index("customer_id")
    assert masked.loc["ann", "phone"] == "138****5678"
    assert masked.loc["bob", "phone"] == "'+86****5678"  # a leading + is escaped too
    unmasked = _campaign(store, mask_phone=False, name="unmasked")
    shown = _both_groups(store, unmasked, None).set_index("customer_id")
    assert shown.loc["ann", "phone"] == "13812345678"
    sheet = rules_sheet(store, unmasked, "en").set_index("Item")["Value"]
    assert sheet["Phone numbers"] == "shown in full (chosen by the user)"


def test_formulas_are_escaped_in_csv(store: duckdb.DuckDBPyConnection) -> None:
    campaign_id = _campaign(store)
    raw = b"".join(export_csv(store, campaign_id, g, access=OWNER) for g in ("treatment", "control")).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(" in raw and ",=HYPERLINK(" not in raw
    names = _both_groups(store, campaign_id, None).set_index("customer_id")["name"]
    assert names["cat"] == "'" + INJECTION
    assert frame_to_csv(pd.DataFrame({"=x": ["-1", "ok"]})).decode("utf-8-sig").splitlines() == ["'=x", "'-1", "ok"]


# --- XLSX -----------------------------------------------------------------------------------------------------


def _sheets(data: bytes) -> dict[str, pd.DataFrame]:
    reader = fastexcel.read_excel(data)
    return {name: reader.load_sheet(name).to_pandas() for name in reader.sheet_names}


def test_xlsx_has_a_readable_header_and_a_rules_sheet(store: duckdb.DuckDBPyConnection) -> None:
    campaign_id = _campaign(store)
    sheets = _sheets(export_xlsx(store, campaign_id, "treatment", "zh", access=OWNER))
    assert list(sheets) == ["发送名单", "规则与人数"]
    listed = sheets["发送名单"]
    assert list(listed.columns[:3]) == ["会员号", "组别", "分层"]
    rules = dict(zip(sheets["规则与人数"]["项目"], sheets["规则与人数"]["内容"], strict=False))
    assert rules["活动名称"] == "七夕 短信/唤醒"
    assert rules["对照组比例"] == "50.0%"
    assert rules["符合条件人数"] == "4"  # the list's four customers with a tier, then eve (promo chaser) left out
    assert rules["排除：低价低频次会员（促销黑名单）"] == "1"
    words = list(sheets["规则与人数"]["内容"])
    assert "分层不为潜在客户" in words and "距上次消费天数不高于200" in words
    assert int(rules["发送组"]) + int(rules["对照组（请勿联系）"]) == 3

    control = _sheets(export_xlsx(store, campaign_id, "control", "en", access=OWNER))
    assert list(control) == ["Control - do not contact", "Rules and counts"]
    assert set(control["Control - do not contact"]["Do not contact"]) == {"do not contact"}


def test_formulas_are_escaped_in_xlsx(store: duckdb.DuckDBPyConnection) -> None:
    campaign_id = _campaign(store)
    names = pd.concat([_sheets(export_xlsx(store, campaign_id, g, None, access=OWNER))[s]
                       for g, s in (("treatment", "Send list"), ("control", "Control - do not contact"))])  # fmt: skip
    assert names.set_index("customer_id").loc["cat", "name"] == "'" + INJECTION
    data = frames_to_xlsx({"s": pd.DataFrame({"a": ["=1+1", "@x", "fine"], "n": [1, -2, 3]})})
    frame = _sheets(data)["s"]
    assert list(frame["a"]) == ["'=1+1", "'@x", "fine"]
    assert list(frame["n"]) == [1, -2, 3]  # numbers stay numbers


def test_list_frame_keys(store: duckdb.DuckDBPyConnection) -> None:
    frame = list_frame(store, _campaign(store), "control", access=OWNER)
    assert list(frame.columns) == [
        "customer_id", "group", "tier", "name", "phone", "store", "lifecycle", "rfm_segment", "cn8_segment",
        "do_not_contact",
    ]  # fmt: skip
