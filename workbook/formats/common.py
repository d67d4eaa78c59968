"""Parts that the 2019 and 2021 formats print identically.

Each format module assembles its declaration from these and from its own parts, so a reader
can compare the two formats side by side; a future format may reuse them or not.
"""
from __future__ import annotations

from .model import Block, Column, MetaItem, Row, Rule, Section, Stated, Table, TextItem

META = (
    MetaItem("unit", "填报单位", required=True, published=True),
    MetaItem("year", "报告年度", kind="count", required=True, bounds=(2000, 2100), published=True),
    MetaItem("contact", "联系人"),
    MetaItem("phone", "联系电话", published=True),
    MetaItem("date", "填报日期"),
    # the contact sentence of the report (issue 18): where to write, and where it is published
    MetaItem("address", "通信地址", published=True),
    MetaItem("postcode", "邮政编码", published=True),
    MetaItem("email", "电子邮箱", published=True),
    MetaItem("website", "年报发布网站", published=True),
    # the 落款's date (GB/T 9704 7.3.5): its own cell, not the day the workbook was filled in
    MetaItem("document_date", "成文日期", published=True, wanted=True),
)
PREAMBLE = TextItem("preamble", "导语", "印在标题之下、「一、总体情况」之前（可空：留空时由 nianbao 生成）")

# ---- fields the checks name across formats (the 2021 format declares them) --------------------
FEE_NOTICES, FEE_AMOUNT = "s6.fee_notices", "s6.fee_amount"
UNPAID = "t3.other_2.total"  # 表三（六）2: dropped because the fee was not paid

# ---- section texts -------------------------------------------------------------------------
S1 = Section(
    "s1", "一、总体情况", "一、总体情况",
    texts=(
        TextItem("s1.overview", "总体概述", "本年度政府信息公开工作的总体概述（可空）"),
        TextItem("s1.active", "（一）主动公开情况"),
        TextItem("s1.request", "（二）依申请公开情况"),
        # the words that, in another part of 一, show the topic written there; 公开目录/公开指南,
        # the platforms by name: as real reports cover them (tests/test_checks_reader_net.py)
        TextItem("s1.management", "（三）政府信息管理情况",
                 expected=("政府信息管理", "信息管理", "发布审查", "保密审查", "公开属性", "制度规范",
                           "规范性文件管理", "公开目录", "公开指南", "发布审核")),
        TextItem("s1.platform", "（四）平台建设情况",
                 expected=("平台建设", "网站建设", "政务新媒体", "门户网站", "政府网站", "公众号",
                           "公开专区", "政府公报")),
        TextItem("s1.oversight", "（五）监督保障情况",
                 expected=("监督保障", "考核", "培训", "社会评议", "责任追究")),
    ),
)
S5 = Section(
    "s5", "五、存在的主要问题及改进情况", "五、问题及改进",
    texts=(
        TextItem("s5.problems", "存在的主要问题", "本年度工作中存在的具体问题，不得照搬往年",
                 variants=("存在的问题", "存在问题", "主要问题", "问题和不足", "不足之处")),
        TextItem("s5.improvements", "上年问题改进情况", "针对上年度报告所列问题的整改情况",
                 expected=("上年", "上一年", "去年", "整改"), variants=("改进情况",)),
        TextItem("s5.plans", "下一步工作打算",
                 variants=("下一步", "努力方向", "改进措施", "工作打算", "工作计划", "工作安排",
                           "工作思路")),
    ),
    variants=("五、存在的主要问题及下一步努力方向", "五、存在的主要问题及改进措施"),
)
S6_TEXT = TextItem("s6.other", "其他需要报告的事项")

# Headings offices print for a text part instead of its standard label — 「（三）政府信息管理方面」
# run into （二）, 「（二）改进情况」 inside a 五 of its own, a 五 numbered 六 — by part, the
# numbering before them and 情况/方面/工作 after them left off.  A part written under one of
# them anywhere in the report is written (the checks confirm from the whole text before they
# call a part absent).  Only the parts a check asks for are listed.  The importer recognises
# section titles by Section.variants; both describe what offices print and could be one list.
PART_HEADINGS: dict[str, tuple[str, ...]] = {
    "s1.management": ("政府信息管理", "信息管理", "政务信息管理"),
    "s1.platform": ("平台建设", "公开平台建设", "政务公开平台建设", "政府信息公开平台建设",
                    "平台建设管理"),
    "s1.oversight": ("监督保障", "监督考核", "监督检查"),
    "s5.problems": ("存在的主要问题", "存在的问题", "存在问题", "主要问题", "存在的不足",
                    "问题和不足", "问题与不足"),
    "s5.improvements": ("上年问题改进", "上年度问题改进", "上一年度问题改进", "上年问题整改",
                        "上年度问题整改", "改进情况", "整改情况", "整改落实", "整改措施", "改进措施"),
}
# what may stand before and after those words in a heading: 「政府信息公开工作存在的主要问题」,
# 「政府信息管理方面」
PART_HEADING_PREFIXES = ("政府信息公开工作", "政务公开工作", "政府信息公开", "政务公开")
PART_HEADING_SUFFIXES = ("情况", "方面", "工作")
S2_VARIANTS = ("二、行政机关主动公开政府信息情况",)
S4_VARIANTS = ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",)

# ---- table 3 -------------------------------------------------------------------------------
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_BAND = "三、本年度办理结果"
T3_COLUMNS = (
    Column("natural", ("自然人",)),
    Column("business", ("法人或其他组织", "商业企业")),
    Column("research", ("法人或其他组织", "科研机构")),
    Column("nonprofit", ("法人或其他组织", "社会公益组织")),
    Column("legal", ("法人或其他组织", "法律服务机构")),
    Column("other_org", ("法人或其他组织", "其他")),
    Column("total", ("总计",)),
)
T3_APPLICANTS = tuple(c.key for c in T3_COLUMNS if c.key != "total")
T3_COLUMN_KEYS = tuple(c.key for c in T3_COLUMNS)


def _r(key: str, *labels: str) -> Row:
    return Row(key, labels, band=T3_BAND)


T3_HEAD = (
    Row("new", ("一、本年新收政府信息公开申请数量",)),
    Row("carried", ("二、上年结转政府信息公开申请数量",)),
    _r("granted", "（一）予以公开"),
    _r("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    _r("denied_1", "（三）不予公开", "1.属于国家秘密"),
    _r("denied_2", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    _r("denied_3", "（三）不予公开", "3.危及“三安全一稳定”"),
    _r("denied_4", "（三）不予公开", "4.保护第三方合法权益"),
    _r("denied_5", "（三）不予公开", "5.属于三类内部事务信息"),
    _r("denied_6", "（三）不予公开", "6.属于四类过程性信息"),
    _r("denied_7", "（三）不予公开", "7.属于行政执法案卷"),
    _r("denied_8", "（三）不予公开", "8.属于行政查询事项"),
    _r("unavailable_1", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    _r("unavailable_2", "（四）无法提供", "2.没有现成信息需要另行制作"),
    _r("unavailable_3", "（四）无法提供", "3.补正后申请内容仍不明确"),
    _r("not_processed_1", "（五）不予处理", "1.信访举报投诉类申请"),
    _r("not_processed_2", "（五）不予处理", "2.重复申请"),
    _r("not_processed_3", "（五）不予处理", "3.要求提供公开出版物"),
    _r("not_processed_4", "（五）不予处理", "4.无正当理由大量反复申请"),
    _r("not_processed_5", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
)
T3_TAIL = (
    _r("total", "（七）总计"),
    Row("carry_forward", ("四、结转下年度继续办理",)),
)


def t3_table(other_rows: tuple[Row, ...]) -> Table:
    """Table 3 with the given rows for （六）其他处理 — the only part that differs by format."""
    rows = T3_HEAD + other_rows + T3_TAIL
    return Table("t3", "三、收到和处理政府信息公开申请情况", (
        Block("main", T3_COLUMNS, rows, corner=T3_NOTE, column_band="申请人情况"),
    ))


def t3_result_rows(table: Table) -> tuple[str, ...]:
    """Keys of the leaf rows under a table's band that its last banded row adds up — in 表三
    the results （一）…（六） that （七）总计 sums; () for a table without a band."""
    banded = [r.key for r in table.blocks[0].rows if r.band]
    return tuple(banded[:-1])


# ---- table 4 -------------------------------------------------------------------------------
T4_OUTCOMES = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
               ("pending", "尚未审结"), ("total", "总计"))
T4_GROUPS = (
    ("review", ("行政复议",)),
    ("suit_direct", ("行政诉讼", "未经复议直接起诉")),
    ("suit_after_review", ("行政诉讼", "复议后起诉")),
)
T4 = Table("t4", "四、政府信息公开行政复议、行政诉讼情况", (
    Block("main", tuple(
        Column(f"{g}.{k}", path + (label,)) for g, path in T4_GROUPS for k, label in T4_OUTCOMES
    ), (Row("", (), caption="本年度件数"),)),
))


def table_sections(t2: Table, t3: Table) -> tuple[Section, Section, Section]:
    """Sections 二 三 四: each holds its table, on a sheet named for it."""
    return (
        Section("s2", t2.title, "二、主动公开", table="t2", variants=S2_VARIANTS, note=_remark("s2")),
        Section("s3", t3.title, "三、依申请公开", table="t3", note=_remark("s3")),
        Section("s4", T4.title, "四、复议诉讼", table="t4", variants=S4_VARIANTS, note=_remark("s4"),
                lead=TextItem("s4.lead", "表前说明",
                              "印在表四之前（可空：留空时由 nianbao 据表四生成一段）")),
    )


def _remark(section: str) -> TextItem:
    return TextItem(f"{section}.note", "备注", "印在表格下方，如「注：含上年度结转数量」（可空）")


# ---- rules both formats share ---------------------------------------------------------------
def t3_rules(table: Table) -> tuple[Rule, ...]:
    rows = tuple(r.key for r in table.blocks[0].rows)
    results = t3_result_rows(table)
    return (
        Rule("t3.row", "sum", "error", "行合计校验",
             "表三各行：总计 = 自然人 + 法人或其他组织各项之和",
             ("t3.{row}.total",), tuple(f"t3.{{row}}.{c}" for c in T3_APPLICANTS),
             each=(("row", rows),), place="column", table="t3"),
        Rule("t3.total", "sum", "error", "（七）总计校验",
             "表三各列：（七）总计 = （一）至（六）各项之和",
             ("t3.total.{col}",), tuple(f"t3.{r}.{{col}}" for r in results),
             each=(("col", T3_COLUMN_KEYS),), place="row", table="t3"),
        Rule("t3.balance", "balance", "error", "勾稽关系校验",
             "表三勾稽关系：第一项加第二项之和，等于第三项加第四项之和",
             ("t3.new.{col}", "t3.carried.{col}"), ("t3.total.{col}", "t3.carry_forward.{col}"),
             each=(("col", T3_COLUMN_KEYS),), place="row", table="t3"),
        Rule("t3.carry", "carry", "error", "上年结转校验",
             "本年「二、上年结转」应等于上年「四、结转下年度继续办理」",
             ("t3.carried.{col}",), ("prev:t3.carry_forward.{col}",),
             each=(("col", T3_COLUMN_KEYS),), table="t3"),
    )


T4_RULES = (
    Rule("t4.sum", "sum", "error", "总计校验",
         "表四各组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
         ("t4.{group}.total",),
         tuple(f"t4.{{group}}.{k}" for k, _ in T4_OUTCOMES if k != "total"),
         each=(("group", tuple(g for g, _ in T4_GROUPS)),), place="row", table="t4"),
)


# ---- figures the narrative states about table 2 ----------------------------------------------
_RULES = r"规章(?!制度)"
_NORMATIVE = r"规范性文件"


def stated_decisions(rows: tuple[tuple[str, str], ...]) -> tuple[Stated, ...]:
    """「作出行政处罚决定12件」: 本年处理决定数量 of each (row key, subject) of 第二十条第（五）（六）项."""
    return tuple(Stated(f"t2.{key}.decisions", subject, r"决定") for key, subject in rows)


DECISIONS_STATED = stated_decisions((("licensing", "行政许可"), ("punishment", "行政处罚"),
                                     ("enforcement", "行政强制")))


def stated_documents(measures: tuple[tuple[str, str], ...]) -> tuple[Stated, ...]:
    """Counts of 规章 and 规范性文件 by column key and the words that name the column."""
    return tuple(Stated(f"t2.{row}.{col}", subject, measure)
                 for row, subject in (("rules", _RULES), ("normative", _NORMATIVE))
                 for col, measure in measures)


# ---- year on year ----------------------------------------------------------------------------
def key_figures(t2: Table) -> tuple[str, ...]:
    """The figures whose jump from last year an office should explain: applications received,
    review and litigation cases, and every 处理决定数量 the format's table 2 asks for."""
    decisions = tuple(f"t2.{r.key}.{col.key}" for b in t2.blocks for col in b.columns
                      if col.key == "decisions" for r in b.rows)
    return ("t3.new.total",) + tuple(f"t4.{g}.total" for g, _ in T4_GROUPS) + decisions
