"""The extracted frames of one agency and window, kept on disk as Parquet (docs/adr/0008).

Extraction reads every call of a year and more (millions of rows) and is most of a cold
dashboard's time; the catalogue reads columns. So the frames ``extract`` builds are written
once, as one Parquet file per source, and read back by every later computation of the same
data: another period of the same year, another team or district, the analyst's suppressed
view, a restarted server, a cache entry that expired.

A snapshot belongs to one **data version** (``services.data_version``): any new or changed
row makes a new version, and the first computation after it extracts afresh and writes a new
snapshot; the snapshots of older versions of the agency are removed then. Snapshots are only
read and written outside a transaction, where the rows are committed (inside one, the rows
the transaction wrote may yet be rolled back). A snapshot that cannot be read is ignored and
extraction runs instead.

They live under ``$COREPONDER_DATA_DIR/analytics/`` (a private directory, like the database
and keys beside it): call times, modes, districts, location keys and person ids, never
narratives or names.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection

from coresponder.analytics.metrics.frames import Frames
from coresponder.core.env import ensure_private_dir

# Bump when extract.py changes what a frame holds: snapshots of another format are not read.
FORMAT = 1
SOURCES = ("calls", "units", "encounters", "tasks", "referrals", "people")
DONE = "complete"
STALE_WRITING_SECONDS = 3600


def root() -> Path:
    return Path(settings.DATA_DIR) / "analytics"


def usable() -> bool:
    """Snapshots only hold committed rows: none is read or written inside a transaction."""
    return not connection.in_atomic_block


def path_for(agency_id: int, lo: datetime, hi: datetime, version: str) -> Path:
    window = f"{lo:%Y%m%dT%H%M%S}-{hi:%Y%m%dT%H%M%S}"
    return root() / f"agency-{agency_id}" / f"v{FORMAT}-{version}-{window}"


def frames_for(
    agency_id: int, lo: datetime, hi: datetime, version: str, build: Callable[[], Frames]
) -> Frames:
    """The snapshot's frames if there is one for this version and window; else ``build()``'s,
    written as the snapshot (and older versions of the agency removed)."""
    if not version or not usable():
        return build()
    where = path_for(agency_id, lo, hi, version)
    found = read(where)
    if found is not None:
        return found
    frames = build()
    write(where, frames)
    prune(where.parent, keep=version)
    return frames


def read(where: Path) -> Frames | None:
    if not (where / DONE).exists():
        return None
    try:
        parts = {
            name: pl.read_parquet(file) if (file := where / f"{name}.parquet").exists() else None
            for name in SOURCES
        }
    except (OSError, pl.exceptions.PolarsError):
        return None  # removed while read, or damaged: extract instead
    return frames_of(parts)


def frames_of(parts: Mapping[str, pl.DataFrame | None]) -> Frames:
    return Frames(
        calls=parts["calls"],
        units=parts["units"],
        encounters=parts["encounters"],
        tasks=parts["tasks"],
        referrals=parts["referrals"],
        people=parts["people"],
    )


def write(where: Path, frames: Frames) -> None:
    """Write into a temporary directory, then rename it into place: a reader sees a whole
    snapshot or none."""
    ensure_private_dir(root())
    where.parent.mkdir(mode=0o700, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=where.parent))
    try:
        for name in SOURCES:
            frame = frames.get(name)
            if frame is not None:
                frame.write_parquet(
                    staging / f"{name}.parquet", compression="lz4", statistics=False
                )
        (staging / DONE).touch()
        os.rename(staging, where)
    except OSError:
        # another process wrote the same snapshot first, or the disk is full: the frames in
        # hand are still right, only not kept
        shutil.rmtree(staging, ignore_errors=True)


def prune(agency_dir: Path, *, keep: str) -> None:
    """Remove the agency's snapshots of other versions (and other formats)."""
    for entry in agency_dir.iterdir():
        if entry.name.startswith(".writing-"):
            # another process's snapshot in the making, unless left by a crash long ago
            if time.time() - entry.stat().st_mtime < STALE_WRITING_SECONDS:
                continue
        if not entry.name.startswith(f"v{FORMAT}-{keep}-"):
            shutil.rmtree(entry, ignore_errors=True)
