"""Bundled sample reports: ``<name>.json`` (Report.to_dict form) and the workbook built from it."""
