"""What a change of statutory format moved on purpose, declared as data: the moves
:mod:`nianbao.migrate` applies on top of what it derives from the two declarations (a field of
the new format takes the old value when both ask the same question)."""
from __future__ import annotations

from dataclasses import dataclass

from .common import T3_COLUMN_KEYS
from .model import expand


@dataclass(frozen=True)
class Move:
    """Old field ``source`` goes to new field ``target``; ``shares`` are the new fields the old
    one is now split into, left for re-entry.  Templates with ``{…}`` filled from ``each``."""

    source: str
    target: str
    shares: tuple[str, ...] = ()
    each: tuple[tuple[str, tuple[str, ...]], ...] = ()
    note: str = ""  # message code of the notice the move prints

    def instances(self) -> list[tuple[str, str, tuple[str, ...]]]:
        return [(self.source.format(**c), self.target.format(**c),
                 tuple(s.format(**c) for s in self.shares)) for c in expand(self.each)]


@dataclass(frozen=True)
class Migration:
    source: str  # format ids
    target: str
    moves: tuple[Move, ...] = ()


MIGRATIONS: dict[tuple[str, str], Migration] = {
    ("2019", "2021"): Migration("2019", "2021", (
        Move("t3.other.{col}", "t3.other_3.{col}", ("t3.other_1.{col}", "t3.other_2.{col}"),
             each=(("col", T3_COLUMN_KEYS),), note="migrate.other_moved"),
    )),
}


__all__ = ["Move", "Migration", "MIGRATIONS"]
