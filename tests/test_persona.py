"""Issue 16: personas on a hand-built store, every expected value worked out by hand.

As of D = 30 Jun 2024. Eight buyers, one purchase each in the last year (no promo column):
  c1 ¥1,000 · c2 ¥900 · c3 ¥100 · c4 ¥90 · c5 ¥80 · c6 ¥70 · c7 ¥60 · c8 ¥50; members m9 and m10 never bought.
Tiers: P = c1..c8, high_spend = top ceil(20% x 8) = 2 -> c1, c2; the others regular; m9, m10 potential.
Base = 10 customers.

Members (gender, birthday, join date, 来源 = an extra column):
  c1 F 1990-05-01 (34: 30-39, horse, taurus) joined 2020-01-01 (1,642 days: 3-5y)   小红书
  c2 F 1992-07-01 (31: 30-39, monkey, cancer) joined 2024-03-01 (121 days: <6m)      小红书
  c3 M 1980-01-01 (44: 40-49)                                                       门店
  c4 F, no birthday                                                                  门店
  c5 gender unknown, 2000-01-01 (24: 20-29)                                          门店
  c6 M                                                                               (empty)
  m9 F 1995-03-03 (29: 20-29)                                                        小红书
  m10 M                                                                              门店
  c7, c8 are not members.

Spend bands: monetary of the base sorted 0, 0, 50, 60, 70, 80, 90, 100, 900, 1000; the 20/40/60/80th percentiles
(linear) are 40, 66, 84 and 260 (already two significant digits): <40 = m9 m10, 40-66 = c8 c7, 66-84 = c6 c5,
84-260 = c4 c3, >=260 = c2 c1.
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segcore import persona
from segcore.access import owner
from segcore.attributes import extra_attributes
from segcore.errors import InputError
from segcore.ingest import FileSpec, load_files
from segcore.schema import create_tables
from segcore.sql import NO_EXTENSIONS
from segcore.targets import CANDIDATE_COLUMNS, FIELDS, Rule, build_list, candidates

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
D = date(2024, 6, 30)
SALES = """会员卡号,消费时间,实收金额
c1,2024-06-01,1000
c2,2024-05-01,900
c3,2024-04-01,100
c4,2024-03-01,90
c5,2024-02-01,80
c6,2024-01-01,70
c7,2023-12-01,60
c8,2023-11-01,50
"""
MEMBERS = """会员卡号,性别,生日,入会日期,来源
c1,女,1990-05-01,2020-01-01,小红书
c2,女,1992-07-01,2024-03-01,小红书
c3,男,1980-01-01,,门店
c4,女,,,门店
c5,,2000-01-01,,门店
c6,男,,,
m9,女,1995-03-03,,小红书
m10,男,,,门店
"""


def write_store(folder: Path) -> tuple[Path, Path]:
    sales, members = folder / "sales.csv", folder / "members.csv"
    sales.write_text(SALES, encoding="utf-8")
    members.write_text(MEMBERS, encoding="utf-8")
    return sales, members


@pytest.fixture()
def store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    sales, members = write_store(tmp_path)
    load_files(
        con, "d", [FileSpec(sales, "sales"), FileSpec(members, "members")], loaded_at=datetime(2024, 7, 1), access=OWNER
    )
    return con


def cube_of(con: duckdb.DuckDBPyConnection, scheme: str = "tier") -> persona.PersonaCube:
    table = candidates(con, "d", D)
    return persona.persona_cube(con, table, scheme, extra_attributes(con, "d", {*FIELDS, *CANDIDATE_COLUMNS}))


def rows(frame: pd.DataFrame, attribute: str) -> list[tuple]:
    part = frame[frame["attribute"] == attribute]
    return [
        (
            r.value,
            int(r.segment_count),
            round(r.segment_share, 4),
            int(r.base_count),
            round(r.base_share, 4),
            None if pd.isna(r.index) else round(r.index, 2),
        )
        for r in part.itertuples()
    ]


def test_high_spend_persona_exact(store: duckdb.DuckDBPyConnection) -> None:
    cube = cube_of(store)
    assert cube.base_size == 10
    assert cube.sizes["high_spend"] == 2 and cube.sizes["regular"] == 6 and cube.sizes["potential"] == 2
    frame = persona.persona(cube, "high_spend", min_count=2)
    assert list(frame.columns) == list(persona.PERSONA_COLUMNS)
    # gender: F c1 c2 c4 m9, M c3 c6 m10, unknown c5 c7 c8; M has 0 of the segment (below 2: no index)
    assert rows(frame, "gender") == [
        ("F", 2, 1.0, 4, 0.4, 250.0),
        ("M", 0, 0.0, 3, 0.3, None),
        (None, 0, 0.0, 3, 0.3, None),
    ]
    assert rows(frame, "age_band") == [
        ("20-29", 0, 0.0, 2, 0.2, None),
        ("30-39", 2, 1.0, 2, 0.2, 500.0),
        ("40-49", 0, 0.0, 1, 0.1, None),
        (None, 0, 0.0, 5, 0.5, None),
    ]
    # one customer each: below the minimum count of 2, so no index although the shares are known
    assert rows(frame, "tenure_band") == [
        ("<6m", 1, 0.5, 1, 0.1, None),
        ("3-5y", 1, 0.5, 1, 0.1, None),
        (None, 0, 0.0, 8, 0.8, None),
    ]
    assert rows(frame, "spend_band") == [
        ("<40", 0, 0.0, 2, 0.2, None),
        ("40-66", 0, 0.0, 2, 0.2, None),
        ("66-84", 0, 0.0, 2, 0.2, None),
        ("84-260", 0, 0.0, 2, 0.2, None),
        (">=260", 2, 1.0, 2, 0.2, 500.0),
    ]
    # the members file's extra column, by base count then name
    assert rows(frame, "来源") == [
        ("门店", 0, 0.0, 4, 0.4, None),
        ("小红书", 2, 1.0, 3, 0.3, 333.33),
        (None, 0, 0.0, 3, 0.3, None),
    ]
    # no store, category, points or promo data in these files: those attributes are left out
    assert not {"store", "category", "points_band", "promo_share_band"} & set(frame["attribute"])


def test_regular_persona_index_below_minimum_is_empty(store: duckdb.DuckDBPyConnection) -> None:
    frame = persona.persona(cube_of(store), "regular", min_count=2)
    # regular = c3..c8: F c4 (1: below 2), M c3 c6, unknown c5 c7 c8
    assert rows(frame, "gender") == [
        ("F", 1, 0.1667, 4, 0.4, None),
        ("M", 2, 0.3333, 3, 0.3, 111.11),
        (None, 3, 0.5, 3, 0.3, 166.67),
    ]
    assert persona.coverage(frame)["tenure_band"] == 0.0
    assert persona.coverage(frame)["gender"] == pytest.approx(0.5)


def test_default_minimum_count_hides_every_index_of_a_small_store(store: duckdb.DuckDBPyConnection) -> None:
    frame = persona.persona(cube_of(store), "high_spend")
    assert persona.MIN_COUNT == 30
    assert frame["index"].isna().all()


def test_groups_base_counts_each_customer_once(store: duckdb.DuckDBPyConnection) -> None:
    # c1 and c2 are in high_spend and high_ticket (aov 1,000 and 900 >= 2 x 2,350 / 8 = 587.5)
    cube = cube_of(store, "groups")
    assert cube.base_size == 10 and cube.sizes == {"high_spend": 2, "high_ticket": 2}
    frame = persona.persona(cube, "high_ticket", min_count=2)
    assert rows(frame, "gender")[0] == ("F", 2, 1.0, 4, 0.4, 250.0)


def test_summary_names_the_three_values_that_set_the_segment_apart(store: duckdb.DuckDBPyConnection) -> None:
    cube = cube_of(store)
    frame = persona.persona(cube, "high_spend", min_count=2)
    top = persona.highlights(frame, min_count=2)
    # gaps: age 30-39 and spend >=260 +80 points, 来源 小红书 +70, gender F +60
    assert list(zip(top["attribute"], top["value"], strict=True)) == [
        ("age_band", "30-39"),
        ("spend_band", ">=260"),
        ("来源", "小红书"),
    ]
    assert persona.summary(cube, frame, "高消费总额会员", "zh", min_count=2) == (
        "高消费总额会员：年龄为30–39 岁的占 100%（整体 20%），消费金额（近2年）为¥260及以上的占 100%（整体 20%），"
        "来源为小红书的占 100%（整体 30%）。"
    )
    assert persona.summary(cube, frame, "High spend", "en", min_count=2) == (
        "High spend: Age 30–39: 100% (20% overall); Spend (2 years) ¥260 or more: 100% (20% overall); "
        "来源 小红书: 100% (30% overall)."
    )


def test_a_segment_smaller_than_the_minimum_says_so(store: duckdb.DuckDBPyConnection) -> None:
    cube = cube_of(store)
    assert persona.summary(cube, persona.persona(cube, "high_spend"), "高消费总额会员", "zh") == (
        "高消费总额会员：仅 2 位顾客，少于显示指数所需的 30 位；可调低最少人数后再比较。"
    )
    # regular (c3..c8, 6 customers): with a minimum of 4 no value has enough customers, yet the segment has
    regular = persona.persona(cube, "regular", min_count=4)
    assert persona.summary(cube, regular, "Regular", "en", min_count=4) == (
        "Regular: no attribute sets this segment clearly apart from the whole customer base."
    )
    # with 3: 来源 门店 is c3 c4 c5 = 50% against 4 of 10 = 40% (index 125), known for half of the segment
    regular = persona.persona(cube, "regular", min_count=3)
    assert persona.summary(cube, regular, "Regular", "en", min_count=3) == "Regular: 来源 门店: 50% (40% overall)."


def test_handover_rules_select_exactly_the_bar(store: duckdb.DuckDBPyConnection) -> None:
    cube = cube_of(store)
    picker, rules = persona.handover(cube, "regular", "spend_band", "40-66")
    assert picker == {"tier": ["regular"]}
    assert rules == [Rule("monetary", ">=", 40), Rule("monetary", "<", 66)]
    listed = build_list(store, "d", D, rules=[Rule("tier", "in", ("regular",)), *rules])
    assert sorted(listed.rows["customer_id"]) == ["c7", "c8"]  # 50 and 60
    _, rules = persona.handover(cube, "high_spend", "来源", "小红书")
    assert rules == [Rule("来源", "in", ("小红书",))]
    listed = build_list(store, "d", D, rules=[Rule("tier", "in", ("high_spend",)), *rules])
    assert sorted(listed.rows["customer_id"]) == ["c1", "c2"]
    assert persona.handover(cube, "high_spend", "gender", None)[1] == []  # the unknown cannot be a filter
    assert persona.handover(cube, "high_spend", "gender", "保密")[1] == []  # nor a gender without a filter key
    assert persona.handover(cube, "high_spend", "gender", "F")[1] == [Rule("gender", "in", ("F",))]
    assert persona.handover(cube, "high_spend", "birth_month", "5")[1] == [Rule("birthday_month", "=", 5)]


def test_unknown_scheme_and_segment_are_input_errors(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError) as caught:
        persona.scheme_key("colour")
    assert caught.value.code == "unknown_scheme"
    with pytest.raises(InputError) as caught:
        persona.persona(cube_of(store), "vip")
    assert caught.value.code == "unknown_segment"


def test_quantile_bands_round_to_two_significant_digits() -> None:
    assert persona.quantile_bands([1234.5, 5678.9, 5699.0, 120000.0]) == (
        (None, 1200.0, "<1200"),
        (1200.0, 5700.0, "1200-5700"),
        (5700.0, 120000.0, "5700-120000"),
        (120000.0, None, ">=120000"),
    )
    assert persona.quantile_bands([0.123, 0.456]) == (
        (None, 0.12, "<0.12"),
        (0.12, 0.46, "0.12-0.46"),
        (0.46, None, ">=0.46"),
    )


def test_cli_writes_the_persona_table(tmp_path: Path) -> None:
    sales, members = write_store(tmp_path)
    out = tmp_path / "persona.csv"
    done = subprocess.run(
        [sys.executable, "-m", "segcore", "persona", "--sales", str(sales), "--members", str(members),
         "--scheme", "tier", "--segment", "high_spend", "--as-of", "2024-06-30", "--min-count", "2",
         "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # rows: gender 3, age 4, birth month 5, zodiac 5, star sign 5, tenure 3, spend 5, 来源 3
    assert done.stdout.strip().endswith(f"high_spend: 2 of 10 customers as of 2024-06-30; 33 rows written to {out}")
    with out.open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["attribute", "value", "segment_count", "segment_share", "base_count", "base_share", "index"]
    assert table[1:4] == [
        ["gender", "F", "2", "1.0", "4", "0.4", "250.0"],
        ["gender", "M", "0", "0.0", "3", "0.3", ""],
        ["gender", "", "0", "0.0", "3", "0.3", ""],
    ]


@pytest.mark.parametrize(
    "extra, reason",
    [
        (["--segment", "vip"], "Unknown segment vip"),
        (["--segment", "loyal", "--scheme", "colour"], "Unknown scheme colour"),
        (["--segment", "loyal", "--min-count", "0"], "--min-count"),
        (["--segment", "loyal", "--out", "p.parquet"], "must end in one of .csv, .xlsx"),
    ],
    ids=["segment", "scheme", "min-count", "out-suffix"],
)
def test_cli_refuses_bad_arguments_in_one_line(tmp_path: Path, extra: list[str], reason: str) -> None:
    sales, _ = write_store(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "segcore", "persona", "--sales", str(sales), "--out", str(tmp_path / "p.csv"), *extra],
        capture_output=True, text=True, cwd=ROOT, check=False, env={"SEGCORE_LANG": "en", "PATH": "/usr/bin"},
    )  # fmt: skip
    assert done.returncode == 2
    assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "p.csv").exists()


# --- invariants -------------------------------------------------------------------------------------------------

people = st.lists(
    st.tuples(
        st.sampled_from(["F", "M", ""]),
        st.integers(min_value=1, max_value=5000),
        st.one_of(st.none(), st.integers(min_value=1940, max_value=2005)),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None)
@given(people)
def test_shares_add_up_to_one_in_segment_and_base(tmp_path_factory: pytest.TempPathFactory, crowd: list) -> None:
    folder = tmp_path_factory.mktemp("crowd")
    lines = ["会员卡号,消费时间,实收金额"] + [f"p{i},2024-06-01,{amount}" for i, (_, amount, _) in enumerate(crowd)]
    members = ["会员卡号,性别,生日"] + [
        f"p{i},{gender},{'' if year is None else f'{year}-06-15'}" for i, (gender, _, year) in enumerate(crowd)
    ]
    (folder / "s.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "m.csv").write_text("\n".join(members) + "\n", encoding="utf-8")
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    create_tables(con)
    load_files(
        con, "d", [FileSpec(folder / "s.csv", "sales"), FileSpec(folder / "m.csv", "members")],
        loaded_at=datetime(2024, 7, 1),
        access=OWNER,
    )  # fmt: skip
    cube = cube_of(con)
    assert cube.base_size == len(crowd)
    for segment, size in cube.sizes.items():
        frame = persona.persona(cube, segment, min_count=1)
        for _, part in frame.groupby("attribute"):
            assert math.isclose(part["segment_share"].sum(), 1.0)
            assert math.isclose(part["base_share"].sum(), 1.0)
            assert int(part["segment_count"].sum()) == size
            assert int(part["base_count"].sum()) == len(crowd)


def test_zodiac_and_star_signs_read_in_their_own_order(store: duckdb.DuckDBPyConnection) -> None:
    frame = persona.persona(cube_of(store), "potential", min_count=2)
    # birthdays: c1 1990 horse, c2 1992 monkey, c3 1980 monkey, c5 2000 dragon, m9 1995 pig
    assert list(frame.loc[frame["attribute"] == "zodiac", "value"]) == ["dragon", "horse", "monkey", "pig", None]
    # c1 May 1 taurus, c2 Jul 1 cancer, c3 Jan 1 capricorn, c5 Jan 1 capricorn, m9 Mar 3 pisces
    signs = list(frame.loc[frame["attribute"] == "constellation", "value"])
    assert signs == ["taurus", "cancer", "capricorn", "pisces", None]
    assert list(frame.loc[frame["attribute"] == "birth_month", "value"]) == ["1", "3", "5", "7", None]
