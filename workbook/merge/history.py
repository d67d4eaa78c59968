"""What a coordinating office received, kept: a SQLite database beside the consolidated workbook
and an archive folder holding every distinct file once, named by its SHA-256.

A resubmission never overwrites what came before: a file is stored once per distinct content
(its SHA-256), so two versions of one unit's workbook are two files and two rows.  The copy is
named so a person finds it — 「单位-收到日期-短哈希.xlsx」 — while the database, keyed by the
full hash, decides identity; a copy is verified against that hash before it is relied on (a
link or different bytes under its name are replaced by the true copy, never followed).  Every
consolidation records which file versions it summed (``receipts``), so its figures can be traced
to the exact bytes.

The schema is nianbao's own and migrated by it (``PRAGMA user_version``).  One consolidation is
one transaction: a failure leaves the database as it was.  A damaged or locked database ends the
command with one message, before any work is done.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import NianbaoError, with_debug

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
    # the history is read a page at a time, in the order it is listed, and each file's last
    # receipt is found without scanning: a database of millions of rows answers at once
    """
    CREATE INDEX files_listing ON files(unit, first_seen, saved_at, sha256);
    CREATE INDEX receipts_last ON receipts(sha256, consolidation);
    """,
    # a round keeps the unit list's phone column (the board and the call list show it)
    """
    ALTER TABLE round_units ADD COLUMN phone TEXT NOT NULL DEFAULT '';
    """,
    # the coordinator's own office (本级单位): the 填报单位 of the round's consolidated report
    """
    ALTER TABLE rounds ADD COLUMN unit TEXT NOT NULL DEFAULT '';
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
    return with_debug(NianbaoError("history.damaged", file=str(db)), e)


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
    archive: str = ""  # the archived copy's file name (archive_name)


@dataclass(frozen=True)
class Known:
    """A file recorded before this run: where its copy is, when it first came, what the last
    consolidation that saw it decided."""

    archive: str
    first_seen: str
    name: str
    path: str  # where it was found the last time
    status: str
    consolidation: int


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
            (r.sha256, r.size, r.name, r.archive or archive_name(r.sha256, r.name), now(),
             r.saved_at or None,
             r.format, r.year, r.unit, r.unit_code, r.errors, r.warnings,
             r.report, r.findings))

    def report(self, sha256: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT report FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def known(self, sha256: str) -> Known | None:
        """What the database knew of a file before this run (None: never seen)."""
        row = self.con.execute(
            "SELECT f.archive, f.first_seen, f.name, r.path, r.status, r.consolidation"
            " FROM files f LEFT JOIN receipts r ON r.rowid = (SELECT rowid FROM receipts"
            " WHERE sha256 = f.sha256 ORDER BY consolidation DESC LIMIT 1)"
            " WHERE f.sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return None
        return Known(row[0], row[1], row[2], row[3] or "", row[4] or "", row[5] or 0)

    def last_round(self) -> tuple[int | None, str | None]:
        """The year and format of the latest consolidation recorded (None, None: the first)."""
        row = self.con.execute("SELECT year, format FROM consolidations"
                               " WHERE year IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (None, None)

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
        assert cur.lastrowid is not None  # set by the INSERT just run
        cid = int(cur.lastrowid)
        self.con.executemany(
            "INSERT INTO receipts (consolidation, sha256, path, file_time, unit, status, reason)"
            " VALUES (?,?,?,?,?,?,?)", [(cid, *r) for r in receipts])
        return cid


def archive_copy(data: bytes, target: Path, sha256: str | None = None, *,
                 unverified: bool = True) -> None:
    """Keep a copy of the received bytes at ``target``.  A copy already there is relied on only
    when it is a regular file holding exactly these bytes (its hash checked, read without
    following links); a link, a folder's worth of something else or different bytes under the
    name are replaced by the true copy.  ``unverified=False``: the caller has just found that
    no such copy is there (:func:`verified`)."""
    import hashlib

    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    if unverified and verified(target, sha256, len(data)):
        return
    if os.path.islink(target):
        try:  # the link itself goes, never what it points to
            os.unlink(target)
        except OSError as e:
            from ..fileio import os_reason

            raise NianbaoError("file.write_failed", file=str(target), detail=os_reason(e)) from None
    from ..fileio import atomic_write

    atomic_write(target, data)


def verified(target: Path, sha256: str, size: int) -> bool:
    """``target`` is a regular file (not a link) of ``size`` bytes hashing to ``sha256``."""
    import hashlib
    import stat

    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False  # absent, a link (ELOOP), unreadable: write the copy
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != size:
            return False
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest() == sha256
    finally:
        os.close(fd)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")
NAME_CHARS = 40  # of the unit's name in an archive file name (a file name has 255 bytes)


def archive_name(sha256: str, name: str, unit: str = "", received: str = "") -> str:
    """The archived copy's file name: 「单位-收到日期-短哈希.xlsx」 (the unit as the file names it,
    else the file's own name; the date nianbao first received it, UTC ISO), keeping a plain
    suffix so the copy opens in Excel.  Without a unit and date: the hash and the suffix."""
    suffix = Path(name).suffix.lower()
    suffix = suffix if _SUFFIX.match(suffix) else ""
    if not unit and not received:
        return sha256 + suffix
    label = _UNSAFE.sub("_", unit or Path(name).stem).strip(" ._") or "文件"
    day = received[:10].replace("-", "") if received else ""
    return "-".join(p for p in (label[:NAME_CHARS], day, sha256[:12]) if p) + suffix


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


HISTORY_PAGE = 200  # entries ``merge --history`` lists at once


def _open_ro(db: Path) -> sqlite3.Connection:
    if not db.is_file():
        raise NianbaoError("file.missing", file=str(db))
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_TIMEOUT)
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        con.close()
        raise NianbaoError("history.newer", file=str(db), version=version, known=SCHEMA_VERSION)
    if version < 1:
        con.close()
        raise with_debug(NianbaoError("history.damaged", file=str(db)), "user_version 0")
    return con


def history_size(db_path: str | os.PathLike) -> int:
    """How many distinct files the history holds (what :func:`merge_history` pages through)."""
    db = Path(db_path)
    try:
        con = _open_ro(db)
        try:
            return int(con.execute("SELECT COUNT(*) FROM files").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error as e:
        raise _problem(db, e) from None


def merge_history(db_path: str | os.PathLike, *, limit: int | None = None,
                  offset: int = 0) -> list[dict[str, Any]]:
    """What each unit sent and when: one entry per distinct file, by unit then first received,
    with the status it had in the last consolidation that saw it.  ``limit``/``offset`` page
    through it (a database of millions of files answers a page without reading the rest)."""
    db = Path(db_path)
    page = -1 if limit is None else max(0, int(limit))
    try:
        con = _open_ro(db)
        try:
            files = con.execute(
                "SELECT sha256, name, first_seen, saved_at, archive, errors, warnings, unit"
                " FROM files ORDER BY unit, first_seen, saved_at, sha256 LIMIT ? OFFSET ?",
                (page, max(0, int(offset)))).fetchall()
            out = []
            for sha, name, first, saved, archive, errors, warnings, unit in files:
                last = con.execute(
                    "SELECT unit, status, reason, consolidation FROM receipts WHERE sha256 = ?"
                    " ORDER BY consolidation DESC LIMIT 1", (sha,)).fetchone()
                if last is None:
                    continue  # recorded, never part of a consolidation (cannot happen today)
                times = con.execute("SELECT COUNT(DISTINCT consolidation) FROM receipts"
                                    " WHERE sha256 = ?", (sha,)).fetchone()[0]
                out.append({"unit": last[0] or unit, "sha256": sha, "file": name,
                            "received": first, "saved": saved,
                            "archive": str(archive_dir(db) / archive), "status": last[1],
                            "reason": last[2], "consolidation": last[3], "errors": errors,
                            "warnings": warnings, "consolidations": times})
        finally:
            con.close()
    except sqlite3.Error as e:
        raise _problem(db, e) from None
    return out


__all__ = ["recording", "merge_history", "history_size", "History", "Received", "Known",
           "archive_dir", "archive_name", "archive_copy", "verified", "HISTORY_PAGE",
           "SCHEMA_VERSION", "SCHEMA_STEPS"]
