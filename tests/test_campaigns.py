"""The hashed holdout and the campaign registry: save, list, members, imports and the demo store's campaign."""

from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_targets import D, add_store

from segcore.access import owner
from segcore.campaigns import (
    assign_groups,
    campaign_members,
    campaign_record,
    delete_campaign,
    holdout_warnings,
    import_campaign,
    import_demo_campaign,
    list_campaigns,
    save_campaign,
    warning_texts,
)
from segcore.errors import InputError
from segcore.targets import Exclusion, build_list, parse_rule

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

CREATED = datetime(2024, 6, 30, 18, 0)

# --- holdout --------------------------------------------------------------------------------------------------


def test_the_split_is_the_demo_hash() -> None:
    def draw(seed: int, cid: str) -> float:
        return int.from_bytes(hashlib.sha256(f"{seed}:{cid}".encode()).digest()[:8], "big") / 2**64

    ids = [f"M{i:07d}" for i in range(2000)]
    assert assign_groups(ids, 0.1, 7) == ["control" if draw(7, c) < 0.1 else "treatment" for c in ids]


def test_the_same_list_and_seed_give_the_same_control_group_in_any_row_order() -> None:
    ids = [f"cust-{i}" for i in range(5000)]
    shuffled = ids[:]
    random.Random(1).shuffle(shuffled)
    control = {c for c, g in zip(ids, assign_groups(ids, 0.1, 42), strict=True) if g == "control"}
    again = {c for c, g in zip(shuffled, assign_groups(shuffled, 0.1, 42), strict=True) if g == "control"}
    assert control == again and control


def test_the_control_share_is_within_binomial_tolerance() -> None:
    n, share = 100_000, 0.1
    groups = assign_groups((str(i) for i in range(n)), share, 2026)
    n_control = groups.count("control")
    assert abs(n_control - n * share) < 4 * math.sqrt(n * share * (1 - share))  # 4 sigma: about 380


def test_a_different_seed_gives_a_different_group() -> None:
    ids = [str(i) for i in range(1000)]
    assert assign_groups(ids, 0.1, 1) != assign_groups(ids, 0.1, 2)


def test_share_zero_holds_out_nobody_and_warns() -> None:
    assert set(assign_groups(["a", "b", "c"], 0, 5)) == {"treatment"}
    assert holdout_warnings(0) == ("target.warn.no_holdout",)
    assert holdout_warnings(0.1) == ()


@pytest.mark.parametrize("share", [-0.1, 1, 1.5, float("nan")])
def test_bad_shares(share: float) -> None:
    with pytest.raises(InputError):
        assign_groups(["a"], share, 1)


# --- registry -------------------------------------------------------------------------------------------------


@pytest.fixture
def store(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    add_store(con)
    return con


def _save(con: duckdb.DuckDBPyConnection, share: float = 0.5, seed: int = 3, **kwargs: object) -> str:
    listed = build_list(con, "d", D, rules=[parse_rule("tier != potential")], exclusions=[Exclusion("promo_chaser")])
    return save_campaign(
        con, "d", listed, name="夏季唤醒", channel="sms", start=D + timedelta(days=1), end=D + timedelta(days=28),
        holdout_share=share, seed=seed, config_toml="rfm_bins = 5\n", created_at=CREATED, access=OWNER, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


def test_save_list_members_round_trip(store: duckdb.DuckDBPyConnection) -> None:
    campaign_id = _save(store, seed=2)
    members = campaign_members(store, campaign_id)
    expected = pd.DataFrame({
        "customer_id": ["ann", "bob", "cat"],
        # sha256("2:ann"), "2:bob", "2:cat" give draws 0.644, 0.059, 0.282: control iff below the 0.5 share
        "group": ["treatment", "control", "control"],
        "tier": ["loyal", "high_spend", "regular"],
        "lifecycle": ["active", "at_risk", "new"],
        # worked out by hand over the scored ann bob cat eve: recency 10 200 3 30, frequency 3 2 3 1,
        # monetary 600 1050 290 60 -> r 3 1 4 2, f 3 2 3 1; means 60.75, 2.25, 500
        "rfm_segment": ["need_attention", "hibernating", "potential_loyalists"],
        "cn8_segment": ["important_value", "important_winback", "general_value"],
        "groups": ["loyal;promo_frequent", "high_spend;high_ticket;silent", ""],
    })  # fmt: skip
    pd.testing.assert_frame_equal(members, expected)
    assert campaign_members(store, campaign_id).equals(members)  # the same list, every time

    campaigns = list_campaigns(store, "d")
    row = campaigns.iloc[0]
    assert (row.campaign_id, row["name"], row.channel, row.source) == (campaign_id, "夏季唤醒", "sms", "app")
    assert (row.n_treatment, row.n_control, row.holdout_share, row.seed) == (1, 2, 0.5, 2)
    assert list_campaigns(store, "other").empty

    record = campaign_record(store, campaign_id)
    assert record["rules"] == [parse_rule("tier != potential")]
    assert record["exclusions"] == [(Exclusion("promo_chaser"), 1)]
    assert (record["start"], record["end"], record["as_of"]) == (date(2024, 7, 1), date(2024, 7, 28), D)
    assert record["config_toml"] == "rfm_bins = 5\n"
    assert record["config_hash"] == hashlib.sha256(b"rfm_bins = 5\n").hexdigest()
    assert record["mask_phone"] is True and record["warnings"] == []


def test_unmasking_and_no_holdout_are_recorded(store: duckdb.DuckDBPyConnection) -> None:
    record = campaign_record(store, _save(store, share=0, mask_phone=False))
    assert record["mask_phone"] is False
    assert warning_texts(record, "en") == ["No control group: this campaign's effect cannot be measured."]
    assert warning_texts(record, "zh") == ["没有对照组：无法衡量本次活动的效果。"]


def test_list_campaigns_without_a_registry(con: duckdb.DuckDBPyConnection) -> None:
    assert list_campaigns(con, "d").empty
    with pytest.raises(InputError):
        campaign_members(con, "nope")


def test_saving_twice_and_bad_campaigns_are_input_errors(store: duckdb.DuckDBPyConnection) -> None:
    _save(store)
    with pytest.raises(InputError) as caught:
        _save(store)
    assert caught.value.code == "campaign_exists"
    listed = build_list(store, "d", D)
    for kwargs, code in [
        ({"name": " ", "channel": "sms", "start": D, "end": D}, "empty_campaign_name"),
        ({"name": "x", "channel": "fax", "start": D, "end": D}, "bad_channel"),
        ({"name": "x", "channel": "sms", "start": D, "end": D - timedelta(days=1)}, "bad_campaign_dates"),
    ]:
        with pytest.raises(InputError) as caught:
            save_campaign(store, "d", listed, seed=1, created_at=CREATED, **kwargs, access=OWNER)  # type: ignore[arg-type]
        assert caught.value.code == code


def test_delete_campaign(store: duckdb.DuckDBPyConnection) -> None:
    campaign_id = _save(store)
    delete_campaign(store, campaign_id, access=OWNER)
    assert list_campaigns(store, "d").empty
    assert store.execute("select count(*) from campaign_members").fetchone() == (0,)


# --- imports --------------------------------------------------------------------------------------------------


def _import(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, **kwargs: object) -> str:
    return import_campaign(con, "d", frame, name="外部名单", channel="wechat", start=D + timedelta(days=1),
                           end=D + timedelta(days=14), created_at=CREATED, **kwargs, access=OWNER)  # type: ignore[arg-type]  # fmt: skip


def test_import_with_a_group_column(store: duckdb.DuckDBPyConnection) -> None:
    frame = pd.DataFrame(
        {"会员卡号": [" ann", "bob", "cat", "ann", ""], "组别": ["对照组", "实验组", "treatment", "treatment", "c"]}
    )
    campaign_id = _import(store, frame)
    members = campaign_members(store, campaign_id)
    assert list(members["customer_id"]) == ["ann", "bob", "cat"]  # trimmed; a repeat keeps its first row; no empty id
    assert list(members["group"]) == ["control", "treatment", "treatment"]
    assert list(members["tier"]) == ["loyal", "high_spend", "regular"]  # tiers as of the day before the start
    record = campaign_record(store, campaign_id)
    assert (record["holdout_share"], record["source"], record["as_of"]) == (round(1 / 3, 4), "import", D)


def test_import_without_a_group_column_uses_the_hash_split(store: duckdb.DuckDBPyConnection) -> None:
    frame = pd.DataFrame({"customer_id": ["eve", "dan", "ann", "ghost"]})
    campaign_id = _import(store, frame, holdout_share=0.5, seed=11)
    members = campaign_members(store, campaign_id).set_index("customer_id")
    assert list(members.index) == ["ann", "dan", "eve", "ghost"]
    # sha256("11:<id>") draws: ann 0.941, dan 0.740, eve 0.495, ghost 0.128; control iff below 0.5
    assert list(members["group"]) == ["treatment", "treatment", "control", "control"]
    assert members.loc["ghost", "tier"] is None  # not in the dataset
    assert warning_texts(campaign_record(store, campaign_id), "en") == [
        "1 customer ids of the list are not in this dataset; they have no tier."
    ]


def test_import_takes_segments_as_of_the_day_before_the_start(store: duckdb.DuckDBPyConnection) -> None:
    start = D - timedelta(days=40)
    campaign_id = import_campaign(store, "d", pd.DataFrame({"customer_id": ["cat", "eve"]}), name="早前",
                                  channel="sms", start=start, end=D, created_at=CREATED, access=OWNER)  # fmt: skip
    members = campaign_members(store, campaign_id).set_index("customer_id")
    # as of D - 41 cat has only o7 and o8 (90.00, all promo): the bottom of the promo spenders (ann 200, cat 90),
    # in no earlier group of the order (bob is the high spender, ann's gap of 300 days is too long for loyal)
    assert members.loc["cat", "tier"] == "promo_chaser"
    assert members.loc["eve", "tier"] is None  # eve's first purchase was 30 days before D: she was not yet a customer


def test_import_keeps_the_lists_own_tier_and_rejects_unknown_groups(store: duckdb.DuckDBPyConnection) -> None:
    campaign_id = _import(store, pd.DataFrame({"customer_id": ["ann"], "group": ["control"], "分层": ["vip"]}))
    assert campaign_members(store, campaign_id).loc[0, "tier"] == "vip"
    for frame, code in [
        (pd.DataFrame({"customer_id": ["ann"], "group": ["maybe"]}), "bad_group_value"),
        (pd.DataFrame({"whatever": ["ann"]}), "no_customer_column"),
    ]:
        with pytest.raises(InputError) as caught:
            import_campaign(
                store, "d", frame, name="y", channel="sms", start=D, end=D, created_at=CREATED, access=OWNER
            )
        assert caught.value.code == code


def test_the_demo_campaign_imports_with_about_ten_percent_control(demo_workspace_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    shutil.copy(demo_workspace_file, path)
    folder = demo_workspace_file.parent / "demo"
    con = duckdb.connect(str(path), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        campaign_id = import_demo_campaign(con, "demo", folder)
        assert import_demo_campaign(con, "demo", folder) == campaign_id  # once only
        meta = json.loads((folder / "campaign_meta.json").read_text(encoding="utf-8"))
        members = campaign_members(con, campaign_id)
        listed = pd.read_csv(folder / "campaign.csv", dtype=str, encoding="utf-8-sig")
        assert campaign_id == meta["campaign_id"] and len(members) == len(listed)
        assert 0.08 < (members["group"] == "control").mean() < 0.12
        # the demo's own split is the app's split: the same hash of (seed, customer id)
        assert list(members["group"]) == assign_groups(members["customer_id"], meta["holdout_share"], meta["seed"])
        assert list(members["tier"]) == list(listed.sort_values("会员卡号")["分层"])
        row = list_campaigns(con, "demo").iloc[0]
        assert (row.source, row.channel, row.holdout_share, row["start"].date()) == (
            "demo", "sms", 0.1, date.fromisoformat(meta["start"]),
        )  # fmt: skip
        assert members["lifecycle"].notna().mean() > 0.99  # segments as of the day before the start
    finally:
        con.close()
