"""Compare two workbooks cell by cell: formulas as tokens, values with a tight
tolerance. Never compare zip bytes (document properties change on every save)."""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Collection
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.workbook import Workbook

_XLFN = re.compile(r"^(?:_xlfn\.|_xlws\.)+", re.IGNORECASE)
_QUOTED_SHEET = re.compile(r"^'((?:[^']|'')+)'!")
_LOGICAL = ("TRUE(", "FALSE(")


def _token(token: Token) -> tuple[str, str, str]:
    value = token.value
    if token.type == Token.FUNC and token.subtype == Token.OPEN:
        value = _XLFN.sub("", value).upper()
    elif token.type == Token.OPERAND and token.subtype == Token.RANGE:
        value = _QUOTED_SHEET.sub(lambda m: m.group(1).replace("''", "'") + "!", value).upper()
    elif token.type == Token.OPERAND and token.subtype == Token.NUMBER:
        value = repr(float(value))
    elif token.type == Token.OPERAND and token.subtype == Token.LOGICAL:
        value = value.upper()
    return token.type, token.subtype, value


def formula_tokens(text: str) -> tuple[tuple[str, str, str], ...]:
    """A formula as tokens (type, subtype, value), so formulas that Excel and LibreOffice write differently
    compare equal: no spaces, no ``_xlfn.`` prefixes, names and references in upper case, sheet names
    unquoted, numbers as numbers, ``TRUE()`` as ``TRUE``. Text in quotes is kept as written.

    >>> formula_tokens("=_xlfn.sum( 'Budget'!a1, TRUE() )") == formula_tokens("=SUM(Budget!A1,TRUE)")
    True
    >>> formula_tokens('=A1&"a"') == formula_tokens('=A1&"A"')
    False
    """
    tokens = [_token(t) for t in Tokenizer(text).items if t.type != Token.WSPACE]
    found: list[tuple[str, str, str]] = []
    for token in tokens:
        if token[:2] == (Token.FUNC, Token.CLOSE) and found and found[-1][:2] == (Token.FUNC, Token.OPEN) and found[-1][2] in _LOGICAL:
            found[-1] = (Token.OPERAND, Token.LOGICAL, found[-1][2][:-1])  # LibreOffice writes TRUE as TRUE()
            continue
        found.append(token)
    return tuple(found)


def normalise_formula(text: str) -> tuple[tuple[str, str, str], ...] | str:
    """The formula's tokens (:func:`formula_tokens`); a formula the tokenizer cannot read: its text."""
    try:
        return formula_tokens(text)
    except (TokenizerError, ValueError):
        return text


def same_content(a: Any, b: Any) -> bool:
    """Two cell contents alike: formulas as tokens, numbers within 1e-9 relative, blanks alike."""
    if a == b or (a in (None, "") and b in (None, "")):
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


def same_parts(a: bytes, b: bytes, *, ignore: Collection[str] = ("docProps/core.xml",)) -> bool:
    """Two .xlsx packages whose parts are byte for byte the same, but those in ``ignore`` (the core properties:
    the time a book was written). ``regenerate`` leaves such a book as it is.

    >>> import io, zipfile
    >>> def book(stamp: str, workbook: str = "<workbook/>") -> bytes:
    ...     out = io.BytesIO()
    ...     with zipfile.ZipFile(out, "w") as z:
    ...         z.writestr("xl/workbook.xml", workbook)
    ...         z.writestr("docProps/core.xml", stamp)
    ...     return out.getvalue()
    >>> same_parts(book("09:00"), book("10:00")), same_parts(book("09:00"), book("09:00", "<workbook />"))
    (True, False)
    """
    with zipfile.ZipFile(io.BytesIO(a)) as first, zipfile.ZipFile(io.BytesIO(b)) as second:
        names = [n for n in first.namelist() if n not in ignore]
        if names != [n for n in second.namelist() if n not in ignore]:
            return False
        return all(first.read(n) == second.read(n) for n in names)
