"""The catalogue of every message a user reads, in one place so wording stays consistent.

``say(code, **args)`` renders a message; a missing placeholder raises instead of printing a
blank, so a typo in a call site fails its test rather than misleading a clerk.
"""
from __future__ import annotations

import string

MESSAGES: dict[str, str] = {
    # -- reading a workbook: file level (exit code 2) -------------------------------------------
    "file.missing": "找不到文件：{file}",
    "file.not_xlsx": "{file} 不是有效的 Excel 工作簿（.xlsx），无法读取：{detail}",
    "file.encrypted": "{file} 已加密或设置了打开密码，请去掉密码后再试",
    "file.too_large": "{file} 解压后过大（{size}），疑似异常文件，已拒绝读取",
    "file.hostile": "{file} 含有不安全的内容（{detail}），已拒绝读取",
    "file.not_nianbao": "{file} 不是年报工作簿：缺少「{sheet}」等工作表，请使用 nianbao new 生成的模板",
    "file.unknown_format": "{file} 的报告格式「{format}」无法识别（支持：{known}）",
    "file.write_failed": "无法写入 {file}：{detail}",
    # -- reading a workbook: cell level (findings) ---------------------------------------------
    "read.blank": "{where} 未填写，按 0 计",
    "read.text_number": "{where} 是文本格式的数字「{raw}」，已按 {value} 读取",
    "read.fullwidth": "{where} 含全角数字「{raw}」，已按 {value} 读取",
    "read.thousands": "{where} 含千位分隔符「{raw}」，已按 {value} 读取",
    "read.suffix": "{where} 带有单位「{raw}」，已按 {value} 读取",
    "read.invalid": "{where} 应填{kind}，实为「{raw}」，无法识别为数字",
    "read.sheet_missing": "缺少工作表「{sheet}」（可能被改名或删除），该部分数据无法读取",
    "read.label_moved": "工作表「{sheet}」{cell} 应为「{expected}」，实为「{actual}」：表格结构被改动（行列被插入、删除或移动），该表数据未读取",
    "read.meta_mismatch": "基本信息中的{item}「{actual}」与工作簿下发时的「{expected}」不一致",
}


class _Strict(string.Formatter):
    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            raise KeyError(f"message placeholder {{{key}}} not supplied")
        return super().get_value(key, args, kwargs)


_fmt = _Strict()


def say(code: str, **args: object) -> str:
    return _fmt.format(MESSAGES[code], **args)
