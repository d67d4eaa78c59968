"""nianbao — 政府信息公开工作年度报告：格式声明 → 工作簿 ⇄ Report → 校验 / 叙述 / Word 文档."""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import NianbaoError, UnreadableWorkbook
from .findings import Finding
from .formats import FORMATS, get_format
from .layout import layout_of
from .report import Invalid, Meta, Report

__all__ = ["__version__", "FORMATS", "get_format", "layout_of", "Report", "Meta", "Invalid",
           "Finding", "NianbaoError", "UnreadableWorkbook"]
