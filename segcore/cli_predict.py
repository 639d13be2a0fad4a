"""The `predict` command: every customer's P(alive), expected purchases, spend per purchase and CLV as of a date.

One row per customer with a purchase on or before --as-of; the first columns are exactly customer_id, x, t_x, T,
m_x, p_alive, expected_purchases, expected_spend, clv (segcore.forecast). --params-out writes the fit as JSON.
Every warning of the guardrails and the holdout check is printed to stderr. Refused before any file is written
(exit 2, one line): a horizon outside 1..3650 days, a discount rate outside 0..1, an --out that is not .csv,
.parquet or .xlsx, a --params-out that is not .json, or an output that names an input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segcore import fmt
from segcore.catalog import text
from segcore.cli_common import (
    add_data_args,
    check_out_suffix,
    cli_lang,
    data_connection,
    input_files,
    record_cli_export,
    resolve_as_of,
    write_table,
)
from segcore.cli_spark import add_engine_args, spark_as_of, spark_data, uses_spark
from segcore.cli_targets import check_out_paths
from segcore.errors import InputError
from segcore.export_log import Exported

if TYPE_CHECKING:
    from segcore.forecast import Forecast

__all__ = ["add_predict_command"]


def add_predict_command(sub: Any) -> None:
    """Add the `predict` sub-command to the CLI's sub-parsers. Its defaults are filled in when it runs: the
    forecast package (scipy) is imported then, not by every command's start (0.4-1 s)."""
    command = sub.add_parser("predict", help="P(alive), expected purchases and CLV per customer (BG/NBD, Gamma-Gamma)")
    add_data_args(command)
    command.add_argument("--as-of", required=True, help="YYYY-MM-DD: the models see the purchases up to this day")
    command.add_argument("--horizon-days", type=int, help="days ahead (default 90)")
    command.add_argument("--annual-discount", type=float, help="CLV's yearly discount rate (default 0.1)")
    command.add_argument("--out", required=True, help="output file: .csv, .parquet or .xlsx")
    command.add_argument("--params-out", help="the fitted parameters and warnings as .json")
    add_engine_args(command)
    command.set_defaults(run=_cmd_predict)


def _check_params_out(path: str | None) -> None:
    if path is not None and Path(path).suffix.lower() != ".json":
        raise InputError("bad_params_out", path=path)


def _cmd_predict(args: argparse.Namespace) -> int:
    from segcore.forecast import DEFAULT_DISCOUNT, DEFAULT_HORIZON_DAYS, check_settings, forecast
    from segcore.forecast.guardrails import describe

    if args.horizon_days is None:
        args.horizon_days = DEFAULT_HORIZON_DAYS
    if args.annual_discount is None:
        args.annual_discount = DEFAULT_DISCOUNT
    check_settings(args.horizon_days, args.annual_discount)
    check_out_suffix(args.out)
    _check_params_out(args.params_out)
    check_out_paths(args.out, args.params_out, input_files(args))
    if uses_spark(args):
        result = _spark_forecast(args)
        as_of = result.as_of
    else:
        with data_connection(args) as (con, dataset_id):
            as_of = resolve_as_of(con, dataset_id, args.as_of)
            result = forecast(con, dataset_id, as_of, args.horizon_days, args.annual_discount)
        exported = Exported("predictions", dataset_id, as_of.isoformat(), Path(args.out).name, len(result.scores))
        record_cli_export(args, exported)
    write_table(result.scores, args.out)
    if args.params_out:
        settings = {
            "as_of": as_of.isoformat(),
            "horizon_days": args.horizon_days,
            "annual_discount": args.annual_discount,
        }
        document = {**result.fit, **settings, "accuracy": _accuracy_summary(result.accuracy)}
        Path(args.params_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.params_out).write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    lang = cli_lang()
    for warning in result.warnings:
        print(text("cli.predict_warning", lang, message=describe(warning, lang)), file=sys.stderr)
    n = fmt.count(len(result.scores), lang)
    print(
        text(
            "cli.predict_done",
            lang,
            n=n,
            day=as_of.isoformat(),
            days=args.horizon_days,
            rows=len(result.scores),
            out=args.out,
        )
    )
    return 0


def _spark_forecast(args: argparse.Namespace) -> Forecast:
    """The summary computed on Spark, the models fitted here on its rows; no holdout check (it reads the
    occasions week by week, which the DuckDB engine does)."""
    from segcore.forecast import forecast_from_summary
    from segcore.spark.engine import spark_summary

    with spark_data(args) as data:
        as_of = spark_as_of(data, args.as_of)
        frame = spark_summary(data, as_of)
    print(text("cli.spark_no_holdout", cli_lang()), file=sys.stderr)
    return forecast_from_summary(frame, as_of, args.horizon_days, args.annual_discount)


def _accuracy_summary(accuracy: dict[str, Any] | None) -> dict[str, Any] | None:
    """The holdout check's totals (its weekly and per-frequency rows stay out of the parameters file)."""
    if accuracy is None:
        return None
    keep = ("calibration_end", "holdout_end", "holdout_days", "actual_total", "predicted_total", "error")
    return {key: accuracy[key] for key in keep}
