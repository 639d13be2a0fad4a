"""Sales and members read on Spark: a Parquet or CSV path, or a table, that the cluster can read.

Columns are found by the loader's own mapping (segcore.mapping: the guessed names, completed by --map) and typed
as segcore.ingest types clean values:
- ids: trimmed, `123.0` read as `123`, empty as missing; an id in scientific notation (1.23E+10) is mangled;
- dates: DATE or TIMESTAMP columns, or text Spark casts to a timestamp (ISO: 2024-03-01, 2024-03-01 10:15:00);
- money: numbers, or plain decimal text (88.50), rounded to the cent; else quantity x unit price;
- promo flag: a BOOLEAN, or the loader's words (是/否, yes/no, 1/0, ...); a word it does not know is not promo.

A sales line the loader would reject is left out and counted with the loader's reason (missing_customer_id,
mangled_id, bad_date, implausible_date, bad_amount, future_date). Text the loader reads and this reader does not
(1,234.50, ¥88, 2024/3/1, Excel serial days) is rejected here, never guessed: load such files with `ingest`, or
clean them in the warehouse. A member listed twice is kept twice and counted: the earliest join date counts
(a table has no line order to pick "the first" by).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from segcore.errors import InputError
from segcore.mapping import check_mapping, complete_mapping, guess_mapping
from segcore.sql import FALSE_FLAGS, TRUE_FLAGS

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = ["SPARK_DATASET", "SourceReport", "read_source", "register_members", "register_sales"]

SPARK_DATASET = "spark"  # the dataset id of the views a Spark run registers
_EARLIEST_DAY = date(1990, 1, 1)  # segcore.ingest.EARLIEST_DAY: an earlier date is a placeholder
_CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_SCIENTIFIC = r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$"
_SALES_REASONS = ("missing_customer_id", "mangled_id", "bad_date", "implausible_date", "bad_amount", "future_date")
_MEMBER_REASONS = ("missing_customer_id", "mangled_id")


@dataclass
class SourceReport:
    """What one source gave: lines read and kept, lines left out by reason, and warnings (counts)."""

    kind: str
    source: str
    rows_read: int = 0
    rows_kept: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)


def _quoted(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def read_source(spark: SparkSession, source: str) -> DataFrame:
    """The rows of a CSV file (a path ending in .csv/.txt/.tsv, header row, UTF-8), Parquet (any other path: a
    file or a folder) or a table (a name without a slash). InputError when Spark cannot read it."""
    lowered = source.lower()
    try:
        if lowered.endswith(_CSV_SUFFIXES):
            separator = "\t" if lowered.endswith(".tsv") else ","
            frame = (
                spark.read.option("header", True)
                .option("inferSchema", False)
                .option("multiLine", True)
                .option("encoding", "UTF-8")
                .option("sep", separator)
                .csv(source)
            )
        elif "/" in source or "\\" in source or lowered.endswith(".parquet"):
            frame = spark.read.parquet(source)
        else:
            frame = spark.table(source)
        names = frame.columns
    except Exception as exc:  # Spark's AnalysisException and the gRPC errors: one line naming the source
        message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise InputError("spark_source_unreadable", source=source, reason=message) from exc
    cleaned = [name.lstrip("\ufeff").strip() for name in names]  # a CSV's byte-order mark stays in its first header
    return frame.toDF(*cleaned) if cleaned != names else frame


def _mapping(frame: DataFrame, kind: str, explicit: dict[str, str] | None) -> dict[str, str]:
    headers = frame.columns
    mapping = complete_mapping(explicit, headers, kind) if explicit else guess_mapping(headers, kind)
    check_mapping(mapping, headers, kind)
    return mapping


def _type_name(frame: DataFrame, column: str) -> str:
    return str(frame.schema[column].dataType.simpleString())


def _text(column: Column) -> Column:
    from pyspark.sql import functions as F

    trimmed = F.trim(column.cast("string"))
    return F.when(trimmed != "", trimmed)


def _customer_id(column: Column) -> Column:
    from pyspark.sql import functions as F

    text = _text(column)
    return F.when(text.rlike(r"^\d+\.0+$"), F.regexp_extract(text, r"^(\d+)\.0+$", 1)).otherwise(text)


def _day(frame: DataFrame, name: str) -> Column:
    from pyspark.sql import functions as F

    if _type_name(frame, name) in ("date", "timestamp", "timestamp_ntz"):
        return F.to_date(_quoted(name))
    return _text(_quoted(name)).try_cast("timestamp").cast("date")


def _number(frame: DataFrame, name: str) -> Column:
    """A decimal(18, 4) like the loader's plain-number path (numbers as they are, text only when plain)."""
    kind = _type_name(frame, name)
    if kind.startswith(("decimal", "int", "bigint", "smallint", "tinyint", "double", "float")):
        return _quoted(name).try_cast("decimal(18,4)")
    return _text(_quoted(name)).try_cast("decimal(18,4)")


def _flag(frame: DataFrame, name: str) -> Column:
    """True / False / NULL for a value that is there but not a known word (the loader's seg_flag)."""
    from pyspark.sql import functions as F

    if _type_name(frame, name) == "boolean":
        return F.coalesce(_quoted(name), F.lit(False))
    word = F.lower(F.trim(_quoted(name).cast("string")))
    return (
        F.when(word.isin(list(TRUE_FLAGS)), True)
        .when(word.isNull() | (word == "") | word.isin(list(FALSE_FLAGS)), False)
        .otherwise(F.lit(None).cast("boolean"))
    )


def _reason(checks: list[tuple[str, Column]]) -> Column:
    from pyspark.sql import functions as F

    reason = F.lit(None).cast("string")
    for name, failed in reversed(checks):
        reason = F.when(failed, F.lit(name)).otherwise(reason)
    return reason


def _counted(frame: DataFrame, report: SourceReport, warnings: tuple[str, ...]) -> None:
    from pyspark.sql import functions as F

    rows = frame.groupBy("reject_reason").agg(
        F.count(F.lit(1)).alias("n"), *(F.sum(F.col(f"w_{w}").cast("long")).alias(w) for w in warnings)
    )
    for row in rows.collect():
        n = int(row["n"])
        report.rows_read += n
        if row["reject_reason"] is None:
            report.rows_kept = n
            report.warnings = {w: int(row[w] or 0) for w in warnings if row[w]}
        else:
            report.rejects_by_reason[str(row["reject_reason"])] = n
    report.rejects_by_reason = {r: report.rejects_by_reason[r] for r in sorted(report.rejects_by_reason)}


def register_sales(
    spark: SparkSession, source: str, explicit: dict[str, str] | None, today: date
) -> tuple[SourceReport, bool]:
    """Read, map and type the sales lines and keep the loader's lines as the cached temp view `sales`; the report
    and whether the lines carry a promo flag."""
    from pyspark.sql import functions as F

    frame = read_source(spark, source)
    mapping = _mapping(frame, "sales", explicit)
    raw_id = _text(_quoted(mapping["customer_id"]))
    if "amount" in mapping:
        amount = F.round(_number(frame, mapping["amount"]), 2).cast("decimal(18,2)")
    else:
        product = _number(frame, mapping["quantity"]) * _number(frame, mapping["unit_price"])
        amount = F.round(product, 2).cast("decimal(18,2)")
    has_promo = "is_promo" in mapping
    flag = _flag(frame, mapping["is_promo"]) if has_promo else F.lit(None).cast("boolean")
    typed = frame.select(
        _customer_id(_quoted(mapping["customer_id"])).alias("customer_id"),
        raw_id.rlike(_SCIENTIFIC).alias("mangled_id"),
        (_text(_quoted(mapping["order_id"])) if "order_id" in mapping else F.lit(None).cast("string")).alias(
            "order_id"
        ),
        _day(frame, mapping["order_date"]).alias("order_date"),
        amount.alias("amount"),
        flag.alias("flag"),
    )
    checks = [
        ("missing_customer_id", F.col("customer_id").isNull()),
        ("mangled_id", F.coalesce(F.col("mangled_id"), F.lit(False))),
        ("bad_date", F.col("order_date").isNull()),
        ("implausible_date", F.col("order_date") < F.lit(_EARLIEST_DAY)),
        ("bad_amount", F.col("amount").isNull()),
        ("future_date", F.col("order_date") > F.lit(today)),
    ]
    checked = typed.select(
        "*",
        _reason(checks).alias("reject_reason"),
        (F.lit(has_promo) & F.col("flag").isNull()).alias("w_promo_unrecognised"),
    )
    report = SourceReport("sales", source)
    _counted(checked, report, ("promo_unrecognised",))
    promo = F.coalesce(F.col("flag"), F.lit(False)) if has_promo else F.lit(None).cast("boolean")
    kept = checked.where(F.col("reject_reason").isNull()).select(
        F.lit(SPARK_DATASET).alias("dataset_id"),
        "customer_id",
        "order_id",
        "order_date",
        "amount",
        promo.alias("is_promo"),
    )
    kept.persist().createOrReplaceTempView("sales")
    return report, has_promo and report.rows_kept > 0


def register_members(
    spark: SparkSession, sources: list[str], explicit: dict[str, str] | None, today: date
) -> list[SourceReport]:
    """Read, map and type the members files (none: an empty view) as the cached temp view `members`."""
    from pyspark.sql import functions as F

    views: list[DataFrame] = []
    reports = []
    for source in sources:
        frame = read_source(spark, source)
        mapping = _mapping(frame, "members", explicit)
        join_date = _day(frame, mapping["join_date"]) if "join_date" in mapping else F.lit(None).cast("date")
        typed = frame.select(
            _customer_id(_quoted(mapping["customer_id"])).alias("customer_id"),
            _text(_quoted(mapping["customer_id"])).rlike(_SCIENTIFIC).alias("mangled_id"),
            F.when(join_date >= F.lit(_EARLIEST_DAY), join_date).alias("join_date"),
            (join_date < F.lit(_EARLIEST_DAY)).alias("w_implausible_join_date"),
            (join_date > F.lit(today)).alias("w_future_join_date"),
        )
        checks = [
            ("missing_customer_id", F.col("customer_id").isNull()),
            ("mangled_id", F.coalesce(F.col("mangled_id"), F.lit(False))),
        ]
        checked = typed.select("*", _reason(checks).alias("reject_reason"))
        report = SourceReport("members", source)
        _counted(checked, report, ("implausible_join_date", "future_join_date"))
        reports.append(report)
        views.append(
            checked.where(F.col("reject_reason").isNull()).select(
                F.lit(SPARK_DATASET).alias("dataset_id"), "customer_id", "join_date"
            )
        )
    members = _union(spark, views)
    duplicates = members.groupBy("customer_id").count().where(F.col("count") > 1).agg(F.sum(F.col("count") - 1))
    repeated = duplicates.collect()[0][0] if views else 0
    if repeated and reports:
        reports[-1].warnings["duplicate_member"] = int(repeated)
    members.persist().createOrReplaceTempView("members")
    return reports


def _union(spark: SparkSession, views: list[DataFrame]) -> DataFrame:
    if not views:
        return spark.sql(
            "select cast(null as string) as dataset_id, cast(null as string) as customer_id,"
            " cast(null as date) as join_date where false"
        )
    out = views[0]
    for view in views[1:]:
        out = out.unionByName(view)
    return out
