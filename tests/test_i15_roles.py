"""Issue 15, roles: what the owner, the marketer and the viewer see and are refused on every page, that one role's
cached answer is never served to another, and the refusals of segcore itself.

The shop, as of Sunday 28 Jun 2026 (its last sales day; the weekly review's week is 22-28 Jun 2026):

- V0..V7 bought ¥3,000 every 14 days, 21 times, and stopped 25, 30, 35, 40, 45, 50, 60 and 75 days before that
  Sunday (V4's last purchase: 14 May 2026). V4..V7 are members:
      V4  张三         13812345678   (a viewer reads 张**,    everybody else's tables 138****5678)
      V5  李四         13900001111   (李**,    139****1111)
      V6  王小明       13711112222   (王**,    137****2222)
      V7  Alice Smith  13655556666   (A****,   136****6666)
  all four with the SMS opt-in; 赵六 13544443333 (M9) is a member who never bought and has no SMS opt-in.
- K000..K059: sixty background buyers drawn from a fixed seed (steady rates about once a month or rarer, some
  dropping out), so that the forecast has repeat buyers to fit.
- One campaign, "Spring VIP", saved by the owner with the phones UNmasked: the SMS-reachable customers as of
  30 Apr 2026 (V4..V7), 1-28 May 2026, half held out with seed 7: treatment V5 V6, control V4 V7.

What the pages show of them (checked once with the owner's view, then fixed here): the weekly review's "VIPs with
no purchase in 60 days" are V6 and V7 and its "slipping away" alert is V4; the Forecast page's "valuable but
slipping" table lists V4..V7; the Target list (SMS, default exclusions) is V4..V7.

Roles come from the sign-in's email table: boss@ is the owner, ann@ the marketer and screen@ the viewer.
Every personal value expected below is typed from the files above, never computed by the code under test.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest

from segcore.access import Access, AccessDenied, owner
from segcore.campaigns import campaign_record, list_campaigns, save_campaign
from segcore.catalog import text
from segcore.ingest import FileSpec, load_files
from segcore.targets import Exclusion, build_list
from segcore.tier_rules import DEFAULT_RULES, load_rules, reset_rules, save_rules
from segcore.workspace import Workspace
from tests.helpers import app
from ui.guard import WANTED_PAGE

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

OWNER = owner("tester")  # builds the shop
LAST_DAY = date(2026, 6, 28)
MEMBERS = """会员卡号,姓名,手机号,短信授权
V4,张三,13812345678,是
V5,李四,13900001111,是
V6,王小明,13711112222,是
V7,Alice Smith,13655556666,是
M9,赵六,13544443333,否
"""
# customer: (name, phone, the name as a viewer reads it, the phone masked)
PEOPLE = {
    "V4": ("张三", "13812345678", "张**", "138****5678"),
    "V5": ("李四", "13900001111", "李**", "139****1111"),
    "V6": ("王小明", "13711112222", "王**", "137****2222"),
    "V7": ("Alice Smith", "13655556666", "A****", "136****6666"),
}
FULL_NAMES = ("张三", "李四", "王小明", "Alice Smith", "赵六")
FULL_PHONES = ("13812345678", "13900001111", "13711112222", "13655556666", "13544443333")
CAMPAIGN = "Spring VIP"

SIGN_IN = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-32-chars!",
    "client_id": "segcore",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
EMAILS = {"boss@shop.example": "owner", "ann@shop.example": "marketer", "screen@shop.example": "viewer"}
EMAIL = {"owner": "boss@shop.example", "marketer": "ann@shop.example", "viewer": "screen@shop.example"}
ROLES = ("owner", "marketer", "viewer")
MARKETER = Access(user="ann@shop.example", role="marketer", via="sign-in")
VIEWER = Access(user="screen@shop.example", role="viewer", via="sign-in")
BOSS = Access(user="boss@shop.example", role="owner", via="sign-in")


def _sales() -> str:
    lines = ["会员卡号,消费时间,实收金额"]
    for i, gap in enumerate([25, 30, 35, 40, 45, 50, 60, 75]):
        last = LAST_DAY - timedelta(days=gap)
        lines += [f"V{i},{last - timedelta(days=14 * k)} 12:00,3000" for k in range(20, -1, -1)]
    rng = np.random.default_rng(15)
    start = date(2025, 1, 5)
    for customer in range(60):
        rate = rng.gamma(2.0, 1 / 40)  # purchases a day
        day = int(rng.integers(0, 200))
        while start + timedelta(days=day) <= LAST_DAY:
            lines.append(f"K{customer:03d},{start + timedelta(days=day)} 12:00,{int(rng.gamma(4, 60))}")
            if rng.random() < 0.08:  # gone for good after this purchase
                break
            day += max(1, int(rng.exponential(1 / rate)))
    return "\n".join(lines) + "\n"


def _build(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "sales.csv").write_text(_sales(), encoding="utf-8")
    (folder / "members.csv").write_text(MEMBERS, encoding="utf-8")
    path = folder / "segcore.duckdb"
    workspace = Workspace(path)
    try:
        with workspace.writer() as con:
            files = [FileSpec(folder / "sales.csv", "sales"), FileSpec(folder / "members.csv", "members")]
            load_files(con, "shop", files, loaded_at=datetime(2026, 6, 29, 9, 0), currency="CNY", access=OWNER)
            listed = build_list(con, "shop", date(2026, 4, 30), exclusions=(Exclusion("unreachable"),))
            save_campaign(
                con, "shop", listed, name=CAMPAIGN, channel="sms", start=date(2026, 5, 1), end=date(2026, 5, 28),
                holdout_share=0.5, seed=7, mask_phone=False, created_at=datetime(2026, 4, 30, 18, 0), access=OWNER,
            )  # fmt: skip
    finally:
        workspace.close()
    return path


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shop as built, never opened by the app: tests that write copy it."""
    return _build(tmp_path_factory.mktemp("i15_roles") / "pristine")


@pytest.fixture(scope="module")
def shared_file(pristine: Path) -> Path:
    """The copy every read-only page test opens (the forecast and the migration states are kept in it)."""
    path = pristine.parent.parent / "shared" / "segcore.duckdb"
    path.parent.mkdir()
    shutil.copy(pristine, path)
    return path


_OPEN: list[Path] = []  # the workspace the app's caches were last filled from


def _use(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at a workspace; the caches are emptied when it is another file than the last test's (a copy
    has the same data stamp, so a cached answer of one file would be served for the other)."""
    import streamlit as st

    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    if [path] != _OPEN:
        st.cache_resource.clear()
        st.cache_data.clear()
        _OPEN[:] = [path]


@pytest.fixture
def shared(shared_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _use(shared_file, monkeypatch)
    return shared_file


@pytest.fixture
def private(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shop of this test's own, for a test that writes."""
    path = tmp_path / "segcore.duckdb"
    shutil.copy(pristine, path)
    _use(path, monkeypatch)
    yield path
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    _OPEN.clear()


def _session(role: str | None, page: str, *, user: dict[str, Any] | None = None, **state: Any) -> AppTest:
    """One signed-in session (None: the shop's local owner, without sign-in) on a page, run once."""
    at = app(lang="en")
    if role is not None or user is not None:
        at.secrets["auth"] = SIGN_IN
        at.secrets["access"] = {"emails": EMAILS}
        at.user = user if user is not None else {"is_logged_in": True, "email": EMAIL[role]}
    at.session_state[WANTED_PAGE] = f"pages/{page}.py"  # a deep link's first run: through the frame to the page
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _words(at: AppTest) -> str:
    """Every element of the page as text (tables as CSV), to look for a name or phone anywhere."""
    from google.protobuf import text_format

    parts = []
    for node in at._tree:
        if getattr(node, "type", None) == "dataframe":
            parts.append(node.value.to_csv())
        elif getattr(node, "proto", None) is not None:
            parts.append(text_format.MessageToString(node.proto, as_utf8=True))
    return "\n".join(parts)


def _not_for(role: str, right: str) -> str:
    return text("auth.not_for_role", "en", role=text(f"role.{role}", "en"), right=text(f"right.{right}", "en"))


def _downloads(at: AppTest) -> list[str]:
    return [d.key for d in at.get("download_button")]


def _keys(widgets: Any) -> set[str]:
    return {w.key for w in widgets if w.key}


def _people(frame: pd.DataFrame, who: str) -> dict[str, tuple[str, str]]:
    """customer -> (name, phone) of a table with a Name and a Phone column."""
    return {row[who]: (row["Name"], row["Phone"]) for _, row in frame.iterrows()}


def _people_tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if {"Name", "Phone"} <= set(d.value.columns)]


def _seen(role: str, *customers: str) -> dict[str, tuple[str, str]]:
    """How a table of many customers shows them to a role: phones always masked, names masked for the viewer."""
    return {c: (PEOPLE[c][2] if role == "viewer" else PEOPLE[c][0], PEOPLE[c][3]) for c in customers}


# --- every page x role ---------------------------------------------------------------------------------------

PAGES = (
    "overview", "weekly", "segments", "personas", "forecast", "migration", "targets", "campaigns", "data",
    "tier_rules",
)  # fmt: skip
TITLES = {
    "overview": "overview.title", "weekly": "weekly.title", "segments": "seg.title", "personas": "per.title",
    "forecast": "fc.title", "migration": "mig.title", "targets": "tgt.title", "campaigns": "camp.title",
    "data": "data.title", "tier_rules": "set.title",
}  # fmt: skip
EXPORTS = {  # the download buttons of each page for a role that may export
    "weekly": ["wk_html"],
    "migration": ["mig_download"],
    "campaigns": ["camp_dl_csv", "camp_dl_xlsx", "camp_dl_control"],
}
# for make_lists, load_data (imp_file: a tier table computed on Spark)
UPLOADS = {"campaigns": {"camp_import_file"}, "data": {"data_sales_0", "data_members_0", "imp_file"}}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_each_role_what_it_may_do_and_nothing_more(shared: Path, page: str, role: str) -> None:
    state = {"seg_customer": "V4"} if page == "segments" else {}  # the Segments page with V4's card open
    at = _session(role, page, **state)
    assert [title.value for title in at.title] == [text(TITLES[page], "en")]
    buttons, checkboxes = _keys(at.button), _keys(at.checkbox)
    selects = _keys(at.selectbox)
    uploaders = {u.key for u in at.get("file_uploader")} - {"tgt_ex_manual"}  # the do-not-contact list: a filter
    captions = [c.value for c in at.caption] + [i.value for i in at.info]
    subheaders = [s.value for s in at.subheader]

    # downloads: for the owner and the marketer, none at all for the viewer
    assert _downloads(at) == ([] if role == "viewer" else EXPORTS.get(page, []))
    # the unmask checkbox is the owner's, on Target lists only
    assert ("tgt_unmask" in checkboxes) == (role == "owner" and page == "targets")
    # saving lists, campaigns and playbooks is for roles that make lists
    assert ("tgt_save" in buttons) == (role != "viewer" and page == "targets")
    assert ("camp_import_save" in buttons) == (role != "viewer" and page == "campaigns")
    assert ("seg_save_playbook" in buttons) == (role != "viewer" and page == "segments")
    # tier rules, dataset settings, deleting and the export log are the owner's
    assert ("set_save" in buttons) == ("set_restore" in buttons) == (role == "owner" and page == "tier_rules")
    assert ("data_delete_pick" in selects) == ("data_settings_pick" in selects) == (role == "owner" and page == "data")
    assert (text("log.title", "en") in subheaders) == (role == "owner" and page == "data")
    # uploads (data files, outside lists) for roles that may load data or make lists
    assert uploaders == (set() if role == "viewer" else UPLOADS.get(page, set()))

    # what a role that may not is told instead
    refusals = {
        "viewer": {
            "weekly": _not_for("viewer", "export"),
            "campaigns": _not_for("viewer", "export"),
            "targets": _not_for("viewer", "make_lists"),
            "data": _not_for("viewer", "load_data"),
            "tier_rules": _not_for("viewer", "edit_rules"),
        },
        "marketer": {
            "tier_rules": _not_for("marketer", "edit_rules"),
            "targets": text("tgt.unmask_owner_only", "en"),
            "campaigns": text("tgt.unmask_owner_only", "en"),  # the campaign was saved unmasked by the owner
        },
    }.get(role, {})
    if page in refusals:
        assert refusals[page] in captions
    assert text("tgt.unmask_owner_only", "en") not in captions or role != "owner"

    # names and phones: never a full phone in a table; the owner's card alone shows one; names hidden from the viewer
    words = _words(at)
    full_phones = [p for p in FULL_PHONES if p in words]
    assert full_phones == (["13812345678"] if role == "owner" and page == "segments" else [])
    assert [n for n in FULL_NAMES if n in words] == [] or role != "viewer"


@pytest.mark.parametrize("role", ROLES)
def test_the_weekly_alerts_show_names_and_phones_as_the_role_may_see_them(shared: Path, role: str) -> None:
    at = _session(role, "weekly")
    vip_quiet, slipping = _people_tables(at)
    assert _people(vip_quiet, "Customer") == _seen(role, "V6", "V7")
    assert _people(slipping, "Customer") == _seen(role, "V4")


@pytest.mark.parametrize("role", ROLES)
def test_the_weekly_alerts_on_the_meeting_screen(shared: Path, role: str) -> None:
    at = _session(role, "weekly", wk_present=True, wk_section=2)  # KPIs, movements, alerts: the third slide
    assert [h.value for h in at.header] == [text("weekly.section.alerts", "en")]
    tables = "\n".join(m.value for m in at.markdown if "wk-table" in m.value)
    shown = ("王**", "A****", "张**") if role == "viewer" else ("王小明", "Alice Smith", "张三")
    assert all(f"<td>{name}</td>" in tables for name in shown), tables
    words = _words(at)
    assert [p for p in FULL_PHONES if p in words] == []  # no phone on a shared screen
    if role == "viewer":
        assert [n for n in FULL_NAMES if n in words] == []


@pytest.mark.parametrize("role", ROLES)
def test_the_forecasts_slipping_table_shows_names_and_phones_as_the_role_may_see_them(shared: Path, role: str) -> None:
    at = _session(role, "forecast")
    [slipping] = _people_tables(at)
    assert _people(slipping, "Customer ID") == _seen(role, "V4", "V5", "V6", "V7")


@pytest.mark.parametrize("role", ROLES)
def test_the_target_preview_shows_names_and_phones_as_the_role_may_see_them(shared: Path, role: str) -> None:
    at = _session(role, "targets")
    [preview] = _people_tables(at)
    assert _people(preview, "Customer ID") == _seen(role, "V4", "V5", "V6", "V7")


CARDS = {  # the card's title, and its name and phone fields
    "owner": ("#### Customer V4 · 张三", "**Name** 张三", "**Phone** 13812345678"),
    "marketer": ("#### Customer V4 · 张三", "**Name** 张三", "**Phone** 138****5678"),
    "viewer": ("#### Customer V4 · 张**", "**Name** 张**", "**Phone** 138****5678"),
}


def _card(role: str | None, customer: str = "V4") -> tuple[str, ...]:
    at = _session(role, "segments", seg_customer=customer)
    lines = [m.value for m in at.markdown]
    title = next(line for line in lines if line.startswith("#### Customer"))
    facts = next(line for line in lines if line.startswith("**Name**")).split(" &nbsp;·&nbsp; ")
    return title, facts[0], facts[1]


@pytest.mark.parametrize("role", ROLES)
def test_the_customer_card_shows_what_the_role_may_see(shared: Path, role: str) -> None:
    assert _card(role) == CARDS[role]


def test_without_sign_in_the_local_user_is_the_owner(shared: Path) -> None:
    assert _card(None) == CARDS["owner"]
    at = _session(None, "targets")
    assert "tgt_unmask" in _keys(at.checkbox) and "tgt_save" in _keys(at.button)


# --- sign-in states ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user",
    [
        pytest.param({"is_logged_in": False}, id="not-signed-in"),
        pytest.param({"is_logged_in": True, "email": "stranger@else.example", "sub": "s-1"}, id="email-not-listed"),
        pytest.param(
            {"is_logged_in": True, "email": "boss@shop.example", "email_verified": False, "sub": "s-2"},
            id="owner-email-unverified",
        ),
        pytest.param({"is_logged_in": True, "name": "Wang Wei", "sub": "s-3"}, id="no-email"),
    ],
)
@pytest.mark.parametrize("page", ["forecast", "weekly", "segments"])
def test_without_a_role_no_page_and_no_data(shared: Path, user: dict[str, Any], page: str) -> None:
    state = {"seg_customer": "V4"} if page == "segments" else {}
    at = _session(None, page, user=user, **state)
    titles = [title.value for title in at.title]
    expected = "auth.title" if not user["is_logged_in"] else "auth.no_access_title"
    assert titles == [text(expected, "en")]
    assert not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.get("download_button")
    assert len(at.sidebar) == 0  # no dataset picker either
    words = _words(at)
    people = [value for value in (*FULL_NAMES, *FULL_PHONES) if value in words]
    masked = [value for person in PEOPLE.values() for value in person[2:] if value in words]
    assert people == [] and masked == []
    assert "Spring VIP" not in words and "V4" not in words


# --- one role's cached answer is never another's ----------------------------------------------------------------


@pytest.mark.parametrize("others", [("marketer",), ("viewer",), ("marketer", "viewer")])
def test_a_card_cached_for_one_role_is_never_shown_to_another(shared: Path, others: tuple[str, ...]) -> None:
    import streamlit as st

    st.cache_data.clear()  # the owner's card is the first one cached, then every later session shares the caches
    st.cache_resource.clear()
    _OPEN[:] = [shared]
    seen = [_card("owner")]
    for role in others:
        seen.append(_card(role))
    seen.append(_card("owner"))
    assert seen == [CARDS["owner"], *(CARDS[role] for role in others), CARDS["owner"]]


def test_tables_cached_for_the_owner_are_masked_for_the_viewer(shared: Path) -> None:
    """The weekly review, the forecast and the target list are cached once for everybody; each session masks."""
    for role in ("owner", "viewer", "marketer", "owner"):
        weekly = _session(role, "weekly")
        assert [_people(t, "Customer") for t in _people_tables(weekly)] == [
            _seen(role, "V6", "V7"),
            _seen(role, "V4"),
        ]
        forecast = _session(role, "forecast")
        assert [_people(t, "Customer ID") for t in _people_tables(forecast)] == [_seen(role, "V4", "V5", "V6", "V7")]
        targets = _session(role, "targets")
        assert [_people(t, "Customer ID") for t in _people_tables(targets)] == [_seen(role, "V4", "V5", "V6", "V7")]


# --- what each role does on the pages that write ------------------------------------------------------------------


def _campaigns(path: Path) -> pd.DataFrame:
    with Workspace(path, read_only=True).reader() as con:
        return list_campaigns(con, "shop")


@pytest.mark.parametrize("role", ["owner", "marketer"])
def test_saving_a_target_list_records_masked_phones_unless_the_owner_unmasks(private: Path, role: str) -> None:
    at = _session(role, "targets")
    at.text_input(key="tgt_name").input("Summer call").run()
    if role == "owner":
        at.checkbox(key="tgt_unmask").check().run()
    at.button(key="tgt_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert text("tgt.saved", "en", name="Summer call") in [s.value for s in at.success]
    assert _downloads(at) == ["camp_dl_csv", "camp_dl_xlsx", "camp_dl_control"]
    campaigns = _campaigns(private).set_index("name")
    assert bool(campaigns.loc["Summer call", "mask_phone"]) is (role != "owner")
    assert campaigns.loc["Summer call", "n_treatment"] + campaigns.loc["Summer call", "n_control"] == 4


def test_a_marketer_loads_a_members_file(private: Path) -> None:
    at = _session("marketer", "data")
    at.selectbox(key="data_target").set_value("shop").run()
    members = "会员卡号,姓名,手机号,短信授权\nK001,钱七,13622223333,是\n"
    at.file_uploader(key="data_members_0").set_value([("more-members.csv", members.encode(), "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="data_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Workspace(private, read_only=True).reader() as con:
        found = con.execute("select name, phone from members where customer_id = 'K001'").fetchall()
    assert found == [("钱七", "13622223333")]


# --- segcore refuses by itself --------------------------------------------------------------------------------------


def _campaign_id(con: Any) -> str:
    return str(list_campaigns(con, "shop").set_index("name").loc[CAMPAIGN, "campaign_id"])


def _csv(content: bytes) -> dict[str, str]:
    frame = pd.read_csv(io.BytesIO(content), dtype=str, encoding="utf-8-sig")
    return dict(zip(frame["customer_id"], frame["phone"], strict=True))


@pytest.mark.parametrize(
    ("access", "treatment", "control"),
    [
        pytest.param(
            BOSS, {"V5": "13900001111", "V6": "13711112222"}, {"V4": "13812345678", "V7": "13655556666"}, id="owner"
        ),
        pytest.param(
            MARKETER,
            {"V5": "139****1111", "V6": "137****2222"},
            {"V4": "138****5678", "V7": "136****6666"},
            id="marketer",
        ),
    ],
)
def test_a_campaign_saved_unmasked_is_exported_masked_to_a_marketer(
    pristine: Path, access: Access, treatment: dict[str, str], control: dict[str, str]
) -> None:
    from segcore.export import export_csv

    with Workspace(pristine, read_only=True).reader() as con:
        campaign = _campaign_id(con)
        assert campaign_record(con, campaign)["mask_phone"] is False
        assert _csv(export_csv(con, campaign, "treatment", access=access)) == treatment
        assert _csv(export_csv(con, campaign, "control", access=access)) == control


def test_a_viewer_exports_nothing(pristine: Path) -> None:
    from segcore.export import campaign_export, export_csv, export_xlsx, list_frame

    with Workspace(pristine, read_only=True).reader() as con:
        campaign = _campaign_id(con)
        for export in (
            lambda: export_csv(con, campaign, "treatment", access=VIEWER),
            lambda: export_xlsx(con, campaign, "control", access=VIEWER),
            lambda: list_frame(con, campaign, "treatment", access=VIEWER),
            lambda: campaign_export(con, campaign, "treatment", ".csv", "en", access=VIEWER),
        ):
            with pytest.raises(AccessDenied) as refused:
                export()
            assert refused.value.code == "not_allowed"
            assert refused.value.details == {"role": "viewer", "right": "export"}
            assert refused.value.message("en") == text(
                "err.not_allowed", "en", role=text("role.viewer", "en"), right=text("right.export", "en")
            )


def _list(con: Any) -> Any:
    return build_list(con, "shop", LAST_DAY, exclusions=(Exclusion("unreachable"),))


@pytest.mark.parametrize(
    ("access", "mask_phone", "right"),
    [
        pytest.param(MARKETER, False, "unmask", id="marketer-unmasked"),
        pytest.param(VIEWER, True, "make_lists", id="viewer-masked"),
        pytest.param(VIEWER, False, "make_lists", id="viewer-unmasked"),
    ],
)
def test_saving_a_campaign_is_refused(
    tmp_path: Path, pristine: Path, access: Access, mask_phone: bool, right: str
) -> None:
    path = tmp_path / "segcore.duckdb"
    shutil.copy(pristine, path)
    workspace = Workspace(path)
    try:
        with workspace.writer() as con:
            with pytest.raises(AccessDenied) as refused:
                save_campaign(
                    con, "shop", _list(con), name="Forbidden", channel="sms", start=date(2026, 7, 1),
                    end=date(2026, 7, 28), seed=1, mask_phone=mask_phone, created_at=datetime(2026, 6, 29, 10, 0),
                    access=access,
                )  # fmt: skip
            assert refused.value.details == {"role": access.role, "right": right}
            assert list(list_campaigns(con, "shop")["name"]) == [CAMPAIGN]
    finally:
        workspace.close()


def test_a_marketer_saves_a_masked_campaign(tmp_path: Path, pristine: Path) -> None:
    path = tmp_path / "segcore.duckdb"
    shutil.copy(pristine, path)
    workspace = Workspace(path)
    try:
        with workspace.writer() as con:
            saved = save_campaign(
                con, "shop", _list(con), name="July call", channel="sms", start=date(2026, 7, 1),
                end=date(2026, 7, 28), seed=1, mask_phone=True, created_at=datetime(2026, 6, 29, 10, 0),
                access=MARKETER,
            )  # fmt: skip
            assert campaign_record(con, saved)["mask_phone"] is True
            assert sorted(list_campaigns(con, "shop")["name"]) == ["July call", CAMPAIGN]
    finally:
        workspace.close()


@pytest.mark.parametrize("access", [MARKETER, VIEWER], ids=["marketer", "viewer"])
def test_rules_datasets_and_the_log_are_the_owners(tmp_path: Path, pristine: Path, access: Access) -> None:
    from segcore.export_log import export_log

    path = tmp_path / "segcore.duckdb"
    shutil.copy(pristine, path)
    workspace = Workspace(path)
    changed = replace(DEFAULT_RULES, high_spend_share=0.1)
    try:
        refusals = [
            ("edit_rules", lambda con: save_rules(con, changed, access=access)),
            ("edit_rules", lambda con: reset_rules(con, access=access)),
            ("delete_data", lambda con: workspace.delete_dataset("shop", access=access)),
            ("change_settings", lambda con: workspace.set_default_dataset("shop", access=access)),
            ("change_settings", lambda con: workspace.set_currency("shop", "USD", access=access)),
            ("read_export_log", lambda con: export_log(con, access)),
        ]
        for right, act in refusals:
            with workspace.writer() as con, pytest.raises(AccessDenied) as refused:
                act(con)
            assert refused.value.details == {"role": access.role, "right": right}
        assert workspace.dataset_ids() == ["shop"] and workspace.currency("shop") == "CNY"
        with workspace.reader() as con:
            assert load_rules(con) == DEFAULT_RULES
    finally:
        workspace.close()


def test_a_viewer_is_refused_before_the_file_is_built(tmp_path: Path, pristine: Path) -> None:
    from segcore.export_log import deliver

    path = tmp_path / "segcore.duckdb"
    shutil.copy(pristine, path)
    workspace = Workspace(path)
    built: list[bool] = []

    def make(con: Any) -> Any:
        built.append(True)
        raise AssertionError("the file was built for a viewer")

    try:
        with pytest.raises(AccessDenied) as refused:
            deliver(workspace, VIEWER, datetime(2026, 7, 1, 10, 0), make)
        assert refused.value.details == {"role": "viewer", "right": "export"}
        assert built == []
        with workspace.reader() as con:
            tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
            rows = con.execute("select count(*) from export_log").fetchone()[0] if "export_log" in tables else 0
        assert rows == 0
    finally:
        workspace.close()


@pytest.mark.parametrize(
    ("access", "who", "phones", "treatment"),
    [
        pytest.param(
            BOSS, ("boss@shop.example", "owner"), "full", {"V5": "13900001111", "V6": "13711112222"}, id="owner"
        ),
        pytest.param(
            MARKETER,
            ("ann@shop.example", "marketer"),
            "masked",
            {"V5": "139****1111", "V6": "137****2222"},
            id="marketer",
        ),
    ],
)
def test_a_delivered_file_is_recorded_once_with_who_and_what(
    tmp_path: Path, pristine: Path, access: Access, who: tuple[str, str], phones: str, treatment: dict[str, str]
) -> None:
    from segcore.export import campaign_export
    from segcore.export_log import deliver

    path = tmp_path / "segcore.duckdb"
    shutil.copy(pristine, path)
    workspace = Workspace(path)
    try:
        with workspace.reader() as con:
            campaign = _campaign_id(con)
        content = deliver(
            workspace,
            access,
            datetime(2026, 7, 1, 10, 30, 15),
            lambda con: campaign_export(con, campaign, "treatment", ".csv", None, access=access),
        )
        assert _csv(content) == treatment
        with workspace.reader() as con:
            log = con.execute(
                "select exported_at, user_name, role, via, dataset_id, kind, subject, file_name, rows, phones, names"
                " from export_log"
            ).fetchall()
    finally:
        workspace.close()
    assert log == [
        (
            datetime(2026, 7, 1, 10, 30, 15),
            *who,
            "sign-in",
            "shop",
            "treatment_list",
            "Spring VIP",
            "Spring_VIP_20260501_send_list.csv",
            2,
            phones,
            "full",
        )
    ]
