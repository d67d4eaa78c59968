"""The one shape every problem takes, from 'this cell holds text' to 'the balance is off'.

Reading, checking, consolidating and importing all yield :class:`Finding` records; the CLI prints
them, ``--json`` serialises them, the add-in marks their cells.  Rule codes are stable across
formats (``t3.balance``), so a suppression or a test keeps working when a format changes.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, Literal

Severity = Literal["error", "warning", "notice"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "notice": 2}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "notice": "提示"}


@dataclass(frozen=True)
class Finding:
    rule: str  # stable code, e.g. "t3.balance", "read.invalid"
    severity: Severity
    message: str  # plain Chinese, rendered from the catalogue
    sheet: str | None = None
    cell: str | None = None  # "D5" or a range "D5:J5"
    expected: Any = None
    actual: Any = None
    field: str | None = None  # the field id concerned, when there is one
    cells: tuple[str, ...] = ()  # every cell involved (for marking), "sheet!A1" style

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["cells"] = list(self.cells)
        return d


def sort_findings(findings: Iterable[Finding], sheet_order: list[str] | None = None) -> list[Finding]:
    """Sorted by position (sheet order, row, column), then severity; exact duplicates dropped."""
    from .layout import parse_cell  # not openpyxl: reading and checking stay free of it

    order = {name: i for i, name in enumerate(sheet_order or [])}

    def key(f: Finding):
        row, col = parse_cell(f.cell) if f.cell else (0, 0)
        return (f.sheet is not None, order.get(f.sheet or "", len(order)), f.sheet or "",
                row, col, SEVERITY_ORDER[f.severity], f.rule)

    seen: set = set()
    out = []
    for f in sorted(findings, key=key):
        k = (f.rule, f.severity, f.sheet, f.cell, f.message)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def count(findings: Iterable[Finding]) -> dict[str, int]:
    c = {"errors": 0, "warnings": 0, "notices": 0}
    for f in findings:
        c[f.severity + "s"] += 1
    return c


@dataclass
class Findings:
    """What checking one file (or one in-memory Report) found: the API's and ``--json``'s result.

    Iterating yields the :class:`Finding` records, sorted by position and deduplicated.
    """

    findings: list[Finding]
    file: str | None = None

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __getitem__(self, i):
        return self.findings[i]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def notices(self) -> int:
        return sum(1 for f in self.findings if f.severity == "notice")

    @property
    def ok(self) -> bool:
        """No errors (warnings and notices allowed)."""
        return self.errors == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def by_rule(self, *rules: str) -> list[Finding]:
        return [f for f in self.findings if f.rule in rules]

    def of_severity(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "errors": self.errors,
            "warnings": self.warnings,
            "notices": self.notices,
            "findings": [
                {"rule": f.rule, "severity": f.severity, "sheet": f.sheet, "cell": f.cell,
                 "message": f.message, "expected": _plain(f.expected), "actual": _plain(f.actual)}
                for f in self.findings
            ],
        }


def _plain(v: Any) -> Any:
    """JSON-safe expected/actual: numbers, strings and None stay; anything else as text."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)
