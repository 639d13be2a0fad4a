"""A Spark session through Spark Connect: a cluster's `sc://HOST:PORT`, or `local` for a server started here."""

from __future__ import annotations

import os
import shutil
import socket
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from segcore.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["LOCAL", "SESSION_CONF", "spark_session"]

LOCAL = "local"

# Set on every session, local or remote: the rules compare money exactly, so a DECIMAL product keeps its scale
# (by default Spark rounds a product wider than 38 digits to 6 decimals), and dates never shift with a time zone.
SESSION_CONF = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.session.timeZone": "UTC",
}

_LOG_CONFIG = Path(__file__).parent / "log4j2.properties"  # errors only: no start-up chatter on the CLI's stderr

# The local server: loopback only, no web UI, shuffles sized for one machine. SPARK_TESTING (set below) makes
# pyspark bind it to a free port, so two runs never clash; it also turns on Spark's plan checks, turned off again.
# The server's memory: $SEGCORE_SPARK_MEMORY (default 3g).
_LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.connect.grpc.binding.address": "127.0.0.1",
    "spark.sql.planChangeValidation": "false",
    "spark.sql.adaptive.enabled": "false",  # the rules' many small joins: 67 s with it, 20 s without (demo store)
    "spark.sql.shuffle.partitions": str(max(2, os.cpu_count() or 2)),
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.extraJavaOptions": "-Dlog4j2.configurationFile=" + _LOG_CONFIG.as_uri(),
    "spark.driver.memory": os.environ.get("SEGCORE_SPARK_MEMORY", "3g"),
}


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(home and (Path(home) / "bin" / "java").is_file()) or shutil.which("java") is not None


def _first_line(exc: BaseException) -> str:
    message = str(exc).strip()
    return (message.splitlines()[0] if message else type(exc).__name__)[:300]


_CONNECT_PORT = 15002  # Spark Connect's default port
_CONNECT_TIMEOUT = 10.0  # seconds: gRPC itself would wait without a word for a server that never answers


def _check_answers(remote: str) -> None:
    """InputError when nothing accepts a connection at the remote's host and port."""
    address = remote.removeprefix("sc://").split("/", 1)[0]
    host, _, port = address.rpartition(":") if ":" in address else (address, "", "")
    try:
        with socket.create_connection((host.strip("[]") or "localhost", int(port or _CONNECT_PORT)), _CONNECT_TIMEOUT):
            return
    except ValueError as exc:
        raise InputError("bad_spark_remote", remote=remote) from exc
    except OSError as exc:
        raise InputError("spark_unreachable", remote=remote, reason=_first_line(exc)) from exc


def spark_session(remote: str) -> SparkSession:
    """A session on `remote`: `sc://HOST:PORT[/;params]`, or `local` / `local[N]` (a Spark Connect server started
    in this process from the pyspark package; needs Java 17). InputError with one reason when it cannot be had."""
    remote = remote.strip()
    if not (remote == LOCAL or remote.startswith(("local[", "sc://"))):
        raise InputError("bad_spark_remote", remote=remote)
    if remote.startswith("sc://"):
        _check_answers(remote)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError("spark_not_installed") from exc
    if remote.startswith(LOCAL):
        if not _java_found():
            raise InputError("spark_no_java")
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ["SPARK_TESTING"] = "1"
        builder = SparkSession.builder.remote("local[*]" if remote == LOCAL else remote)
        for key, value in _LOCAL_CONF.items():
            builder = builder.config(key, value)
    else:
        builder = SparkSession.builder.remote(remote)
    try:
        with warnings.catch_warnings():  # pyspark warns that the server's static settings cannot be set twice
            warnings.simplefilter("ignore")
            spark = builder.getOrCreate()
        for key, value in SESSION_CONF.items():
            spark.conf.set(key, value)
    except Exception as exc:  # grpc, py4j and Spark's own errors: one line naming the server
        raise InputError("spark_unreachable", remote=remote, reason=_first_line(exc)) from exc
    return spark
