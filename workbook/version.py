"""The version of nianbao, stamped into every workbook it makes (the hidden sheet)."""

__version__ = "0.1.0"
