"""Roles and rights (segcore.access) and the export log (segcore.export_log), without the app."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from segcore.access import RIGHTS, Access, AccessDenied, mask_name, owner, role_for
from segcore.export_log import Exported, deliver, export_log, export_log_csv, readable_log
from segcore.workspace import Workspace

OWNER = owner("boss", via="sign-in")
MARKETER = Access("li@shop.example", "marketer", "sign-in")
VIEWER = Access("screen@shop.example", "viewer", "sign-in")
AT = datetime(2026, 12, 2, 9, 30, 5)


def test_the_rights_table_is_the_issue_s_role_table() -> None:
    assert RIGHTS["owner"] == {
        "see_full_phone", "see_names", "export", "unmask", "make_lists", "load_data", "delete_data", "edit_rules",
        "change_settings", "read_export_log",
    }  # fmt: skip
    assert RIGHTS["marketer"] == {"see_names", "export", "make_lists", "load_data"}
    assert RIGHTS["viewer"] == set()


@pytest.mark.parametrize(
    ("access", "right", "allowed"),
    [
        (MARKETER, "unmask", False),
        (MARKETER, "edit_rules", False),
        (MARKETER, "delete_data", False),
        (MARKETER, "export", True),
        (VIEWER, "export", False),
        (VIEWER, "make_lists", False),
        (OWNER, "unmask", True),
    ],
)
def test_require_refuses_with_a_sentence_in_both_languages(access: Access, right: str, allowed: bool) -> None:
    if allowed:
        access.require(right)
        return
    with pytest.raises(AccessDenied) as caught:
        access.require(right)
    assert caught.value.code == "not_allowed"


def test_the_refusal_names_the_role_and_the_action() -> None:
    with pytest.raises(AccessDenied) as caught:
        MARKETER.require("unmask")
    assert caught.value.message("en") == "Your role (marketer) cannot export full phone numbers. Ask the store's owner."
    assert caught.value.message("zh") == "您的角色（营销人员）无权导出完整手机号。请联系店主。"


def test_an_unknown_right_or_role_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        OWNER.can("fly")
    with pytest.raises(ValueError):
        Access("x", "admin", "local")


SETTINGS = {"emails": {"Boss@Shop.example": "owner", "li@shop.example": "Marketer"}, "role_claim": "segcore_role"}


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"email": "boss@shop.example"}, "owner"),  # emails compare without case
        ({"email": "li@shop.example", "email_verified": True}, "marketer"),
        ({"email": "li@shop.example", "email_verified": False}, None),  # an unverified email is not trusted
        ({"email": "li@shop.example", "email_verified": False, "segcore_role": "viewer"}, "viewer"),
        ({"email": "new@shop.example", "segcore_role": "viewer"}, "viewer"),
        ({"email": "new@shop.example", "segcore_role": ["viewer", "marketer"]}, "marketer"),  # the strongest
        ({"email": "new@shop.example", "segcore_role": ["admin"]}, None),
        ({"email": "new@shop.example"}, None),
        ({"sub": "123"}, None),
        ({"email": "boss@shop.example", "segcore_role": "viewer"}, "owner"),  # the shop's own table first
    ],
)
def test_role_for(claims: dict[str, object], role: str | None) -> None:
    assert role_for(claims, SETTINGS) == role


def test_without_a_claim_name_only_the_table_counts() -> None:
    assert role_for({"email": "x@y", "segcore_role": "owner"}, {"emails": {}}) is None


def test_names_are_masked_after_the_first_character() -> None:
    assert [mask_name(n) for n in ("张三丰", "张三", "Alice Smith", "李")] == ["张**", "张**", "A****", "李**"]
    assert VIEWER.name_shown("王小明") == "王**" and MARKETER.name_shown("王小明") == "王小明"


def test_screens_mask_phones_for_every_role_and_names_for_the_viewer() -> None:
    frame = pd.DataFrame({"customer_id": ["A", "B"], "name": ["张三", None], "phone": ["13812345678", "n/a"]})
    for access in (OWNER, MARKETER):
        shown = access.mask_table(frame)
        assert list(shown["phone"]) == ["138****5678", None] and list(shown["name"]) == ["张三", None]
    viewer = VIEWER.mask_table(frame)
    assert list(viewer["name"]) == ["张**", None] and list(viewer["phone"]) == ["138****5678", None]
    assert list(frame["phone"]) == ["13812345678", "n/a"]  # the caller's frame is left alone


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_only_the_owner_sees_a_full_phone_on_a_card(phone: str) -> None:
    assert OWNER.phone_on_card(phone) == phone
    for access in (MARKETER, VIEWER):
        assert access.phone_on_card(phone) == phone[:3] + "****" + phone[-4:]


@given(st.sampled_from(["owner", "marketer", "viewer"]), st.booleans())
def test_an_export_is_masked_unless_chosen_by_someone_who_may_unmask(role: str, chosen_mask: bool) -> None:
    masked = Access("u", role, "local").export_masks_phones(chosen_mask)
    assert masked == (chosen_mask or role != "owner")


def _file(con: object) -> tuple[bytes, Exported]:
    return b"id\nA\nB\n", Exported("movers", "shop", "vip -> sleeping", "movers.csv", 2)


def test_deliver_records_one_row_per_export_and_refuses_a_viewer(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws.duckdb")
    assert deliver(workspace, MARKETER, AT, _file) == b"id\nA\nB\n"
    built: list[int] = []

    def counted(con: object) -> tuple[bytes, Exported]:
        built.append(1)
        return _file(con)

    with pytest.raises(AccessDenied):
        deliver(workspace, VIEWER, AT, counted)
    assert built == []  # refused before anything was read
    with workspace.reader() as con:
        log = export_log(con, OWNER)
        rows = log.astype(object).values.tolist()
        with pytest.raises(AccessDenied):
            export_log(con, MARKETER)
    assert rows == [
        [pd.Timestamp(AT), "li@shop.example", "marketer", "sign-in", "shop", "movers", "vip -> sleeping", "movers.csv",
         2, "none", "none"],
    ]  # fmt: skip


def test_the_log_reads_in_chinese_and_downloads_as_csv(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws.duckdb")
    deliver(workspace, MARKETER, AT, _file)
    with workspace.reader() as con:
        readable = readable_log(export_log(con, OWNER), "zh")
        content, exported = export_log_csv(con, OWNER, "en")
    assert list(readable.columns[:4]) == ["时间", "导出人", "角色", "途径"]
    first = readable.iloc[0].tolist()[:6]
    assert first == ["2026-12-02 09:30:05", "li@shop.example", "营销人员", "看板（已登录）", "shop", "层级变动顾客"]
    assert content.decode("utf-8-sig").splitlines()[1].startswith("2026-12-02 09:30:05,li@shop.example,marketer,")
    assert (exported.kind, exported.rows) == ("export_log", 1)


def test_a_log_entry_says_what_it_holds() -> None:
    with pytest.raises(ValueError):
        Exported("everything", None, None, "x.csv", 1)
    with pytest.raises(ValueError):
        Exported("movers", None, None, "x.csv", 1, phones="partly")


def test_tables_have_no_unrecorded_download_and_the_app_listens_on_this_machine_only() -> None:
    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
    assert config["server"]["address"] == "localhost"
