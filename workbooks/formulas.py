"""Small builders of Excel formula text that every engine evaluates the same way (Excel, LibreOffice,
formualizer). Element-wise MIN/MAX inside SUMPRODUCT are written with comparisons, ``a*(a<b)+b*(a>=b)``:
MIN and MAX of arrays collapse them to one number, and ABS of an array is not evaluated element-wise by
every engine. Only the literals 0, 1 and 12 appear (the workbook's modelling standard); the one other
number is the core's payback tolerance inside the COUNTIF criterion of :func:`paid_back`."""

from __future__ import annotations

from xlmodel.compute import PAYBACK_TOLERANCE_KR


def paid_back(cumulative: str) -> str:
    """TRUE when no cumulative net in the range ``cumulative`` is below −tolerance: the core's payback rule
    (:func:`xlmodel.compute.payback_year`), so a rounding residue of −0.0000001 kr. counts as paid back.

    >>> paid_back("I20:$R$20")
    'COUNTIF(I20:$R$20,"<-0.000001")=0'
    """
    return f'COUNTIF({cumulative},"<{-PAYBACK_TOLERANCE_KR:.6f}")=0'


def payback_year(flags: str, last_year: str, never: str) -> str:
    """The payback year from a row of :func:`paid_back` flags: the first of the trailing run of TRUEs,
    i.e. the last year − the number of TRUEs + 1, or ``never`` when there are none.

    >>> payback_year("$I$20:$R$20", "$R$4", "aldrig")
    '=IF(COUNTIF($I$20:$R$20,TRUE)=0,"aldrig",$R$4-COUNTIF($I$20:$R$20,TRUE)+1)'
    """
    return f'=IF(COUNTIF({flags},TRUE)=0,"{never}",{last_year}-COUNTIF({flags},TRUE)+1)'


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
