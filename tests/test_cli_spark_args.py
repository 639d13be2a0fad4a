"""--engine spark's arguments are checked before any Spark is started: one line and exit 2 (no Spark needed)."""

from __future__ import annotations

import pytest

from segcore.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sales", "s.csv", "--spark-remote", "sc://h:15002"], "--spark-remote is only for --engine spark."),
        (["--engine", "spark", "--dataset", "demo"], "not a workspace --dataset"),
        (["--engine", "spark", "--sales", "a.csv", "--sales", "b.csv"], "takes one --sales"),
        (["--engine", "spark", "--sales", "a.csv", "--spark-remote", "http://h:1"], "is not a Spark Connect address"),
        (["--engine", "spark", "--sales", "a.csv"], "--engine spark needs --spark-remote sc://HOST:PORT"),
    ],
    ids=["remote-without-engine", "dataset", "two-sales", "bad-remote", "no-remote"],
)
def test_spark_arguments_are_refused_with_one_line(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    monkeypatch.setenv("SEGCORE_LANG", "en")
    code = main(["tiers", *argv, "--out", str(tmp_path / "t.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "t.csv").exists()


def test_the_duckdb_engine_never_imports_spark_nor_a_tiers_run_the_forecast_models(tmp_path):
    """Spark's client and the forecast models' scipy (0.4-1 s at start) are imported only by runs that use them."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sales = tmp_path / "s.csv"
    sales.write_text("customer_id,order_date,amount\na,2024-01-02,5.00\n", encoding="utf-8")
    probe = (
        "import sys; from segcore.cli import main; "
        f"code = main(['tiers', '--sales', {str(sales)!r}, '--out', {str(tmp_path / 't.csv')!r}]); "
        "print(code, sorted(m for m in sys.modules "
        "if m.startswith(('pyspark', 'sqlglot', 'segcore.spark', 'scipy', 'segcore.forecast'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=root, timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_a_parquet_tier_table_says_how_it_was_made(tmp_path, monkeypatch):
    import json
    from datetime import datetime

    import pyarrow.parquet as pq

    import segcore.cli as cli

    sales = tmp_path / "s.csv"
    sales.write_text("customer_id,order_date,amount\na,2024-01-02,5.00\nb,2024-01-05,7.50\n", encoding="utf-8")
    out = tmp_path / "tiers.parquet"
    parser = cli.build_parser()
    args = parser.parse_args(["tiers", "--sales", str(sales), "--as-of", "2024-01-05", "--out", str(out)])
    args.started_at = datetime(2024, 2, 1, 9, 30)
    assert args.run(args) == 0
    made = json.loads(pq.read_schema(out).metadata[b"segcore"])
    assert made["what"] == "tiers" and made["as_of"] == "2024-01-05" and made["engine"] == "duckdb"
    assert made["sales"] == [str(sales)] and made["spark_remote"] is None and made["customers"] == 2
    assert made["written_at"] == "2024-02-01T09:30:00" and "rfm_bins = 5" in made["rules"]


def test_a_spark_server_that_does_not_answer_is_one_line_at_once(tmp_path, capsys, monkeypatch):
    import socket
    import time

    monkeypatch.setenv("SEGCORE_LANG", "en")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    remote = f"sc://127.0.0.1:{port}"
    code = main(["tiers", "--engine", "spark", "--spark-remote", remote, "--sales", "s.parquet", "--out", "t.csv"])
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - started < 15
    assert err.startswith(f"error: Spark at sc://127.0.0.1:{port} could not be reached: ") and err.count("\n") == 1
