"""`datasets` and the ingest report line, read as a person (or a cron job) would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SEGCORE_DEBUG"} | {"SEGCORE_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "segcore", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_an_empty_workspace_says_so(tmp_path: Path) -> None:
    members = tmp_path / "m.csv"
    members.write_text("会员卡号,姓名\nA,张三\n", encoding="utf-8")
    workspace = str(tmp_path / "ws.duckdb")
    bad = _cli("ingest", "--dataset", "x", "--members", str(tmp_path / "missing.csv"), "--workspace", workspace)
    assert bad.returncode == 2
    listed = _cli("datasets", "--workspace", workspace)
    assert (listed.returncode, listed.stdout) == (
        0,
        "The workspace has no dataset yet: load one with `python -m segcore ingest`.\n",
    )


def test_datasets_is_one_tab_separated_row_each_with_whole_counts(tmp_path: Path) -> None:
    sales = tmp_path / "s.csv"
    sales.write_text("会员卡号,消费时间,实收金额\nA,2024-03-05 10:00:00,5\nB,2024-03-06 11:30:00,6\n,2024-03-06,7\n")
    members = tmp_path / "m.csv"
    members.write_text("会员卡号,姓名\nA,张三\n", encoding="utf-8")
    workspace = str(tmp_path / "ws.duckdb")
    loaded = _cli(
        "ingest", "--dataset", "门店", "--sales", str(sales), "--members", str(members), "--workspace", workspace
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[1] == "m.csv: read 1, kept 1, rejected 0 (none); members 1"
    rows = [line.split("\t") for line in _cli("datasets", "--workspace", workspace).stdout.splitlines()]
    assert rows[0] == ["dataset_id", "is_demo", "created_at", "lines", "customers", "members", "first_date",
                       "last_date", "files", "rejected", "last_load", "tier_tables", "tiers_first_as_of",
                       "tiers_last_as_of", "tier_customers", "currency"]  # fmt: skip
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert {k: row[k] for k in ("dataset_id", "lines", "customers", "members", "files", "rejected")} == {
        "dataset_id": "门店", "lines": "2", "customers": "2", "members": "1", "files": "2", "rejected": "1"
    }  # fmt: skip
    assert (row["first_date"], row["last_date"]) == ("2024-03-05 10:00", "2024-03-06 11:30")
    assert row["currency"] == "CNY"  # guessed from the Chinese headers
    assert (row["tier_tables"], row["tiers_first_as_of"], row["tier_customers"]) == ("0", "", "0")
    assert loaded.stdout.splitlines()[2] == "门店: amounts in CNY"
