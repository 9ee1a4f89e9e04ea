"""The job database: one SQLite file in the job directory recording every finished asset.

Assets are keyed by the hash of their inputs (:func:`asset_key`); a row is written
only after its file has been verified and renamed into place, and with
``synchronous=FULL``, so after a kill -9 every recorded asset is really there and
a resumed render skips it. Each render is a row of ``runs``; each asset row names
the run that made it, so "what did this render redo" is one query.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

ASSEMBLY_RATE = "assembly_rate"
"""Setting: wall seconds the last render's audio and stitch took per second of film."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    finished REAL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assets (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    scene_id TEXT,
    provider TEXT NOT NULL,
    path TEXT NOT NULL,
    cost REAL NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    meta TEXT NOT NULL DEFAULT '{}',
    run_id INTEGER NOT NULL REFERENCES runs(id),
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def asset_key(kind: str, inputs: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of an asset's kind and inputs as canonical JSON.

    ``inputs`` should hold everything that changes the asset: its plan slice, the
    provider's name, version and settings, the render settings and the keys of
    the assets it is made from.
    """
    text = json.dumps({"kind": kind, **inputs}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class AssetRow:
    """A recorded asset; ``path`` is relative to the job directory."""

    key: str
    kind: str
    scene_id: str | None
    provider: str
    path: str
    cost: float
    seconds: float
    meta: dict[str, Any]
    run_id: int


def _row(r: tuple[Any, ...]) -> AssetRow:
    return AssetRow(
        key=r[0], kind=r[1], scene_id=r[2], provider=r[3], path=r[4], cost=float(r[5]),
        seconds=float(r[6]), meta=json.loads(r[7]), run_id=int(r[8]),
    )  # fmt: skip


class JobDB:
    """The job directory's database; safe to share between the engine's worker threads."""

    FILENAME = "job.sqlite"

    def __init__(self, job_dir: Path) -> None:
        job_dir.mkdir(parents=True, exist_ok=True)
        self.job_dir = job_dir
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            job_dir / self.FILENAME, check_same_thread=False, isolation_level=None, timeout=30
        )
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(_SCHEMA)
            self._conn.execute(
                "INSERT OR IGNORE INTO settings(name, value) VALUES ('schema', ?)",
                (str(SCHEMA_VERSION),),
            )

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> JobDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_run(self) -> int:
        """Record a new render run; returns its id."""
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO runs(started, status) VALUES (?, 'running')", (time.time(),)
            )
            return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str) -> None:
        """Mark a run ``done``, ``failed`` or ``cancelled``."""
        with self._lock:
            self._conn.execute(
                "UPDATE runs SET finished = ?, status = ? WHERE id = ?",
                (time.time(), status, run_id),
            )

    def get(self, key: str) -> AssetRow | None:
        """The asset recorded under ``key`` whose file still exists, else None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT key, kind, scene_id, provider, path, cost, seconds, meta, run_id"
                " FROM assets WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        asset = _row(row)
        if not (self.job_dir / asset.path).is_file():
            return None
        return asset

    def record(
        self,
        key: str,
        *,
        kind: str,
        scene_id: str | None,
        provider: str,
        path: Path,
        run_id: int,
        cost: float = 0.0,
        seconds: float = 0.0,
        meta: Mapping[str, Any] | None = None,
    ) -> AssetRow:
        """Record a finished asset (its file must already be in place); replaces a stale row."""
        relative = path.relative_to(self.job_dir).as_posix()
        meta_json = json.dumps(dict(meta or {}), sort_keys=True)
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO assets"
                "(key, kind, scene_id, provider, path, cost, seconds, meta, run_id, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, kind, scene_id, provider, relative, cost, seconds, meta_json, run_id,
                 time.time()),
            )  # fmt: skip
        return AssetRow(
            key, kind, scene_id, provider, relative, cost, seconds, dict(meta or {}), run_id
        )

    def rows(self, run_id: int | None = None) -> list[AssetRow]:
        """Every recorded asset (made by ``run_id`` if given), oldest first."""
        query = (
            "SELECT key, kind, scene_id, provider, path, cost, seconds, meta, run_id FROM assets"
        )
        params: tuple[Any, ...] = ()
        if run_id is not None:
            query += " WHERE run_id = ?"
            params = (run_id,)
        with self._lock:
            found = self._conn.execute(query + " ORDER BY created, key", params).fetchall()
        return [_row(r) for r in found]

    def forget_scene(self, scene_id: str, keys: Iterable[str]) -> list[AssetRow]:
        """Delete the rows of one scene's assets and of what was derived from them; the rows.

        Forgotten: the rows under ``keys``, the rows recorded for ``scene_id``, the
        Annex B copies of forgotten clips and the AAC segments of forgotten audio.
        The film's joined audio is marked stale. Files are left to the caller.
        """
        keys = set(keys)
        keys |= {asset_key("annexb", {"clip": key}) for key in list(keys)}
        doomed = [
            row
            for row in self.rows()
            if row.key in keys or row.scene_id == scene_id or row.meta.get("audio") in keys
        ]
        with self._lock:
            self._conn.executemany("DELETE FROM assets WHERE key = ?", [(r.key,) for r in doomed])
        self.set_setting("film_audio", "")
        return doomed

    def setting(self, name: str) -> str | None:
        """A value stored with :meth:`set_setting`, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM settings WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, name: str, value: str) -> None:
        """Store a small named value (e.g. the film's loudness gain)."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO settings(name, value) VALUES (?, ?)", (name, value)
            )
