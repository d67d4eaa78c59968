"""国办公开办函〔2019〕60号《中华人民共和国政府信息公开工作年度报告格式（试行）》 — 2019, 2020."""
from __future__ import annotations

from . import common as c
from .model import Block, Column, Format, Row, Rule, Section, Table

_ITEMS = (Column("prev_items", ("上一年项目数量",)), Column("change", ("本年增/减",), kind="signed"))
_SERVICES = _ITEMS + (Column("decisions", ("处理决定数量",)),)

T2 = Table("t2", "二、主动公开政府信息情况", (
    Block("art20_1", (Column("made", ("本年新制作数量",)), Column("published", ("本年新公开数量",)),
                      Column("public_total", ("对外公开总数量",))),
          (Row("rules", ("规章",)), Row("normative", ("规范性文件",))),
          title="第二十条第（一）项", corner="信息内容"),
    Block("art20_5", _SERVICES,
          (Row("licensing", ("行政许可",)), Row("other_services", ("其他对外管理服务事项",))),
          title="第二十条第（五）项", corner="信息内容"),
    Block("art20_6", _SERVICES,
          (Row("punishment", ("行政处罚",)), Row("enforcement", ("行政强制",))),
          title="第二十条第（六）项", corner="信息内容"),
    Block("art20_8", _ITEMS, (Row("fees", ("行政事业性收费",)),),
          title="第二十条第（八）项", corner="信息内容"),
    # the 2019 format prints 采购总金额 without a unit and the reports published in it state
    # it in 元, so the template asks for 元 and prints the unit in its header (a workbook made
    # when this column was in 万元 no longer matches the header: it is refused, never misread)
    Block("art20_9", (Column("items", ("采购项目数量",)),
                      Column("amount", ("采购总金额",), kind="money", unit="元")),
          (Row("procurement", ("政府集中采购",)),),
          title="第二十条第（九）项", corner="信息内容"),
))

T3 = c.t3_table((Row("other", ("（六）其他处理",), band=c.T3_BAND),))

# Across years.  The 2019 format prints no cross-year relation, but its columns say what rolls
# forward: 对外公开总数量 grows by 本年新公开数量, and 上一年项目数量 is last year's count after
# last year's 本年增/减.  Inferred from the meaning, not printed: warnings.
_ROLLING = tuple(r.key for b in T2.blocks if any(col.key == "prev_items" for col in b.columns)
                 for r in b.rows)
CROSS_YEAR = (
    Rule("t2.public_total", "roll", "warning", "对外公开总数量衔接",
         "本年对外公开总数量 = 上年对外公开总数量 + 本年新公开数量（据格式各栏含义推定）",
         ("t2.{row}.public_total",), ("prev:t2.{row}.public_total", "t2.{row}.published"),
         each=(("row", tuple(r.key for r in T2.blocks[0].rows)),), table="t2"),
    Rule("t2.items", "roll", "warning", "上一年项目数量衔接",
         "本年「上一年项目数量」= 上年「上一年项目数量」+ 上年「本年增/减」（据格式各栏含义推定）",
         ("t2.{row}.prev_items",), ("prev:t2.{row}.prev_items", "prev:t2.{row}.change"),
         each=(("row", _ROLLING),), table="t2"),
)

FORMAT = Format(
    id="2019",
    title="2019年版格式（试行）",
    basis="国办公开办函〔2019〕60号",
    name="中华人民共和国政府信息公开工作年度报告格式（试行）",
    years=(2019, 2020),
    meta=c.META,
    preamble=c.PREAMBLE,
    sections=(
        c.S1,
        *c.table_sections(T2, T3),
        c.S5,
        Section("s6", "六、其他需要报告的事项", "六、其他事项", texts=(c.S6_TEXT,)),
    ),
    tables=(T2, T3, c.T4),
    stated=c.stated_documents((("made", r"新制作|制发|印发"), ("published", r"新公开"),
                               ("public_total", r"对外公开总|累计公开"))) + c.DECISIONS_STATED
    # 2019's table 2 has a row of its own for them: 「其他对外管理服务事项处理决定10件」 is theirs,
    # not 行政许可's (nianbao's own 2019 paragraph writes the two side by side)
    + c.stated_decisions((("other_services", "其他对外管理服务事项"),)),
    rules=c.t3_rules(T3) + c.T4_RULES + CROSS_YEAR,
    key_figures=c.key_figures(T2),
)
