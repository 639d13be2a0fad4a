"""segcore.prepared: what the pages' first visits need, prepared after a load, equals what the pages compute
without it, and a stale entry (other rules, data or date) is never read."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore import engine, prepared
from segcore.engine.history import cached_states, snapshot_states
from segcore.engine.orders import build_order_days
from segcore.tier_rules import DEFAULT_RULES
from segcore.weekly import stored_numbers, weekly_review

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2024, 6, 14)  # the day of the last sale below (a Friday)
# the Overview's numbers; tier tables at AS_OF, 30 days before and 9 Sundays; the Migration page's and a card's
# states; the forecast; the Migration page's default view; the candidate table; the weekly review's numbers
STEPS = 18

# Six customers over 18 months: a big spender, a steady buyer, one who went quiet, a refund, a promo chaser and a
# newcomer. (customer, order, day, amount, promo)
LINES = [
    ("ann", "a1", "2023-01-10", 500.00, False),
    ("ann", "a2", "2023-09-03", 800.00, False),
    ("ann", "a3", "2024-05-20", 1200.00, False),
    ("bob", "b1", "2023-03-01", 40.00, False),
    ("bob", "b2", "2023-07-01", 45.00, False),
    ("bob", "b3", "2023-11-15", 50.00, False),
    ("bob", "b4", "2024-02-10", 55.00, False),
    ("bob", "b5", "2024-06-02", 60.00, False),
    ("cat", "c1", "2023-02-14", 300.00, False),
    ("cat", "c2", "2023-04-20", 200.00, False),
    ("dan", "d1", "2024-01-05", 90.00, False),
    ("dan", "d1", "2024-01-06", -90.00, False),
    ("eve", "e1", "2023-12-24", 30.00, True),
    ("eve", "e2", "2024-03-08", 25.00, True),
    ("eve", "e3", "2024-05-01", 35.00, True),
    ("fay", "f1", "2024-06-14", 150.00, False),
]


def _load(con: duckdb.DuckDBPyConnection, lines: list[tuple], load_id: str, loaded_at: str) -> None:
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo) "
        "values ('shop', $load, $no, $c, $o, cast($d as timestamp), $a, $p)",
        [
            {"load": load_id, "no": i, "c": c, "o": o, "d": d, "a": a, "p": p}
            for i, (c, o, d, a, p) in enumerate(lines, 1)
        ],
    )
    con.execute(
        "insert into loads values ($load, 'shop', 'sales', 'shop.csv', null, $n, $n, 0, cast($at as timestamp))",
        {"load": load_id, "n": len(lines), "at": loaded_at},
    )
    build_order_days(con, "shop")


@pytest.fixture
def shop(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute("insert into datasets values ('shop', 'shop', timestamp '2024-06-15 08:00', false)")
    _load(con, LINES, "l1", "2024-06-15 08:00")
    return con


def _writer(con: duckdb.DuckDBPyConnection):
    @contextmanager
    def writer() -> Iterator[duckdb.DuckDBPyConnection]:
        yield con

    return writer


def test_the_default_as_of_is_the_day_of_the_last_sale(shop: duckdb.DuckDBPyConnection) -> None:
    assert prepared.default_as_of(shop, "shop") == AS_OF
    plan = prepared.prepare_plan(AS_OF)
    assert plan["tiers"] == sorted({date(2024, 5, 15), AS_OF, *prepared.weekly_sundays(AS_OF)})
    assert prepared.weekly_sundays(AS_OF)[-1] == date(2024, 6, 9)  # the last complete week's Sunday
    assert len(plan["migration"]) == 52 and plan["month_ends"][-1] == AS_OF


def test_the_prepared_tier_tables_are_the_engines(shop: duckdb.DuckDBPyConnection) -> None:
    report = prepared.prepare(_writer(shop), "shop")
    assert report.as_of == AS_OF and not report.skipped
    for day in prepared.prepare_plan(AS_OF)["tiers"]:
        stored = prepared.stored_tier_table(shop, "shop", day, DEFAULT_RULES)
        assert stored is not None, day
        pd.testing.assert_frame_equal(stored, engine.tier_table(shop, "shop", day, DEFAULT_RULES))
    table = prepared.stored_tier_table(shop, "shop", AS_OF, DEFAULT_RULES)
    assert table is not None
    assert list(table.columns) == list(prepared.TIER_COLUMNS)
    row = table.set_index("customer_id").loc["ann"]
    assert (row.frequency, float(row.monetary), row.recency_days) == (3, 2500.0, 25)
    assert table.set_index("customer_id").loc["fay", "lifecycle"] == "new"
    assert pd.isna(table.set_index("customer_id").loc["dan", "tier"])  # a refund only: not a buyer yet


def test_the_weekly_review_from_prepared_tables_is_the_computed_one(shop: duckdb.DuckDBPyConnection) -> None:
    prepared.prepare(_writer(shop), "shop")
    sundays = prepared.weekly_sundays(AS_OF)
    tables = {d: prepared.stored_tier_table(shop, "shop", d, DEFAULT_RULES) for d in sundays}
    assert all(t is not None for t in tables.values())
    computed = weekly_review(shop, "shop", sundays[-1], DEFAULT_RULES, "en", currency="CNY")
    read = weekly_review(shop, "shop", sundays[-1], DEFAULT_RULES, "en", currency="CNY", tables=tables)  # type: ignore[arg-type]
    assert read.kpis == computed.kpis and read.top_movements == computed.top_movements
    pd.testing.assert_frame_equal(read.movements, computed.movements)
    assert read.alerts.keys() == computed.alerts.keys()
    for name in computed.alerts:
        pd.testing.assert_frame_equal(read.alerts[name], computed.alerts[name])
    pd.testing.assert_frame_equal(read.actions, computed.actions)


def test_the_stored_weekly_numbers_are_the_computed_ones(shop: duckdb.DuckDBPyConnection) -> None:
    week_end = prepared.weekly_sundays(AS_OF)[-1]
    assert stored_numbers(shop, "shop", week_end, DEFAULT_RULES) is None
    prepared.prepare(_writer(shop), "shop")
    numbers = stored_numbers(shop, "shop", week_end, DEFAULT_RULES)
    assert numbers is not None
    computed = weekly_review(shop, "shop", week_end, DEFAULT_RULES, "zh", currency="CNY")
    read = weekly_review(shop, "shop", week_end, DEFAULT_RULES, "zh", currency="CNY", numbers=numbers)
    assert read.kpis == computed.kpis and read.top_movements == computed.top_movements
    assert [type(k.value) for k in read.kpis] == [type(k.value) for k in computed.kpis]  # counts stay int
    assert (read.slipping_clv, read.forecast_warnings) == (computed.slipping_clv, computed.forecast_warnings)
    pd.testing.assert_frame_equal(read.movements, computed.movements)
    assert read.alerts.keys() == computed.alerts.keys()
    for name in computed.alerts:
        pd.testing.assert_frame_equal(read.alerts[name], computed.alerts[name])
    pd.testing.assert_frame_equal(read.actions, computed.actions)
    # the week's numbers by hand: bob bought on 2 Jun (in the week of 3-9 Jun: none), so no purchase in the week
    assert (read.kpi("purchases").value, read.kpi("revenue").value) == (0, 0.0)
    assert read.kpi("purchases").history[-2] == (date(2024, 6, 2), 1)  # bob's b5 in the week of 27 May-2 Jun
    assert stored_numbers(shop, "shop", date(2024, 6, 2), DEFAULT_RULES) is None  # another week is not stored


def test_the_stored_migration_view_is_the_computed_one(shop: duckdb.DuckDBPyConnection) -> None:
    from segcore import migration
    from segcore.migration_view import MOVERS_SHOWN, default_cell, movers_details, stored_migration_view

    dates = prepared.prepare_plan(AS_OF)["migration"]
    prepared.prepare(_writer(shop), "shop")
    key = migration.cache_key(shop, "shop", dates, DEFAULT_RULES)
    view = stored_migration_view(shop, "shop", key)
    assert view is not None
    assert (view.start, view.end) == (date(2024, 5, 12), date(2024, 6, 9))  # four Sundays back, and the last
    moves = migration.transitions_between_from_cache(shop, "shop", key, view.start, view.end)
    pd.testing.assert_frame_equal(view.moves, moves)
    pd.testing.assert_frame_equal(view.sizes, migration.state_sizes_from_cache(shop, "shop", key))
    net = migration.net_flow(migration.cached_transitions(shop, "shop", dates, DEFAULT_RULES))
    pd.testing.assert_frame_equal(view.net_flow, net)
    assert view.cell == default_cell(moves)
    movers = migration.movers_from_cache(shop, "shop", key, view.start, view.end, *view.cell, MOVERS_SHOWN)
    assert view.movers == movers and view.movers.total == len(view.movers.ids) > 0
    tables = [engine.tier_table(shop, "shop", day, DEFAULT_RULES) for day in (view.start, view.end)]
    pd.testing.assert_frame_equal(view.details, movers_details(*tables, movers.ids))
    assert stored_migration_view(shop, "shop", "another states key") is None


def test_the_stored_candidate_table_is_the_computed_one(shop: duckdb.DuckDBPyConnection) -> None:
    from segcore.stored_candidates import candidate_table, stored_candidates

    assert stored_candidates(shop, "shop", AS_OF, DEFAULT_RULES) is None
    prepared.prepare(_writer(shop), "shop")
    stored = stored_candidates(shop, "shop", AS_OF, DEFAULT_RULES)
    assert stored is not None
    computed = candidate_table(shop, "shop", AS_OF, DEFAULT_RULES)
    assert stored.equals(computed) and stored.schema.equals(computed.schema)
    assert stored.column("customer_id").to_pylist() == ["ann", "bob", "cat", "dan", "eve", "fay"]
    assert stored_candidates(shop, "shop", date(2024, 6, 13), DEFAULT_RULES) is None  # another date


def test_the_stored_overview_is_the_computed_one(shop: duckdb.DuckDBPyConnection) -> None:
    from segcore.overview import customer_counts, monthly_revenue, store_summary, stored_overview

    assert stored_overview(shop, "shop", AS_OF) is None
    prepared.prepare(_writer(shop), "shop")
    stored = stored_overview(shop, "shop", AS_OF)
    assert stored is not None
    summary = store_summary(shop, "shop", AS_OF)
    assert stored.summary == summary
    assert [type(v) for v in stored.summary.values()] == [type(v) for v in summary.values()]
    assert stored.counts == customer_counts(shop, "shop", AS_OF)
    assert stored.counts["bought"] == 5  # ann, bob, cat, eve, fay (dan's only order was refunded in full)
    pd.testing.assert_frame_equal(stored.months, monthly_revenue(shop, "shop", AS_OF))
    assert stored_overview(shop, "shop", date(2024, 6, 13)) is None


def test_the_prepared_states_are_the_engines(shop: duckdb.DuckDBPyConnection) -> None:
    prepared.prepare(_writer(shop), "shop")
    assert prepared.is_prepared(shop, "shop", DEFAULT_RULES)
    for name in ("migration", "month_ends"):
        days = prepared.prepare_plan(AS_OF)[name]
        keys = shop.execute("select count(*) from migration_cache_keys").fetchall()[0][0]
        kept = cached_states(shop, "shop", days, DEFAULT_RULES)  # read, not computed: no new key
        assert shop.execute("select count(*) from migration_cache_keys").fetchall()[0][0] == keys
        fresh = snapshot_states(shop, "shop", days, DEFAULT_RULES)
        pd.testing.assert_frame_equal(
            kept.sort_values(["snapshot_date", "customer_id"]).reset_index(drop=True),
            fresh.sort_values(["snapshot_date", "customer_id"]).reset_index(drop=True),
            check_dtype=False,
        )


def test_a_second_prepare_computes_nothing(shop: duckdb.DuckDBPyConnection) -> None:
    prepared.prepare(_writer(shop), "shop")
    again = prepared.prepare(_writer(shop), "shop")
    assert again.computed == [] and len(again.skipped) == STEPS


def test_other_rules_never_read_the_stored_table(shop: duckdb.DuckDBPyConnection) -> None:
    prepared.prepare(_writer(shop), "shop")
    other = dataclasses.replace(DEFAULT_RULES, high_spend_share=0.5)
    assert prepared.stored_tier_table(shop, "shop", AS_OF, other) is None
    assert not prepared.is_prepared(shop, "shop", other)
    prepared.prepare(_writer(shop), "shop", other)
    stored = prepared.stored_tier_table(shop, "shop", AS_OF, other)
    assert stored is not None
    pd.testing.assert_frame_equal(stored, engine.tier_table(shop, "shop", AS_OF, other))
    assert prepared.stored_tier_table(shop, "shop", AS_OF, DEFAULT_RULES) is None  # the older set is dropped


def test_another_date_is_never_read_from_a_stored_one(shop: duckdb.DuckDBPyConnection) -> None:
    prepared.prepare(_writer(shop), "shop")
    assert prepared.stored_tier_table(shop, "shop", date(2024, 6, 13), DEFAULT_RULES) is None


def test_a_new_load_makes_every_stored_entry_stale(shop: duckdb.DuckDBPyConnection) -> None:
    prepared.prepare(_writer(shop), "shop")
    _load(shop, [("bob", "b6", "2024-06-10", 900.00, False)], "l2", "2024-06-16 08:00")
    assert prepared.stored_tier_table(shop, "shop", AS_OF, DEFAULT_RULES) is None
    assert stored_numbers(shop, "shop", prepared.weekly_sundays(AS_OF)[-1], DEFAULT_RULES) is None
    assert not prepared.is_prepared(shop, "shop", DEFAULT_RULES)
    report = prepared.prepare(_writer(shop), "shop")
    assert len(report.computed) == STEPS
    stored = prepared.stored_tier_table(shop, "shop", AS_OF, DEFAULT_RULES)
    assert stored is not None
    assert stored.set_index("customer_id").loc["bob", "frequency"] == 6


def test_a_dataset_without_sales_has_nothing_to_prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("insert into datasets values ('empty', 'empty', timestamp '2024-06-15 08:00', false)")
    report = prepared.prepare(_writer(con), "empty")
    assert (report.as_of, report.computed) == (None, [])
    assert prepared.is_prepared(con, "empty", DEFAULT_RULES)


def test_a_small_dataset_is_not_worth_preparing(shop: duckdb.DuckDBPyConnection) -> None:
    assert not prepared.worth_preparing(shop, "shop")


# --- the command line ----------------------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SEGCORE_DEBUG"} | {"SEGCORE_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "segcore", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_the_prepare_command(tmp_path: Path) -> None:
    sales = tmp_path / "s.csv"
    sales.write_text(
        "customer_id,order_id,order_date,amount\n" + "".join(f"{c},{o},{d},{a}\n" for c, o, d, a, _ in LINES if a > 0),
        encoding="utf-8",
    )
    workspace = str(tmp_path / "ws.duckdb")
    assert _cli("ingest", "--dataset", "shop", "--sales", str(sales), "--workspace", workspace).returncode == 0
    first = _cli("prepare", "--dataset", "shop", "--workspace", workspace)
    assert (first.returncode, first.stdout) == (
        0,
        "shop: prepared as of 2024-06-14 (18 computed, 0 already current)\n",
    ), first.stderr
    again = _cli("prepare", "--dataset", "shop", "--workspace", workspace)
    assert again.stdout == "shop: prepared as of 2024-06-14 (0 computed, 18 already current)\n"
    with duckdb.connect(workspace, read_only=True) as con:
        assert prepared.is_prepared(con, "shop", DEFAULT_RULES)
    unknown = _cli("prepare", "--dataset", "nope", "--workspace", workspace)
    assert unknown.returncode == 2 and "nope" in unknown.stderr


# --- the app -------------------------------------------------------------------------------------------------------


def _prepare_file(path: Path) -> None:
    from segcore.workspace import Workspace

    ws = Workspace(path)
    prepared.prepare(ws.writer, "demo")
    ws.close()


def test_prepared_pages_never_compute_a_tier_table(app_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import run_app

    _prepare_file(app_workspace)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed although prepared")

    monkeypatch.setattr("segcore.engine.tier_table", refuse)
    monkeypatch.setattr("segcore.targets.tier_table", refuse)
    monkeypatch.setattr("segcore.weekly.snapshot_tables", refuse)
    monkeypatch.setattr("segcore.weekly.weekly_kpis", refuse)  # the weekly review's numbers are read
    monkeypatch.setattr("segcore.targets.candidates", refuse)  # the candidate table is read
    for name in ("store_summary", "customer_counts", "monthly_revenue"):
        monkeypatch.setattr(f"segcore.overview.{name}", refuse)  # the Overview's numbers are read
    for name in ("transitions_between_from_cache", "state_sizes_from_cache", "cached_transitions", "movers_from_cache"):
        monkeypatch.setattr(f"segcore.migration.{name}", refuse)  # the Migration page's default view is read
    at = run_app()
    pages = ("overview", "segments", "personas", "forecast", "weekly", "targets", "migration")
    for page in (f"pages/{name}.py" for name in pages):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_a_large_dataset_is_prepared_in_the_background(app_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from segcore.workspace import Workspace
    from tests.helpers import run_app
    from ui import preparing

    monkeypatch.setattr(prepared, "MIN_ORDER_DAYS", 1)
    at = run_app()
    assert not at.exception
    job = preparing.job("demo")
    assert job is not None
    deadline = time.monotonic() + 300
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.5)
    assert job.done and not job.failed
    with Workspace(app_workspace, read_only=True).reader() as con:
        assert prepared.is_prepared(con, "demo", DEFAULT_RULES)
    at.run()
    assert preparing.job("demo") is job  # the same data and rules: not started again
    assert not at.exception


def test_the_progress_line_speaks_the_page_language(app_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from tests.helpers import run_app
    from ui import preparing

    gate = threading.Event()

    def slow_prepare(writer, dataset_id, cfg=None, as_of=None, progress=None):
        assert progress is not None
        progress(0.25, "migration")
        gate.wait(60)
        return prepared.PrepareReport(dataset_id, datetime(2026, 11, 15).date())

    monkeypatch.setattr(prepared, "MIN_ORDER_DAYS", 1)
    monkeypatch.setattr(prepared, "prepare", slow_prepare)
    try:
        run_app("zh")
        job = preparing.job("demo")
        assert job is not None
        deadline = time.monotonic() + 30
        while job.stage != "migration" and time.monotonic() < deadline:
            time.sleep(0.1)
        at = run_app("zh")
        texts = [p.proto.text for p in at.sidebar.get("progress")]  # type: ignore[attr-defined]
        assert texts == ["正在准备各页面：每周分层变化"], texts
    finally:
        gate.set()


def test_prepare_stores_the_default_forecast(shop: duckdb.DuckDBPyConnection) -> None:
    from segcore.forecast import forecast, load_forecast

    assert load_forecast(shop, "shop", AS_OF, 90, 0.1) is None
    prepared.prepare(_writer(shop), "shop")
    stored = load_forecast(shop, "shop", AS_OF, 90, 0.1)
    assert stored is not None
    pd.testing.assert_frame_equal(stored.scores, forecast(shop, "shop", AS_OF).scores, check_dtype=False)
