"""Collection rounds as recorded: the tables :mod:`nianbao.merge.history` keeps for a coordinator
who collects through private upload links (``nianbao serve``), in the same database as the files
received and the consolidations made from them.

Only SQL lives here; what a round *means* — who may send what, what a submission's status is —
is decided in :mod:`nianbao.actions.rounds`.  Writes go through :func:`history.recording` (one
short ``BEGIN IMMEDIATE`` transaction each); reads open their own connection, so that in WAL
mode a coordinator reading the board never waits for a unit's upload, nor the upload for him.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .history import LOCK_TIMEOUT, SCHEMA_VERSION, History, _problem, recording


@dataclass(frozen=True)
class RoundRow:
    id: int
    created_at: str
    year: int
    format: str
    title: str
    units_file: str
    unit: str = ""  # the coordinator's own office (本级单位)


@dataclass(frozen=True)
class UnitEntry:
    id: int
    round: int
    position: int
    name: str
    code: str
    parent: str
    contact: str
    link_hash: str | None
    link_issued: str | None
    phone: str = ""


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    round: int
    unit: int
    sha256: str
    name: str
    received: str
    accepted: bool
    reason: str
    examined: str  # JSON


def _rowid(cur: sqlite3.Cursor) -> int:
    """The id SQLite gave the row just inserted (always set after an INSERT)."""
    assert cur.lastrowid is not None
    return cur.lastrowid


def enable_wal(db: Path) -> None:
    """Create or migrate the database and switch it to write-ahead logging (kept in the file):
    readers never wait for the writer, and several server processes share it."""
    with recording(db):
        pass
    con = sqlite3.connect(db, timeout=LOCK_TIMEOUT)
    try:
        con.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as e:
        raise _problem(db, e) from None
    finally:
        con.close()


@contextmanager
def reading(db: Path) -> Iterator[sqlite3.Connection]:
    """A connection for reading (the schema must be current: the server migrated it)."""
    try:
        con = sqlite3.connect(db, timeout=LOCK_TIMEOUT, isolation_level=None)
    except sqlite3.Error as e:
        raise _problem(db, e) from None
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            con.close()
            enable_wal(db)
            con = sqlite3.connect(db, timeout=LOCK_TIMEOUT, isolation_level=None)
        yield con
    except sqlite3.Error as e:
        raise _problem(db, e) from None
    finally:
        con.close()


# -- credentials -------------------------------------------------------------------------------
def put_credential(h: History, digest: str, kind: str, created: str, expires: str | None,
                   *, only: bool = False) -> None:
    """Record a credential's hash; ``only``: it replaces every other of its kind."""
    if only:
        h.con.execute("DELETE FROM credentials WHERE kind = ?", (kind,))
    h.con.execute("INSERT OR REPLACE INTO credentials (hash, kind, created, expires)"
                  " VALUES (?,?,?,?)", (digest, kind, created, expires))


def credential(db: Path, digest: str, kind: str) -> tuple[str, str | None] | None:
    """(hash, expires) of a credential of ``kind`` with that hash, if any."""
    with reading(db) as con:
        row = con.execute("SELECT hash, expires FROM credentials WHERE hash = ? AND kind = ?",
                          (digest, kind)).fetchone()
    return (row[0], row[1]) if row else None


def has_credential(db: Path, kind: str) -> bool:
    with reading(db) as con:
        return con.execute("SELECT 1 FROM credentials WHERE kind = ? LIMIT 1",
                           (kind,)).fetchone() is not None


def drop_credential(h: History, digest: str) -> None:
    h.con.execute("DELETE FROM credentials WHERE hash = ?", (digest,))


def drop_expired(h: History, now: str) -> None:
    h.con.execute("DELETE FROM credentials WHERE expires IS NOT NULL AND expires < ?", (now,))


# -- rounds and units --------------------------------------------------------------------------
def add_round(h: History, created_at: str, year: int, format_id: str, title: str,
              units_file: str, units: list[tuple[Any, str]], unit: str = ""
              ) -> tuple[int, list[int]]:
    """A round and its units, each ``(Unit, link hash)``; returns the ids."""
    cur = h.con.execute("INSERT INTO rounds (created_at, year, format, title, units_file, unit)"
                        " VALUES (?,?,?,?,?,?)",
                        (created_at, year, format_id, title, units_file, unit))
    rid = _rowid(cur)
    ids = []
    for i, (u, digest) in enumerate(units, start=1):
        cur = h.con.execute(
            "INSERT INTO round_units (round, position, name, code, parent, contact, link_hash,"
            " link_issued, phone) VALUES (?,?,?,?,?,?,?,?,?)",
            (rid, u.row or i, u.name, u.code, u.parent, u.contact, digest, created_at, u.phone))
        ids.append(_rowid(cur))
    return rid, ids


def set_round_unit(h: History, round_id: int, unit: str) -> None:
    h.con.execute("UPDATE rounds SET unit = ? WHERE id = ?", (unit, round_id))


def set_link(h: History, unit_id: int, digest: str | None, when: str) -> None:
    h.con.execute("UPDATE round_units SET link_hash = ?, link_issued = ? WHERE id = ?",
                  (digest, when if digest else None, unit_id))


_ROUND = "id, created_at, year, format, title, units_file, unit"
_UNIT = "id, round, position, name, code, parent, contact, link_hash, link_issued, phone"
_SUB = "id, round, unit, sha256, name, received, accepted, reason, examined"


def all_rounds(db: Path) -> list[tuple[RoundRow, int, int]]:
    """Every round, newest first, with its number of units and of units that sent something."""
    with reading(db) as con:
        rows = con.execute(
            f"SELECT {_ROUND}, (SELECT COUNT(*) FROM round_units u WHERE u.round = r.id),"
            " (SELECT COUNT(DISTINCT unit) FROM submissions s WHERE s.round = r.id)"
            " FROM rounds r ORDER BY id DESC").fetchall()
    return [(RoundRow(*r[:7]), r[7], r[8]) for r in rows]


def get_round(db: Path, round_id: int) -> RoundRow | None:
    with reading(db) as con:
        row = con.execute(f"SELECT {_ROUND} FROM rounds WHERE id = ?", (round_id,)).fetchone()
    return RoundRow(*row) if row else None


def round_units(db: Path, round_id: int) -> list[UnitEntry]:
    with reading(db) as con:
        rows = con.execute(f"SELECT {_UNIT} FROM round_units WHERE round = ? ORDER BY position, id",
                           (round_id,)).fetchall()
    return [UnitEntry(*r) for r in rows]


def unit_by_link(db: Path, digest: str) -> tuple[RoundRow, UnitEntry] | None:
    with reading(db) as con:
        row = con.execute(f"SELECT {_UNIT} FROM round_units WHERE link_hash = ?",
                          (digest,)).fetchone()
        if row is None:
            return None
        unit = UnitEntry(*row)
        r = con.execute(f"SELECT {_ROUND} FROM rounds WHERE id = ?", (unit.round,)).fetchone()
    return RoundRow(*r), unit


# -- submissions -------------------------------------------------------------------------------
def add_submission(h: History, round_id: int, unit_id: int, sha256: str, name: str,
                   received: str, accepted: bool, reason: str, examined: str) -> int:
    cur = h.con.execute(
        "INSERT INTO submissions (round, unit, sha256, name, received, accepted, reason, examined)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (round_id, unit_id, sha256, name, received, int(accepted), reason, examined))
    return _rowid(cur)


def submissions(db: Path, round_id: int, unit_id: int | None = None) -> list[SubmissionRow]:
    """A round's submissions (one unit's when ``unit_id``), oldest first."""
    query = f"SELECT {_SUB} FROM submissions WHERE round = ?"
    args: tuple = (round_id,)
    if unit_id is not None:
        query += " AND unit = ?"
        args = (round_id, unit_id)
    with reading(db) as con:
        rows = con.execute(query + " ORDER BY id", args).fetchall()
    return [SubmissionRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8]) for r in rows]


def file_entry(db: Path, sha256: str) -> tuple[str, str] | None:
    """(archive name, relative to the archive folder; findings JSON) of a received file."""
    with reading(db) as con:
        row = con.execute("SELECT archive, findings FROM files WHERE sha256 = ?",
                          (sha256,)).fetchone()
    return (row[0], row[1]) if row else None


__all__ = ["RoundRow", "UnitEntry", "SubmissionRow", "enable_wal", "reading", "put_credential",
           "credential", "has_credential", "drop_credential", "drop_expired", "add_round",
           "set_round_unit",
           "set_link", "all_rounds", "get_round", "round_units", "unit_by_link",
           "add_submission", "submissions", "file_entry"]
