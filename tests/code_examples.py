"""A good and a bad example of every finding code (pylint keeps a good.py and a bad.py per
message): a change to the bundled sample report (a real district office's 2021 figures, which
pass every rule) that must raise the code, and one that must not.  ``tests/test_codes.py`` runs
them; the catalogue itself is ``nianbao.codes``.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from nianbao.formats import FORMATS
from nianbao.formats.common import T4_GROUPS, T4_OUTCOMES


@dataclass(frozen=True)
class Example:
    """A change to the bundled sample report.

    ``values``/``texts``/``meta``: by field id; a value ``"+N"``/``"-N"`` adds to the sample's.
    ``cells``: raw contents written into the sample *workbook* before it is read, keyed by field
    id or ``sheet!A1`` (for the reader's codes).  ``rename``: sheets renamed in the workbook.
    ``previous``: last year's report is the changed report one year earlier with these values;
    ``"=fid"`` takes this year's value of ``fid``.  ``file``: the whole input is these bytes.
    ``absent``: the input path does not exist.  ``suffix``: the kind of file ``file`` is.
    ``format``: the sample is first carried into that format (:func:`nianbao.migrate.migrate`;
    what the format asks differently is blank).
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    cells: Mapping[str, Any] = field(default_factory=dict)
    rename: Mapping[str, str] = field(default_factory=dict)
    previous: Mapping[str, Any] | None = None
    file: Callable[[], bytes] | None = None
    absent: bool = False
    format: str | None = None
    suffix: str = ".xlsx"  # of the ``file`` (a published report to import: ".txt", ".docx")

    @property
    def needs_workbook(self) -> bool:
        return bool(self.cells or self.rename or self.file or self.absent)


def _zip(parts: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _bomb() -> bytes:
    return _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (3 << 20)})


def _entity() -> bytes:
    return _zip({"xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'})


def _formula() -> bytes:
    """The sample workbook with a count cell holding a formula no program computed (as scripts
    write them): the cell is replaced in the sheet's XML, where openpyxl would write a value."""
    import re

    from nianbao.layout import layout_of
    from nianbao.samples import sample_path

    f = layout_of("2021").fields["t3.new.natural"]
    number = [s.name for s in layout_of("2021").sheets].index(f.sheet) + 1
    with zipfile.ZipFile(sample_path()) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    part = f"xl/worksheets/sheet{number}.xml"
    parts[part] = re.sub(rf'<c r="{f.cell}"[^>]*?(/>|>.*?</c>)'.encode(),
                         f'<c r="{f.cell}"><f>1+1</f></c>'.encode(), parts[part], count=1)
    return _zip(parts)


def _same(to: str, frm: str, cols: tuple[str, ...]) -> dict[str, str]:
    return {to.format(c): "=" + frm.format(c) for c in cols}


_T3_COLS = ("natural", "business", "research", "nonprofit", "legal", "other_org", "total")
_CARRY_OK = _same("t3.carry_forward.{}", "t3.carried.{}", _T3_COLS)
_STOCK_OK = {"t2.rules.in_force": "=t2.rules.in_force", "t2.normative.in_force": "=t2.normative.in_force"}
_NOTHING_ISSUED = {f"t2.{r}.{c}": 0 for r in ("rules", "normative") for c in ("issued", "repealed")}
_FEE = {"s6.fee_notices": 0, "s6.fee_amount": 0}
# two applications dropped because the fee was not paid (表三（六）2), the table still balanced
_UNPAID_2 = {"t3.other_2.natural": 2, "t3.other_2.total": 2,
             "t3.granted.natural": "-2", "t3.granted.total": "-2"}
_OK_TEXT = {"s6.other": "本年度未收取信息处理费。"}
# last year's texts, none of them this year's (issue 16)
_OTHER_TEXTS = {t.key: "上年度的这一部分写的是另外一些工作，与本年文字没有相同的句子。"
                for s in FORMATS["2021"].sections for t in s.texts}
_E = Example

def _published(*edits: tuple[str, str]) -> Callable[[], bytes]:
    """The bundled sample as the text of a published report, with (old, new) replacements
    (issue 15: the examples of the import codes)."""
    def make() -> bytes:
        from nianbao.importing.plain import plain_text
        from nianbao.samples.build import load_sample

        text = plain_text(load_sample("district-2021"))
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new)
        return text.encode("utf-8")
    return make


_OTHER_2021 = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0\n"
               "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0\n"
               "3.其他 0 0 0 0 0 0 0")
_TXT = ".txt"

EXAMPLES: dict[str, tuple[Example, Example]] = {
    # -- whole files (an unreadable input: exit 2, one finding) ---------------------------------
    "file.missing": (_E(), _E(absent=True)),
    "file.not_xlsx": (_E(), _E(file=lambda: b"not a workbook")),
    "file.encrypted": (_E(),
         _E(file=lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"))),
    "file.too_large": (_E(), _E(file=_bomb)),
    "file.hostile": (_E(), _E(file=_entity)),
    "file.not_nianbao": (_E(),
         _E(rename={s: f"Sheet{i}" for i, s in enumerate(("基本信息", "一、总体情况", "二、主动公开",
                                                           "三、依申请公开", "四、复议诉讼",
                                                           "五、问题及改进", "六、其他事项", "_nianbao"))})),
    "file.unknown_format": (_E(), _E(cells={"_nianbao!B1": "2099"})),
    # -- reading cells ---------------------------------------------------------------------------
    "read.blank": (_E(), _E(cells={"t3.new.natural": None})),
    "read.text_number": (_E(), _E(cells={"t3.new.natural": "9"})),
    "read.fullwidth": (_E(), _E(cells={"t3.new.natural": "９"})),
    "read.thousands": (_E(),
         _E(cells={"t2.licensing.decisions": "1,234"})),
    "read.suffix": (_E(), _E(cells={"t3.new.natural": "9件"})),
    "read.invalid": (_E(), _E(cells={"t3.new.natural": "九件左右"})),
    "read.sheet_missing": (_E(), _E(rename={"四、复议诉讼": "复议诉讼"})),
    "read.label_moved": (_E(), _E(cells={"四、复议诉讼!B3": "改动的表头"})),
    "read.meta_mismatch": (_E(),
         _E(cells={"meta.unit": "另一个单位"})),
    # -- values and basic information -------------------------------------------------------------
    "value.blank": (_E(), _E(values={"t3.new.natural": None})),
    "value.invalid": (_E(), _E(values={"t3.new.natural": "INVALID:九"})),
    "value.negative": (_E(), _E(values={"t2.licensing.decisions": -1})),
    "value.not_integer": (_E(), _E(values={"t2.licensing.decisions": 1.5})),
    "meta.unit": (_E(), _E(meta={"unit": ""})),
    "meta.year": (_E(), _E(meta={"year": None})),
    "meta.document_date": (_E(meta={"document_date": "2022年1月20日"}),
                           _E(meta={"document_date": ""})),
    "format.year": (_E(), _E(meta={"year": 2020})),
    # -- rules skipped -----------------------------------------------------------------------------
    "rule.skipped": (_E(), _E(values={"t3.new.natural": "INVALID:九"})),
    "rule.missing": (_E(), _E(values={"t3.new.natural": "MISSING"})),
    # -- across years ------------------------------------------------------------------------------
    "prev.year": (_E(previous={}),
         _E(previous={"meta.year": 2019})),
    # a warning when the cross-year rules hold (a renamed office), else an error; the bad
    # example's 现行有效件数 does not follow on (see tests/test_checks_clerk_loop.py for the warning)
    "prev.unit": (_E(previous={}),
         _E(previous={"meta.unit": "另一个单位"})),
    "prev.invalid": (_E(previous=_CARRY_OK),
         _E(previous={**_CARRY_OK, "t3.carry_forward.natural": "INVALID:九"})),
    "prev.skipped": (_E(previous=_CARRY_OK),
         _E(previous={**_CARRY_OK, "t3.carry_forward.natural": "MISSING"})),
    "prev.unreadable": (_E(), _E()),  # batch only: see the test
    # -- narrative ↔ table -------------------------------------------------------------------------
    "text.received": (_E(texts={"s1.request": "本年度共收到政府信息公开申请9件。"}),
         _E(texts={"s1.request": "本年度共收到政府信息公开申请12件。"})),
    "text.carried": (_E(texts={"s1.request": "上年结转政府信息公开申请0件。"}),
         _E(texts={"s1.request": "上年结转政府信息公开申请3件。"})),
    "text.forward": (_E(texts={"s1.request": "结转下年度继续办理0件。"}),
         _E(texts={"s1.request": "结转下年度继续办理2件。"})),
    "text.done": (_E(texts={"s1.request": "全年共办结9件。"}), _E(texts={"s1.request": "全年共办结7件。"})),
    "text.none_received": (_E(texts={"s1.request": "本年度共收到政府信息公开申请9件。"}),
         _E(texts={"s1.request": "本年度未收到政府信息公开申请。"})),
    "text.all_done": (_E(values={"t3.carry_forward.natural": 0, "t3.carry_forward.total": 0,
                                 "t3.new.natural": "-0"},
            texts={"s1.request": "申请均已按时办结。"}),
         _E(texts={"s1.request": "申请均已按时办结。"},
            values={"t3.carry_forward.natural": 1, "t3.carry_forward.total": 1,
                    "t3.new.natural": "+1", "t3.new.total": "+1"})),
    "text.parts": (_E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态40条。"}),
         _E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态60条。"})),
    "text.cases": (_E(texts={"s6.other": "本年度被申请行政复议1件。"}),
         _E(texts={"s6.other": "本年度未发生行政复议和行政诉讼。"})),
    "text.fee": (_E(values=_FEE, texts=_OK_TEXT),
         _E(values={"s6.fee_notices": 2, "s6.fee_amount": 300}, texts=_OK_TEXT)),
    "text.fee_missing": (_E(texts=_OK_TEXT), _E()),
    "text.fee_unpaid": (_E(values=_FEE, texts=_OK_TEXT),
         _E(values={**_UNPAID_2, "s6.fee_notices": 1, "s6.fee_amount": 0}, texts=_OK_TEXT)),
    "text.problems_empty": (_E(),
         _E(texts={"s5.problems": "", "s5.improvements": "", "s5.plans": ""})),
    "text.problems_thin": (_E(),
         _E(texts={"s5.problems": "无", "s5.improvements": "", "s5.plans": ""})),
    "text.problems_repeated": (_E(previous={**_CARRY_OK,
                                            "s5.problems": "上年的问题写法完全不同，讲的是另外一些事情。",
                      "s5.improvements": "", "s5.plans": ""}),
         _E(previous=_CARRY_OK)),
    # -- issue 17: checks that hold on real reports ------------------------------------------------
    "text.parts_short": (_E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态40条。"}),
         _E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态30条。"})),
    "text.table2": (_E(texts={"s1.active": "现行有效规范性文件16件。"}),
         _E(texts={"s1.active": "现行有效规范性文件215件。"})),
    "text.problems_generic": (_E(),
         _E(texts={"s5.problems": "与上级要求相比还存在一定差距，公开工作有待进一步加强和深化。"})),
    "text.part_empty": (_E(texts={"s5.improvements": "针对上年人员不足的问题，已增配专职人员一名。"}),
         _E(texts={"s1.management": ""})),
    "text.overview_long": (_E(),
         _E(texts={"s1.overview": "本年度持续推进政务公开标准化规范化建设。" * 60})),
    "text.halfwidth": (_E(texts={"s5.problems": "人员力量较为薄弱，业务能力有待加强。"}),
         _E(texts={"s6.other": "本年度未收取信息处理费,也未发出收费通知。"})),
    "read.dash": (_E(), _E(cells={"t3.denied_1.natural": "/"})),
    "read.unit": (_E(cells={"t2.fees.amount": "0.5"}),
         _E(cells={"t2.fees.amount": "5000元"})),
    "read.note": (_E(), _E(cells={"t2.normative.in_force": "16（其中修订2件）"})),
    "table.blank": (_E(),
         _E(values={f"t4.{g}.{k}": None for g, _ in T4_GROUPS for k, _ in T4_OUTCOMES})),
    "fee.no_notice": (_E(values={"s6.fee_notices": 2, "s6.fee_amount": 300}),
         _E(values={"s6.fee_notices": 0, "s6.fee_amount": 300})),
    "fee.unpaid": (_E(values={**_UNPAID_2, "s6.fee_notices": 2}),
         _E(values={**_UNPAID_2, "s6.fee_notices": 0})),
    # -- against last year, beyond the declared rules (issue 16) --------------------------------
    "year.repeated": (_E(previous=_OTHER_TEXTS), _E(previous={})),
    "year.repeated_all": (_E(previous=_OTHER_TEXTS), _E(previous={})),
    "year.jump": (_E(previous={}),
         _E(previous={"t3.new.total": 100})),
    # -- importing published reports (issue 15) ---------------------------------------------------
    "import.unreadable": (_E(file=_published(), suffix=_TXT),
         _E(file=lambda: b"not a Word file", suffix=".docx")),
    "import.missing": (_E(file=_published(), suffix=_TXT),
         _E(file=_published(("2.重复申请 0 0 0 0 0 0 0", "2.重复申请")), suffix=_TXT)),
    "import.ambiguous": (_E(file=_published(), suffix=_TXT),
         _E(file=_published(("行政规范性文件 1 0 16", "行政规范性文件1016")), suffix=_TXT)),
    "import.format_mixed": (_E(file=_published(), suffix=_TXT),
         _E(file=_published((_OTHER_2021, "（六）其他处理 0 0 0 0 0 0 0")), suffix=_TXT)),
    "import.unit": (_E(file=_published(), suffix=_TXT),
         _E(file=_published(("（单位：万元）", "（单位：元）")), suffix=_TXT)),
    "import.year_inferred": (_E(file=_published(), suffix=_TXT),
         _E(file=_published(("办公室2021年政府信息", "办公室政府信息"),
                            ("今年办公室共收到", "2021年办公室共收到")), suffix=_TXT)),
    # reachable from `nianbao import` only (checking a file of another kind reads it as a
    # workbook); tested in tests/test_import.py
    "import.unknown_kind": (_E(), _E()),
    "import.pdf_library": (_E(), _E()),
    # the audit's own (a published report whose unit or year no title names): test_audit.py
    "audit.no_unit": (_E(), _E()),
    "audit.no_year": (_E(), _E()),
    # -- hostile and broken inputs (issue 19) ------------------------------------------------------
    "file.unreadable": (_E(), _E()),  # permissions: see the tests
    "read.sheet_too_large": (_E(),
         _E(cells={"四、复议诉讼!XFD1048576": 1})),
    "read.formula": (_E(), _E(file=_formula)),
    "read.out_of_range": (_E(), _E(cells={"t3.new.natural": "9" * 4400})),
}


# declared rules: the bundled sample passes them; each bad example breaks one instance
RULE_EXAMPLES: dict[str, tuple[Example, Example]] = {
    "t3.row": (_E(), _E(values={"t3.new.natural": "+1"})),
    "t3.total": (_E(), _E(values={"t3.granted.natural": "+1", "t3.granted.total": "+1"})),
    "t3.balance": (_E(), _E(values={"t3.new.business": "+1", "t3.new.total": "+1"})),
    "t4.sum": (_E(), _E(values={"t4.review.total": "+1"})),
    "t3.carry": (_E(previous=_CARRY_OK),
                 _E(previous={**_CARRY_OK, "t3.carry_forward.natural": "+1",
                              "t3.carry_forward.total": "+1"})),
    "t2.stock": (_E(values=_NOTHING_ISSUED, previous=_STOCK_OK),
                 _E(values=_NOTHING_ISSUED, previous={**_STOCK_OK, "t2.rules.in_force": "+1"})),
    # the 2019 format's cross-year rules (issue 16): the sample carried into the 2019 format,
    # where table 2 is blank, so last year's blank figures roll forward to this year's
    "t2.public_total": (_E(format="2019", previous={}),
                        _E(format="2019", previous={"t2.normative.public_total": 5})),
    "t2.items": (_E(format="2019", previous={}),
                 _E(format="2019", previous={"t2.licensing.change": 2})),
}




def example(code: str) -> tuple[Example, Example]:
    """(good, bad) for ``code``: the declared rules' from :data:`RULE_EXAMPLES`."""
    return EXAMPLES[code] if code in EXAMPLES else RULE_EXAMPLES[code]


__all__ = ["Example", "EXAMPLES", "RULE_EXAMPLES", "example"]
