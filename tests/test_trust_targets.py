"""Trust, target lists: who must not be contacted is never contacted (issue 10, section 3).

A hand-built store of five customers; do-not-contact files, campaign lists and exports typed into tmp_path.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore.access import owner
from segcore.campaigns import (
    campaign_members,
    campaign_record,
    group_of,
    group_words,
    import_campaign,
    read_campaign_file,
    save_campaign,
)
from segcore.catalog import CATALOG, LANGS, text
from segcore.errors import InputError
from segcore.export import export_csv, export_xlsx, invalid_phones, list_frame, rules_sheet, valid_phone
from segcore.targets import (
    VALID_PHONE_SQL,
    Exclusion,
    IdListCount,
    build_list,
    describe_exclusion,
    empty_reason,
    list_warnings,
    parse_rule,
    read_id_list,
)

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
D = date(2024, 6, 30)

# customer_id, name, phone, wechat, sms
MEMBERS = [
    ("ann", "安妮", "13812345678", True, True),
    ("bob", "鲍勃", None, True, True),  # WeChat opt-in, no phone
    ("cat", "凯特", "1.38E+10", False, True),  # a phone Excel wrote as a number
    ("dan", "丹", "+86 139-0000-1111", False, False),
    ("1001", "一零", "13700000000", False, False),  # a numeric card number
]
EVERYONE = ["1001", "ann", "bob", "cat", "dan"]


def add_store(con: duckdb.DuckDBPyConnection, members: bool = True, consent: bool = True) -> None:
    """Five customers, one purchase each 10 days before D; members with (or without) their opt-in columns."""
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount) "
        "values ('d', 's', ?, ?, ?, ?, ?)",
        [(i, m[0], f"o{i}", datetime(2024, 6, 20, 12), Decimal("100")) for i, m in enumerate(MEMBERS)],
    )
    if members:
        con.executemany(
            "insert into members (dataset_id, load_id, customer_id, name, phone, join_date, wechat, sms) "
            "values ('d', 'm', ?, ?, ?, date '2020-01-01', ?, ?)",
            [(c, n, p, w if consent else None, s if consent else None) for c, n, p, w, s in MEMBERS],
        )


@pytest.fixture
def store(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    add_store(con)
    return con


def _xlsx(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_excel(path, index=False)
    return path


# --- a do-not-contact list is read with the same reader as sales files ----------------------------------------

LIST_FILES = [
    ("utf8", lambda p: p.write_text("customer_id\nann\ncat\n", "utf-8"), ("ann", "cat"), "id"),
    ("utf16", lambda p: p.write_text("customer_id\nann\ncat\n", "utf-16"), ("ann", "cat"), "id"),
    ("tab", lambda p: p.write_text("会员卡号\t姓名\nann\t安妮\ncat\t凯特\n", "utf-8"), ("ann", "cat"), "id"),
    ("semicolon", lambda p: p.write_text("姓名;会员卡号\n安妮;ann\n凯特;cat\n", "utf-8"), ("ann", "cat"), "id"),
    ("gbk", lambda p: p.write_bytes("会员号,备注\nann,投诉\ncat,退订\n".encode("gbk")), ("ann", "cat"), "id"),
    ("xlsx", lambda p: _xlsx(p, pd.DataFrame({"会员卡号": ["ann", "cat"]})), ("ann", "cat"), "id"),
    ("no-header", lambda p: p.write_text("ann\ncat\n", "utf-8"), ("ann", "cat"), "id_or_phone"),
    ("excel-number", lambda p: p.write_text("customer_id\n1001.0\n ann \n\nann\n", "utf-8"), ("1001", "ann"), "id"),
    ("phones", lambda p: p.write_text("手机号\n13812345678\n", "utf-8"), ("13812345678",), "id_or_phone"),
    (
        "unnamed-header",
        lambda p: p.write_text("黑名单\n13812345678\nM0012\n", "utf-8"),
        ("13812345678", "M0012"),
        "id_or_phone",
    ),
    (
        "xlsx-numbers",
        lambda p: _xlsx(p, pd.DataFrame({"list": [13812345678, 1001]})),
        ("13812345678", "1001"),
        "id_or_phone",
    ),
]


@pytest.mark.parametrize("write, ids, by", [r[1:] for r in LIST_FILES], ids=[r[0] for r in LIST_FILES])
def test_a_do_not_contact_list_is_read_in_every_format(tmp_path: Path, write, ids: tuple[str, ...], by: str) -> None:
    path = tmp_path / "dnc"
    write(path)
    assert read_id_list(path) == Exclusion("manual", ids, by)


@pytest.mark.parametrize(
    "content, code",
    [
        (b"customer_id\n", "id_list_empty"),  # a header and nothing else
        (b"customer_id\n \n\n", "id_list_empty"),
        (b"", "empty_file"),
        (bytes(range(256)) * 8, "not_text"),
        ("姓名,备注\n安妮,x\n".encode(), "id_list_no_column"),  # two columns, none holds ids
    ],
    ids=["header-only", "blank-ids", "empty", "binary", "no-id-column"],
)
def test_a_list_that_yields_no_ids_is_refused(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "dnc.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_id_list(path)
    assert caught.value.code == code


def test_a_utf16_list_excludes_the_same_customers_as_utf8(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_text("customer_id\nann\ncat\n", encoding)
        listed = build_list(store, "d", D, exclusions=[read_id_list(path)], channel="store")
        assert list(listed.rows["customer_id"]) == ["1001", "bob", "dan"], encoding
        assert listed.id_lists == (IdListCount(read=2, matched=2),)


def test_a_phone_list_excludes_by_phone_but_an_id_column_does_not(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    phones = tmp_path / "phones.csv"
    phones.write_text("手机号\n+86 138 1234 5678\n8613900001111\n13700000000\n", "utf-8")
    listed = build_list(store, "d", D, exclusions=[read_id_list(phones)], channel="store")
    assert list(listed.rows["customer_id"]) == ["bob", "cat"]  # ann, dan and 1001 by their phones' digits
    ids = tmp_path / "ids.csv"
    ids.write_text("customer_id\n13812345678\n", "utf-8")  # a card number that happens to be ann's phone
    listed = build_list(store, "d", D, exclusions=[read_id_list(ids)], channel="store")
    assert listed.removed[0][1] == 0 and listed.id_lists == (IdListCount(read=1, matched=0),)


def test_a_list_that_mostly_matches_nobody_warns(store: duckdb.DuckDBPyConnection) -> None:
    mostly_wrong = Exclusion("manual", ("ann", "zed", "yan", "xu"))
    listed = build_list(store, "d", D, exclusions=[mostly_wrong], channel="store")
    assert listed.id_lists == (IdListCount(read=4, matched=1),)
    assert list_warnings(listed) == [{"key": "target.warn.ids_unmatched", "read": 4, "matched": 1}]
    half = build_list(store, "d", D, exclusions=[Exclusion("manual", ("ann", "zed"))], channel="store")
    assert list_warnings(half) == []
    campaign = save_campaign(store, "d", listed, name="x", channel="store", start=D, end=D, seed=1,
                             created_at=datetime(2024, 6, 30), access=OWNER)  # fmt: skip
    assert campaign_record(store, campaign)["warnings"] == [
        {"key": "target.warn.ids_unmatched", "read": 4, "matched": 1}
    ]


def test_the_ids_matched_count_against_every_customer_not_only_the_filtered(store: duckdb.DuckDBPyConnection) -> None:
    listed = build_list(store, "d", D, exclusions=[Exclusion("unreachable"), Exclusion("manual", ("ann", "dan"))])
    assert listed.removed[1][1] == 1  # dan had no SMS opt-in and was already out
    assert listed.id_lists == (IdListCount(read=2, matched=2),)


# --- SMS without recorded consent: said plainly, and which step emptied the list ------------------------------


@pytest.mark.parametrize("members", [False, True], ids=["no-members-file", "no-opt-in-column"])
def test_no_recorded_sms_consent_is_named_as_the_reason(con: duckdb.DuckDBPyConnection, members: bool) -> None:
    add_store(con, members=members, consent=False)
    listed = build_list(con, "d", D, exclusions=[Exclusion("unreachable")], channel="sms")
    assert listed.rows.empty and listed.warnings == ("target.warn.no_consent.sms",)
    reason = empty_reason(listed, "en")
    assert reason is not None
    assert reason.startswith("the step “Cannot be reached by SMS (no phone or no SMS opt-in)” removed the last 5")
    assert "No SMS consent is recorded" in reason and "or use the phone channel" in reason
    assert "没有记录短信授权" in str(empty_reason(listed, "zh"))


def test_an_empty_list_names_its_step_and_a_full_one_has_no_reason(store: duckdb.DuckDBPyConnection) -> None:
    listed = build_list(store, "d", D, exclusions=[Exclusion("manual", tuple(EVERYONE))], channel="store")
    assert listed.warnings == ()  # consent is recorded: no consent warning
    assert (
        empty_reason(listed, "en") == "the step “On the uploaded exclusion list (5 ids)” removed the last 5 customers."
    )
    nobody = build_list(store, "d", D, rules=[], exclusions=[], channel="store")
    assert empty_reason(nobody, "en") is None
    none_match = build_list(store, "d", D, rules=[parse_rule("frequency >= 9")], channel="store")
    assert empty_reason(none_match, "en") == "no customer matches the filters."


# --- WeChat: the rule and its words agree --------------------------------------------------------------------


def test_wechat_reach_is_the_opt_in_and_its_words_say_so(store: duckdb.DuckDBPyConnection) -> None:
    listed = build_list(store, "d", D, exclusions=[Exclusion("unreachable")], channel="wechat")
    assert list(listed.rows["customer_id"]) == ["ann", "bob"]  # bob has no phone: WeChat reaches him
    assert (
        describe_exclusion(Exclusion("unreachable"), "en", "wechat") == "Cannot be reached by WeChat (no WeChat opt-in)"
    )
    assert describe_exclusion(Exclusion("unreachable"), "zh", "wechat") == "无法通过微信触达（未授权微信）"
    assert describe_exclusion(Exclusion("unreachable"), "en", "phone") == "Cannot be reached by phone (no phone)"
    sms = build_list(store, "d", D, exclusions=[Exclusion("unreachable")], channel="sms")
    assert list(sms.rows["customer_id"]) == ["ann"]  # a valid phone and the SMS opt-in: not cat's 1.38E+10


# --- seeds ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [2**63, -1, 10**23])
def test_a_seed_outside_the_registry_range_is_refused(store: duckdb.DuckDBPyConnection, seed: int) -> None:
    listed = build_list(store, "d", D, channel="store")
    with pytest.raises(InputError) as caught:
        save_campaign(store, "d", listed, name="x", channel="store", start=D, end=D, seed=seed,
                      created_at=datetime(2024, 6, 30), access=OWNER)  # fmt: skip
    assert caught.value.code == "bad_seed"


# --- phones in exports ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone, valid",
    [("13812345678", "13812345678"), ("13812345678.0", "13812345678"), ("+86 139-0000-1111", "+86 139-0000-1111"),
     ("(021) 555-1234", "(021) 555-1234"), ("1.38E+10", None), ("1.38e10", None), ("n/a", None), ("12", None),
     ("1234567890123456", None), ("138１２３４５６７８", None), ("13812345678.5", None), ("", None), (None, None)],
)  # fmt: skip
def test_valid_phone(con: duckdb.DuckDBPyConnection, phone: str | None, valid: str | None) -> None:
    assert valid_phone(phone) == valid
    row = con.execute(f"select {VALID_PHONE_SQL.format(phone='$phone')}", {"phone": phone}).fetchone()
    assert row == (valid is not None,)  # the list's has_phone and the export agree


@pytest.mark.parametrize("mask", [True, False], ids=["masked", "unmasked"])
def test_a_phone_that_is_not_a_phone_is_exported_empty_and_counted(
    store: duckdb.DuckDBPyConnection, mask: bool
) -> None:
    listed = build_list(store, "d", D, channel="store")
    campaign = save_campaign(store, "d", listed, name="x", channel="store", start=D, end=D, seed=1, holdout_share=0,
                             mask_phone=mask, created_at=datetime(2024, 6, 30), access=OWNER)  # fmt: skip
    phones = list_frame(store, campaign, access=OWNER).set_index("customer_id")["phone"]
    assert phones["cat"] is None  # not "1.3****E+10"
    assert phones["ann"] == ("138****5678" if mask else "13812345678")
    assert invalid_phones(store, campaign) == 1
    sheet = rules_sheet(store, campaign, "en").set_index("Item")["Value"]
    assert sheet["Phones left empty (not a valid number)"] == 1
    assert b"E+10" not in export_csv(store, campaign, access=OWNER)


# --- campaign lists: one reader, every language the app writes ------------------------------------------------


def test_every_group_word_the_app_writes_reads_back_as_its_group() -> None:
    for group in ("treatment", "control"):
        for lang in LANGS:
            for key in (f"export.group.{group}", f"export.col.{group}", f"camp.{group}"):
                assert group_of(text(key, lang)) == group, (key, lang)
    assert group_of("发送组") == "treatment" and group_of(" 对照组 ") == "control" and group_of("Control") == "control"
    treatment = {w for w, g in group_words().items() if g == "treatment"}
    assert treatment.isdisjoint({w for w, g in group_words().items() if g == "control"})
    with pytest.raises(InputError) as caught:
        group_of("maybe")
    assert caught.value.code == "bad_group_value"
    assert all(key in CATALOG for key in ("export.group.treatment", "export.group.control"))


def _campaign(store: duckdb.DuckDBPyConnection) -> str:
    listed = build_list(store, "d", D, channel="store")
    return save_campaign(store, "d", listed, name="七夕", channel="store", start=D + timedelta(days=1),
                         end=D + timedelta(days=10), holdout_share=0.4, seed=7,
                         created_at=datetime(2024, 6, 30), access=OWNER)  # fmt: skip


def _combined_csv(store: duckdb.DuckDBPyConnection, campaign: str, lang: str) -> bytes:
    files = [export_csv(store, campaign, g, lang, access=OWNER) for g in ("treatment", "control")]
    frames = [pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig") for data in files]
    return pd.concat(frames).to_csv(index=False).encode("utf-8-sig")


@pytest.mark.parametrize("lang", ["zh", "en", None])
def test_a_list_exported_by_the_app_reads_back_as_it_was_written(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, lang: str | None
) -> None:
    campaign = _campaign(store)
    path = tmp_path / "list.csv"
    # readable exports of both groups in one file; lang None: the CLI's stable keys, the send list alone
    path.write_bytes(_combined_csv(store, campaign, lang) if lang else export_csv(store, campaign, access=OWNER))
    read = read_campaign_file(path).sort_values("customer_id").reset_index(drop=True)
    expected = campaign_members(store, campaign)
    if lang is None:
        expected = expected[expected["group"] == "treatment"].reset_index(drop=True)
    assert list(read["customer_id"]) == list(expected["customer_id"])  # ids, never the masked phones
    assert [group_of(g) for g in read["group"]] == list(expected["group"])
    assert list(read["tier"]) == list(expected["tier"])  # tier names read back as their keys


def test_an_xlsx_export_in_chinese_imports_as_a_campaign(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    campaign = _campaign(store)
    path = tmp_path / "list.xlsx"
    path.write_bytes(export_xlsx(store, campaign, "control", "zh", access=OWNER))
    frame = read_campaign_file(path)
    imported = import_campaign(store, "d", frame, name="re-import", channel="store", start=D + timedelta(days=1),
                               end=D + timedelta(days=10), created_at=datetime(2024, 7, 1), access=OWNER)  # fmt: skip
    again = campaign_members(store, imported)
    original = campaign_members(store, campaign)
    control = original[original["group"] == "control"].reset_index(drop=True)
    assert list(again["customer_id"]) == list(control["customer_id"])
    assert set(again["group"]) == {"control"}


# --- the CLI, as a user runs it ---------------------------------------------------------------------------------

SALES = "会员卡号,订单号,消费时间,实收金额\n" + "".join(
    f"{c},o{i},2024-06-20 12:00:00,100\n" for i, (c, *_rest) in enumerate(MEMBERS)
)
MEMBERS_CSV = "会员卡号,姓名,手机号,微信授权,短信授权\n" + "".join(
    f"{c},{n},{p or ''},{'是' if w else '否'},{'是' if s else '否'}\n" for c, n, p, w, s in MEMBERS
)


def run_cli(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "segcore", command, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SEGCORE_LANG": "en"},
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    sales, members = tmp_path / "sales.csv", tmp_path / "members.csv"
    sales.write_text(SALES, "utf-8")
    members.write_text(MEMBERS_CSV, "utf-8")
    return sales, members


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_cli_excludes_a_utf16_list_and_says_how_many_ids_matched(
    files: tuple[Path, Path], tmp_path: Path, encoding: str
) -> None:
    sales, members = files
    dnc, out = tmp_path / "dnc.csv", tmp_path / "out.csv"
    dnc.write_text("customer_id\nann\ncat\nzed\n", encoding)
    result = run_cli("targets", "--sales", str(sales), "--members", str(members), "--channel", "store",
                     "--holdout", "0", "--exclude", f"manual={dnc}", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Do-not-contact list: read 3 ids, 2 match customers of this store." in result.stdout
    sent = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert list(sent["customer_id"]) == ["1001", "bob", "dan"]


def test_cli_a_do_not_contact_list_adds_to_the_consent_check(files: tuple[Path, Path], tmp_path: Path) -> None:
    sales, members = files
    dnc, out = tmp_path / "dnc.csv", tmp_path / "out.csv"
    dnc.write_text("customer_id\ndan\n", "utf-8")
    result = run_cli("targets", "--sales", str(sales), "--members", str(members), "--channel", "sms",
                     "--holdout", "0", "--exclude", f"manual={dnc}", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    sent = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert list(sent["customer_id"]) == ["ann"]  # the only one with a valid phone and the SMS opt-in


def test_cli_refuses_control_out_equal_to_out(files: tuple[Path, Path], tmp_path: Path) -> None:
    sales, members = files
    out = tmp_path / "list.csv"
    out.write_text("OLD", "utf-8")
    result = run_cli("targets", "--sales", str(sales), "--members", str(members), "--out", str(out),
                     "--control-out", str(tmp_path / "." / "list.csv"))  # fmt: skip
    assert result.returncode == 2
    assert "--control-out is the same file as --out" in result.stderr
    assert out.read_text("utf-8") == "OLD"


def test_cli_refuses_an_sms_list_without_consent_and_says_why(files: tuple[Path, Path], tmp_path: Path) -> None:
    sales, _ = files
    out = tmp_path / "list.csv"
    result = run_cli("targets", "--sales", str(sales), "--out", str(out))
    assert result.returncode == 2
    reason = "the step “Cannot be reached by SMS (no phone or no SMS opt-in)” removed the last 5 customers."
    assert result.stderr.startswith("error: The send list is empty, so no file was written: " + reason)
    assert "No SMS consent is recorded" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not out.exists()


def test_cli_lift_reads_a_list_exported_in_chinese(
    store: duckdb.DuckDBPyConnection, files: tuple[Path, Path], tmp_path: Path
) -> None:
    sales, _ = files
    campaign = _campaign(store)
    listed = tmp_path / "发送名单.csv"
    listed.write_bytes(_combined_csv(store, campaign, "zh"))
    assert "发送组" in listed.read_text("utf-8-sig") and "对照组" in listed.read_text("utf-8-sig")
    out = tmp_path / "lift.csv"
    result = run_cli("lift", "--sales", str(sales), "--campaign", str(listed), "--start", "2024-07-01",
                     "--end", "2024-07-10", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out)
    overall = rows[(rows["segment"] == "all")].iloc[0]
    members = campaign_members(store, campaign)
    assert (overall["n_treatment"], overall["n_control"]) == (
        int((members["group"] == "treatment").sum()),
        int((members["group"] == "control").sum()),
    )


# --- the Target lists page ----------------------------------------------------------------------------------


def _checks_panel(lang: str) -> None:
    """The page's checks panel for a store without SMS consent and an uploaded list of 3 ids (2 customers)."""
    from datetime import date, datetime
    from decimal import Decimal

    import duckdb

    from segcore.schema import create_tables
    from segcore.targets import Exclusion, build_list
    from ui.target_views import checks

    con = duckdb.connect(":memory:")
    create_tables(con)
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount) "
        "values ('d', 's', ?, ?, ?, ?, ?)",
        [(i, c, f"o{i}", datetime(2024, 6, 20), Decimal("10")) for i, c in enumerate(("ann", "bob", "cat"))],
    )
    listed = build_list(con, "d", date(2024, 6, 30), channel="sms",
                        exclusions=[Exclusion("manual", ("ann", "bob", "zed")), Exclusion("unreachable")])  # fmt: skip
    checks(listed, lang)


@pytest.mark.parametrize(
    "lang, read, empty",
    [("en", "Do-not-contact list: read 3 ids, 2 match customers of this store.",
      "The list is empty: the step “Cannot be reached by SMS (no phone or no SMS opt-in)” removed the last 1 "
      "customers. No SMS consent is recorded"),
     ("zh", "排除名单：读取 3 个会员号，其中 2 个对应本店顾客。",
      "名单为空：「无法通过短信触达（无手机号或未授权短信）」这一步排除了剩下的 1 位顾客。该门店没有记录短信授权")],
)  # fmt: skip
def test_the_page_says_what_the_list_matched_and_which_step_emptied_it(lang: str, read: str, empty: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_checks_panel, args=(lang,), default_timeout=30).run()
    assert not at.exception
    assert [i.value for i in at.info] == [read]
    assert len(at.error) == 1 and at.error[0].value.startswith(empty)
    assert not at.warning  # the consent warning is said once, in the reason


def test_the_targets_page_says_why_its_list_is_empty(app_workspace: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/targets.py").run()
    at.multiselect(key="tgt_tier").set_value(["potential"]).run()
    at.number_input(key="tgt_promo_min").set_value(1).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The list is empty: no customer matches the filters."]
    assert at.button(key="tgt_save").disabled


def _upload_panel(path: str) -> None:
    from pathlib import Path

    import streamlit as st

    from ui.target_form import manual_list

    exclusion = manual_list(Path(path), "dnc.csv")
    st.write(f"ids: {','.join(exclusion.value)}")


def test_the_page_reads_an_uploaded_utf16_list_and_stops_on_an_unreadable_one(tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("会员卡号\tname\nann\tx\ncat\ty\n", "utf-16")
    bad.write_text("customer_id\n", "utf-8")
    at = AppTest.from_function(_upload_panel, args=(str(good),), default_timeout=30).run()
    assert not at.exception and [m.value for m in at.markdown] == ["ids: ann,cat"]
    at = AppTest.from_function(_upload_panel, args=(str(bad),), default_timeout=30).run()
    assert not at.exception and not at.markdown  # the page stops: no list is built without the file
    assert at.error[0].value.startswith("The do-not-contact list dnc.csv could not be used: The do-not-contact list")
