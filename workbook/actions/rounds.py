"""Collection rounds: a coordinator opens a round (a year, its format, a unit list), each unit
gets a private upload link, every workbook sent through it is archived, checked and decided at
once, and the round is consolidated by ``merge`` from what was received — the web server's
coordinator pages and unit links call these, as a script could.

What a round decides is what ``merge`` decides: each file examined as :func:`nianbao.actions
.merge.examine` examines it, statuses by :func:`nianbao.merge.decide.decide`, against the year
and format the coordinator set (never the majority of the files received), and the board is a
:class:`~nianbao.merge.records.Consolidation` (``merge --json``'s shape).  Only what a link adds
is decided here: a workbook sent through one unit's link that belongs to another unit is refused
at the door (it must never count for the unit it names), as is one of another year or format.

Everything lives in one folder (``--data``): the history database ``nianbao.db`` — the schema
``merge`` keeps, with the round tables of :mod:`nianbao.merge.rounds` — and beside it the
archive ``nianbao-存档/``, every distinct file once under its SHA-256.  A file is archived (one
atomic rename) before its submission is recorded (one transaction), and a submission is answered
only after that: a server killed at any moment leaves no half file and loses no answered one.

Tokens (the coordinator's, a browser session's, each unit's link) are random, kept only as their
SHA-256 and compared in constant time.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Sequence

from ..errors import NianbaoError
from ..merge import rounds as db
from ..merge.feedback import fill_messages, unit_text
from ..merge.decide import decide
from ..merge.history import Received, archive_copy, archive_dir, archive_name, now, recording
from ..merge.records import (REJECTED, STATUSES, SUPERSEDED, UNSENT, Consolidation, Examined,
                             UnitRow, local_time)
from ..merge.units import Unit, units_from
from ..messages import say
from ..text.cjk import unit_key
from .checking import Upload
from .new import format_for

PathLike = str | os.PathLike[str]
DB_NAME = "nianbao.db"
COORDINATOR, SESSION = "coordinator", "session"
SESSION_HOURS = 12
# the suffixes an archived copy may keep (so it opens in its program); anything else is .bin
ARCHIVE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".pdf", ".docx", ".doc", ".html",
                    ".htm", ".txt", ".zip")
UNIT_LIST_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


# -- the folder ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Store:
    """The data folder of a server (or of any door that collects rounds)."""

    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / DB_NAME

    @property
    def archive(self) -> Path:
        return archive_dir(self.db)

    @property
    def outputs(self) -> Path:
        """Where consolidations of rounds are written (one folder per round)."""
        return self.folder / say("round.outputs_dir")


def open_store(folder: PathLike, *, clean: bool = False) -> Store:
    """The data folder, made and migrated when needed.  ``clean`` (once, before any writer
    starts): remove what an interrupted write left in the archive — temporary files are named
    with a leading dot, archived copies never are."""
    store = Store(Path(folder))
    try:
        store.folder.mkdir(parents=True, exist_ok=True)
        store.archive.mkdir(exist_ok=True)
    except OSError as e:
        from ..fileio import os_reason

        raise NianbaoError("file.write_failed", file=str(store.folder),
                           detail=os_reason(e)) from None
    db.enable_wal(store.db)
    if clean:
        for leftover in store.archive.glob(".*"):
            if leftover.is_file():
                leftover.unlink()
    return store


# -- tokens --------------------------------------------------------------------------------------
def new_token() -> str:
    """A token nobody can guess: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is kept of a token: its SHA-256 (a random token needs no slow hash)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _matches(token: str, kind: str, store: Store) -> bool:
    if not token or len(token) > 200:
        return False
    wanted = digest(token)
    found = db.credential(store.db, wanted, kind)
    if found is None:
        return False
    stored, expires = found
    if expires is not None and expires < now():
        return False
    return hmac.compare_digest(stored, wanted)


def coordinator_token(store: Store, given: str | None = None) -> str | None:
    """Make sure the store has a coordinator token.  ``given`` (``NIANBAO_TOKEN``) becomes it;
    otherwise, on first start, a random one is made.  Returns the token when it was made here
    (to be shown once), None when it was given or one exists already."""
    if given:
        if not _matches(given, COORDINATOR, store):
            with recording(store.db) as h:
                db.put_credential(h, digest(given), COORDINATOR, now(), None, only=True)
        return None
    if db.has_credential(store.db, COORDINATOR):
        return None
    token = new_token()
    with recording(store.db) as h:
        db.put_credential(h, digest(token), COORDINATOR, now(), None, only=True)
    return token


def is_coordinator(store: Store, token: str) -> bool:
    """The coordinator's token (constant-time comparison of hashes)."""
    return _matches(token, COORDINATOR, store)


def open_session(store: Store, hours: float = SESSION_HOURS) -> str:
    """A browser session for the coordinator, valid ``hours``; returns its token."""
    token = new_token()
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)).replace(
        microsecond=0).isoformat()
    with recording(store.db) as h:
        db.drop_expired(h, now())
        db.put_credential(h, digest(token), SESSION, now(), expires)
    return token


def is_session(store: Store, token: str) -> bool:
    return _matches(token, SESSION, store)


def close_session(store: Store, token: str) -> None:
    with recording(store.db) as h:
        db.drop_credential(h, digest(token))


# -- opening a round -----------------------------------------------------------------------------
@dataclass
class Round:
    """A round as the coordinator sees it; ``links`` (unit id → token) only when just made or
    re-issued: tokens are not kept."""

    id: int
    year: int
    format: str
    title: str
    created_at: str
    units: list[db.UnitEntry]
    links: dict[int, str] = field(default_factory=dict)
    # the coordinator's own office (本级单位): 填报单位 of the consolidated workbook and report
    unit: str = ""


def read_unit_list(units: PathLike | Upload | Sequence[Unit]) -> list[Unit]:
    """A unit list (the file ``new --units`` takes) from a path, its bytes, or units."""
    if not isinstance(units, Upload):
        return units_from(units)
    suffix = Path(units.name).suffix.lower()
    if suffix not in UNIT_LIST_SUFFIXES:
        raise NianbaoError("round.units_kind", file=units.name,
                           kinds="、".join(UNIT_LIST_SUFFIXES))
    with tempfile.TemporaryDirectory(prefix="nianbao-units-") as tmp:
        path = Path(tmp) / f"units{suffix}"  # our name: the sender's is only shown
        path.write_bytes(units.data)
        try:
            return units_from(path)
        except NianbaoError as e:  # name the file as the coordinator knows it
            raise _renamed(e, units.name) from None


def _renamed(e: NianbaoError, name: str) -> NianbaoError:
    args = dict(e.params)
    if "file" in args:
        args["file"] = name
    out = type(e)(e.code, **args)
    return out


def _one_line(text: str, limit: int = 100) -> str:
    return " ".join(str(text or "").split())[:limit]


def open_round(store: Store, year: int, units: PathLike | Upload | Sequence[Unit], *,
               format_id: str | None = None, title: str = "", unit: str = "") -> Round:
    """Open a collection round for ``year`` (its format: as given, which must be the one the
    year requires, else that one) and the units of a list; one upload link per unit.
    ``unit``: the coordinator's own office (本级单位), 填报单位 of the round's consolidated
    workbook and report (given now or later: :func:`set_round_unit`)."""
    fmt = format_for(year, format_id)
    listed = read_unit_list(units)
    tokens = [new_token() for _ in listed]
    units_file = units.name if isinstance(units, Upload) else (
        Path(units).name if isinstance(units, (str, os.PathLike)) else "")
    with recording(store.db) as h:
        rid, ids = db.add_round(h, now(), year, fmt.id, " ".join(title.split()), units_file,
                                [(u, digest(t)) for u, t in zip(listed, tokens)],
                                _one_line(unit))
    made = get_round(store, rid)
    made.links = dict(zip(ids, tokens))
    return made


def get_round(store: Store, round_id: int) -> Round:
    row = db.get_round(store.db, round_id)
    if row is None:
        raise NianbaoError("round.unknown", id=round_id)
    return Round(row.id, row.year, row.format, row.title, row.created_at,
                 db.round_units(store.db, row.id), unit=row.unit)


def set_round_unit(store: Store, round_id: int, unit: str) -> Round:
    """Set (or correct) the coordinator's own office of a round (本级单位)."""
    get_round(store, round_id)
    with recording(store.db) as h:
        db.set_round_unit(h, round_id, _one_line(unit))
    return get_round(store, round_id)


def list_rounds(store: Store) -> list[dict[str, Any]]:
    """Every round, newest first: id, year, format, title, created, units, heard from."""
    return [{"id": r.id, "year": r.year, "format": r.format, "title": r.title, "unit": r.unit,
             "created_at": local_time(r.created_at), "units": n, "heard_from": heard}
            for r, n, heard in db.all_rounds(store.db)]


def reissue_link(store: Store, round_id: int, unit_id: int) -> str:
    """A new upload link for a unit (the old one stops working); returns its token."""
    unit = _unit(store, round_id, unit_id)
    token = new_token()
    with recording(store.db) as h:
        db.set_link(h, unit.id, digest(token), now())
    return token


def revoke_link(store: Store, round_id: int, unit_id: int) -> None:
    """The unit's link stops working (what it sent stays)."""
    unit = _unit(store, round_id, unit_id)
    with recording(store.db) as h:
        db.set_link(h, unit.id, None, now())


def _unit(store: Store, round_id: int, unit_id: int) -> db.UnitEntry:
    for u in get_round(store, round_id).units:
        if u.id == unit_id:
            return u
    raise NianbaoError("round.unknown_unit", id=unit_id)


def as_unit(entry: db.UnitEntry) -> Unit:
    return Unit(entry.name, entry.code, entry.parent, entry.contact, entry.phone,
                row=entry.position)


def handed_out(store: Store, round_id: int, folder: PathLike, *,
               unit_id: int | None = None) -> list[Path]:
    """The blank workbooks of a round's units (``new --units``; one unit's when ``unit_id``),
    written into ``folder``."""
    from .new import hand_out

    r = get_round(store, round_id)
    units = [as_unit(u) for u in r.units if unit_id is None or u.id == unit_id]
    return hand_out(units, folder, year=r.year, format_id=r.format)


# -- a unit's link -------------------------------------------------------------------------------
@dataclass
class LinkView:
    """What a unit's link shows: its round and itself, nothing of other units."""

    round: Round
    unit: db.UnitEntry
    versions: list[dict[str, Any]]


def by_link(store: Store, token: str) -> LinkView:
    """The round and unit of an upload link; raises ``round.link_unknown`` for a token that is
    not (or no longer) a link."""
    found = db.unit_by_link(store.db, digest(token)) if token and len(token) <= 200 else None
    if found is None or not hmac.compare_digest(found[1].link_hash or "", digest(token)):
        raise NianbaoError("round.link_unknown")
    row, unit = found
    r = Round(row.id, row.year, row.format, row.title, row.created_at, [unit], unit=row.unit)
    return LinkView(r, unit, versions(store, row.id, unit.id))


@dataclass
class Submitted:
    """One workbook received through a link: its check (``check --json``'s object, the file
    named as the sender named it), whether the round took it, and why not."""

    id: int
    sha256: str
    received: str
    accepted: bool
    reason: str
    findings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {**self.findings, "submission": self.id, "sha256": self.sha256,
                "received": local_time(self.received), "accepted": self.accepted,
                "reason": self.reason}


def display_name(name: str) -> str:
    """A sender's file name as shown: its last part (some browsers send a whole Windows path),
    control characters dropped, at most 200 characters; never used as a path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if ch.isprintable())
    return clean[:200] or say("round.unnamed")


def archive_suffix(name: str) -> str:
    suffix = Path(display_name(name)).suffix.lower()
    return suffix if suffix in ARCHIVE_SUFFIXES else ".bin"


def submit(store: Store, token: str, upload: Upload) -> Submitted:
    """Receive a unit's workbook through its link: archive it, check it, decide it against the
    round's year, format and this unit, record it; returns what the unit is shown."""
    from functools import partial

    from ..parallel import isolated_map
    from .merge import examine, examine_failed

    view = by_link(store, token)
    r, unit = view.round, view.unit
    name = display_name(upload.name)
    sha = hashlib.sha256(upload.data).hexdigest()
    path = store.archive / archive_name(sha, "x" + archive_suffix(upload.name))
    archive_copy(upload.data, path)
    # read and checked in a worker process with a time and memory limit, as merge reads each
    # file: a workbook from a stranger that hangs, panics or eats memory ends that worker, not
    # the server; its messages name the file as the unit sent it
    (ex,) = isolated_map(partial(examine, name=name), [str(path)],
                         failed=lambda p, failure: examine_failed(p, failure, name), n=1)
    if ex.fatal:
        raise NianbaoError("merge.fatal", message=ex.fatal)
    findings = json.loads(ex.findings)
    findings["file"] = name
    row = next(x for x in decide([ex], [as_unit(unit)], r.year, r.format, False) if x.sha256)
    accepted = row.status != REJECTED
    reason = row.reason
    if not accepted and ex.unit and reason == say("merge.unlisted", unit=ex.unit):
        reason = say("round.other_unit", unit=ex.unit, expected=unit.name)
    # to the microsecond: two versions a unit sends within one second keep their order on the
    # board (merge orders versions by their save stamps, then by when they came)
    received = dt.datetime.now(dt.timezone.utc).isoformat()
    record = _record(ex, name)
    with recording(store.db) as h:
        h.add_file(Received(ex.sha256, ex.size, name, ex.saved_at, ex.format, ex.year, ex.unit,
                            ex.unit_code, ex.errors, ex.warnings, ex.report,
                            json.dumps(findings, ensure_ascii=False)))
        sid = db.add_submission(h, r.id, unit.id, ex.sha256, name, received, accepted, reason,
                                record)
    return Submitted(sid, ex.sha256, received, accepted, reason, findings)


def _record(ex: Examined, name: str) -> str:
    d = asdict(ex)
    for bulk in ("report", "findings", "data"):  # kept elsewhere (the history, the archive)
        d.pop(bulk, None)
    d["path"] = name
    d["sources"] = sorted(ex.sources)
    d["key"] = list(ex.key)
    return json.dumps(d, ensure_ascii=False, default=str)


def _examined(sub: db.SubmissionRow) -> Examined:
    d = json.loads(sub.examined)
    known = {f.name for f in fields(Examined)}
    d = {k: v for k, v in d.items() if k in known}
    d["sources"] = frozenset(d.get("sources") or ())
    d["key"] = tuple(d.get("key") or ())
    d["issues"] = tuple(tuple(i) for i in d.get("issues") or ())
    ex = Examined(**d)
    ex.path = sub.name
    when = dt.datetime.fromisoformat(sub.received)
    ex.file_time = when.timestamp()  # what merge shows as 收到时间: here, when it was received
    return ex


def versions(store: Store, round_id: int, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Every version sent (one unit's, or the round's), oldest first: file name as sent, time
    received, SHA-256, errors and warnings, whether the round took it and why not."""
    out = []
    for s in db.submissions(store.db, round_id, unit_id):
        ex = json.loads(s.examined)
        out.append({"submission": s.id, "unit_id": s.unit, "file": s.name, "sha256": s.sha256,
                    "received": local_time(s.received), "accepted": s.accepted,
                    "reason": s.reason, "errors": ex.get("errors", 0),
                    "warnings": ex.get("warnings", 0)})
    return out


def findings_of(store: Store, sha256: str) -> dict[str, Any] | None:
    """The check of a received file (``check --json``'s object), as recorded."""
    entry = db.file_entry(store.db, sha256)
    return json.loads(entry[1]) if entry else None


def archived(store: Store, round_id: int, sha256: str, unit_id: int | None = None
             ) -> tuple[bytes, str]:
    """The bytes and suffix of a file received in a round (by one unit, when ``unit_id``): read
    from the path the history recorded, under the archive folder (never a name from outside),
    and served or consolidated only when they still hash to what was received — a copy changed
    on the disk since is refused (``round.archive_changed``), as ``merge`` replaces one."""
    import hashlib

    from ..fileio import read_input
    from .merge import MAX_INPUT

    if not any(s.sha256 == sha256 for s in db.submissions(store.db, round_id, unit_id)):
        raise NianbaoError("round.no_file")
    entry = db.file_entry(store.db, sha256)
    if entry is None:
        raise NianbaoError("round.no_file")
    base = store.archive.resolve()
    path = (base / entry[0]).resolve()
    if base not in path.parents or not path.is_file():
        raise NianbaoError("round.no_file")
    data = read_input(path, MAX_INPUT)[0]
    if hashlib.sha256(data).hexdigest() != sha256:
        raise NianbaoError("round.archive_changed", file=entry[0])
    return data, path.suffix


# -- the board -----------------------------------------------------------------------------------
@dataclass
class Board:
    """A round's status: ``consolidation`` is what ``merge`` decides over everything received
    (``merge --json``'s shape, no workbook written); ``units`` adds, per unit of the list, its
    contact, versions, the errors of its latest file in words and a message to send back."""

    round: Round
    consolidation: Consolidation
    units: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        out = self.consolidation.to_dict()
        out["round"] = {"id": self.round.id, "year": self.round.year,
                        "format": self.round.format, "title": self.round.title,
                        "unit": self.round.unit or None,
                        "created_at": local_time(self.round.created_at)}
        extra = {u["name"]: u for u in self.units}
        for row in out["units"]:
            u = extra.get(row.get("unit") or "")
            if u is None:
                continue
            for key in ("contact", "phone"):  # the list's, where the file's row has none
                if not row.get(key):
                    row[key] = u[key] or None
            row.setdefault("feedback", u["feedback"])
            row.setdefault("round_unit", u["id"])
            if row.get("sha256"):
                row.setdefault("findings", u["problems"].get(row["sha256"], []))
        return out


def board(store: Store, round_id: int) -> Board:
    """The status of every unit of a round, decided as ``merge`` decides, now."""
    r = get_round(store, round_id)
    subs = db.submissions(store.db, round_id)
    listed = [as_unit(u) for u in r.units]
    by_id = {u.id: u for u in r.units}
    taken = [_examined(s) for s in subs if s.accepted]
    # the same file sent twice is one file, as in merge (first receipt)
    seen: dict[str, Examined] = {}
    for ex in taken:
        seen.setdefault(ex.sha256, ex)
    rows = decide(list(seen.values()), listed, r.year, r.format, False)
    refused_units = set()
    for s in subs:
        if s.accepted:
            continue
        ex = _examined(s)
        u = by_id[s.unit]
        refused_units.add(unit_key(u.name))
        rows.append(UnitRow(unit=u.name, status=REJECTED, reason=s.reason, code=u.code,
                            parent=u.parent, contact=u.contact, phone=u.phone,
                            file=s.name, sha256=s.sha256, errors=ex.errors,
                            warnings=ex.warnings, received=local_time(ex.file_time),
                            saved=local_time(ex.saved_at), key=ex.key))
    # a unit whose only files were refused has been heard from, as merge counts a rejected file
    rows = [x for x in rows if not (x.status == UNSENT and unit_key(x.unit) in refused_units)]
    order = {s: i for i, s in enumerate(STATUSES)}
    rows.sort(key=lambda x: (order[x.status], x.parent, unit_key(x.unit), x.file))
    # each row's message, as merge words it (nianbao.merge.feedback): one wording for every door
    fill_messages(rows, r.year, dt.date.today().strftime("%Y-%m-%d"))
    consolidation = Consolidation(None, store.db, r.format, r.year, rows, None, None,
                                  store.archive)
    return Board(r, consolidation, _unit_extras(store, r, subs, rows))


def _unit_extras(store: Store, r: Round, subs: list[db.SubmissionRow],
                 rows: list[UnitRow]) -> list[dict[str, Any]]:
    problems: dict[str, list[dict[str, Any]]] = {}
    for s in subs:
        if s.sha256 not in problems:
            found = findings_of(store, s.sha256) or {}
            problems[s.sha256] = [f for f in found.get("findings", [])
                                  if f.get("severity") == "error"]
    out = []
    for u in r.units:
        mine = [x for x in rows if unit_key(x.unit) == unit_key(u.name)]
        # the unit's standing: its file merge decided on (the latest accepted), else its latest
        # refused attempt, else missing
        refused = {s.sha256 for s in subs if s.unit == u.id and not s.accepted}
        decided = [x for x in mine if x.status not in (SUPERSEDED, REJECTED)
                   or (x.status == REJECTED and x.sha256 not in refused)]
        latest = [x for s in reversed(subs) if s.unit == u.id for x in mine
                  if x.sha256 == s.sha256]
        current = decided[0] if decided else (latest[0] if latest else None)
        out.append({"id": u.id, "name": u.name, "code": u.code, "parent": u.parent,
                    "contact": u.contact, "phone": u.phone, "linked": u.link_hash is not None,
                    "status": current.status if current else UNSENT,
                    "rows": [x.to_dict() for x in mine],
                    "versions": [v for v in versions(store, r.id, u.id)],
                    "problems": {s.sha256: problems[s.sha256] for s in subs if s.unit == u.id},
                    "feedback": unit_text(told) if (told := [x for x in mine if x.feedback]) else ""})
    return out


# -- consolidating a round -----------------------------------------------------------------------
def consolidate_round(store: Store, round_id: int, *, include_invalid: bool = False
                      ) -> Consolidation:
    """``merge`` over everything a round received, for its year, format and unit list, with the
    history in the store's database; the workbook is written into the round's folder under a
    free name (earlier consolidations stay)."""
    from .merge import consolidate

    r = get_round(store, round_id)
    subs = [s for s in db.submissions(store.db, round_id) if s.accepted]
    if not subs:
        raise NianbaoError("round.nothing")
    by_id = {u.id: u for u in r.units}
    out_dir = store.outputs / str(round_id)
    with tempfile.TemporaryDirectory(prefix="nianbao-round-") as tmp:
        inputs, done = [], set()
        for n, s in enumerate(subs, start=1):
            if s.sha256 in done:
                continue
            done.add(s.sha256)
            data, suffix = archived(store, round_id, s.sha256)
            # named after the unit (a name the unit list allowed), never the sender's
            copy = Path(tmp) / f"{by_id[s.unit].name}-{n}{suffix}"
            copy.write_bytes(data)
            when = dt.datetime.fromisoformat(s.received).timestamp()
            os.utime(copy, (when, when))
            inputs.append(copy)
        return consolidate(inputs, out_dir / say("round.output_name"),
                           units=[as_unit(u) for u in r.units], year=r.year, format_id=r.format,
                           include_invalid=include_invalid, unit=r.unit or None,
                           database=store.db, free=True, workers=1)


def publish_round(store: Store, round_id: int, output: PathLike, *, force: bool = False
                  ) -> Any:
    """The Word report of a round's consolidation (``merge`` then ``report``), its 填报单位 the
    coordinator's own office: refused (``round.no_unit``) until the round has one — never the
    round's name in its place.  Returns :class:`~nianbao.actions.publishing.Published`
    (``refused`` as ``report`` refuses, overridden by ``force``)."""
    from .publishing import publish

    if not get_round(store, round_id).unit:
        raise NianbaoError("round.no_unit")
    c = consolidate_round(store, round_id)
    if c.output is None:
        raise NianbaoError("round.nothing")
    return publish(c.output, output, force=force, pdf=False)


__all__ = ["Store", "open_store", "new_token", "digest", "coordinator_token", "is_coordinator",
           "open_session", "is_session", "close_session", "Round", "open_round", "get_round",
           "list_rounds", "reissue_link", "revoke_link", "handed_out", "read_unit_list", "by_link",
           "LinkView", "submit", "Submitted", "versions", "findings_of", "archived", "Board",
           "board", "consolidate_round", "display_name", "as_unit", "set_round_unit",
           "publish_round"]
