"""Everything a user reads besides the findings: the command line, the add-in, the workbook's
own labels, the pieces messages are made of — in one place so wording stays consistent.  The
findings' wording is in the catalogue of finding codes (:mod:`nianbao.codes`), one entry per code.

``say(key, **args)`` renders a message (a finding code's key gives its template, as an error
about a whole file is worded); a missing placeholder raises instead of printing a blank, so a
typo in a call site fails its test rather than misleading a clerk.
"""
from __future__ import annotations

import string

from .codes import template_of

class _Strict(string.Formatter):
    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            raise KeyError(f"message placeholder {{{key}}} not supplied")
        return super().get_value(key, args, kwargs)


_fmt = _Strict()


def render(template: str, /, **args: object) -> str:
    """``template`` with its ``{placeholders}`` filled; a missing one raises."""
    return _fmt.format(template, **args)


def say(key: str, /, **args: object) -> str:
    """The message ``key`` (a finding code gives its catalogue template), rendered."""
    template = MESSAGES.get(key)
    if template is None:
        template = template_of(key)
        if template is None:
            raise KeyError(key)
    return _fmt.format(template, **args)


MESSAGES: dict[str, str] = {
    # -- reading a workbook: file level (exit code 2) -------------------------------------------
    "file.write_failed": "无法写入 {file}：{detail}",
    # -- reading a workbook: cell level (findings) ---------------------------------------------
}


# -- checks -----------------------------------------------------------------------------------
# nianbao.checks: rule findings, value kinds, format and cross-year checks, narrative ↔ table,
# the check command and the marked copy.  Kept apart from the reader's codes above.
MESSAGES.update({
    # naming a place (nianbao.places)
    "place.table": "表{number}",
    "place.join": "·",
    "place.quote": "「{text}」",
    "place.cell": "{table}{block}「{row}」行「{column}」列",
    "place.cell_norow": "{table}{block}「{column}」",
    "place.column": "{table}{block}「{column}」列",
    "place.row": "{table}{block}「{row}」行",
    "place.table_only": "{table}{block}",
    "place.item": "{section}「{label}」",
    "place.at": "{what}（{cell}）",
    "place.prev": "上年{what}",
    "join.titles": "」「",
    # reconciliation rules, one template per rule kind
    "rule.prev_year": "{year}年报告",
    "rule.prev_report": "上年报告",
    "rule.shared": "；{cell} 同时出现在不符的「{title}」中，请优先核对 {cell}",
    # value kinds
    "value.unfilled": "未填写",
    "rule.missing_more": " 等，共 {n} 个",
    # basic information and format
    # across years
    # narrative ↔ table (warnings)
    "text.plus": " + ",
    "text.and": "、",
    # the marked copy (--mark)
    "mark.sheet": "校验结果",
    "mark.title": "校验结果：{file}",
    "mark.summary": "共 {errors} 个错误、{warnings} 个警告、{notices} 个提示。点击「位置」可跳到对应单元格；有问题的单元格已标色并加了批注。",
    "mark.none": "未发现问题。",
    "mark.h.no": "序号",
    "mark.h.severity": "级别",
    "mark.h.position": "位置",
    "mark.h.rule": "规则",
    "mark.h.message": "说明",
    "mark.h.expected": "应为",
    "mark.h.actual": "实为",
    "mark.h.code": "代码",
    "mark.position": "{sheet}!{cell}",
    "mark.comment_line": "【{severity}】{message}",
    "mark.author": "年报校验",
    # nianbao check
    "cli.check.help": "校验年报工作簿：勾稽关系、数据类型、格式、跨年度衔接和文字与表格是否一致。",
    "cli.check.previous": "上年度的年报工作簿，用于跨年度核对（上年结转、现行有效件数）",
    "cli.check.json": "以 JSON 输出结果",
    "cli.check.mark": "另存一份标注了问题单元格的副本（只能用于一个文件）",
    "cli.error": "错误：{message}",
    "cli.h.position": "位置",
    "cli.h.rule": "规则",
    "cli.h.severity": "级别",
    "cli.h.message": "说明",
    "cli.summary": "{file}：{errors} 个错误，{warnings} 个警告，{notices} 个提示",
    "cli.clean": "{file}：未发现问题",
    "cli.mark_one_file": "--mark 只能用于一个文件，本次给了 {n} 个",
    "cli.marked": "已写出标注副本：{file}",
    "cli.grouped": "共 {n} 处同类提示（{first} 至 {last}），例如：{example}（--json 或 --mark 可列出全部）",
    "cli.previous_failed": "上年度工作簿无法读取：{message}",
})


# -- workbook -----------------------------------------------------------------------------------
# what the template itself shows: Excel's validation dialogs, the 校验结果 area on 基本信息
MESSAGES.update({
    "wb.title": "政府信息公开工作年度报告",
    "wb.footer": "第 &P 页，共 &N 页",
    "wb.prompt_title": "填写说明",
    "wb.bounds.title": "{label}有误",
    "wb.bounds.error": "{label}应为 {lo} 至 {hi} 之间的整数，不要带「年」等文字。",
    "wb.bounds.prompt": "请填写{label}（{lo}–{hi}）",
    "wb.count.title": "请输入不小于 0 的整数",
    "wb.count.error": "此处只能填写不小于 0 的整数（如 0、3、125），不要带单位、文字或小数。",
    "wb.signed.title": "请输入整数",
    "wb.signed.error": "此处只能填写整数，减少时填负数（如 -3、0、5），不要带单位或文字。",
    "wb.signed.prompt": "填写整数，减少时填负数",
    "wb.money.title": "请输入不小于 0 的数字",
    "wb.money.error": "此处只能填写不小于 0 的数字，可带小数{unit}，不要带单位或文字。",
    "wb.money.prompt": "填写金额{unit}，可带小数",
    "wb.money.unit": "（单位：{unit}）",
    "wb.status.all_passed": "✔ 全部通过",
    "wb.status.header": "校验结果",
    "wb.status.total": "总体结论",
    "wb.status.note_label": "说明",
    "wb.status.note": "表中 ✔/✘ 随填报即时计算（空白按 0 计）；出现 ✘ 的行或列数字不平衡，请核对；显示「缺失」的是导入的原文中没有的数值，补填后即可校验。{cross}需要上年数据，请用 nianbao 检查。",
    "wb.status.rule_missing": "有 {n} 处因数值缺失未能校验",
    "wb.status.total_missing": "其余通过；{n} 项校验因数值缺失未能进行",
    "wb.status.cross_default": "跨年度校验",
    "wb.status.run_header": "插件「校验」结果",
})

# -- command line ---------------------------------------------------------------------------------
MESSAGES.update({
    "cli.help": "nianbao：政府信息公开工作年度报告工具（模板、校验、Word 年报）。",
    "cli.cancelled": "已取消",
    "cli.internal": "内部错误（{kind}: {detail}）。请将此信息与文件一并反馈给维护人员。",
    "cli.opt.json": "输出 JSON",
    "cli.opt.format": "报告格式",
    "cli.opt.force": "输出文件已存在时覆盖它（输入文件本身永远不会被覆盖）",
    "cli.new.help": "生成空白年报工作簿（Excel 模板）。",
    "cli.new.output": "生成的工作簿路径（.xlsx）",
    "cli.new.format": "报告格式：2021（现行）或 2019（试行）；缺省按年度确定",
    "cli.new.year": "报告年度，缺省为上一年",
    "cli.new.unit": "填报单位名称",
    "cli.new.contact": "联系人",
    "cli.new.phone": "联系电话",
    "cli.new.force": "覆盖已存在的文件",
    "cli.new.done": "已生成 {file}（{format}，{year}年度{unit}）",
    "cli.new.done_unit": "，{unit}",
    "cli.fields.help": "列出某一格式的全部填报单元格：法定表格、基本信息、各部分文字和信息处理费（编号、标签、位置、定义名称、类型）。",
    "cli.fields.title": "{format} 全部填报单元格（{n} 个）",
    "cli.fields.headers": "编号|表|标签|位置|类型",
    "cli.show.help": "显示工作簿中的年报数据。",
    "show.title": "{unit}{year}年度政府信息公开工作年度报告",
    "show.no_unit": "（未填单位）",
    "show.no_year": "（未填年度）",
    "show.contact": "联系人：{contact}  电话：{phone}",
    "show.row_header": "项目",
    "show.item": "  {label}：{text}",
    "show.empty": "（空）",
    "show.read_findings": "读取时发现",
    "show.finding": "  [{severity}] {message}",
    "show.blanks": "  [提示] 共 {n} 个法定单元格未填写，按 0 计",
    "demo.help": "用内置示例走一遍完整流程：读取工作簿 → 校验 → 生成 Word 年报。",
    "demo.outdir": "输出目录",
    "demo.outdir_default": "nianbao-示例",
    "demo.pdf": "同时生成 PDF（缺省：装有 LibreOffice 时生成）",
    "demo.workbook_name": "示例-{year}年报数据.xlsx",
    "demo.docx_name": "示例-{year}年政府信息公开工作年度报告.docx",
    "demo.step_read": "1. 读取工作簿",
    "demo.step_check": "2. 校验勾稽关系",
    "demo.step_report": "3. 生成 Word 年报",
    "demo.step_next": "下一步",
    "demo.written": "已生成 {file}",
    "demo.next": "nianbao new -o 年报.xlsx --unit 本单位名称 --year 2025   # 生成空白模板\nnianbao check 年报.xlsx                               # 校验\nnianbao report 年报.xlsx -o 年报.docx --pdf            # 生成年报",
    "report.help": "由填好的工作簿生成 Word 年报（政府信息公开工作年度报告）。\n\n先校验工作簿，有错误时列出错误并不生成（--force 可强制生成）。",
    "report.output": "Word 年报的保存位置（默认：与工作簿同名的 .docx）",
    "report.pdf": "同时用 LibreOffice 生成 PDF（与 Word 年报同名）",
    "report.force": "工作簿有错误时也照常生成",
    "report.previous": "上年度的工作簿，用于跨年度核对（上年结转等）",
    "report.offer_generated": "单位已填写文字的部分，另附据表格数据生成的文字供参考",
    "report.templates": "本单位的模板目录（叙述模板 *.j2，可含 report.docx），优先于内置模板",
    "report.where": "「{sheet}」{cell}：",
    "report.where_sheet": "「{sheet}」：",
    "document.title_year": "{year}年",
    "document.title_rest": "{year}政府信息公开工作年度报告",
    "document.style_missing": "缺少样式「{name}」",
    "document.subject": "政府信息公开工作年度报告（{format}，{basis}）",
})


# -- document ---------------------------------------------------------------------------------
# nianbao.narrative, nianbao.document and the report command: templates, the Word file, the PDF.
MESSAGES.update({
    "document.templates_dir_missing": "找不到模板目录：{dir}",
    "document.template_syntax": "叙述模板 {template} 第 {line} 行有语法错误：{detail}",
    "document.template_undefined": "叙述模板 {template} 第 {line} 行引用了不存在的数据：{detail}",
    "document.template_unsafe": "叙述模板 {template} 第 {line} 行试图执行不允许的操作，已拒绝：{detail}",
    "document.template_failed": "叙述模板 {template} 第 {line} 行出错：{detail}",
    "document.template_encoding": "叙述模板 {template} 无法识别编码，请用 UTF-8 编码保存（记事本：另存为 → 编码选 UTF-8）",
    "document.docx_template_bad": "Word 模板 {file} 无法使用：{detail}",
    "document.offered": "〔据表格数据生成，供参考〕",
    "document.soffice_missing": "未找到 LibreOffice（soffice），无法生成 PDF。Debian/Ubuntu 可执行：sudo apt-get install libreoffice-writer-nogui fonts-wqy-microhei；Windows、macOS 请从 https://zh-cn.libreoffice.org 下载安装；也可用 Word 打开 {file} 另存为 PDF",
    "document.pdf_failed": "LibreOffice 未能把 {file} 转换为 {what}：{detail}",
    "document.pdf_timeout": "LibreOffice 转换 {file} 超过 {seconds} 秒仍未完成，已中止",
    "document.refused": "{file} 有 {count} 处错误或整张未填写的表，未生成年报。请改正后重试（或加 --force 照常生成）：",
    "document.forced": "{file} 有 {count} 处错误或整张未填写的表，已按 --force 照常生成年报",
    "document.error_line": "  {where}{message}",
    "document.written": "已生成 Word 年报：{file}",
    "document.pdf_written": "已生成 PDF：{file}",
    "document.no_pdf": "未生成 PDF：{reason}",
    "publish.no_output": "请给出 Word 年报的文件名",
    "document.warnings": "另有 {count} 处警告，年报照常生成；详见 nianbao check {file}",
})


# -- hand out, collect, consolidate ---------------------------------------------------
# nianbao.units (the unit list, nianbao new --units), nianbao.consolidate and nianbao.consolidated
# (nianbao merge), nianbao.history (the record of what was received).
MESSAGES.update({
    # the unit list
    "units.invalid": "单位名单 {file} 有问题，请改正后重试：{problems}",
    "units.empty": "单位名单 {file} 中没有单位（第一列或「单位名称」列应填写单位名称）",
    "units.unreadable": "单位名单 {file} 无法读取：{detail}",
    "units.encoding": "单位名单 {file} 无法识别编码，请用 UTF-8 或 GBK 编码保存",
    "units.blank_name": "第 {row} 行：单位名称为空",
    "units.duplicate": "第 {row} 行：单位「{name}」与第 {first} 行重复",
    "units.duplicate_code": "第 {row} 行：单位代码「{unit_code}」与第 {first} 行重复",
    "units.bad_chars": "第 {row} 行：单位名称「{name}」含有文件名中不允许的字符 {chars}",
    "units.trailing": "（末尾的句点或空格）",
    "cli.new.units": "单位名单（Excel 或 CSV：单位名称，可选单位代码、上级单位、联系人），为每个单位生成一份工作簿",
    "cli.new.dir": "与 --units 一起使用：各单位工作簿的保存目录",
    "cli.new.units_or_output": "请给出 -o（一份工作簿）或 --units 与 -d（按名单每个单位一份），二者选一",
    "cli.new.handed_out": "已在 {dir} 生成 {n} 份工作簿（{format}，{year}年度），每个单位一份，文件以单位名称命名",
    # reading many files
    "merge.crashed": "{file} 读取时程序出错，已跳过",
    "merge.fatal": "{message}；汇总已停止，汇总记录未作改动",
    # why a file is not merged
    "merge.no_origin": "不是由 nianbao 下发的工作簿（缺少隐藏的「_nianbao」工作表），无法确认来源，请使用下发的模板填报",
    "merge.altered": "表格结构被改动，数据无法可靠读取：{detail}",
    "merge.wrong_format": "报告格式为{actual}，本次汇总的是{expected}",
    "merge.wrong_year": "报告年度为 {actual}，本次汇总的是 {expected} 年度",
    "merge.no_year": "（未填写）",
    "merge.no_unit": "未填写填报单位，无法确认是哪个单位的报告",
    "merge.unlisted": "单位「{unit}」不在单位名单中",
    "merge.has_errors": "有 {errors} 处错误，未计入汇总；请单位改正后重新报送",
    "merge.has_errors_included": "有 {errors} 处错误，按 --include-invalid 仍计入汇总",
    "merge.superseded": "同一单位后来又报送了 {file}，本文件不再计入",
    "merge.missing": "未报送",
    "merge.overlap": "这是一份汇总表，其中 {n} 个文件也在本次汇总的文件中，为免重复计算不再计入",
    "merge.no_inputs": "没有找到要汇总的文件",
    # statuses, as 汇总情况 shows them
    "merge.status.rejected": "退回",
    "merge.status.invalid": "有错误（未计入）",
    "merge.status.missing": "未报送",
    "merge.status.merged_invalid": "有错误（已计入）",
    "merge.status.merged": "已汇总",
    "merge.status.superseded": "已被新版本替代",
    # the consolidated workbook
    "merge.sheet.summary": "汇总情况",
    "merge.sheet.texts": "各单位文字",
    "merge.summary.title": "汇总情况：{year}年度（{format}）",
    "merge.summary.line": "已汇总 {merged} 个单位{included}；有错误未计入 {invalid} 个，退回 {rejected} 个文件，未报送 {missing} 个单位，被新版本替代 {superseded} 个文件。{check}",
    "merge.summary.included": "（含有错误而按要求计入的单位）",
    "merge.summary.check": "汇总表校验：{errors} 个错误，{warnings} 个警告。",
    "merge.col.no": "序号",
    "merge.col.unit": "单位",
    "merge.col.code": "单位代码",
    "merge.col.parent": "上级单位",
    "merge.col.status": "状态",
    "merge.col.reason": "原因",
    "merge.col.errors": "错误",
    "merge.col.warnings": "警告",
    "merge.col.file": "文件",
    "merge.col.sha256": "SHA-256",
    "merge.col.received": "收到时间",
    "merge.col.saved": "保存时间",
    "merge.col.part": "部分",
    "merge.col.text": "文字",
    "merge.texts.part": "{section} · {item}",
    "merge.key.new": "本年新收申请",
    "merge.key.carried": "上年结转申请",
    "merge.key.review": "行政复议",
    "merge.key.suits": "行政诉讼",
    "merge.rollup.title": "按上级单位汇总",
    "merge.rollup.parent": "上级单位",
    "merge.rollup.expected": "应报单位",
    "merge.rollup.submitted": "已报送",
    "merge.rollup.clean": "无错误",
    "merge.rollup.none": "（未注明）",
    # the history
    "history.archive_dir": "{stem}-存档",
    "history.locked": "汇总记录数据库 {file} 正被另一个程序使用（可能另一次汇总尚未结束），请稍后再试",
    "history.damaged": "汇总记录数据库 {file} 已损坏或不是 nianbao 的数据库；本次未做任何改动。可将其移走后重试",
    "history.newer": "汇总记录数据库 {file} 由更新版本的 nianbao 创建（结构版本 {version}，本版本支持 {known}），请升级 nianbao",
    # nianbao merge
    "cli.merge.help": "汇总各单位报送的年报工作簿：逐个识别、校验，同一单位多次报送取最新版本，生成汇总工作簿（含「汇总情况」表），并把收到的每个文件存档记录。\n\n退出码：0 名单中的单位全部汇总且无错误；1 有退回、有错误或未报送的单位；2 没有可汇总的文件。加 --detailed-exit 时：3 只有未报送的单位；4 有需退回的文件、无未报送；5 两者都有。",
    "cli.merge.output": "汇总工作簿的保存位置（.xlsx）；同名的 .db 记录每次收到的文件，「-存档」目录保存文件副本",
    "cli.merge.units": "单位名单（Excel 或 CSV），用于列出未报送的单位",
    "cli.merge.year": "汇总的报告年度（缺省：各单位工作簿的年度，每个单位一票，有名单时只计名单中的单位）",
    "cli.merge.format": "汇总的报告格式（缺省：按年度确定）",
    "cli.merge.unit": "汇总工作簿的填报单位，即本级单位名称（缺省：不填，生成年报前须在「基本信息」中填写）",
    "cli.merge.include_invalid": "有错误的工作簿也计入汇总（在汇总情况中注明）",
    "cli.merge.json": "以 JSON 输出结果",
    "cli.merge.history": "列出汇总记录数据库（.db）中各单位报送过的文件及时间，不做汇总",
    "cli.merge.need_output": "请用 -o 指定汇总工作簿的保存位置",
    "cli.merge.need_inputs": "请给出要汇总的文件或目录",
    "cli.merge.progress": "读取并校验",
    "cli.merge.done": "已生成汇总工作簿 {file}：汇总 {merged} 个单位，退回 {rejected} 个文件，有错误未计入 {invalid} 个，未报送 {missing} 个单位",
    "cli.merge.nothing": "没有可以汇总的工作簿，详见下表",
    "cli.merge.database": "收到的文件已记录在 {db}，副本在 {archive}",
    "cli.merge.h.unit": "单位",
    "cli.merge.h.status": "状态",
    "cli.merge.h.file": "文件",
    "cli.merge.h.reason": "原因",
    "cli.merge.h.received": "首次收到",
    "cli.merge.h.saved": "保存时间",
    "cli.merge.h.sha256": "SHA-256",
    "cli.merge.history_empty": "{db} 中还没有记录",
})


# -- hostile and broken inputs -------------------------------------------------------
MESSAGES.update({
    "file.output_is_input": "不能把结果写到输入文件 {file} 上，那会覆盖它（请另给一个文件名）",
    "file.exists": "{file} 已存在，未覆盖；如需覆盖请加 --force",
    "file.output_twice": "不能把两个结果写到同一个文件 {file} 上（请另给一个文件名）",
    "file.output_link": "不写入 {file}：它是一个符号链接（请另给一个文件名）",
    "file.output_not_folder": "无法写入文件夹 {file}：同名的文件已存在",
    "file.output_in_inputs": "不写入 {file}：它在要读取的文件夹中，是一份报来的文件（请把输出写到别处）",
    "file.output_not_file": "无法写入 {file}：它不是普通文件（是目录或设备）",
    "read.long_value": "{start}……（共 {n} 个字符）",
    "os.EACCES": "没有访问权限",
    "os.EPERM": "操作不被允许",
    "os.ENOTDIR": "路径中有一部分不是目录",
    "os.EISDIR": "这是一个目录",
    "os.ENOSPC": "磁盘空间不足",
    "os.EROFS": "磁盘为只读",
    "os.EFBIG": "文件超出允许的大小",
    "os.ENAMETOOLONG": "文件名过长",
    "os.EDQUOT": "超出磁盘配额",
    "os.ENOENT": "路径不存在",
    "os.EEXIST": "文件已存在",
    "os.EIO": "读写设备出错",
    "os.other": "系统错误（错误号 {errno}）",
    "os.unknown": "写入失败（磁盘或临时目录空间不足？）",
    "mark.rebuilt": "注意：原工作簿的样式或结构已损坏，无法在原文件上标注；本副本按读取到的数据重新生成，原有格式未保留。",
    "cli.usage": "命令用法有误：{detail}（{command} --help 查看用法）",
    "cli.usage.no_command": "没有这个命令（可用的命令：{names}）",
    "cli.usage.no_option": "没有 {name} 这个选项",
    "cli.usage.missing": "缺少 {name}",
    "cli.usage.needs_value": "{name} 后面缺少取值",
    "cli.usage.bad_value": "{name} 的取值无效：{expected}",
    "cli.usage.expect_range": "应为 {lo} 至 {hi} 之间的整数",
    "cli.usage.expect_int": "应为整数",
    "cli.usage.expect_choice": "应为以下之一：{choices}",
    "cli.usage.expect_file": "应为文件路径，不能是目录",
    "cli.usage.expect_dir": "应为目录",
    "cli.usage.expect_exists": "路径不存在",
    "cli.usage.other": "参数有误",
    "document.template_too_long": "叙述模板 {template} 生成的文字超过 {limit} 个字符，已中止（请检查模板中的循环或重复）",
    "document.template_too_big": "叙述模板 {template} 第 {line} 行试图生成过大的数据，已拒绝：{detail}",
    "sandbox.len": "长度超过 {limit}",
    "sandbox.number": "数值 {n} 超过 {limit}",
    "sandbox.width": "格式宽度过大",
    "sandbox.range": "range 循环的总次数超过 {limit}",
    "sandbox.power": "乘方的结果超过 {bits} 位",
})


# -- year over year -----------------------------------------------------------------
# nianbao.yearly (new --from), nianbao.migrate (migrate), nianbao.checks.yearly, the 2019
# format's cross-year rules
MESSAGES.update({
    # the checks against last year (notices)
    # starting from last year
    "yearly.no_year": "{file} 未填写报告年度，无法据此生成下一年度的工作簿",
    "yearly.sheet": "上年文字",
    "yearly.title": "{year}年度报告的文字（供参考，不计入本年报告）",
    "yearly.h.item": "项目",
    "yearly.h.text": "上年文字",
    "cli.new.from": "上年度的年报工作簿：据此生成本年度工作簿（年度加一，沿用单位和联系人，上年结转按上年填写）",
    "cli.new.format_hint": "{message}：生成的工作簿将无法通过校验。请去掉 --format 或改为 --format {expected_id}",
    "cli.new.from_year": "--from 时年度由上年工作簿确定（上年加一），不能再用 --year 指定（此次给了 {year}）",
    "cli.new.from_done": "已据 {file}（{year}年度）填入 {n} 个单元格（上年结转等）；上年数据已记录在工作簿中，跨年度校验无需再给上年文件",
    # migrating a workbook to the current format
    "migrate.help": "把 2019 年版格式（试行）的工作簿迁移为 2021 年版格式：能直接对应的数据照搬，含义不同的列出需重新填写的单元格。",
    "migrate.output": "迁移后的工作簿路径（.xlsx）",
    "migrate.force": "覆盖已存在的文件",
    "migrate.already": "{file} 已是{format}，无需迁移",
    "migrate.done": "已迁移为{format}：{file}（报告年度仍为 {year} 年）",
    "migrate.reenter": "需重新填写：{n} 个单元格（详见工作簿中的「{sheet}」工作表）",
    "migrate.reenter_row": "  {where}：{columns}（{cells}）",
    "migrate.dropped": "{format}中没有对应项目、未迁移的数据 {n} 项，已列在「{sheet}」工作表中",
    "migrate.other_moved": "原「{old}」已整体移入{format}的「{new}」；如能区分，请按新格式拆分到 1、2、3 项",
    "migrate.sheet": "迁移说明",
    "migrate.title": "由{old}迁移为{new}：迁移说明",
    "migrate.h.reenter": "需重新填写（{n} 个单元格，点击位置可跳转）",
    "migrate.h.where": "位置",
    "migrate.h.item": "项目",
    "migrate.h.why": "原因",
    "migrate.h.value": "原值",
    "migrate.h.old_where": "原工作簿中的位置",
    "migrate.h.moved": "已移动的数据",
    "migrate.h.dropped": "{format}中有、新格式中没有的数据（未迁移，供参考）",
    "migrate.old_value": "「{column}」{value}",
    "migrate.reason_row": "{format}此行（「{row}」）填的是{values}；新格式问的是「{column}」，含义不同，请重新填写",
    "migrate.reason_new": "{format}没有此项，请填写",
    "migrate.reason_split": "原（六）其他处理已整体移入「{target}」；如能区分，请拆分到此项",
})


# -- importing and auditing published reports --------------------------------------
# nianbao.importing, nianbao.audit and the import / audit commands.
MESSAGES.update({
    "import.not_docx": "不是有效的 Word 文件（.docx），可能已损坏；旧版 .doc 请用 Word 或 WPS 另存为 .docx",
    "import.not_pdf": "PDF 已损坏、已加密或无法解析",
    "import.subject_disclosure": "政府信息公开",
    "import.subject_openness": "政务公开",
    "import.unit_yuan": "元",
    "import.unit_wan": "万元",
    "import.detected_mixed": "新旧格式混用",
    "import.row": "「{row}」行",
    "import.mix_part": "{where}（{labels}）",
    "cli.import.help": "导入已发布的年报（Word、PDF、网页 .html、文本 .txt），读出单位、年度、格式、各部分文字和全部法定数值",
    "cli.import.output": "把导入结果写成年报工作簿（原文中没有的数值写为「缺失」，待补填）",
    "cli.import.detected": "识别的格式：{format}；缺失 {missing} 个数值；无法确定拆分的数字 {ambiguous} 处",
    "cli.import.none": "未识别",
    "cli.import.written": "已写出工作簿：{file}",
    "audit.ind.disclosed": "公开率",
    "audit.ind.corrected": "纠错率",
    "audit.ind.other": "其他处理占比",
    "audit.series": "{years}：{message}",
    "audit.h.file": "文件",
    "audit.h.unit": "单位",
    "audit.h.year": "年度",
    "audit.h.format": "识别的格式",
    "audit.h.errors": "错误",
    "audit.h.warnings": "警告",
    "audit.h.messages": "主要问题",
    "audit.h.severity": "级别",
    "audit.h.code": "代码",
    "audit.h.title": "问题",
    "audit.h.message": "说明",
    "audit.sheet.summary": "审查汇总",
    "audit.sheet.findings": "报告中的问题",
    "audit.title": "政府信息公开工作年度报告审查结果",
    "audit.overview": "共审查 {n} 份报告，其中 {errors} 份有错误；{reading} 份有未能读取或未能核对的内容，另列于「未能读取」，不计入错误和警告。公开率 =（予以公开 + 部分公开）÷ 办结总数；纠错率 = 复议结果纠正 ÷ 复议总计；其他处理占比 = （六）其他处理 ÷ 办结总数；黄色为明显偏离其他报告的数值。",
    "cli.audit.help": "审查多份年报（已发布的 Word、PDF、网页、文本或工作簿）：逐份校验、计算公开率等指标并标出异常值",
    "cli.audit.output": "把审查结果写成工作簿（汇总表 + 全部问题表，可排序筛选）",
    "cli.audit.html": "把审查结果写成一个网页文件，可直接打开、打印",
    "cli.audit.jobs": "同时使用的进程数（多核机器上审查大量报告时可加快）",
    "cli.audit.summary": "共 {n} 份：{errors} 份有错误，{unreadable} 份无法读取",
    "cli.audit.written": "已写出：{file}",
})


# -- the Excel add-in: building and installing it -----------------------------------
# nianbao.addin.build, nianbao.addin.entry and the ``addin`` command.
MESSAGES.update({
    "addin.tab": "年报",
    "addin.group": "政府信息公开年报",
    "addin.button.validate": "校验",
    "addin.button.validate_tip": "按勾稽关系校验当前工作簿：标出有问题的单元格，并在「校验结果」表中列出",
    "addin.button.report": "生成报告",
    "addin.button.consolidate": "汇总",
    "addin.button.consolidate_tip": "选择收齐各单位工作簿的文件夹：逐一识别、校验，同一单位取最新版本，汇总成一份工作簿并打开其「汇总情况」表",
    "addin.button.last_year": "导入上年",
    "addin.button.last_year_tip": "选择上年的年报工作簿或已发布的年报（Word、PDF、网页、文本）：生成本年度工作簿，上年结转等自动填好",
    "addin.consolidate_title": "汇总",
    "addin.consolidated_name": "汇总.xlsx",
    "addin.consolidated": "已汇总 {merged} 个单位（有错误未计入 {invalid} 个，退回 {rejected} 个文件），汇总表：\n{file}\n详见其中的「汇总情况」表。",
    "addin.next_year_title": "导入上年",
    "addin.next_year_name": "{year}年报.xlsx",
    "addin.next_year_done": "已生成本年度工作簿（已据上年填入 {n} 个单元格）：\n{file}",
    "addin.pick_unavailable": "此处无法弹出选择框，请在桌面版 Excel 中使用此按钮",
    "addin.pick_filter": "年报工作簿或已发布的年报 (*.xlsx;*.docx;*.pdf;*.html;*.htm;*.txt),*.xlsx;*.docx;*.pdf;*.html;*.htm;*.txt",
    "addin.button.report_tip": "校验通过后，在工作簿旁生成 Word 年报（装有 LibreOffice 时另存 PDF）",
    "addin.title": "年报",
    "addin.unknown_button": "加载项中的按钮「{button}」没有对应的功能，请重新生成加载项（nianbao addin build）",
    "addin.internal": "内部错误（{kind}: {detail}）。请将此信息与工作簿一并反馈给维护人员。",
    "addin.help": "Excel 加载项：生成（build）与安装（install）。",
    "addin.build.help": "生成 Excel 加载项 nianbao.xlam（「年报」选项卡：校验、生成报告），基于已安装的 xlwings。",
    "addin.build.dir": "输出目录（默认当前目录）",
    "addin.build.force": "覆盖已存在的文件",
    "addin.build.python": "Excel 调用的 Python 程序（python.exe）的完整路径；Windows 上默认为当前的 Python",
    "addin.build.exists": "{file} 已存在；如需覆盖请加 --force",
    "addin.build.done": "已生成 Excel 加载项：{file}",
    "addin.build.done_bas": "加载项的 VBA 源代码（供核对或手工导入）：{file}",
    "addin.build.python_set": "加载项将调用的 Python：{python}",
    "addin.build.python_default": "加载项中未写入 Python：它将调用本人设置文件 %USERPROFILE%\\.nianbao\\nianbao.conf 中记下的 Python（由 nianbao addin install 记下），没有时调用 PATH 中的 python",
    "addin.xlwings_missing": "未安装 xlwings，无法生成加载项。请执行：pip install \"nianbao[addin]\"",
    "addin.xlwings_version": "已安装的 xlwings 版本为 {found}，与 nianbao 要求的 {pinned} 不符（加载项中的 VBA 须与 xlwings{bits}-{pinned}.dll 一致）。请执行：pip install \"nianbao[addin]\"",
    "addin.xlwings_files": "xlwings {version} 中缺少生成加载项所需的文件 {file}：{detail}",
    "addin.install.help": "安装 Excel 加载项：在 Windows 上复制到 Excel 的启动文件夹（XLSTART）并记下当前的 Python，在其他系统上列出安装步骤。",
    "addin.install.file": "要安装的加载项文件（默认：随 nianbao 安装的 nianbao.xlam）",
    "addin.install.missing": "找不到加载项 {file}，请先执行：nianbao addin build",
    "addin.install.copied": "已把加载项复制到 Excel 启动文件夹：{file}",
    "addin.install.next": "请关闭并重新打开 Excel，功能区将出现「年报」选项卡。首次点击按钮时如有安全提示，请按 README「在 Excel 中使用」一节设置信任。",
    "addin.install.not_windows": "当前系统不是 Windows，未做任何改动。请在 Windows 电脑上按以下步骤安装：",
    "addin.install.steps": (
        "  1. 安装 Python 3.10 或更高版本（python.org 的 Windows 安装程序：取消「Use admin privileges when installing py.exe」，勾选「Add python.exe to PATH」，点「Install Now」，无需管理员权限）；\n"
        "  2. 在命令提示符中执行：pip install \"nianbao[addin]\"；\n"
        "  3. 执行：nianbao addin install，把随 nianbao 安装的加载项复制到 %APPDATA%\\Microsoft\\Excel\\XLSTART，并在 %USERPROFILE%\\.nianbao\\nianbao.conf 中记下这个 Python；\n"
        "  4. 重新打开 Excel，在「文件 → 选项 → 信任中心 → 信任中心设置」中：「受信任位置」包含 XLSTART 文件夹（默认已包含）；如提示宏已禁用，选择「启用内容」；\n"
        "  5. 打开年报工作簿，在「年报」选项卡上点击「校验」或「生成报告」。"
    ),
})


# -- the Excel add-in's buttons and functions ------------------------------------------------------------------------
# nianbao.addin: the 校验 and 生成报告 buttons and the NB_ worksheet functions.
MESSAGES.update({
    "addin.validate_title": "年报校验",
    "addin.report_title": "生成年报",
    "addin.count.error": "{n} 处错误",
    "addin.count.warning": "{n} 处警告",
    "addin.count.notice": "{n} 处提示",
    "addin.count.join": "、",
    "addin.found": "发现 {counts}。",
    "addin.clean": "校验通过，未发现问题。",
    "addin.see_sheet": "问题单元格已标色，明细见「{sheet}」工作表。",
    # the add-in marks with fills only (xlwings' VBA client has no comment action)
    "addin.result_summary": "共 {errors} 个错误、{warnings} 个警告、{notices} 个提示。点击「位置」可跳到对应单元格；有问题的单元格已标色。",
    "addin.run.ok": "✔ 通过（{time} 校验）",
    "addin.run.warned": "✔ 通过，{counts}（{time} 校验）",
    "addin.run.failed": "✘ {counts}（{time} 校验）",
    "addin.unreadable": "无法校验这个工作簿：{message}",
    "addin.refused": "有 {count} 处错误，未生成年报。请先改正：\n{lines}",
    "addin.refused_more": "……另有 {count} 处，见「{sheet}」工作表",
    "addin.written": "已生成年报：\n{files}",
    "addin.no_pdf": "（未生成 PDF：{reason}）",
    "addin.no_folder": "工作簿「{file}」还没有保存到文件夹，请先保存，或指定年报的保存位置",
    # the NB_ worksheet functions: results and their Excel help
    "udf.status.ok": "✔ 通过",
    "udf.status.errors": "✘ {n} 处错误",
    "udf.status.blank": "未填写",
    "udf.status.unreadable": "✘ 无法识别：{message}",
    "udf.no_sheet": "参数中没有年报工作表的区域：每个参数应是一张工作表从 A1 开始的整片区域",
    "udf.none": "未发现问题",
    "udf.unknown_part": "没有「{part}」这一部分（可用：{known}）",
    "udf.help.status": "年报的校验状态：「✔ 通过」「✘ 3 处错误」或「未填写」。参数为一张或几张年报工作表从 A1 开始的区域；只给一张表时只看这张表。",
    "udf.help.findings": "年报的校验问题清单（动态数组）：每行为位置、级别、说明，错误在前。参数同 NB_STATUS。",
    "udf.help.narrative": "按表格数据生成的某一部分叙述文字，供填写时预览。第一个参数为部分代号（如 s1、s4、preamble），其后为年报工作表的区域。",
    "udf.help.part": "叙述部分的代号，如 s1、s1.active、s4、s6、preamble",
    "udf.help.sheets": "年报工作表从 A1 开始的区域，如 基本信息!A1:C30；可给多个",
})


# -- checks on real reports: fragments and table notes ----------------------------------------------------
MESSAGES.update({
    "text.value_is": "为 {value}",
    "dismiss.no_reason": "请用 --reason 写明不再提示的理由（如「经核实，系统计口径不同」）",
    "dismiss.unknown": "{file} 中没有编号为 {id} 的问题（编号见「校验结果」表或 nianbao check 的输出；单元格改动后编号会变，请重新校验）",
    "dismiss.error": "编号 {id} 是错误，不能标为已复核：{message}（法定勾稽关系必须相符）",
    "dismiss.no_store": "{file} 缺少隐藏工作表「{sheet}」，无法记录复核结果：请使用 nianbao new 生成的模板",
    "dismiss.done": "已将 {n} 处标为已复核（{ids}；理由：{reason}），写出 {file}",
    "dismiss.nothing": "{file} 中没有可标为已复核的警告或提示",
    "cli.dismiss.all": "全部未复核的警告和提示",
    "cli.dismiss.need_ids": "请给出要标为已复核的问题编号（或规则代码），或加 --all",
    "cli.dismiss.help": "将已复核的警告或提示标为不再提示（记录在工作簿中，随工作簿传递）；错误不能标记。",
    "cli.dismiss.reason": "不再提示的理由",
    "cli.dismiss.output": "写出的工作簿（不能是输入文件本身）",
    "cli.dismiss.previous": "上年度的工作簿（问题来自跨年度核对时）",
    "cli.dismissed": "已复核、不再提示的 {n} 项：",
    "cli.dismissed_line": "  [{id}] {where}{message}（理由：{reason}）",
    "cli.h.id": "编号",
})


# -- the report as an office publishes it --------------------------------------------
MESSAGES.update({
    "document.pdf_fonts_substituted": "注意：本机未安装正式字体 {missing}，PDF 改用了 {used}。此 PDF 仅供校对，不宜正式发布；请安装上述字体后重新生成，或用 Word 打开 {file} 另存为 PDF",
    "wb.status.blank": "未填写",
})


# -- prose checks that confirm from the whole text; a renamed office across years ----------------
MESSAGES.update({
    "text.equals": " = ",
})


# -- the Excel add-in's own words: its VBA's guards and server mode (nianbao.addin.build writes
# them into the add-in; {name} fields are filled in by the VBA) ---------------------------------
MESSAGES.update({
    "addin.vba.open_workbook": "请先打开年报工作簿。（工作簿在「受保护的视图」中打开时，请先点「启用编辑」。）",
    "addin.vba.failed": "「{button}」未能完成：{detail}",
    "addin.vba.no_folder": "工作簿「{file}」还没有保存到文件夹，请先保存，再生成年报。",
    "addin.vba.copy_failed": "无法保存工作簿的副本以发送给年报服务器：{detail}",
    "addin.vba.no_http": "这台电脑上没有可用的 HTTP 组件（{detail}），无法连接年报服务器。",
    "addin.vba.unreachable": "无法连接年报服务器 {url}：{detail}\n请检查加载项设置中的服务器地址（SERVER_URL）和网络。",
    "addin.vba.http_error": "年报服务器返回了错误（HTTP {status}）：{detail}",
    "addin.vba.bad_reply": "年报服务器的答复无法识别（{detail}）。请确认服务器和加载项是同一版本的 nianbao。",
    "addin.vba.save_failed": "无法保存年报 {file}：{detail}",
    "addin.vba.protected": "工作表「{sheet}」设有密码保护，无法标出问题单元格：请先撤销保护（审阅 → 撤销工作表保护）。",
    "addin.vba.no_python": "找不到加载项设置中的 Python：{python}\n请在装有 nianbao 的 Python 中执行 nianbao addin install。",
    "addin.vba.no_dll": "无法载入 {file}：请在装有 nianbao 的 Python 中执行 nianbao addin install（它会记下该文件的位置）。",
    "addin.install.recorded": "已在本人的设置文件 {file} 中记下加载项调用的 Python：{python}",
    "addin.install.bad_setting": "无法把 {key} = {value} 写入加载项设置文件：路径中含有引号、换行或本机代码页无法表示的字符",
    "addin.foreign_sheets": "工作簿「{file}」中有工作表 {sheets}：以 .py、.conf 结尾的工作表会被 xlwings 当作程序或设置，为安全起见本加载项不处理这个工作簿。请删除这些工作表，或把数据复制到新的年报模板中后再试。",
    "addin.vba.bad_name": "工作簿名称「{file}」中含有双引号，无法交给 Python：请另存为不含引号的名称。",
})


# -- the WPS add-in: its ribbon, its settings page and what it says ------------------------------
# The JS add-in served at /wps/ (addin/wps/); nianbao.addin.wps_files copies these into its
# js/messages.js (with the shared addin.* and report.* keys it names), so the add-in says what
# every other door says.  The add-in talks to a nianbao server: every message says whether the
# workbook was changed.
MESSAGES.update({
    "wps.button.report_tip": "校验通过后，由年报服务器生成 Word 年报，保存在工作簿旁并用 WPS 文字打开；有错误时不生成，标出错误",
    "wps.button.settings": "设置",
    "wps.button.settings_tip": "填写年报服务器的地址，并检查能否连接",
    "wps.no_workbook": "没有打开的工作簿。请先打开年报工作簿，再点「{button}」。",
    "wps.unsaved": "工作簿「{file}」还没有保存。请先保存为 .xlsx 文件，再点「{button}」。工作簿未作任何改动。",
    "wps.not_xlsx": "工作簿「{file}」不是 .xlsx 格式。请先「另存为」Excel 工作簿（*.xlsx），再点「{button}」。工作簿未作任何改动。",
    "wps.no_server": "还没有填写年报服务器的地址。请点「年报」选项卡上的「设置」填写（地址由信息化部门提供）。",
    "wps.busy": "上一次操作还在进行，请稍候再点。",
    "wps.unreachable": "无法连接年报服务器 {server}。请检查网络，或点「设置」核对服务器地址。工作簿未作任何改动。",
    "wps.timeout": "年报服务器 {server} 在 {seconds} 秒内没有答复，已停止等待，请稍后再试。工作簿未作任何改动。",
    "wps.server_error": "年报服务器出错（HTTP {status}）：{message}\n工作簿未作任何改动。",
    "wps.server_error_plain": "年报服务器出错（HTTP {status}）。请稍后再试，或告知信息化部门。工作簿未作任何改动。",
    "wps.bad_answer": "年报服务器的答复无法识别（{detail}）。请点「设置」确认地址指向年报服务器（nianbao serve）。工作簿未作任何改动。",
    "wps.copy_failed": "无法保存工作簿的副本用于上传（{detail}）。工作簿未作任何改动。",
    "wps.read_failed": "无法读取文件 {file}（{detail}）。",
    "wps.write_failed": "无法写入 {file}（{detail}）。",
    "wps.changed": "工作簿在校验期间被改动（找不到工作表「{sheet}」），未作标注。请重新校验。",
    "wps.protected_sheet": "工作表「{sheet}」设有密码保护，无法标注。请撤销该表的保护后重新校验。工作簿未作任何改动。",
    "wps.protected_book": "工作簿的结构受保护，无法添加「{sheet}」工作表。请撤销工作簿保护后重新校验。工作簿未作任何改动。",
    "wps.paint_failed": "标注时出错（{detail}），标注可能不完整。请重新校验。",
    "wps.report_written": "已生成年报，并用 WPS 文字打开：\n{file}",
    "wps.report_notes": "说明：{notes}",
    "wps.force_ask": "仍要生成年报吗？（「确定」：照样生成，以上问题会留在年报中；「取消」：先改正）",
    "wps.report_forced": "按您的选择，未改正以上问题照样生成。\n",
    "wps.open_failed": "已生成 {file}，但无法自动打开（{detail}），请手动打开。",
    "wps.pick_title": "选择上年的年报工作簿或已发布的年报",
    "wps.pick_filter": "年报工作簿或已发布的年报 (*.xlsx;*.docx;*.pdf;*.html;*.htm;*.txt),*.xlsx;*.docx;*.pdf;*.html;*.htm;*.txt",
    "wps.next_year_done": "已生成本年度工作簿，上年结转等已据上年填好：\n{file}",
    "wps.next_year_default": "本年度年报.xlsx",
    "wps.internal": "加载项内部错误（{detail}）。请将此信息告知信息化部门。工作簿未作任何改动。",
    # the settings page (a task pane)
    "wps.settings.title": "年报加载项设置",
    "wps.settings.server": "年报服务器地址",
    "wps.settings.hint": "如 http://192.168.1.10:8000，由信息化部门提供；留空则使用本加载项所在的服务器。地址只保存在本机的加载项中，不写入任何工作簿。",
    "wps.settings.save": "保存",
    "wps.settings.test": "检查连接",
    "wps.settings.saved": "已保存，将使用 {server}。",
    "wps.settings.reset": "已清除，将使用本加载项所在的服务器 {server}。",
    "wps.settings.invalid": "地址须以 http:// 或 https:// 开头，只含主机、端口和路径，如 http://192.168.1.10:8000。",
    "wps.settings.checking": "正在连接 {server} ……",
    "wps.settings.ok": "连接正常：{server}（nianbao {version}）。",
    "wps.settings.unreachable": "无法连接 {server}。请检查地址和网络，或请信息化部门确认年报服务器已启动。",
    "wps.settings.timeout": "{server} 在 {seconds} 秒内没有答复。请检查地址和网络，或稍后再试。",
    "wps.settings.not_nianbao": "{server} 可以访问，但不是年报服务器（nianbao serve）。请核对地址。",
    "wps.settings.current": "当前使用：{server}",
    "wps.settings.none": "当前没有可用的服务器地址，请填写。",
    # the server's install page and jsplugins.xml
    "wps.install.title": "在 WPS 表格中使用年报加载项",
})


# -- the web door (nianbao serve) and collection rounds through upload links ----------------------
MESSAGES.update({
    "round.outputs_dir": "汇总",
    "round.output_name": "汇总.xlsx",
    "round.report_name": "汇总报告.docx",
    "round.unknown": "没有编号为 {id} 的收集批次",
    "round.unknown_unit": "本批次中没有编号为 {id} 的单位",
    "round.link_unknown": "上传链接无效或已被撤销，请向汇总单位索取新的链接",
    "round.units_kind": "单位名单 {file} 应为以下格式之一：{kinds}",
    "round.other_unit": "这是「{unit}」的工作簿，本链接属于「{expected}」：请上传本单位的工作簿",
    "round.nothing": "本批次还没有收到可以汇总的工作簿",
    "round.no_file": "本批次中没有这个文件",
    "round.archive_changed": "存档中的文件 {file} 与收到时不同（已被改动或损坏），不再提供；请从报送单位重新获取，并请信息化部门检查存档目录",
    "round.unnamed": "（未命名文件）",
    "serve.title": "政府信息公开工作年度报告",
    "serve.token_made": "首次启动：已生成汇总管理口令（只显示这一次，请妥善保存；库中只存其摘要）：\n  {token}\n要更换口令，可设置环境变量 NIANBAO_TOKEN 后重新启动。",
    "serve.token_env": "汇总管理口令取自环境变量 NIANBAO_TOKEN。",
    "serve.listening": "nianbao serve：http://{host}:{port}{prefix}/ （数据目录：{data}）",
    "serve.missing_extra": "nianbao serve 需要额外的组件，请先安装：pip install 'nianbao[serve]'（缺少 {module}）",
    "serve.help": "启动网页服务：填报人员在浏览器中下载模板、校验、生成报告；汇总单位发放上传链接、查看报送情况、一键汇总。",
    "serve.opt.data": "数据目录（数据库和收到文件的存档），默认 ./nianbao-data",
    "serve.opt.host": "监听地址，默认只监听本机 127.0.0.1",
    "serve.opt.port": "端口，默认 8000",
    "serve.opt.max_upload": "单个上传文件的大小上限（MB），默认 20",
    "serve.opt.root_path": "经反向代理挂在某一路径下时的路径前缀，如 /nianbao",
    "serve.opt.workers": "工作进程数（共用同一个数据目录），默认 1",
    "serve.opt.pdf_timeout": "LibreOffice 生成一份 PDF 的时限（秒），默认 60",
    "serve.too_large": "上传的文件超过 {limit} MB 的上限，已拒绝",
    "serve.no_file": "请选择要上传的文件",
    "serve.empty_file": "上传的文件是空的",
    "serve.bad_form": "表单内容无法识别，请从页面重新提交",
    "serve.csrf": "表单已过期或不是从本站页面提交的，请返回页面刷新后重试",
    "serve.unauthorized": "需要汇总管理口令",
    "serve.bad_token": "口令不正确",
    "serve.not_found": "没有这个页面",
    "serve.method": "不支持这种请求方式",
    "serve.busy": "服务器正忙（数据库被占用），请稍后重试",
    "serve.internal": "服务器内部错误（{kind}），请联系管理员；已记录在服务器日志中",
    "serve.bad_year": "年度应为 {lo} 至 {hi} 之间的整数",
    "serve.no_ids": "请勾选要标为已复核的警告或提示",
    "serve.no_reason": "请填写不再提示的理由",
    "serve.pdf_busy": "另一份 PDF 正在生成，等待超过 {seconds} 秒，本次只生成了 Word 文件",
    "serve.bad_format": "format 应为 docx 或 pdf",
    "serve.unreadable": "{message}",
    "serve.fields": "请求缺少或填错了这些字段：{fields}",
    "serve.page.problem": "无法完成",
    "serve.blank_name": "年报",
    "serve.marked_suffix": "标注",
    "serve.dismissed_suffix": "已复核",
    "serve.next_name": "年报",
    "serve.package_name": "年报-分发",
    "serve.col.link": "上传链接",
    "serve.links_file": "上传链接.csv",
})


# -- the report states only what was entered; what nianbao writes is said where it is written ----
MESSAGES.update({
    # beside each item of 基本信息: where the report prints it (a published one goes on the web)
    "wb.meta_note.unit": "印为年报标题和落款（公开发布）",
    "wb.meta_note.year": "印入年报标题（公开发布）",
    "wb.meta_note.contact": "不印入年报，仅供上级联系",
    "wb.meta_note.phone": "将印入年报导语，公开发布：请填单位的办公电话，不要填个人手机",
    "wb.meta_note.date": "不印入年报（落款日期见「成文日期」）",
    "wb.meta_note.address": "将印入年报导语，公开发布",
    "wb.meta_note.postcode": "将印入年报导语，公开发布",
    "wb.meta_note.email": "将印入年报导语，公开发布：请填单位的公开邮箱，不要填个人邮箱",
    "wb.meta_note.website": "将印入年报导语，公开发布",
    "wb.meta_note.document_date": "印为年报落款的日期（如 2023年1月20日，公开发布）；未填时落款日期留空，待手工填写",
    # beside each text part: whether nianbao writes a paragraph where the office writes none
    "wb.generated.note": "留空时由 nianbao 生成一段，内容见「将生成的文字」表；填写后以所填为准",
    "wb.generated.none": "留空时年报中不印此部分",
    "wb.generated.lead": "留空时由 nianbao 据本表生成一段，内容见「将生成的文字」表；填写后以所填为准",
    "wb.generated.s6.other": "只填「无」时印为「本年度无其他需要报告的事项。」；留空时不印",
    "wb.run_placeholder": "（装有年报加载项时，「校验」按钮的结果写在这里）",
    # the report command: what nianbao wrote
    "document.generated": "以下 {count} 处文字由 nianbao 据表格和基本信息生成（在所示单元格填写本单位的文字即可替换）：",
    "document.generated_line": "  {part}（本单位文字写在 {cell}）",
    "document.unfilled": "（本部分未填写）",
    "document.date_blank": "　　　　年　　月　　日",
})

# the workbook's sheet 「将生成的文字」
MESSAGES.update({
    "wb.preview.title": "将生成的文字",
    "wb.preview.intro": "下列各段由 nianbao 据表格和基本信息生成，在所示单元格留空时印入年报；在该单元格填写本单位的文字，即以所填为准，不再生成。第三列的文字由年报加载项计算，随填报更新。",
    "wb.preview.h.part": "部分",
    "wb.preview.h.cell": "本单位的文字写在",
    "wb.preview.h.text": "将生成的文字（所示单元格留空时印出）",
    "wb.preview.before_first": "标题之下",
    "wb.preview.opening": "开头一段",
    "wb.preview.cell": "{sheet}!{cell}",
    "wb.preview.mention": "{sheet}!{cell}（其中写到这一内容时不再生成）",
    "wb.preview.template_only": "没有对应的单元格：修改或删空模板 {part}.j2",
    "wb.preview.fallback": "（在装有年报加载项的 Excel 中于此显示；也可运行 nianbao report 生成年报查看）",
})


# -- importing published reports: every printed value, and missing kept missing -------------------
MESSAGES.update({
    "wb.missing": "缺失",
    "wb.missing_comment": "导入的原文中没有这个数值（不是 0）：请按原文或实际情况补填",
    "cli.import.detected_counts": "识别的格式：{format}；缺失 {missing} 个表格数值{extras}；无法确定拆分的数字 {ambiguous} 处",
    "cli.import.extras": "（另有第六部分 {n} 项未列出：{items}）",
    "yearly.last_year_notes": "上年报告（{year}年度，{file}）本身有以下 {n} 处问题，均属上年、不影响本年填报，仅供核对上年结转等数据：",
    "yearly.last_year_note": "  · {message}",
})


# -- reviewing from the 校验结果 sheet: each finding's 编号, the add-in's 复核 button --------------
MESSAGES.update({
    "mark.h.id": "编号",
    "addin.button.review": "复核",
    "addin.button.review_tip": "在「校验结果」表中选中已核实无误的警告或提示所在的行（或其编号），写明理由：另存一份记录了复核的工作簿，再校验时这些问题单列为已复核、不再提示。错误不能复核",
    "addin.review_title": "年报复核",
    "addin.review.no_results": "请先点「校验」，再在「{sheet}」表中选中要复核的警告或提示所在的行",
    "addin.review.not_on_results": "请在「{sheet}」表中选中要复核的警告或提示所在的行（或其编号），再点「复核」",
    "addin.review.none_selected": "所选的行中没有警告或提示（错误不能复核）：请选中「{sheet}」表中警告或提示所在的行",
    "addin.review.prompt": "将 {n} 项警告或提示标为已复核、不再提示。请写明理由（如「经核实，系统计口径不同」）：",
    "addin.review.no_reason": "没有写明理由，未作复核",
    "addin.review.needs_desktop": "此处无法弹出输入框填写理由，请在桌面版 Excel 中使用「复核」",
    "addin.review_name": "{stem}-已复核.xlsx",
    "addin.review.done": "已将 {n} 项标为已复核（理由：{reason}），另存为：\n{file}\n原工作簿未改动；在新工作簿中再点「校验」，这些问题单列为已复核、不再提示。",
    "addin.review.done_opened": "已将 {n} 项标为已复核（理由：{reason}），另存为并已打开：\n{file}\n原工作簿未改动。",
    "addin.review.skipped_errors": "所选的行中另有 {n} 处错误，错误不能复核，已略过。",
})


# -- check and audit given a folder: what it stands for, and what was left out ----------------------
MESSAGES.update({
    "cli.check.left_out": "文件夹中另有 {n} 个文件不是年报工作簿，未校验：{files}（已发布的年报请逐个给出，或用 nianbao audit）",
    "cli.check.nothing": "{folders} 中没有年报工作簿（.xlsx）",
    "cli.mark_folder": "--mark 只能用于一个文件，不能用于文件夹（{folder}）",
    "cli.audit.left_out": "文件夹中另有 {n} 个文件不是年报（工作簿、Word、PDF、网页或文本），未审查：{files}",
    "audit.nothing": "{folders} 中没有可审查的年报（工作簿、Word、PDF、网页或文本）",
    "cli.files_more": "{files} 等",
})


# -- every --help in Chinese: click's own words (nianbao.cli.helptext) -------------------------------
MESSAGES.update({
    "cli.help.usage": "用法：",
    "cli.help.colon": "：",
    "cli.help.options": "选项",
    "cli.help.commands": "命令",
    "cli.help.arguments": "参数",
    "cli.help.help_option": "显示本帮助并退出",
    "cli.help.version_option": "显示版本号并退出",
    "cli.help.extras": "（{items}）",
    "cli.help.required": "必填",
    "cli.help.default": "默认：{value}",
    "cli.help.envvar": "也可用环境变量 {name} 设置",
    "cli.help.range": "{lo}～{hi}",
    "cli.help.from": "不小于 {n}",
    "cli.help.above": "大于 {n}",
    "cli.help.upto": "不大于 {n}",
    "cli.help.below": "小于 {n}",
    "cli.help.mv.options": "[选项]",
    "cli.help.mv.args": "[参数]",
    "cli.help.mv.command": "命令",
    "cli.help.mv.text": "文字",
    "cli.help.mv.integer": "整数",
    "cli.help.mv.number": "数值",
    "cli.help.mv.boolean": "是或否",
    "cli.help.mv.path": "路径",
    "cli.help.mv.file": "文件",
    "cli.help.mv.directory": "目录",
    "cli.usage.no_command_given": "缺少命令（可用的命令：{names}）",
})


# -- the coordinator's round: what each unit must fix, whom to call; files read within bounds ----
MESSAGES.update({
    "os.ELOOP": "符号链接层数过多（可能是循环链接）",
    "os.ENXIO": "设备或地址不存在",
    "input.not_regular": "{file} 不是普通文件（{kind}），未读取",
    "input.too_large": "{file} 有 {size}，超过可读取的 {limit}，未读取",
    "input.kind.dir": "是一个目录",
    "input.kind.fifo": "是一个命名管道",
    "input.kind.device": "是一个设备",
    "input.kind.socket": "是一个套接字",
    "input.kind.other": "是特殊文件",
    "units.crashed": "单位名单 {file} 读取时{detail}，请检查后重试（如另存为新的 .xlsx 或 .csv）",
    "units.too_large": "单位名单 {file} 有 {size}，超过 {limit} MB：单位名单通常只有几十到几千行，请检查是否选错了文件",
    "units.too_many": "单位名单 {file} 超过 {limit} 行：单位名单通常只有几十到几千行，请检查是否选错了文件，或分成几份",
    "units.long_field": "单位名单 {file} 第 {row} 行有超过 {limit} 个字符的单元格，不像是单位名单，请检查",
    "units.bad_row": "单位名单 {file} 第 {row} 行附近格式有误（引号不配对、单元格过长或含有空字符），请用 Excel 另存为 CSV 后重试",
    "units.too_large_sheet": "单位名单 {file} 第一张工作表的数据区域异常大（{cell}），请删除表格以外远处单元格的内容后再试",
    "units.not_regular": "单位名单 {file} 不是普通文件（{kind}），未读取",
    "units.missing": "找不到单位名单：{file}",
    "units.damaged": "文件已损坏或不是表格文件",
    "units.more_problems": "；另有 {n} 处",
    "merge.failure.timeout": "超过 {seconds} 秒仍未读完，已停止读取",
    "merge.failure.crashed": "读取程序异常终止（{detail}）",
    "merge.failure.error": "读取时出错",
    "merge.failed": "{file} 无法读取：{why}，可能是损坏或异常的文件，已跳过",
    "merge.changed": "{file} 在汇总过程中被改动，未计入；请在文件不再变动后重新汇总",
    "merge.kind.pdf": "PDF 年报",
    "merge.kind.word": "Word 文档",
    "merge.kind.wps": "WPS 文字文档",
    "merge.kind.xls": "旧版 Excel 文件（.xls）",
    "merge.kind.html": "网页文件",
    "merge.kind.text": "文本文件",
    "merge.kind.ofd": "OFD 版式文件",
    "merge.kind.image": "图片",
    "merge.kind.archive": "压缩包",
    "merge.sent": "报来的是{kind}，不是下发的年报工作簿，无法汇总",
    "merge.sent_unit": "该单位报来的是{kind}，请报送工作簿（用下发的年报工作簿填报）",
    "merge.attributed.content": "（据文件内容判断为该单位）",
    "merge.attributed.file_name": "（据文件名判断为该单位）",
    "merge.attributed_by.content": "据文件内容",
    "merge.attributed_by.file_name": "据文件名",
    "merge.resent_unchanged": "内容与 {date} 报送的 {file} 完全相同，{errors} 处错误仍未改正",
    "merge.not_resent": "与 {date} 收到的内容相同，尚未改正：",
    "merge.same_as": "与 {file} 内容完全相同（重复报送），按一份计",
    "merge.resolved": "已由该单位后来报送的 {file} 替代，问题已解决（原因：{reason}）",
    "merge.year_unclear": "各单位工作簿的年度不一（{years}），无法确定本次汇总的年度，请用 --year 指定",
    "merge.year_votes": "{year} 年度 {n} 个单位",
    "merge.year_from.options": "年度、格式按指定。",
    "merge.year_from.units": "年度按各单位工作簿的年度确定（每个单位一票，有名单时只计名单中的单位）。",
    "merge.year_from.round": "各单位工作簿的年度不一，按本汇总记录上一次汇总的年度确定。",
    "merge.calls_suffix": "催报名单 {file} 应为 .xlsx 或 .csv 文件",
    "merge.feedback_in_inputs": "退回材料目录 {file} 在要汇总的目录 {folder} 之中，其中的标注副本下次会被当作报送的文件读取：请换一个目录",
    "merge.sheet.rollup": "按上级单位",
    "merge.sheet.feedback": "退回说明",
    "merge.sheet.drafts": "各部分文字草稿",
    "merge.sheet.files": "文件明细",
    "merge.footer": "第 &P 页，共 &N 页",
    "merge.summary.unit": "填报单位：{unit}。",
    "merge.summary.no_unit": "填报单位未填写：请在「基本信息」中填写本级单位名称（或汇总时用 --unit 指定），填写后才能生成年报。",
    "merge.summary.times": "保存时间：工作簿自身记录的最后保存时间，据此判断同一单位的新旧版本；首次收到：nianbao 第一次收到该文件内容的时间；文件修改时间：文件在收件文件夹中的修改时间。",
    "merge.col.contact": "联系人",
    "merge.col.phone": "电话",
    "merge.col.first_seen": "首次收到",
    "merge.col.message": "退回说明（可直接发送）",
    "merge.col.draft": "草稿（各单位原文，供撰写本级年报参考）",
    "merge.col.units": "单位数",
    "merge.col.path": "文件路径",
    "merge.col.size": "大小（字节）",
    "merge.col.file_time": "文件修改时间",
    "merge.col.archive": "存档副本",
    "merge.col.attributed": "单位判断依据",
    "merge.rollup.merged": "已汇总",
    "merge.rollup.invalid": "有错误",
    "merge.rollup.rejected": "退回",
    "merge.rollup.missing": "未报送",
    "merge.rollup.total": "合计",
    "merge.rollup.direct": "直属单位",
    "merge.rollup.direct_file": "直属",
    "merge.feedback.title": "退回说明与催报：{n} 个单位需改正、重新报送或尽快报送",
    "merge.drafts.title": "各部分文字草稿",
    "merge.drafts.note": "本表按部分汇集各单位的文字，供撰写本级年报时参考；年报只印出各部分工作表中填写的文字，本表不会印入年报。",
    "merge.draft.piece": "【{unit}】{text}",
    "merge.draft.more": "（另有 {n} 个单位的文字超出单元格容量，见「各单位文字」表）",
    "merge.files.title": "文件明细（技术记录）",
    "feedback.title": "《{year}年政府信息公开工作年度报告》工作簿",
    "feedback.title_no_year": "政府信息公开工作年度报告工作簿",
    "feedback.greeting": "{unit}：",
    "feedback.unsent": "截至{date}，尚未收到贵单位的{title}，请尽快报送。",
    "feedback.sent": "贵单位报来的是{kind}（{file}），汇总需要的是下发的{title}。请用下发的工作簿填报后报送。",
    "feedback.rejected": "贵单位报送的文件（{file}）未能汇总：{reason}。请处理后重新报送。",
    "feedback.unchanged": "贵单位报送的 {file} 与此前报送的 {other} 内容完全相同，以下问题仍未改正：",
    "feedback.invalid": "贵单位报送的{title}（{file}{saved}）经校验存在以下问题：",
    "feedback.saved": "，{saved} 保存",
    "feedback.more": "……另有 {n} 处错误，见标注副本。",
    "feedback.warnings": "另有以下情况请核实（不影响汇总）：",
    "feedback.resend": "请改正后重新报送。",
    "feedback.no_name": "未知单位",
    "feedback.txt_name": "{unit}-退回说明",
    "feedback.mark_name": "{unit}-标注",
    "feedback.marked": "附件：{file}（问题所在单元格已标色并加批注，「校验结果」表逐条列出）。",
    "feedback.no_mark": "（{file} 无法生成标注副本，请按以上说明核对。）",
    "calls.sheet": "催报名单",
    "calls.title": "催报名单：{n} 个单位未报送或需重新报送",
    "calls.col.no": "序号",
    "calls.col.unit": "单位",
    "calls.col.parent": "上级单位",
    "calls.col.contact": "联系人",
    "calls.col.phone": "电话",
    "calls.col.status": "状态",
    "calls.col.todo": "需办理事项",
    "calls.todo.unsent": "尚未报送，请尽快报送",
    "cli.merge.feedback": "把每个需退回单位的标注副本和退回说明（.txt，以单位命名）写入此目录（不能在要汇总的目录中）",
    "cli.merge.calls": "生成催报名单（.xlsx 或 .csv）：未报送和需重新报送的单位，含联系人和电话",
    "cli.merge.by_parent": "另按上级单位各生成一份汇总工作簿（如「汇总-甲区.xlsx」）",
    "cli.merge.detailed_exit": "退出码区分情况：0 全部汇总且无错误；4 只有未报送的单位；5 有需退回的文件，无未报送；6 两者都有；2 没有可汇总的文件；3 程序内部错误",
    "cli.merge.page": "--history：显示第几页（每页 {n} 个文件，按单位排列）",
    "cli.merge.history_page": "共 {total} 个文件，这是第 {page}/{pages} 页；用 --page 翻页",
    "cli.merge.feedback_done": "退回材料已写入 {dir}：{units} 个单位的退回说明和 {marked} 份标注副本",
    "cli.merge.calls_done": "催报名单已写入 {file}",
    "cli.merge.by_parent_done": "按上级单位的汇总工作簿：{files}",
    "cli.merge.more_rows": "……另有 {n} 行未在此列出，见汇总工作簿的「汇总情况」表，或用 --json 输出全部",
    "cli.merge.more_rows_json": "……另有 {n} 行未在此列出，用 --json 输出全部",
    "cli.merge.no_unit": "注意：汇总工作簿的填报单位未填写，生成年报前请在「基本信息」中填写（或用 --unit 指定）",
})


# -- published reports from strangers: refused before (or while) they are parsed ------------------
MESSAGES.update({
    "import.docx_damaged": "不是有效的 Word 文件（.docx）：{detail}",
    "file.empty": "文件是空的（0 字节），可能保存或传送时中断了，请重新保存或重新发送",
    "package.too_deep": "{part} 中的元素嵌套超过 {n} 层",
    "package.too_many_elements": "元素超过 {n} 个，而一份年报约几万个",
    "package.too_many_rows": "表格共超过 {n} 行，而一份年报约两百行",
    "package.text_too_long": "{part} 中有一段文字超过 {size}",
    "import.too_large": "文件过大（{size}；这类年报文件一般不超过 {limit}），疑似异常文件，未读取",
    "import.too_much_text": "文字过多（约 {n} 万字，一份年报一般不超过 {limit} 万字），疑似异常文件，未读取",
    "import.not_html": "网页文件已损坏或无法解析",
    "import.not_txt": "文本文件已损坏或无法解析",
    "import.pdf_pages": "PDF 超过 {n} 页（一份年报一般不超过 30 页），疑似异常文件，未读取",
    "import.pdf_content": "PDF 第 {page} 页的内容异常多（一页年报约两千字），疑似异常文件，未读取",
    "import.pdf_memory": "读取这份 PDF 所需的内存过多，疑似异常文件，未读取",
    "import.pdf_timeout": "这份 PDF {seconds} 秒内未能读完（一份年报约需 1 秒），疑似异常文件，未读取；可在 Word 或 WPS 中另存为 .docx 或文本后再导入",
    "import.pdf_crashed": "读取这份 PDF 的进程意外终止，疑似异常文件，未读取",
    "debug.detail": "{message}（调试信息：{detail}）",
    "merge.failure.memory": "读取所需的内存过多，已停止读取",
    "merge.memory": "{file} 读取所需的内存过多，疑似异常文件，已跳过",
    "addin.build.python_invalid": "--python 的值含控制字符或无法表示的字符，不是有效的 python.exe 路径；未生成任何文件",
    "cli.opt.debug": "出错时附上程序库的原始说明（英文）、内部错误时显示调用栈，供向维护人员反馈问题（同环境变量 NIANBAO_DEBUG=1）",
})


# -- auditing: a published report's own places, units across years, what could not be read -----
MESSAGES.update({
    # how an evaluator cites a place of a published report (nianbao.places.cite)
    "place.cite": "{table}{cell}",
    "place.cite_item": "第{number}项",
    "place.cite_number_cell": "{row} {column}列",
    "place.cite_item_cell": "{row} {column}列",
    "place.cite_label_cell": " {row} {column}列",
    "place.cite_column": " {column}列",
    "place.cite_row": "{row} 行",
})
MESSAGES.update({
    "audit.unit_unknown": "未识别单位",
    "audit.cell": "{sheet}!{cell}",
    "audit.h.reading": "未能读取",
    "audit.h.place": "位置",
    "audit.sheet.reading": "未能读取",
    "audit.sheet.series": "各单位历年",
    "audit.h.series.unit": "单位",
    "audit.h.series.names": "各年的写法",
    "audit.h.series.years": "年度",
    "audit.h.series.gaps": "缺少的年度",
    "audit.h.series.cross_year": "跨年度问题",
    "audit.h.series.files": "文件",
    "audit.series_years": "{prev} 年 → {year} 年",
    "audit.series_file": "{prev} 年（{file}）→ {year} 年",
    "audit.series_none": "未收到报告",
    "audit.series_name": "{name}（{years}）",
    "audit.series_copies": "{year} 年 {n} 份，{same}",
    "audit.series_same": "内容相同",
    "audit.series_differ": "内容不同",
    "audit.series_no_year": "年度未读出",
    "audit.year_range": "{first}–{last}",
    "audit.series_intro": "同一单位各年度的报告按单位名称关联（「人民政府」简写为「政府」视为同一单位；给出单位名单时以名单为准），沿年度逐年进行跨年度核对；未读出单位或年度的报告列在最后，不关联。",
    "audit.reading_intro": "以下是未能从原文读出或未能核对的内容（缺失的数值、无法拆分的数字、未读出的单位等），不是报告本身的问题。",
    "cli.audit.units": "单位名单（与 merge 相同的 Excel 或 CSV）：按名单关联同一单位各年度的报告，并列出未收到报告的单位",
})


# -- the consolidated workbook as printed and read: findings in short, units not on the list -----
MESSAGES.update({
    "merge.gist.where": "{sheet}!{cell}",
    "merge.gist": "{where}：{text}",
    "merge.gist.brief": "。{items}{more}",
    "merge.gist.more": " 等 {n} 处，见退回说明",
    "merge.gist.see": "，见退回说明",
    "merge.rollup.unlisted": "不在单位名单中的单位（不计入应报单位和合计）",
    "merge.summary.files": "各文件的保存时间（据此判断同一单位的新旧版本）、首次收到时间、完整路径、完整 SHA-256 和存档副本见「文件明细」表。",
})


# -- refusing to publish: what every door shows when a table is left wholly blank ----------------
MESSAGES.update({
    "publish.refused_blank": "有 {count} 处错误或整张未填写的表，未生成年报。请先改正：\n{lines}",
})


# -- a round's own office: the 填报单位 of its consolidated report --------------------------------
MESSAGES.update({
    "round.no_unit": "还没有填写本级单位：汇总报告的填报单位和落款是汇总单位自己的名称（如「某区人民政府办公室」），不是批次名称。请填写本级单位后再生成汇总报告。",
})
