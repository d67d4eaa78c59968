"""The catalogue of every finding code a user can see: one entry per code with its Chinese
title, its severity and its message template (with the other wordings of the same finding, its
variants) — declared once, here (pylint's message definitions, frictionless' error types).

A finding is made with :func:`nianbao.findings.emit` from a code and the template's arguments:
the severity comes from this entry (a code whose severity depends on the case declares both,
``"warning/error"``, and the call says which), the message is rendered from it, and the
arguments stay on the finding (``Finding.args``) for doors that want them.

The codes of the declared reconciliation rules (``t3.balance`` …) take their title and severity
from the format declarations, where they are declared once; their wording is one template per
rule kind (:data:`KIND_TEMPLATES`).  Good and bad examples of every code — a change to the
bundled sample that must raise it, and one that must not — are in ``tests/code_examples.py``,
run by ``tests/test_codes.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

SEVERITIES = ("error", "warning", "notice")


@dataclass(frozen=True)
class Code:
    code: str
    title: str  # the Chinese name shown beside the message (校验结果, the add-in, the README)
    severity: str  # as emitted; "warning/error" where the case decides (the call says which)
    template: str  # the message, ``{placeholders}`` filled by the finding's arguments
    variants: Mapping[str, str] = field(default_factory=dict)  # other wordings, by name
    # a finding that stops the report being published (made unless forced), though `check`,
    # `merge` and the add-in's 校验 count it as its severity says: a statutory table left wholly
    # blank may be on its way to being filled, but a report printing it empty is not to go out
    stops_publication: bool = False

    @property
    def severities(self) -> tuple[str, ...]:
        return tuple(self.severity.split("/"))

    def wording(self, variant: str = "") -> str:
        return self.variants[variant] if variant else self.template


# reconciliation rules: one template per rule kind (a rule's own code, title and severity come
# from its declaration in nianbao.formats)
KIND_TEMPLATES: dict[str, str] = {
    "sum": "{where}应为 {expected}，实为 {actual}（{basis}）",
    "balance": "{where}勾稽关系不符：{left_terms} = {left}，{right_terms} = {right}，两边应相等（{basis}）",
    "carry": "{where}应为 {expected}（{prev}{prev_where}为 {expected}），实为 {actual}（{basis}）",
    "stock": "{where}按 {terms} 应为 {expected}，实为 {actual}（{basis}；如有文件因有效期届满等原因失效，请核实）",
    "roll": "{where}按 {terms} 应为 {expected}，实为 {actual}（{basis}）",
}

_CODES: tuple[Code, ...] = (
    # -- whole files (an input that cannot be read: exit code 2, one finding) ----------------------
    Code('file.missing', '找不到文件', 'error',
         '找不到文件：{file}'),
    Code('file.not_xlsx', '不是 Excel 工作簿', 'error',
         '{file} 不是有效的 Excel 工作簿（.xlsx），无法读取：{detail}'),
    Code('file.encrypted', '工作簿已加密', 'error',
         '{file} 已加密或设置了打开密码，请去掉密码后再试'),
    Code('file.too_large', '文件异常过大', 'error',
         '{file} 解压后过大（{size}），疑似异常文件，已拒绝读取'),
    Code('file.hostile', '含不安全内容', 'error',
         '{file} 含有不安全的内容（{detail}），已拒绝读取'),
    Code('file.not_nianbao', '不是年报工作簿', 'error',
         '{file} 不是年报工作簿：缺少「{sheet}」等工作表，请使用 nianbao new 生成的模板'),
    Code('file.unknown_format', '报告格式无法识别', 'error',
         '{file} 的报告格式「{format}」无法识别（支持：{known}）'),
    Code('file.unreadable', '文件无法读取', 'error',
         '无法读取 {file}：{detail}'),
    # -- reading cells -----------------------------------------------------------------------------
    Code('read.blank', '未填写', 'notice',
         '{where}未填写，按 0 计'),
    Code('read.text_number', '文本格式的数字', 'notice',
         '{where}是文本格式的数字「{raw}」，已按 {value} 读取'),
    Code('read.fullwidth', '全角数字', 'notice',
         '{where}含全角数字「{raw}」，已按 {value} 读取'),
    Code('read.thousands', '千位分隔符', 'notice',
         '{where}含千位分隔符「{raw}」，已按 {value} 读取'),
    Code('read.suffix', '数字带单位', 'notice',
         '{where}带有单位「{raw}」，已按 {value} 读取'),
    Code('read.invalid', '不是数字', 'error',
         '{where}应填{kind}，实为「{raw}」，无法识别为数字'),
    Code('read.sheet_missing', '缺少工作表', 'error',
         '缺少工作表「{sheet}」（可能被改名或删除），该部分数据无法读取'),
    Code('read.label_moved', '表格结构被改动', 'error',
         '工作表「{sheet}」{cell} 应为「{expected}」，实为「{actual}」：表格结构被改动（行列被插入、删除或移动），该表数据未读取'),
    Code('read.meta_mismatch', '与下发时的单位、年度不一致', 'warning',
         '基本信息中的{item}「{actual}」与工作簿下发时的「{expected}」不一致'),
    Code('read.dash', '「/」「—」按未填写读取', 'notice',
         '{where}填的是「{raw}」，按未填写读取（表示无此项）'),
    Code('read.unit', '金额按所写单位换算', 'notice',
         '{where}填的是「{raw}」，本栏单位为{unit}，已按所写单位换算为 {value}'),
    Code('read.note', '数字后的说明', 'notice',
         '{where}「{raw}」已按 {value} 读取；括号中的说明「{note}」未计入，可写入本表的备注'),
    Code('read.sheet_too_large', '工作表数据区域异常大', 'error',
         '工作表「{sheet}」的数据区域异常大（延伸到 {cell}），该表数据未读取：请删除表格以外远处单元格的内容后再试'),
    Code('read.formula', '公式没有计算结果', 'error',
         '{where}是公式「{formula}」，但文件中没有它的计算结果（文件可能由程序生成），无法读取其数值：请用 Excel、WPS 或 LibreOffice 打开并保存后再检查'),
    Code('read.out_of_range', '数值超出范围', 'error',
         '{where}的数值「{raw}」超出可处理的范围（最多 15 位数字），无法读取'),
    # -- values and basic information --------------------------------------------------------------
    Code('value.blank', '未填写', 'notice',
         '{where}未填写，按 0 计',
         {'unknown': '{where}未填写'}),
    Code('value.invalid', '不是数字', 'error',
         '{where}应填{kind}，实为「{raw}」，无法识别为数字'),
    Code('value.negative', '负数', 'error',
         '{where}应填{kind}，实为 {value}（不能为负数）'),
    Code('value.not_integer', '小数', 'error',
         '{where}应填{kind}，实为 {value}（不能有小数）'),
    Code('meta.unit', '填报单位未填写', 'error',
         '{where}未填写'),
    Code('meta.year', '报告年度未填写', 'error',
         '{where}未填写'),
    Code('meta.document_date', '成文日期未填写', 'warning',
         '{where}未填写：年报落款的成文日期将留空，须手工填写后才能发布'),
    Code('format.year', '年度与格式不符', 'error',
         '报告年度为 {year} 年，应使用{expected}（{basis}），本工作簿却是{actual}（{actual_basis}）'),
    Code('table.blank', '整表未填写', 'warning/error',
         '{table}（「{sheet}」{n} 个单元格）全部未填写：如本年确无数据，请逐格填 0',
         {'stated': '{table}（「{sheet}」{n} 个单元格）全部未填写，但正文写明了{table}的数字：请按正文填写表格'},
         stops_publication=True),
    Code('fee.no_notice', '收费而无收费通知', 'warning',
         '{amount_where}为 {amount}，收取了信息处理费，但{where}{state}：收费须先发出收费通知'),
    Code('fee.unpaid', '逾期未缴费而无收费通知', 'warning',
         '{unpaid_where}为 {unpaid}（申请人逾期未缴费），说明发出过收费通知，但{where}{state}'),
    # -- rules skipped -----------------------------------------------------------------------------
    Code('rule.skipped', '校验未进行', 'notice',
         '{where}不是数字，「{title}」中涉及该单元格的校验未进行',
         {'table': '「{sheet}」未能读取，{table}的勾稽校验未进行'}),
    Code('rule.missing', '来源中缺失', 'warning',
         '{table}有 {n} 个单元格在来源中缺失（不是 0，也不是空白）：{cells}；涉及它们的「{title}」校验未进行',
         {'unchecked': '{table}有 {n} 个单元格在来源中缺失（不是 0，也不是空白）：{cells}；请补填'}),
    # -- across years ------------------------------------------------------------------------------
    Code('prev.year', '上年报告年度不衔接', 'error',
         '上年报告的年度为 {prev} 年，本报告为 {year} 年，上年报告应为 {expected} 年；跨年度数据核对未进行'),
    Code('prev.unit', '上年报告单位不一致', 'warning/error',
         '上年报告的填报单位为「{prev}」，本报告为「{unit}」，两者应一致',
         {'renamed': '上年报告的填报单位为「{prev}」，本报告为「{unit}」，名称不同，但两年的数字衔接（{titles}相符）：如系机构改革或更名，核实后可标为已复核',
          'other': '上年报告的填报单位为「{prev}」，本报告为「{unit}」，两年的数字也不衔接（{titles}不符）：请确认所给的是本单位的上年报告'}),
    Code('prev.invalid', '上年数据不是数字', 'notice',
         '上年报告{where}不是数字，「{title}」中涉及该单元格的核对未进行'),
    Code('prev.skipped', '跨年度核对未进行', 'notice',
         '上年报告{where}在来源中缺失，「{title}」中涉及该单元格的核对未进行',
         {'field': '上年报告（{format}）没有{what}，「{title}」未核对',
          'sheet': '上年报告的「{sheet}」未能读取，「{title}」未核对'}),
    Code('prev.unreadable', '上年报告无法读取', 'error',
         '上年度工作簿无法读取：{message}'),
    Code('year.repeated', '与上年文字相同', 'notice',
         '「{where}」约 {share}% 的文字与{prev}相同，请确认是否照搬'),
    Code('year.repeated_all', '全文与上年相同的比例', 'notice',
         '全部文字约 {share}% 与{prev}相同（{sections}）'),
    Code('year.jump', '与上年相比变化超过五倍', 'notice',
         '{where}为 {now}，{prev}为 {before}，变化超过 {ratio} 倍，请在报告文字中说明原因'),
    # -- narrative ↔ tables ------------------------------------------------------------------------
    Code('text.received', '文字与表三：收到申请数', 'warning',
         '{where}写的是「{quote}」，但{table_where}{shown}',
         {'both': '{where}写的是「{quote}」，但{new_where}{new}，{carried_where}{carried}'}),
    Code('text.carried', '文字与表三：上年结转数', 'warning',
         '{where}写的是「{quote}」，但{table_where}{shown}'),
    Code('text.forward', '文字与表三：结转下年度数', 'warning',
         '{where}写的是「{quote}」，但{table_where}{shown}'),
    Code('text.done', '文字与表三：办结数', 'warning',
         '{where}写的是「{quote}」，但{table_where}{shown}'),
    Code('text.none_received', '文字称未收到申请', 'warning',
         '{where}写的是「{quote}」，但{table_where}为 {expected}'),
    Code('text.all_done', '文字称全部办结', 'warning',
         '{where}写的是「{quote}」，但{table_where}为 {expected}，仍有申请结转下年度办理'),
    Code('text.parts', '文字中「其中」各项之和', 'warning',
         '{where}写的是「{total_quote}」，其后「其中」所列{parts}合计 {sum} {unit}，多于所述总数 {total} {unit}'),
    Code('text.cases', '文字与表四', 'warning',
         '{where}写的是「{quote}」，但{table_where}合计为 {expected}',
         {'none': '{where}写的是「{quote}」，但{table_where}合计为 {expected}',
          'outcome': "{where}写的是「{quote}」，但{table_where}合计为 {expected}"}),
    Code('text.fee', '文字与信息处理费', 'warning',
         '{where}写的是「{quote}」，但填写的信息处理费金额为 {amount}、收费通知为 {notices} 件',
         {'amount': '{where}写明信息处理费 {stated} 元，但{table_where}为 {expected}'}),
    Code('text.fee_missing', '未说明信息处理费', 'warning',
         '{where}未说明信息处理费的收取情况（按《政府信息公开信息处理费管理办法》，应写明发出收费通知的件数和收取的金额，或写明未收取）'),
    Code('text.fee_unpaid', '未写明收费通知', 'warning',
         '{table_where}为 {unpaid}，说明本年发出过信息处理费收费通知，但{where}未写明发出收费通知的件数'),
    Code('text.problems_empty', '五未填写', 'warning',
         '{where}未填写：应具体写明本年度存在的主要问题和改进情况',
         {'elsewhere': '{where}未填写；{other}中有「{heading}」一段，如是这一部分的内容，请移到此处（年报按部分印出）'}),
    Code('text.problems_thin', '五过于简略', 'warning',
         '{where}只有「{text}」：应具体写明本年度存在的主要问题和改进情况',
         {'elsewhere': '{where}未填写；{other}中有「{heading}」一段，如是这一部分的内容，请移到此处（年报按部分印出）'}),
    Code('text.problems_repeated', '五照搬上年', 'warning',
         '{where}约 {share}% 的文字与上年报告相同：不得照搬往年内容'),
    Code('text.parts_short', '「其中」各项少于总数', 'notice',
         '{where}写的是「{total_quote}」，其后「其中」所列{parts}合计 {sum} {unit}，少于所述总数 {total} {unit}（如所列并非全部，可不理会）'),
    Code('text.table2', '文字与表二', 'warning',
         '{where}写的是「{quote}」，但{table_where}{shown}'),
    Code('text.problems_generic', '五只有套话', 'notice',
         '{where}只有{phrases}一类的套话，没有写出具体问题：应写明本年度存在的具体问题',
         {'unspecific': '{where}没有写出具体问题：应写明本年度存在的具体问题'}),
    Code('text.part_empty', '应有的部分未填写', 'warning',
         '{where}未填写，正文其他部分也未写明{part}'),
    Code('text.overview_long', '总体情况过长', 'notice',
         '{where}所在的「总体情况」共约 {n} 字，按格式要求原则上控制在 {limit} 字左右'),
    Code('text.halfwidth', '中文间的半角标点', 'notice',
         '{where}「{quote}」在中文之间用了半角标点（全文共 {n} 处），年报中已按全角标点印出'),
    # -- importing published reports ---------------------------------------------------------------
    Code('import.unreadable', '无法打开的年报文件', 'error',
         '{file} 无法打开：{detail}'),
    Code('import.missing', '原文缺少的数值', 'warning',
         '{table}中有 {n} 个数值在原文中未找到，记为缺失（不是 0）：{cells}',
         {'table': '原文中未找到{table}（可能在提取时丢失或被改写），其 {n} 个数值记为缺失（不是 0）',
          # the audit's one finding per table (nianbao.audit.published_view): the values and
          # the checks that could not be run on them, said once
          'unchecked': '{table}中有 {n} 个数值在原文中未找到，记为缺失（不是 0）：{cells}；涉及它们的「{title}」校验未进行',
          'table_unchecked': '原文中未找到{table}（可能在提取时丢失或被改写），其 {n} 个数值记为缺失（不是 0）；涉及它们的「{title}」校验未进行'}),
    Code('import.ambiguous', '数字粘连无法确定', 'warning',
         '{where}印作「{printed}」，数字之间缺少分隔，有 {n} 种拆分都符合勾稽关系（如 {candidates}），未擅自选取，记为缺失，请核对原文',
         {'inconsistent': '{where}印作「{printed}」，数字之间缺少分隔，且没有一种拆分符合勾稽关系，记为缺失，请核对原文'}),
    Code('import.format_mixed', '新旧格式混用', 'error',
         '报告应使用{format}，但部分内容按{others}印制：{parts}。这些部分中新格式没有的数值未导入'),
    Code('import.unit', '金额单位换算', 'notice',
         '金额按「元」印出，{value} 元已换算为 {converted} 万元'),
    Code('import.year_inferred', '年度取自正文', 'notice',
         '标题中没有年度，按正文中最常出现的年份 {year} 年读取，请核对'),
    Code('import.unknown_kind', '不支持的文件类型', 'error',
         '{file} 不是可导入的年报文件（支持：{known}）'),
    Code('import.pdf_library', '缺少 PDF 组件', 'error',
         "读取 PDF 需要 pdfplumber，当前未安装，无法读取 {file}。请执行：pip install 'nianbao[pdf]'（或把 PDF 另存为 Word / 文本后导入）"),
    # -- auditing many published reports -----------------------------------------------------------
    Code('audit.no_unit', '未读出单位', 'warning',
         '原文的标题、落款和网页的发布机构中都没有读出单位名称：本报告列在「未识别单位」下，不与其他年度的报告关联'),
    Code('audit.no_year', '未读出年度', 'warning',
         '原文的标题和正文中都没有读出报告年度：本报告不与同一单位其他年度的报告关联'),
)

# What nianbao could not read or check, as against what is wrong with the report itself: an
# evaluator counts the report's own defects, and reads these apart (``nianbao audit``).  A mix of
# formats (import.format_mixed) is the report's own defect, not a reading one.
READING = frozenset({
    "file.missing", "file.not_xlsx", "file.encrypted", "file.too_large", "file.hostile",
    "file.not_nianbao", "file.unknown_format", "file.unreadable",
    "read.sheet_missing", "read.label_moved", "read.sheet_too_large", "read.formula",
    "read.out_of_range",
    "rule.skipped", "rule.missing", "prev.skipped", "prev.invalid", "prev.unreadable",
    "import.unreadable", "import.missing", "import.ambiguous", "import.unit",
    "import.year_inferred", "import.unknown_kind", "import.pdf_library",
    "audit.no_unit", "audit.no_year",
})


def is_reading(code: str) -> bool:
    """Whether a finding says what could not be read or checked (:data:`READING`), not what
    is wrong with the report."""
    return code in READING


@lru_cache(maxsize=None)
def registry() -> dict[str, Code]:
    """Every code: the ones declared here and the declared rules of every format."""
    from .formats import FORMATS  # the declarations import nothing of ours: no cycle

    out = {c.code: c for c in _CODES}
    for fmt in FORMATS.values():
        for rule in fmt.rules:
            out.setdefault(rule.id, Code(rule.id, rule.title, rule.severity,
                                         KIND_TEMPLATES[rule.kind]))
    return out


def stops_publication(code: str, severity: str) -> bool:
    """Whether a finding keeps the report from being published unless forced — every error,
    and a finding whose code says so (``Code.stops_publication``): one rule for every door
    that makes the report (the command, the add-in's 生成报告, the server, the demo)."""
    c = registry().get(code)
    return severity == "error" or (c is not None and c.stops_publication)


def title_of(code: str) -> str:
    c = registry().get(code)
    return c.title if c else code


def template_of(code: str) -> str | None:
    """The message template of a finding code (its default wording), None for another key."""
    c = registry().get(code)
    return c.template if c else None


__all__ = ["Code", "KIND_TEMPLATES", "SEVERITIES", "READING", "registry", "title_of", "template_of",
           "stops_publication", "is_reading"]
