"""What a coordinating office received, kept: a SQLite database beside the consolidated workbook
and an archive folder holding every distinct file once, named by its SHA-256.

A resubmission never overwrites what came before: a file is stored under its hash, so two
versions of one unit's workbook are two files and two rows.  Every consolidation records which
file versions it summed (``receipts``), so its figures can be traced to the exact bytes.

The schema is nianbao's own and migrated by it (``PRAGMA user_version``).  One consolidation is
one transaction: a failure leaves the database as it was.  A damaged or locked database ends the
command with one message, before any work is done.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import NianbaoError

# each entry migrates the schema from version i to i + 1; a new one is appended, never edited
SCHEMA_STEPS: tuple[str, ...] = (
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        name TEXT NOT NULL,            -- the file name it first arrived under
        archive TEXT NOT NULL,         -- path of the copy, relative to the database's folder
        first_seen TEXT NOT NULL,      -- when nianbao first received it (UTC, ISO 8601)
        saved_at TEXT,                 -- when it was last saved (the workbook's own stamp)
        format TEXT, year INTEGER, unit TEXT, unit_code TEXT,
        errors INTEGER, warnings INTEGER,
        report TEXT,                   -- Report.to_dict() as JSON; NULL when unreadable
        findings TEXT NOT NULL         -- Findings.to_dict() as JSON
    );
    CREATE TABLE consolidations (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        output TEXT NOT NULL,
        format TEXT, year INTEGER,
        units_list TEXT,
        include_invalid INTEGER NOT NULL,
        merged INTEGER NOT NULL, rejected INTEGER NOT NULL, missing INTEGER NOT NULL,
        totals TEXT NOT NULL           -- the consolidated Report.to_dict() as JSON
    );
    CREATE TABLE receipts (
        consolidation INTEGER NOT NULL REFERENCES consolidations(id),
        sha256 TEXT NOT NULL REFERENCES files(sha256),
        path TEXT NOT NULL,
        file_time TEXT,                -- the file's modification time where it was found
        unit TEXT,
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX receipts_unit ON receipts(unit);
    CREATE INDEX receipts_sha ON receipts(sha256);
    """,
    # collection rounds (nianbao.merge.rounds): what a coordinator opened, whom it asked, what
    # each unit sent through its private link, and the hashed credentials of the web door
    """
    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        year INTEGER NOT NULL,         -- as the coordinator set it, never read from the files
        format TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        units_file TEXT NOT NULL DEFAULT ''   -- the unit list's name as sent (shown only)
    );
    CREATE TABLE round_units (
        id INTEGER PRIMARY KEY,
        round INTEGER NOT NULL REFERENCES rounds(id),
        position INTEGER NOT NULL,     -- the row of the unit list
        name TEXT NOT NULL, code TEXT NOT NULL DEFAULT '', parent TEXT NOT NULL DEFAULT '',
        contact TEXT NOT NULL DEFAULT '',
        link_hash TEXT UNIQUE,         -- SHA-256 of the upload link's token; NULL: revoked
        link_issued TEXT
    );
    CREATE INDEX round_units_round ON round_units(round);
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        round INTEGER NOT NULL REFERENCES rounds(id),
        unit INTEGER NOT NULL REFERENCES round_units(id),
        sha256 TEXT NOT NULL REFERENCES files(sha256),
        name TEXT NOT NULL,            -- the file name the sender gave (shown, never a path)
        received TEXT NOT NULL,        -- UTC, ISO 8601
        accepted INTEGER NOT NULL,     -- 0: refused at the door (another unit's, year, format)
        reason TEXT NOT NULL DEFAULT '',
        examined TEXT NOT NULL         -- the file's Examined record as JSON
    );
    CREATE INDEX submissions_round ON submissions(round, unit);
    CREATE TABLE credentials (
        hash TEXT PRIMARY KEY,         -- SHA-256 of the token: the token itself is never kept
        kind TEXT NOT NULL,            -- "coordinator" or "session"
        created TEXT NOT NULL,
        expires TEXT                   -- NULL: until replaced
    );
    """,
)
SCHEMA_VERSION = len(SCHEMA_STEPS)
LOCK_TIMEOUT = 5.0  # seconds to wait for another nianbao writing the same database


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def archive_dir(db_path: str | os.PathLike) -> Path:
    """The archive folder beside the database: 汇总.db → 汇总-存档/."""
    from ..messages import say

    p = Path(db_path)
    return p.with_name(say("history.archive_dir", stem=p.stem))


def _problem(db: Path, e: sqlite3.Error) -> NianbaoError:
    text = str(e).lower()
    if "locked" in text or "busy" in text:
        return NianbaoError("history.locked", file=str(db))
    return NianbaoError("history.damaged", file=str(db), detail=e)


def _migrate(con: sqlite3.Connection, db: Path) -> None:
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NianbaoError("history.newer", file=str(db), version=version, known=SCHEMA_VERSION)
    for i in range(version, SCHEMA_VERSION):
        # the version is written in the same transaction as the schema it describes
        con.executescript(f"BEGIN; {SCHEMA_STEPS[i]} PRAGMA user_version = {i + 1}; COMMIT;")


@dataclass(frozen=True)
class Received:
    """One file as recorded (see the ``files`` table)."""

    sha256: str
    size: int
    name: str
    saved_at: str
    format: str | None
    year: int | None
    unit: str
    unit_code: str
    errors: int
    warnings: int
    report: str | None  # Report.to_dict() as JSON (made in the worker that read the file)
    findings: str  # Findings.to_dict() as JSON


class History:
    """An open history database in one write transaction (see :func:`recording`)."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self.con, self.path = con, path

    def add_file(self, r: Received) -> None:
        """Record a file the first time it is seen; a file seen before keeps its first record."""
        self.con.execute(
            "INSERT OR IGNORE INTO files (sha256, size, name, archive, first_seen, saved_at, format,"
            " year, unit, unit_code, errors, warnings, report, findings)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (r.sha256, r.size, r.name, archive_name(r.sha256, r.name), now(), r.saved_at or None,
             r.format, r.year, r.unit, r.unit_code, r.errors, r.warnings,
             r.report, r.findings))

    def report(self, sha256: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT report FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def first_seen(self, sha256: str) -> str:
        row = self.con.execute("SELECT first_seen FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else ""

    def add_consolidation(self, *, output: str, format: str | None, year: int | None,
                          units_list: str | None, include_invalid: bool, merged: int,
                          rejected: int, missing: int, totals: dict[str, Any],
                          receipts: list[tuple[str, str, str, str, str, str]]) -> int:
        """Record one consolidation and every file it saw: receipts are (sha256, path,
        file_time, unit, status, reason)."""
        cur = self.con.execute(
            "INSERT INTO consolidations (created_at, output, format, year, units_list,"
            " include_invalid, merged, rejected, missing, totals) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (now(), output, format, year, units_list, int(include_invalid), merged, rejected,
             missing, json.dumps(totals, ensure_ascii=False)))
        cid = int(cur.lastrowid)
        self.con.executemany(
            "INSERT INTO receipts (consolidation, sha256, path, file_time, unit, status, reason)"
            " VALUES (?,?,?,?,?,?,?)", [(cid, *r) for r in receipts])
        return cid


def archive_copy(data: bytes, target: Path) -> None:
    """Keep a copy of the received bytes; an existing copy is the same bytes (same hash)."""
    if target.exists():
        return
    from ..fileio import atomic_path

    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def archive_name(sha256: str, name: str) -> str:
    """The archived copy's name: the hash, keeping the file's suffix so it opens in Excel."""
    return sha256 + Path(name).suffix.lower()


def _connect(db: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are ours (BEGIN IMMEDIATE … COMMIT), not the module's
    return sqlite3.connect(db, timeout=LOCK_TIMEOUT, isolation_level=None)


@contextmanager
def recording(db_path: str | os.PathLike) -> Iterator[History]:
    """Open (creating or migrating) the database and hold its write lock for one transaction,
    committed when the block ends normally, rolled back otherwise."""
    db = Path(db_path)
    db.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(db)
    try:
        try:
            _migrate(con, db)
            con.execute("BEGIN IMMEDIATE")  # the lock now, not after an hour of reading
        except sqlite3.Error as e:
            raise _problem(db, e) from None
        try:
            yield History(con, db)
            con.execute("COMMIT")
        except BaseException as e:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                raise _problem(db, e) from None
            raise
    finally:
        con.close()


def merge_history(db_path: str | os.PathLike) -> list[dict[str, Any]]:
    """What each unit sent and when: one entry per unit and distinct file, oldest first, with
    the status it had in the last consolidation that saw it."""
    db = Path(db_path)
    if not db.is_file():
        raise NianbaoError("file.missing", file=str(db))
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_TIMEOUT)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise NianbaoError("history.newer", file=str(db), version=version,
                                   known=SCHEMA_VERSION)
            if version < 1:
                raise NianbaoError("history.damaged", file=str(db), detail="user_version 0")
            rows = con.execute(
                """
                SELECT r.unit, f.sha256, f.name, f.first_seen, f.saved_at, f.archive,
                       r.status, r.reason, r.consolidation, f.errors, f.warnings,
                       (SELECT COUNT(DISTINCT consolidation) FROM receipts x
                        WHERE x.sha256 = f.sha256) AS times
                FROM files f JOIN receipts r ON r.sha256 = f.sha256
                WHERE r.consolidation = (SELECT MAX(consolidation) FROM receipts y
                                         WHERE y.sha256 = f.sha256)
                GROUP BY r.unit, f.sha256
                ORDER BY r.unit, f.first_seen, f.saved_at, f.sha256
                """).fetchall()
        finally:
            con.close()
    except sqlite3.Error as e:
        raise _problem(db, e) from None
    keys = ("unit", "sha256", "file", "received", "saved", "archive", "status", "reason",
            "consolidation", "errors", "warnings", "consolidations")
    out = [dict(zip(keys, r)) for r in rows]
    for entry in out:
        entry["archive"] = str(archive_dir(db) / entry["archive"])
    return out


__all__ = ["recording", "merge_history", "History", "Received", "archive_dir", "archive_name",
           "archive_copy",
           "SCHEMA_VERSION", "SCHEMA_STEPS"]
