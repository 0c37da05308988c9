"""Reads queries of a SQLite database through ADBC into Arrow IPC files, in its own process.

Run by ``arrow.SqliteReader`` as ``python -m coresponder.analytics.sqlite_worker DATABASE``:
one request a line on standard input (JSON: ``sql`` with ``?`` placeholders, ``params``,
``out``), one answer a line on standard output (``ok``, or ``error: ...``). All the queries of
one extraction run in one read transaction, so its frames are of one state of the database.

It imports neither Django nor Python's ``sqlite3``: the ADBC driver carries its own SQLite,
and two copies of SQLite in one process undo each other's file locks
(https://sqlite.org/howtocorrupt.html, 2.2.1), which a process of its own cannot do.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# SQLite's ADBC driver infers each column's type from its first batch and refuses a later
# value of another type (a column null throughout the first batch, then text). One batch for
# the whole result makes the inference see every row.
BATCH_ROWS = str(2**30)


def serve(database: str, requests: Any, answers: Any) -> None:
    import adbc_driver_sqlite
    import adbc_driver_sqlite.dbapi
    import polars as pl

    option = adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value
    with adbc_driver_sqlite.dbapi.connect(database) as conn:
        for line in requests:
            request = json.loads(line)
            try:
                with conn.cursor() as cursor:
                    cursor.adbc_statement.set_options(**{option: BATCH_ROWS})
                    cursor.execute(request["sql"], tuple(request["params"]))
                    pl.DataFrame(cursor.fetch_arrow()).write_ipc(request["out"])
            except Exception as error:  # noqa: BLE001 - the parent raises it with the query
                answers.write(f"error: {type(error).__name__}: {error}".replace("\n", " ") + "\n")
            else:
                answers.write("ok\n")
            answers.flush()


if __name__ == "__main__":
    serve(sys.argv[1], sys.stdin, sys.stdout)
