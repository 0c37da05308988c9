"""Rows of a query straight into Arrow columns, through ADBC (docs/adr/0008).

Django's cursor hands back one Python tuple per row and one Python object per value; at
millions of calls that is most of the dashboard's time. The ADBC drivers for SQLite and
PostgreSQL read the same SQL (built by the ORM) into Arrow arrays in C, and Polars takes those
arrays without a copy.

The reader opens its own connection, so it sees only committed rows: inside a transaction (a
request that has written, or a test) the rows come through Django's cursor instead, which sees
what the transaction wrote. An in-memory SQLite database has nothing another connection could
open, and a missing driver falls back the same way.

SQLite is read in a child process (``sqlite_worker.py``): the driver links its own copy of
SQLite, and two copies in one process undo each other's POSIX file locks
(https://sqlite.org/howtocorrupt.html, 2.2.1), which corrupts a database another connection is
writing. (A test caught the symptom: a reader that no longer saw new commits.)
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection


class ArrowReader:
    """Reads one query of Django's default database into a Polars frame."""

    def read(self, sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the reader holds (a connection, a child process)."""


class SqliteReader(ArrowReader):
    """SQLite through ADBC in a child process (``sqlite_worker.py``), started once for all the
    queries of one extraction: the driver's own copy of SQLite must not share this process
    with the one Django uses (two copies undo each other's file locks)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.folder = tempfile.TemporaryDirectory(prefix="coresponder-extract-")
        # started in the package's own folder: ``-m`` puts it first on the child's path, so
        # the child imports this package as the parent did, however the parent found it
        source = str(Path(__file__).resolve().parents[2])
        database = str(Path(path).resolve())  # the child starts elsewhere
        self.child = subprocess.Popen(  # noqa: S603 - this package's module, the settings' path
            [sys.executable, "-m", "coresponder.analytics.sqlite_worker", database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=source,
        )
        self.count = 0

    def read(self, sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
        assert self.child.stdin is not None and self.child.stdout is not None
        # Django writes ``%s`` placeholders (and ``%%`` for a literal %); SQLite wants ``?``
        query = sql % tuple("?" * len(params)) if params else sql
        self.count += 1
        out = Path(self.folder.name) / f"{self.count}.arrow"
        request = {"sql": query, "params": [_sqlite_value(v) for v in params], "out": str(out)}
        self.child.stdin.write(json.dumps(request) + "\n")
        self.child.stdin.flush()
        answer = self.child.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"reading through ADBC failed: {answer or 'the reader stopped'}")
        frame = pl.read_ipc(out)
        out.unlink()
        return _shaped(frame, schema)

    def close(self) -> None:
        if self.child.stdin is not None:
            self.child.stdin.close()
        try:
            self.child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()
        if self.child.stdout is not None:
            self.child.stdout.close()
        self.folder.cleanup()


class PostgresReader(ArrowReader):
    """PostgreSQL through ADBC (binary COPY into Arrow), one connection for the session."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.conn: Any = None

    def read(self, sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
        import adbc_driver_postgresql.dbapi
        import psycopg

        # the values are quoted by psycopg, as Django's own cursor would send them, so that the
        # SQL needs no translation of its placeholders or of its parameters' types
        connection.ensure_connection()
        query = psycopg.ClientCursor(connection.connection).mogrify(sql, tuple(params))
        if self.conn is None:
            self.conn = adbc_driver_postgresql.dbapi.connect(self.conninfo)
        with self.conn.cursor() as cursor:
            cursor.execute(query)
            frame = pl.DataFrame(cursor.fetch_arrow())
        self.conn.rollback()  # end the read transaction: the next query sees new commits
        return _shaped(frame, schema)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


_session: ContextVar[ArrowReader | None] = ContextVar("arrow_session", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """Readers for the queries run inside: one ADBC reader (and one SQLite child process) for
    all of them, closed at the end."""
    reader = _new_reader()
    token = _session.set(reader)
    try:
        yield
    finally:
        _session.reset(token)
        if reader is not None:
            reader.close()


def arrow_reader() -> ArrowReader | None:
    """The reader of the current ``reading()``, or None when rows must come through Django's
    cursor: outside one, inside a transaction, an in-memory database, no ADBC driver."""
    if connection.in_atomic_block:
        return None
    return _session.get()


def _new_reader() -> ArrowReader | None:
    if connection.in_atomic_block:
        return None
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if name == ":memory:" or "mode=memory" in name or not _installed("adbc_driver_sqlite"):
            return None
        return SqliteReader(name)
    if connection.vendor == "postgresql" and _installed("adbc_driver_postgresql"):
        return PostgresReader(postgres_conninfo())
    return None


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def postgres_conninfo() -> str:
    """The libpq parameters of Django's own connection (host or socket, port, database, user,
    TLS and other options as the settings give them), with its password."""
    from psycopg.conninfo import make_conninfo

    connection.ensure_connection()
    info = connection.connection.info
    params = info.get_parameters()
    if info.password:
        params["password"] = info.password
    return make_conninfo(**params)


def _sqlite_value(value: Any) -> Any:
    """What Django's SQLite backend would bind: times as its text, booleans as 0/1."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _shaped(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """The columns named as the caller's and of its types (SQLite returns booleans as
    integers, and a column with no value at all as integers too)."""
    if frame.width != len(schema):
        raise ValueError(f"expected {len(schema)} columns, the query returned {frame.width}")
    frame = frame.rename(dict(zip(frame.columns, schema, strict=True)))
    return frame.with_columns(pl.col(name).cast(dtype) for name, dtype in schema.items())
