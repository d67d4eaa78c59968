"""nianbao.addin — the Excel face of nianbao (xlwings): the 校验, 复核, 生成报告, 汇总 and 导入上年
buttons (:mod:`.buttons`) and the NB_ worksheet functions (:mod:`.udfs`).

The only package that imports xlwings; every decision it shows is made in the core.
"""
from __future__ import annotations

from .buttons import (consolidate_folder, generate_report, import_last_year, review_selected,
                      validate)

__all__ = ["validate", "review_selected", "generate_report", "consolidate_folder",
           "import_last_year"]
