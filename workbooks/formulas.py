"""Small builders of Excel formula text that every engine evaluates the same way (Excel, LibreOffice,
formualizer). Element-wise MIN/MAX inside SUMPRODUCT are written with comparisons, ``a*(a<b)+b*(a>=b)``:
MIN and MAX of arrays collapse them to one number, and ABS of an array is not evaluated element-wise by
every engine. Only the literals 0, 1 and 12 appear (the workbook's modelling standard)."""

from __future__ import annotations


def emin(a: str, b: str) -> str:
    """Element-wise minimum of ``a`` and ``b`` (numbers or ranges that broadcast)."""
    return f"(({a})*(({a})<({b}))+({b})*(({a})>=({b})))"


def emax(a: str, b: str) -> str:
    """Element-wise maximum of ``a`` and ``b``."""
    return f"(({a})*(({a})>({b}))+({b})*(({a})<=({b})))"


def overlap(lo: str, hi: str, start: str, end: str) -> str:
    """Length of ``[lo, hi) ∩ [start, end)``, element-wise, 0 when they do not meet."""
    low, high = emax(lo, start), emin(hi, end)
    return f"(({high})-({low}))*(({high})>({low}))"
