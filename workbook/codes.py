"""The registry of every finding code a user can see: its Chinese title and severity, and a
passing and a failing example (pylint keeps a good and a bad example per message).

The codes of the declared reconciliation rules (``t3.balance`` …) take their title and severity
from the format declarations, where they are declared once; every other code is declared here.
``tests/test_codes.py`` runs every example: the bad one must raise the code, the good one must
not.  An example is a change to the bundled sample report (a real district office's 2021
figures, which pass every rule): see :class:`Example`.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping

from .formats import FORMATS
from .formats.common import T4_GROUPS, T4_OUTCOMES


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


@dataclass(frozen=True)
class Code:
    code: str
    title: str  # the Chinese name shown beside the message (校验结果, the add-in, the README)
    severity: str  # as emitted; "warning/error" where it depends (table.blank)
    good: Example
    bad: Example
    # a finding that stops the report being published (made unless forced), though `check`,
    # `merge` and the add-in's 校验 count it as its severity says: a statutory table left wholly
    # blank may be on its way to being filled, but a report printing it empty is not to go out
    stops_publication: bool = False


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

    from .layout import layout_of
    from .samples import sample_path

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
        from .importing.plain import plain_text
        from .samples.build import load_sample

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

_CODES: tuple[Code, ...] = (
    # -- whole files (an unreadable input: exit 2, one finding) ---------------------------------
    Code("file.missing", "找不到文件", "error", _E(), _E(absent=True)),
    Code("file.not_xlsx", "不是 Excel 工作簿", "error", _E(), _E(file=lambda: b"not a workbook")),
    Code("file.encrypted", "工作簿已加密", "error", _E(),
         _E(file=lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"))),
    Code("file.too_large", "文件异常过大", "error", _E(), _E(file=_bomb)),
    Code("file.hostile", "含不安全内容", "error", _E(), _E(file=_entity)),
    Code("file.not_nianbao", "不是年报工作簿", "error", _E(),
         _E(rename={s: f"Sheet{i}" for i, s in enumerate(("基本信息", "一、总体情况", "二、主动公开",
                                                           "三、依申请公开", "四、复议诉讼",
                                                           "五、问题及改进", "六、其他事项", "_nianbao"))})),
    Code("file.unknown_format", "报告格式无法识别", "error", _E(), _E(cells={"_nianbao!B1": "2099"})),
    # -- reading cells ---------------------------------------------------------------------------
    Code("read.blank", "未填写", "notice", _E(), _E(cells={"t3.new.natural": None})),
    Code("read.text_number", "文本格式的数字", "notice", _E(), _E(cells={"t3.new.natural": "9"})),
    Code("read.fullwidth", "全角数字", "notice", _E(), _E(cells={"t3.new.natural": "９"})),
    Code("read.thousands", "千位分隔符", "notice", _E(),
         _E(cells={"t2.licensing.decisions": "1,234"})),
    Code("read.suffix", "数字带单位", "notice", _E(), _E(cells={"t3.new.natural": "9件"})),
    Code("read.invalid", "不是数字", "error", _E(), _E(cells={"t3.new.natural": "九件左右"})),
    Code("read.sheet_missing", "缺少工作表", "error", _E(), _E(rename={"四、复议诉讼": "复议诉讼"})),
    Code("read.label_moved", "表格结构被改动", "error", _E(), _E(cells={"四、复议诉讼!B3": "改动的表头"})),
    Code("read.meta_mismatch", "与下发时的单位、年度不一致", "warning", _E(),
         _E(cells={"meta.unit": "另一个单位"})),
    # -- values and basic information -------------------------------------------------------------
    Code("value.blank", "未填写", "notice", _E(), _E(values={"t3.new.natural": None})),
    Code("value.invalid", "不是数字", "error", _E(), _E(values={"t3.new.natural": "INVALID:九"})),
    Code("value.negative", "负数", "error", _E(), _E(values={"t2.licensing.decisions": -1})),
    Code("value.not_integer", "小数", "error", _E(), _E(values={"t2.licensing.decisions": 1.5})),
    Code("meta.unit", "填报单位未填写", "error", _E(), _E(meta={"unit": ""})),
    Code("meta.year", "报告年度未填写", "error", _E(), _E(meta={"year": None})),
    Code("format.year", "年度与格式不符", "error", _E(), _E(meta={"year": 2020})),
    Code("meta.document_date", "成文日期未填写", "warning", _E(meta={"document_date": "2022年1月20日"}),
         _E(meta={"document_date": ""})),
    # -- rules skipped -----------------------------------------------------------------------------
    Code("rule.skipped", "校验未进行", "notice", _E(), _E(values={"t3.new.natural": "INVALID:九"})),
    Code("rule.missing", "来源中缺失", "warning", _E(), _E(values={"t3.new.natural": "MISSING"})),
    # -- across years ------------------------------------------------------------------------------
    Code("prev.year", "上年报告年度不衔接", "error", _E(previous={}),
         _E(previous={"meta.year": 2019})),
    Code("prev.unit", "上年报告单位不一致", "error", _E(previous={}),
         _E(previous={"meta.unit": "另一个单位"})),
    Code("prev.invalid", "上年数据不是数字", "notice", _E(previous=_CARRY_OK),
         _E(previous={**_CARRY_OK, "t3.carry_forward.natural": "INVALID:九"})),
    Code("prev.skipped", "跨年度核对未进行", "notice", _E(previous=_CARRY_OK),
         _E(previous={**_CARRY_OK, "t3.carry_forward.natural": "MISSING"})),
    Code("prev.unreadable", "上年报告无法读取", "error", _E(), _E()),  # batch only: see the test
    # -- narrative ↔ table -------------------------------------------------------------------------
    Code("text.received", "文字与表三：收到申请数", "warning",
         _E(texts={"s1.request": "本年度共收到政府信息公开申请9件。"}),
         _E(texts={"s1.request": "本年度共收到政府信息公开申请12件。"})),
    Code("text.carried", "文字与表三：上年结转数", "warning",
         _E(texts={"s1.request": "上年结转政府信息公开申请0件。"}),
         _E(texts={"s1.request": "上年结转政府信息公开申请3件。"})),
    Code("text.forward", "文字与表三：结转下年度数", "warning",
         _E(texts={"s1.request": "结转下年度继续办理0件。"}),
         _E(texts={"s1.request": "结转下年度继续办理2件。"})),
    Code("text.done", "文字与表三：办结数", "warning",
         _E(texts={"s1.request": "全年共办结9件。"}), _E(texts={"s1.request": "全年共办结7件。"})),
    Code("text.none_received", "文字称未收到申请", "warning",
         _E(texts={"s1.request": "本年度共收到政府信息公开申请9件。"}),
         _E(texts={"s1.request": "本年度未收到政府信息公开申请。"})),
    Code("text.all_done", "文字称全部办结", "warning",
         _E(values={"t3.carry_forward.natural": 0, "t3.carry_forward.total": 0, "t3.new.natural": "-0"},
            texts={"s1.request": "申请均已按时办结。"}),
         _E(texts={"s1.request": "申请均已按时办结。"},
            values={"t3.carry_forward.natural": 1, "t3.carry_forward.total": 1,
                    "t3.new.natural": "+1", "t3.new.total": "+1"})),
    Code("text.parts", "文字中「其中」各项之和", "warning",
         _E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态40条。"}),
         _E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态60条。"})),
    Code("text.cases", "文字与表四", "warning",
         _E(texts={"s6.other": "本年度被申请行政复议1件。"}),
         _E(texts={"s6.other": "本年度未发生行政复议和行政诉讼。"})),
    Code("text.fee", "文字与信息处理费", "warning",
         _E(values=_FEE, texts=_OK_TEXT),
         _E(values={"s6.fee_notices": 2, "s6.fee_amount": 300}, texts=_OK_TEXT)),
    Code("text.fee_missing", "未说明信息处理费", "warning", _E(texts=_OK_TEXT), _E()),
    Code("text.fee_unpaid", "未写明收费通知", "warning",
         _E(values=_FEE, texts=_OK_TEXT),
         _E(values={**_UNPAID_2, "s6.fee_notices": 1, "s6.fee_amount": 0}, texts=_OK_TEXT)),
    Code("text.problems_empty", "五未填写", "warning", _E(),
         _E(texts={"s5.problems": "", "s5.improvements": "", "s5.plans": ""})),
    Code("text.problems_thin", "五过于简略", "warning", _E(),
         _E(texts={"s5.problems": "无", "s5.improvements": "", "s5.plans": ""})),
    Code("text.problems_repeated", "五照搬上年", "warning",
         _E(previous={**_CARRY_OK, "s5.problems": "上年的问题写法完全不同，讲的是另外一些事情。",
                      "s5.improvements": "", "s5.plans": ""}),
         _E(previous=_CARRY_OK)),
    # -- issue 17: checks that hold on real reports ------------------------------------------------
    Code("text.parts_short", "「其中」各项少于总数", "notice",
         _E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态40条。"}),
         _E(texts={"s1.active": "主动公开信息100条，其中政策文件60条、工作动态30条。"})),
    Code("text.table2", "文字与表二", "warning",
         _E(texts={"s1.active": "现行有效规范性文件16件。"}),
         _E(texts={"s1.active": "现行有效规范性文件215件。"})),
    Code("text.problems_generic", "五只有套话", "notice", _E(),
         _E(texts={"s5.problems": "与上级要求相比还存在一定差距，公开工作有待进一步加强和深化。"})),
    Code("text.part_empty", "应有的部分未填写", "warning",
         _E(texts={"s5.improvements": "针对上年人员不足的问题，已增配专职人员一名。"}),
         _E(texts={"s1.management": ""})),
    Code("text.overview_long", "总体情况过长", "notice", _E(),
         _E(texts={"s1.overview": "本年度持续推进政务公开标准化规范化建设。" * 60})),
    Code("text.halfwidth", "中文间的半角标点", "notice",
         _E(texts={"s5.problems": "人员力量较为薄弱，业务能力有待加强。"}),
         _E(texts={"s6.other": "本年度未收取信息处理费,也未发出收费通知。"})),
    Code("read.dash", "「/」「—」按未填写读取", "notice", _E(), _E(cells={"t3.denied_1.natural": "/"})),
    Code("read.unit", "金额按所写单位换算", "notice", _E(cells={"t2.fees.amount": "0.5"}),
         _E(cells={"t2.fees.amount": "5000元"})),
    Code("read.note", "数字后的说明", "notice", _E(), _E(cells={"t2.normative.in_force": "16（其中修订2件）"})),
    Code("table.blank", "整表未填写", "warning/error", _E(),
         _E(values={f"t4.{g}.{k}": None for g, _ in T4_GROUPS for k, _ in T4_OUTCOMES}),
         stops_publication=True),
    Code("fee.no_notice", "收费而无收费通知", "warning",
         _E(values={"s6.fee_notices": 2, "s6.fee_amount": 300}),
         _E(values={"s6.fee_notices": 0, "s6.fee_amount": 300})),
    Code("fee.unpaid", "逾期未缴费而无收费通知", "warning",
         _E(values={**_UNPAID_2, "s6.fee_notices": 2}),
         _E(values={**_UNPAID_2, "s6.fee_notices": 0})),
    # -- against last year, beyond the declared rules (issue 16) --------------------------------
    Code("year.repeated", "与上年文字相同", "notice", _E(previous=_OTHER_TEXTS), _E(previous={})),
    Code("year.repeated_all", "全文与上年相同的比例", "notice",
         _E(previous=_OTHER_TEXTS), _E(previous={})),
    Code("year.jump", "与上年相比变化超过五倍", "notice", _E(previous={}),
         _E(previous={"t3.new.total": 100})),
    # -- importing published reports (issue 15) ---------------------------------------------------
    Code("import.unreadable", "无法打开的年报文件", "error", _E(file=_published(), suffix=_TXT),
         _E(file=lambda: b"not a Word file", suffix=".docx")),
    Code("import.missing", "原文缺少的数值", "warning", _E(file=_published(), suffix=_TXT),
         _E(file=_published(("2.重复申请 0 0 0 0 0 0 0", "2.重复申请")), suffix=_TXT)),
    Code("import.ambiguous", "数字粘连无法确定", "warning", _E(file=_published(), suffix=_TXT),
         _E(file=_published(("行政规范性文件 1 0 16", "行政规范性文件1016")), suffix=_TXT)),
    Code("import.format_mixed", "新旧格式混用", "error", _E(file=_published(), suffix=_TXT),
         _E(file=_published((_OTHER_2021, "（六）其他处理 0 0 0 0 0 0 0")), suffix=_TXT)),
    Code("import.unit", "金额单位换算", "notice", _E(file=_published(), suffix=_TXT),
         _E(file=_published(("（单位：万元）", "（单位：元）")), suffix=_TXT)),
    Code("import.year_inferred", "年度取自正文", "notice", _E(file=_published(), suffix=_TXT),
         _E(file=_published(("办公室2021年政府信息", "办公室政府信息"),
                            ("今年办公室共收到", "2021年办公室共收到")), suffix=_TXT)),
    # reachable from `nianbao import` only (checking a file of another kind reads it as a
    # workbook); tested in tests/test_import.py
    Code("import.unknown_kind", "不支持的文件类型", "error", _E(), _E()),
    Code("import.pdf_library", "缺少 PDF 组件", "error", _E(), _E()),
    # -- hostile and broken inputs (issue 19) ------------------------------------------------------
    Code("file.unreadable", "文件无法读取", "error", _E(), _E()),  # permissions: see the tests
    Code("read.sheet_too_large", "工作表数据区域异常大", "error", _E(),
         _E(cells={"四、复议诉讼!XFD1048576": 1})),
    Code("read.formula", "公式没有计算结果", "error", _E(), _E(file=_formula)),
    Code("read.out_of_range", "数值超出范围", "error", _E(), _E(cells={"t3.new.natural": "9" * 4400})),
)


@lru_cache(maxsize=None)
def registry() -> dict[str, Code]:
    """Every code: the ones declared here and the declared rules of every format."""
    out = {c.code: c for c in _CODES}
    for fmt in FORMATS.values():
        for rule in fmt.rules:
            out.setdefault(rule.id, Code(rule.id, rule.title, rule.severity, *RULE_EXAMPLES[rule.id]))
    return out


def title_of(code: str) -> str:
    c = registry().get(code)
    return c.title if c else code


def stops_publication(code: str, severity: str) -> bool:
    """Whether a finding keeps the report from being published unless forced — every error,
    and a finding whose code says so (``Code.stops_publication``): one rule for every door
    that makes the report (the command, the add-in's 生成报告, the demo)."""
    c = registry().get(code)
    return severity == "error" or (c is not None and c.stops_publication)


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


__all__ = ["Code", "Example", "registry", "title_of", "stops_publication", "RULE_EXAMPLES"]
