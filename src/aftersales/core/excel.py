"""Cells for every Excel export: text a customer or user typed never becomes a formula
and never breaks the file.

- Text starting with = + - @ (or a tab / carriage return, which some spreadsheet programs
  skip before reading a formula) gets a leading apostrophe: the cell shows the text, no
  program evaluates it (formula injection, e.g. `=HYPERLINK(...)` in a booking summary).
- Characters XML cannot hold (control characters) are dropped instead of failing the
  whole export.
Every export writes its rows through `safe_row`."""
from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_LEADS):
            value = "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]
