"""Issue 14: a tier table computed elsewhere (`tiers --out F.parquet`, on Spark or DuckDB) loaded as a dataset's
tiers, with its source shown; refused with a reason when it is not one.

The hand-built store (tests/test_i12_segments.py's, worked out by hand there), as of 30 Jun 2026:
A high_spend; B, C, D regular; E promo_frequent; F potential (a member who never bought); G no tier (a refund).
As of 31 May 2026 only A (bought 1 Mar 2024) and the members A and F are there: A regular... see the test.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import segcore.cli as cli
from segcore.access import owner, seen_as
from segcore.errors import InputError
from segcore.ingest import FileSpec, load_files
from segcore.tier_imports import import_tier_file, imported_dates, imported_tier_table, tier_source
from segcore.workspace import Workspace
from tests.helpers import app
from tests.test_i12_segments import MEMBERS, SALES

OWNER = owner("tester")
AS_OF = date(2026, 6, 30)
LOADED = datetime(2026, 7, 2, 9, 0)


def _tier_file(folder: Path, as_of: date) -> Path:
    """The CLI's tier table of the hand-built store as of a date, as Parquet."""
    (folder / "sales.csv").write_text(SALES, encoding="utf-8")
    (folder / "members.csv").write_text(MEMBERS, encoding="utf-8")
    out = folder / f"tiers_{as_of}.parquet"
    argv = ["tiers", "--sales", str(folder / "sales.csv"), "--members", str(folder / "members.csv")]
    args = cli.build_parser().parse_args([*argv, "--as-of", as_of.isoformat(), "--out", str(out)])
    args.started_at = datetime(2026, 7, 1, 8, 0)
    assert args.run(args) == 0
    return out


@pytest.fixture
def files(tmp_path: Path) -> dict[date, Path]:
    return {day: _tier_file(tmp_path, day) for day in (date(2026, 5, 31), AS_OF)}


def _workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws" / "segcore.duckdb")


def test_a_loaded_tier_table_is_the_datasets_tiers(files, tmp_path):
    workspace = _workspace(tmp_path)
    with workspace.writer() as con:
        source = import_tier_file(
            con, "chain", files[AS_OF].read_bytes(), "tiers.parquet", loaded_at=LOADED, access=OWNER
        )
    with workspace.reader() as con:
        table = imported_tier_table(con, "chain", AS_OF)
        assert imported_dates(con, "chain") == [AS_OF]
        assert imported_tier_table(con, "chain", date(2026, 5, 31)) is None
    workspace.close()
    assert dict(zip(table.customer_id, table.tier, strict=True)) == {
        "A": "high_spend",
        "B": "regular",
        "C": "regular",
        "D": "regular",
        "E": "promo_frequent",
        "F": "potential",
        "G": None,
    }
    written = pd.read_parquet(files[AS_OF])
    pd.testing.assert_frame_equal(table, written, check_exact=True)  # values and dtypes as the engine gave them
    assert (source.as_of, source.engine, source.spark_remote, source.customers) == (AS_OF, "duckdb", None, 7)
    assert source.file_name == "tiers.parquet" and source.loaded_by == "tester" and source.loaded_at == LOADED
    assert [Path(s).name for s in source.sources] == ["sales.csv", "members.csv"]


def test_the_same_date_again_replaces_it_and_deleting_the_dataset_removes_it(files, tmp_path):
    workspace = _workspace(tmp_path)
    for _ in range(2):
        with workspace.writer() as con:
            import_tier_file(con, "chain", files[AS_OF].read_bytes(), "t.parquet", loaded_at=LOADED, access=OWNER)
    with workspace.reader() as con:
        assert con.execute("select count(*) from imported_tiers").fetchall() == [(7,)]
        assert con.execute("select count(*) from imported_tier_files").fetchall() == [(1,)]
    workspace.delete_dataset("chain", access=OWNER)
    with workspace.reader() as con:
        assert con.execute("select count(*) from imported_tiers").fetchall() == [(0,)]
        assert tier_source(con, "chain", AS_OF) is None
    workspace.close()


def _rewritten(path: Path, out: Path, change) -> bytes:
    table = pq.read_table(path)
    table = change(table)
    pq.write_table(table, out)
    return out.read_bytes()


def _without_metadata(table: pa.Table) -> pa.Table:
    return table.replace_schema_metadata({})


def _with_tier(value: str):
    def change(table: pa.Table) -> pa.Table:
        tiers = table.column("tier").to_pylist()
        tiers[0] = value
        return table.set_column(table.column_names.index("tier"), "tier", pa.array(tiers))

    return change


def _twice(table: pa.Table) -> pa.Table:
    return pa.concat_tables([table, table.slice(0, 1)])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (None, "x.parquet is not a Parquet file"),
        (lambda t: t.drop_columns(["tier", "groups"]), "x.parquet is not a tier table: it lacks groups, tier."),
        (_without_metadata, "x.parquet does not say its as-of date"),
        (_with_tier("gold"), "x.parquet: tier holds gold, which is not one of its rules' values."),
        (_twice, "x.parquet names a customer twice"),
    ],
    ids=["not-parquet", "columns", "no-as-of", "unknown-tier", "customer-twice"],
)
def test_a_file_that_is_not_a_tier_table_is_refused_and_nothing_is_written(files, tmp_path, change, message):
    data = b"PAR1 not really" if change is None else _rewritten(files[AS_OF], tmp_path / "x.parquet", change)
    workspace = _workspace(tmp_path)
    with workspace.writer() as con, pytest.raises(InputError) as caught:
        import_tier_file(con, "chain", data, "x.parquet", loaded_at=LOADED, access=OWNER)
    assert caught.value.message("en").startswith(message)
    with workspace.reader() as con:
        assert con.execute("select count(*) from imported_tiers").fetchall() == [(0,)]
        assert con.execute("select count(*) from datasets").fetchall() == [(0,)]
    workspace.close()


def test_a_dataset_with_sales_and_a_viewer_are_refused(files, tmp_path):
    workspace = _workspace(tmp_path)
    (tmp_path / "s.csv").write_text(SALES, encoding="utf-8")
    with workspace.writer() as con:
        load_files(con, "shop", [FileSpec(tmp_path / "s.csv", "sales")], loaded_at=LOADED, access=OWNER)
    data = files[AS_OF].read_bytes()
    with workspace.writer() as con:
        with pytest.raises(InputError, match="shop has sales lines"):
            import_tier_file(con, "shop", data, "t.parquet", loaded_at=LOADED, access=OWNER)
        with pytest.raises(InputError) as refused:
            import_tier_file(con, "chain", data, "t.parquet", loaded_at=LOADED, access=seen_as("viewer"))
        assert refused.value.code == "not_allowed"
        assert con.execute("select count(*) from imported_tiers").fetchall() == [(0,)]
    workspace.close()


# ---------------------------------------------------------------- the pages


@pytest.fixture
def chain(files, tmp_path, monkeypatch) -> Path:
    """A workspace whose only dataset, 'chain', holds the two loaded tier tables."""
    import streamlit as st

    workspace = _workspace(tmp_path)
    for path in files.values():
        with workspace.writer() as con:
            import_tier_file(con, "chain", path.read_bytes(), path.name, loaded_at=LOADED, access=OWNER)
    workspace.close()
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(tmp_path / "ws" / "segcore.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path / "ws" / "segcore.duckdb"
    st.cache_resource.clear()
    st.cache_data.clear()


def test_the_segments_page_shows_the_loaded_tiers_and_their_source(chain):
    at = app(lang="en").run()
    at.switch_page("pages/segments.py").run()
    assert not at.exception
    info = "\n".join(i.value for i in at.info)
    assert "Tiers computed on DuckDB, not from sales here: tiers_2026-06-30.parquet (7 customers)" in info
    assert "loaded 2026-07-02 09:00 by tester" in info
    sizes = next(d.value for d in at.dataframe if "Change vs 30 days ago" in d.value.columns)
    shown = {row["Segment"]: (str(row["Customers"]), str(row["Change vs 30 days ago"])) for _, row in sizes.iterrows()}
    # against the table loaded for 31 May 2026 (A sleeping, F potential: worked out in test_i12_segments' store)
    assert shown["High spend (VIP)"] == ("1", "+1")
    assert shown["Promo frequent"] == ("1", "+1")
    assert shown["Sleeping"] == ("0", "-1")
    assert shown["Regular"] == ("3", "+3")
    assert shown["Potential (never bought)"] == ("1", "0")
    captions = [c.value for c in at.caption]
    assert "As of 30 Jun 2026, compared with 31 May 2026" in captions


def test_a_page_that_needs_sales_says_so(chain):
    at = app(lang="zh").run()
    assert not at.exception
    info = "\n".join(i.value for i in at.info)
    assert "此数据集只有 2 份在 Spark 上算好的分层表，没有销售明细" in info
    at.switch_page("pages/targets.py").run()
    assert "没有销售明细" in "\n".join(i.value for i in at.info)


def test_the_command_line_loads_a_tier_table(files, tmp_path, capsys):
    ws = str(tmp_path / "cli.duckdb")
    assert cli.main(["ingest", "--dataset", "chain", "--tiers", str(files[AS_OF]), "--workspace", ws]) == 0
    assert capsys.readouterr().out == "chain: tiers of 7 customers as of 2026-06-30 from tiers_2026-06-30.parquet\n"
    assert cli.main(["datasets", "--workspace", ws]) == 0
    listed = pd.read_csv(io.StringIO(capsys.readouterr().out), sep="\t").set_index("dataset_id")
    row = listed.loc["chain"]
    assert (row["lines"], row["customers"], row["tier_tables"], row["tier_customers"]) == (0, 0, 1, 7)
    assert (row["tiers_first_as_of"], row["tiers_last_as_of"]) == ("2026-06-30", "2026-06-30")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"nope")
    assert cli.main(["ingest", "--dataset", "chain", "--tiers", str(bad), "--workspace", ws]) == 2
    assert (
        capsys.readouterr().err
        == "error: bad.parquet is not a Parquet file: write it with `tiers --out tiers.parquet`.\n"
    )
    sales = tmp_path / "sales.csv"
    assert cli.main(["ingest", "--dataset", "c2", "--tiers", str(bad), "--sales", str(sales), "--workspace", ws]) == 2
    assert "--tiers loads tier tables into a dataset of their own" in capsys.readouterr().err
    workspace = Workspace(Path(ws))
    with workspace.reader() as con:
        assert imported_dates(con, "chain") == [AS_OF] and imported_dates(con, "c2") == []
    workspace.close()


@pytest.mark.parametrize(
    ("page", "needs_sales"),
    [
        ("pages/overview.py", True),
        ("pages/weekly.py", True),
        ("pages/migration.py", True),
        ("pages/targets.py", True),
        ("pages/campaigns.py", True),
        ("pages/personas.py", True),
        ("pages/forecast.py", True),
        ("pages/segments.py", False),
        ("pages/tier_rules.py", False),
        ("pages/data.py", False),
    ],
)
def test_every_page_on_a_dataset_of_tier_tables(chain, page, needs_sales):
    at = app(lang="en").run()
    at.switch_page(page).run()
    assert not at.exception, page
    info = "\n".join(i.value for i in at.info)
    assert ("this page needs the sales" in info) is needs_sales, page


def test_the_data_page_offers_the_tier_table_upload_to_who_may_load_data(chain):
    at = app(lang="en").run()
    at.switch_page("pages/data.py").run()
    assert "Load a tier table computed on Spark" in [e.label for e in at.expander]
    assert [b.label for b in at.button if b.key == "imp_load"] == ["Load the tier table"]
    assert at.button(key="imp_load").disabled  # no file, no name yet


def test_the_data_pages_dataset_list_counts_the_tier_tables(chain):
    at = app(lang="en").run()
    at.switch_page("pages/data.py").run()
    listed = next(d.value for d in at.dataframe if "Dates" in d.value.columns)
    row = listed.iloc[0]
    assert (row["Dataset"], row["Sales lines"]) == ("chain", "0")
    assert row["Dates"] == "2 tier tables: 31 May 2026 – 30 Jun 2026"
