"""The workspace file: survives restarts, deletes whole datasets, and serves several sessions at once."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from segcore.access import owner
from segcore.campaigns import import_campaign
from segcore.errors import InputError
from segcore.ingest import load_file
from segcore.workspace import Workspace

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

LOADED_AT = datetime(2026, 11, 22, 12, 0)


def _sales_file(folder: Path, name: str, customers: int) -> Path:
    lines = ["customer_id,order_id,order_date,amount"]
    lines += [f"c{i},o{i},2026-01-{1 + i % 28:02d},{10 + i}.50" for i in range(customers)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_datasets_survive_a_restart(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws.duckdb")
    with workspace.writer() as con:
        load_file(con, "shop", _sales_file(tmp_path, "a.csv", 3), "sales", loaded_at=LOADED_AT, access=OWNER)
    workspace.close()
    reopened = Workspace(tmp_path / "ws.duckdb")
    row = reopened.datasets().set_index("dataset_id").loc["shop"]
    assert (row["lines"], row["customers"], row["files"]) == (3, 3, 1)
    reopened.close()


def test_delete_removes_every_trace_of_one_dataset_only(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws.duckdb")
    with workspace.writer() as con:
        load_file(con, "keep", _sales_file(tmp_path, "k.csv", 2), "sales", loaded_at=LOADED_AT, access=OWNER)
        load_file(con, "drop", _sales_file(tmp_path, "d.csv", 4), "sales", loaded_at=LOADED_AT, access=OWNER)
    with workspace.writer() as con:
        for dataset in ("keep", "drop"):
            frame = pd.DataFrame({"customer_id": ["c0", "c1"], "group": ["treatment", "control"]})
            import_campaign(
                con,
                dataset,
                frame,
                name=f"{dataset} sms",
                channel="sms",
                start=date(2026, 1, 1),
                end=date(2026, 1, 31),
                created_at=LOADED_AT,
                access=OWNER,
            )
    workspace.delete_dataset("drop", access=OWNER)
    assert workspace.dataset_ids() == ["keep"]
    with workspace.reader() as con:
        assert con.execute("select count(*) from campaign_members").fetchone() == (2,)
        for table in ("sales", "loads", "rejects", "members", "campaigns"):
            assert con.execute(f"select count(*) from {table} where dataset_id = 'drop'").fetchone() == (0,)
    workspace.close()


def test_concurrent_sessions_write_one_at_a_time_and_read_meanwhile(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws.duckdb")
    files = [_sales_file(tmp_path, f"s{i}.csv", 200 + i) for i in range(6)]
    errors: list[BaseException] = []

    def writer(path: Path) -> None:
        try:
            with workspace.writer() as con:
                load_file(con, "shared", path, "sales", loaded_at=LOADED_AT, access=OWNER)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(20):
                with workspace.reader() as con:
                    con.execute("select count(*) from sales").fetchone()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in files]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    row = workspace.datasets().set_index("dataset_id").loc["shared"]
    assert (row["lines"], row["files"]) == (sum(200 + i for i in range(6)), 6)
    workspace.close()


def test_unknown_workspace_folder_is_created(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "new" / "deeper" / "ws.duckdb")
    assert workspace.dataset_ids() == []
    workspace.close()


def test_busy_error_is_translated() -> None:
    assert InputError("workspace_busy", path="x").message("zh") == "另一个程序正在更新工作区 x 的数据，请稍后再试。"


@pytest.fixture(autouse=True)
def _no_env_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGCORE_WORKSPACE", raising=False)


def test_data_stamp_moves_with_loads_and_deletions_not_with_the_states_cache(tmp_path: Path) -> None:
    from segcore.migration import cached_states

    ws = Workspace(tmp_path / "ws.duckdb")
    empty = ws.data_stamp()
    with ws.writer() as con:
        load_file(con, "shop", _sales_file(tmp_path, "a.csv", 3), "sales", loaded_at=datetime(2026, 1, 1), access=OWNER)
    loaded = ws.data_stamp()
    assert loaded != empty
    with ws.writer() as con:
        cached_states(con, "shop", [date(2026, 1, 31), date(2026, 2, 28)])
        assert con.execute("select count(*) from migration_cache").fetchone()[0] > 0
    assert ws.data_stamp() == loaded  # the cache is not data
    ws.delete_dataset("shop", access=OWNER)
    assert ws.data_stamp() == empty


@pytest.mark.parametrize(("wanted", "used"), [(None, "2GB"), ("512MB", "512MB"), ("lots", "2GB"), ("3 GiB", "3 GiB")])
def test_the_workspace_caps_duckdb_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wanted, used) -> None:
    """2 GB unless $SEGCORE_MEMORY_LIMIT names another amount (a word that is not one is ignored)."""
    import duckdb

    if wanted is None:
        monkeypatch.delenv("SEGCORE_MEMORY_LIMIT", raising=False)
    else:
        monkeypatch.setenv("SEGCORE_MEMORY_LIMIT", wanted)
    setting = "select current_setting('memory_limit')"
    with duckdb.connect(config={"memory_limit": used}) as plain:  # DuckDB's own words for that amount
        expected = plain.execute(setting).fetchall()
    workspace = Workspace(tmp_path / "segcore.duckdb")
    with workspace.writer() as con:
        assert con.execute(setting).fetchall() == expected
    workspace.close()
