"""One Report: everything a filled workbook says, typed, independent of where it sat.

Values are keyed by field id (see :mod:`nianbao.layout` for the scheme).  A value is one of

* an ``int`` (counts) or a ``float`` (money): what was entered, 0 included;
* ``None``: *blank* — an input cell left empty.  How a blank counts is the format's declaration
  (``Format.blank_is_zero``: the official tables read a blank count as 0), and every message
  about it says 「未填写」, never 「实为 0」;
* :data:`MISSING`: *missing* — the source did not contain the cell at all (a sheet that could
  not be read, a table an imported report lacks).  Missing is not 0 and not blank: rules that
  touch it are skipped and the missing cells are named;
* :class:`Invalid`: text that is not a number, kept verbatim so nothing is lost.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, TypeGuard, Union

from .findings import Finding
from .formats import CURRENT, get_format
from .formats.model import MONEY_DECIMALS, MONEY_MIN_DECIMALS, Format, field_id
from .layout import layout_of


@dataclass(frozen=True)
class Invalid:
    """A cell that should hold a number but holds text that is not one."""

    raw: str

    def __str__(self) -> str:
        return self.raw


class Missing:
    """The one value of a cell the source did not contain (see the module docstring)."""

    _instance: "Missing | None" = None

    def __new__(cls) -> "Missing":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):  # pickled across processes it stays the one instance
        return (Missing, ())


MISSING = Missing()

Value = Union[int, float, None, Invalid, Missing]


def is_number(v: object) -> TypeGuard[int | float]:
    """An entered number (bool is not one, though Python says so)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def format_number(value: Value | Decimal | bool) -> str:
    """A cell value as printed: blank → "0"; missing → ""; money without float noise
    (26828.74197, not 26828.741970000002); invalid text verbatim."""
    if value is None:
        return "0"
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, Missing):
        return ""
    if isinstance(value, Invalid):
        return value.raw
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        # published reports give at most 5 decimals; 6 keeps them and drops binary noise
        d = Decimal(repr(round(value, 6))).normalize()
        text = format(d, "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def format_money(value: float | int | Decimal, unit: str | None) -> str:
    """An amount as the workbook, the tables and the prose all print it (the one rule declared
    in :data:`nianbao.formats.model.MONEY_DECIMALS`): 0 as 「0」; otherwise two decimals, or up to
    as many as the unit needs to reach the 分 (万元: six), no thousands separators.

    >>> format_money(123456789.5, "元"), format_money(1234.5678, "万元"), format_money(0.5, "万元")
    ('123456789.50', '1234.5678', '0.50')
    """
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    places = MONEY_DECIMALS.get(unit or "", MONEY_MIN_DECIMALS)
    with localcontext() as c:
        c.prec = 400  # every float, 1e308 included, to the 分
        d = Decimal(repr(value) if isinstance(value, float) else value).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if d == 0:
        return "0"
    text = format(d, "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(min(MONEY_MIN_DECIMALS, places), "0")
    return f"{whole}.{frac}" if frac else whole


class Money(float):
    """An amount with its unit, as the narrative templates see it: it prints as money
    (:func:`format_money`) and computes as the float it is."""

    unit: str | None

    def __new__(cls, value: float, unit: str | None) -> "Money":
        obj = super().__new__(cls, value)
        obj.unit = unit
        return obj

    def __str__(self) -> str:
        return format_money(float(self), self.unit)

    def __reduce__(self):
        return (Money, (float(self), self.unit))


@dataclass
class Meta:
    unit: str = ""
    year: int | None = None
    contact: str = ""
    phone: str = ""
    date: str = ""
    address: str = ""
    postcode: str = ""
    email: str = ""
    website: str = ""
    document_date: str = ""  # 成文日期, as typed (the 落款 prints it as GB/T 9704 writes dates)


@dataclass
class Report:
    format: str
    meta: Meta = field(default_factory=Meta)
    values: dict[str, Value] = field(default_factory=dict)  # statutory cells and extras
    texts: dict[str, str] = field(default_factory=dict)
    # what reading noticed (conversions, blanks, invalid text, altered structure)
    findings: list[Finding] = field(default_factory=list, compare=False)
    source: str | None = field(default=None, compare=False)
    # the hidden sheet's record of how the workbook was handed out
    origin: dict[str, str] = field(default_factory=dict, compare=False)
    # every sheet the file has, and the ranges an add-in marked last time (「sheet!D6:J30」, the
    # hidden sheet's record column): what painting an open workbook needs (nianbao.painting)
    sheet_names: tuple[str, ...] = field(default=(), compare=False)
    mark_record: tuple[str, ...] = field(default=(), compare=False)
    # when the file was last saved, as its program stamped it (docProps/core.xml, UTC; "" when
    # it says nothing): the history of a round tells copies of one unit's workbook apart by it
    saved_at: str = field(default="", compare=False)

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def empty(cls, format: str | Format = CURRENT, *, missing: bool = False, **meta: Any) -> "Report":
        """A report with every cell blank, or — ``missing=True``, for importers that fill in what
        they find — every cell missing."""
        fmt = get_format(format)
        lay = layout_of(fmt.id)
        values: dict[str, Value] = {}
        texts: dict[str, str] = {}
        for f in lay.fields.values():
            if f.table == "meta":
                continue
            if f.kind == "text":
                texts[f.id] = f.default or ""  # a text part's heading starts as the standard one
            else:
                values[f.id] = MISSING if missing else None
        return cls(fmt.id, Meta(**meta), values, texts)

    @property
    def spec(self) -> Format:
        return get_format(self.format)

    # -- access --------------------------------------------------------------------------------
    def number(self, fid: str) -> int | float | None:
        """The value as the rules use it: an entered number; a blank as the format declares (0
        in the official tables); None when the value is missing or invalid text (reported apart)."""
        v = self.values.get(fid, MISSING)
        if is_number(v):
            return v
        if v is None and self.spec.blank_is_zero:
            return 0
        return None

    def missing(self) -> list[str]:
        """The ids of the cells the source did not contain, in declaration order."""
        return [fid for fid, v in self.values.items() if v is MISSING]

    def __getitem__(self, fid: str) -> Value:
        return self.values[fid]

    def __setitem__(self, fid: str, value: Value) -> None:
        if fid not in self.values:
            raise KeyError(f"{fid} is not a field of format {self.format}")
        self.values[fid] = value

    def statutory(self) -> dict[str, Value]:
        lay = layout_of(self.format)
        return {fid: v for fid, v in self.values.items() if lay.fields[fid].statutory}

    def extras(self) -> dict[str, Value]:
        lay = layout_of(self.format)
        return {fid: v for fid, v in self.values.items() if not lay.fields[fid].statutory}

    def table(self, key: str):
        """Table ``key`` ("t2", "t3", "t4") as a DataFrame labelled as printed.

        Rows and columns are MultiIndexes of the printed label paths (padded with "");
        blank cells are NaN, invalid text stays as the text.
        """
        import pandas as pd

        tbl = self.spec.table(key)
        index: list[tuple[str, ...]] = []
        columns: list[tuple[str, ...]] = []
        data: dict[tuple[tuple[str, ...], tuple[str, ...]], Any] = {}
        for block in tbl.blocks:
            for row in block.rows:
                rlab = ((block.title,) if block.title else ()) + row.labels or ("",)
                index.append(rlab)
                for col in block.columns:
                    if col.labels not in columns:
                        columns.append(col.labels)
                    v = self.values.get(field_id(key, row, col))
                    data[(rlab, col.labels)] = (str(v) if isinstance(v, Invalid)
                                                else None if v is MISSING else v)

        def pad(paths):
            depth = max(len(p) for p in paths)
            return pd.MultiIndex.from_tuples([p + ("",) * (depth - len(p)) for p in paths])

        frame = pd.DataFrame(
            [[data.get((r, c)) for c in columns] for r in index],
            index=pad(index), columns=pad(columns), dtype=object,
        )
        return frame

    # -- serialisation -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        def plain(v: Value):
            return None if isinstance(v, (Invalid, Missing)) else v

        return {
            "meta": {"unit": self.meta.unit, "year": self.meta.year, "format": self.format,
                     **{k: v for k, v in asdict(self.meta).items() if k not in ("unit", "year")}},
            "values": {k: plain(v) for k, v in self.statutory().items()},
            "extras": {k: plain(v) for k, v in self.extras().items()},
            "texts": dict(self.texts),
            "invalid": {k: v.raw for k, v in self.values.items() if isinstance(v, Invalid)},
            "missing": self.missing(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Report":
        meta = dict(d.get("meta", {}))
        fmt = meta.pop("format")
        r = cls.empty(fmt, **{k: v for k, v in meta.items() if k in Meta.__dataclass_fields__})
        for part in ("values", "extras"):
            for k, v in d.get(part, {}).items():
                r[k] = v
        for k, raw in d.get("invalid", {}).items():
            r[k] = Invalid(raw)
        for k in d.get("missing", ()):
            r[k] = MISSING
        r.texts.update(d.get("texts", {}))
        return r
