"""The one shape every problem takes, from 'this cell holds text' to 'the balance is off'.

Reading, checking, consolidating and importing all yield :class:`Finding` records; the CLI prints
them, ``--json`` serialises them, the add-in marks their cells.  Rule codes are stable across
formats (``t3.balance``), so a suppression or a test keeps working when a format changes.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping

from .codes import registry, title_of
from .messages import render

if TYPE_CHECKING:  # for the checker only: report imports this module
    from .report import Report

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
    cells: tuple[str, ...] = ()  # every cell involved, "sheet!A1" style
    hints: tuple[str, ...] = ()  # cells the message asks to check first ("请优先核对 E10")
    id: str | None = None  # stable while its cells' values are (nianbao.dismissals.finding_id)
    # what the message was rendered from (the catalogue template's arguments), for doors that
    # show a finding in their own words
    args: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The finding as ``--json`` prints it (expected/actual and args made JSON-safe)."""
        # shallow: every field is plain but those made so below (asdict's deep copy of each
        # finding was a tenth of a merged file's time)
        d = {name: getattr(self, name) for name in _FIELDS}
        d["title"] = title_of(self.rule)
        d["cells"] = list(self.cells)
        d["hints"] = list(self.hints)
        d["expected"], d["actual"] = _plain(self.expected), _plain(self.actual)
        d["args"] = {k: _plain(v) for k, v in self.args.items()}
        return d


_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


def emit(code: str, args: Mapping[str, Any] | None = None, *, variant: str = "",
         severity: Severity | None = None, sheet: str | None = None, cell: str | None = None,
         expected: Any = None, actual: Any = None, field: str | None = None,
         cells: Iterable[str] = (), hints: Iterable[str] = ()) -> Finding:
    """The finding ``code`` (an entry of :mod:`nianbao.codes`), its message rendered from the
    entry's template (or its ``variant``) with ``args``, which the finding keeps.

    The severity is the entry's; a code declared ``"warning/error"`` must be given one of them.
    ``expected``/``actual`` are the finding's values (numbers where there are numbers); a
    template prints what ``args`` give it.
    """
    entry = registry()[code]
    allowed = entry.severities
    if severity is None:
        if len(allowed) != 1:
            raise ValueError(f"{code}: say which severity ({entry.severity})")
        severity = allowed[0]  # type: ignore[assignment]
    elif severity not in allowed:
        raise ValueError(f"{code} is declared {entry.severity}, not {severity}")
    args = dict(args or {})
    message = render(entry.wording(variant), **args)
    return Finding(code, severity, message, sheet, cell, expected, actual,  # type: ignore[arg-type]
                   field, tuple(cells), tuple(hints), args=args)


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


@dataclass
class Findings:
    """What checking one input (a file or an in-memory Report) found: one result of
    :func:`nianbao.check_many`, one object of ``--json``'s array.

    Iterating yields the :class:`Finding` records, sorted by position and deduplicated.  An input
    that could not be read at all is a result too: ``unreadable`` is set and its one finding says
    why (exit code 2).  ``report`` is the Report that was checked, for callers that go on with it
    (consolidation, the add-in); it is not part of the JSON.
    """

    findings: list[Finding]
    file: str | None = None
    unreadable: bool = False
    report: Report | None = field(default=None, repr=False, compare=False)
    # warnings and notices the office reviewed and dismissed, with its reason (nianbao.dismissals)
    dismissed: list[tuple[Finding, str]] = field(default_factory=list)

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
    def blocking(self) -> list[Finding]:
        """The findings that keep the report from being published unless forced: the errors,
        and a statutory table left wholly blank (:func:`nianbao.codes.stops_publication`)."""
        from .codes import stops_publication

        return [f for f in self.findings if stops_publication(f.rule, f.severity)]

    @property
    def ok(self) -> bool:
        """No errors (warnings and notices allowed)."""
        return self.errors == 0

    @property
    def exit_code(self) -> int:
        """0 no errors, 1 errors, 2 the input could not be read."""
        return 2 if self.unreadable else 0 if self.ok else 1

    def by_rule(self, *rules: str) -> list[Finding]:
        return [f for f in self.findings if f.rule in rules]

    def to_dict(self) -> dict[str, Any]:
        """One object of ``nianbao check --json``'s array (see the README for the shape)."""
        return {
            "file": self.file,
            "errors": self.errors,
            "warnings": self.warnings,
            "notices": self.notices,
            "findings": [f.to_dict() for f in self.findings],
            "dismissed": [dict(f.to_dict(), reason=reason) for f, reason in self.dismissed],
        }


def _plain(v: Any) -> Any:
    """JSON-safe expected/actual: numbers, strings and None stay; anything else as text."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)
