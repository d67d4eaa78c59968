"""国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》 — report years 2021 on."""
from __future__ import annotations

from . import common as c
from .model import Block, Column, Extra, Format, Row, Rule, Section, Table

_PRINT = (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
_DECISIONS = (Column("decisions", ("本年处理决定数量",)),)

T2 = Table("t2", "二、主动公开政府信息情况", (
    Block("art20_1", tuple(Column(k, (label,)) for k, label in _PRINT),
          (Row("rules", ("规章",)), Row("normative", ("行政规范性文件",))),
          title="第二十条第（一）项", corner="信息内容"),
    Block("art20_5", _DECISIONS, (Row("licensing", ("行政许可",)),),
          title="第二十条第（五）项", corner="信息内容"),
    Block("art20_6", _DECISIONS,
          (Row("punishment", ("行政处罚",)), Row("enforcement", ("行政强制",))),
          title="第二十条第（六）项", corner="信息内容"),
    Block("art20_8", (Column("amount", ("本年收费金额（单位：万元）",), kind="money", unit="万元"),),
          (Row("fees", ("行政事业性收费",)),),
          title="第二十条第（八）项", corner="信息内容"),
))

T3 = c.t3_table((
    Row("other_1", ("（六）其他处理",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        band=c.T3_BAND),
    Row("other_2", ("（六）其他处理",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        band=c.T3_BAND),
    Row("other_3", ("（六）其他处理", "3.其他"), band=c.T3_BAND),
))

FORMAT = Format(
    id="2021",
    title="2021年版格式",
    basis="国办公开办函〔2021〕30号",
    name="中华人民共和国政府信息公开工作年度报告格式",
    years=(2021, None),
    meta=c.META,
    preamble=c.PREAMBLE,
    sections=(
        c.S1,
        *c.table_sections(T2, T3),
        c.S5,
        Section("s6", "六、其他需要报告的事项", "六、其他事项", texts=(c.S6_TEXT,), extras=(
            Extra(c.FEE_NOTICES, "本年发出信息处理费收费通知件数", "count"),
            Extra(c.FEE_AMOUNT, "本年实际收取信息处理费金额", "money", unit="元"),
        )),
    ),
    tables=(T2, T3, c.T4),
    stated=c.stated_documents((("issued", r"制发|印发|出台"), ("repealed", r"废止"),
                               ("in_force", r"现行有效"))) + c.DECISIONS_STATED,
    overview_chars=1000,
    rules=c.t3_rules(T3) + c.T4_RULES + (
        Rule("t2.stock", "stock", "warning", "现行有效件数衔接",
             "本年现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
             ("t2.{row}.in_force",),
             ("prev:t2.{row}.in_force", "t2.{row}.issued", "-t2.{row}.repealed"),
             each=(("row", ("rules", "normative")),), table="t2"),
    ),
    key_figures=c.key_figures(T2),
)
