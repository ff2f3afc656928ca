"""Compare two workbooks cell by cell: formulas after normalising their text, values with a tight
tolerance. Never compare zip bytes (document properties change on every save)."""

from __future__ import annotations

import math
import re
from typing import Any

from openpyxl.workbook import Workbook

_XLFN = re.compile(r"_xlfn\.|_xlws\.", re.IGNORECASE)
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")


def normalise_formula(text: str) -> str:
    """``=sum(A1)`` and ``=_xlfn.SUM(A1)`` alike: no prefixes, no spaces outside strings, upper case outside strings."""
    text = _QUOTED_SHEET.sub(lambda m: m.group(1).replace("''", "'") + "!", _XLFN.sub("", text))
    parts = re.split(r'("(?:[^"]|"")*")', text)
    return "".join(p if p.startswith('"') else p.replace(" ", "").upper() for p in parts)


def same_content(a: Any, b: Any) -> bool:
    """Two cell contents alike: formulas by normalised text, numbers within 1e-9 relative, blanks alike."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, str) and isinstance(b, str) and a.startswith("=") and b.startswith("="):
        return normalise_formula(a) == normalise_formula(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def cell_differences(expected: Workbook, actual: Workbook, *, limit: int = 50) -> list[str]:
    """``Sheet!A1: expected …, found …`` for each differing cell (values or formulas, as loaded)."""
    found: list[str] = []
    if expected.sheetnames != actual.sheetnames:
        return [f"faner: forventet {expected.sheetnames}, fandt {actual.sheetnames}"]
    for ws in expected.worksheets:
        other = actual[ws.title]
        rows = max(ws.max_row, other.max_row)
        cols = max(ws.max_column, other.max_column)
        for row in range(1, rows + 1):
            for column in range(1, cols + 1):
                a, b = ws.cell(row, column).value, other.cell(row, column).value
                if not same_content(a, b):
                    found.append(f"{ws.title}!{ws.cell(row, column).coordinate}: forventet {a!r}, fandt {b!r}")
                    if len(found) >= limit:
                        return found
    return found
