"""Small builders of Excel formula text that every engine evaluates the same way (Excel, LibreOffice,
formualizer). Element-wise MIN/MAX inside SUMPRODUCT are written with comparisons, ``a*(a<b)+b*(a>=b)``:
MIN and MAX of arrays collapse them to one number, and ABS of an array is not evaluated element-wise by
every engine. Only the literals 0, 1 and 12 appear (the workbook's modelling standard); the one other
number, the core's payback tolerance, is a labelled cell on the checks sheet that :func:`paid_back` reads."""

from __future__ import annotations


def paid_back(cumulative: str, tolerance: str) -> str:
    """1 when no cumulative net in the range ``cumulative`` is below −tolerance (the cell ``tolerance`` holds
    the core's :data:`~xlmodel.compute.PAYBACK_TOLERANCE_KR`), else 0: the core's payback rule, so a rounding
    residue of −0.0000001 kr. counts as paid back. A number, not TRUE/FALSE, so every engine stores and shows
    it alike (with :func:`yes_no_format`: Ja/Nej). MIN, not a COUNTIF criterion such as ``"<-0.000001"``: a
    criterion is text that Excel and LibreOffice read with the user's locale (in Danish 0.000001 is not a number).

    >>> paid_back("I20:$R$20", "Kontrol!$C$14")
    'IF(MIN(I20:$R$20)<-Kontrol!$C$14,0,1)'
    """
    return f"IF(MIN({cumulative})<-{tolerance},0,1)"


def payback_year(flags: str, last_year: str, never: str) -> str:
    """The payback year from a row of :func:`paid_back` flags: the first of the trailing run of ones,
    i.e. the last year − the number of ones + 1, or ``never`` when there are none.

    >>> payback_year("$I$20:$R$20", "$R$4", "aldrig")
    '=IF(SUM($I$20:$R$20)=0,"aldrig",$R$4-SUM($I$20:$R$20)+1)'
    """
    return f'=IF(SUM({flags})=0,"{never}",{last_year}-SUM({flags})+1)'


def unless_flows(formula: str, *rows: str, undefined: str) -> str:
    """``formula`` (with its ``=``), or the text ``undefined`` when the ``rows`` (costs, savings and, after
    tax, the tax gain) are 0 in every year (:func:`xlmodel.compute.has_flows`: nothing to pay back or
    discount). Σx² is 0 only when every x is: SUMPRODUCT of a range with itself, as ABS of an array is not
    element-wise in every engine.

    >>> unless_flows("=SUM(A1:C1)", "A2:C2", "A3:C3", undefined="—")
    '=IF(SUMPRODUCT(A2:C2,A2:C2)+SUMPRODUCT(A3:C3,A3:C3)=0,"—",SUM(A1:C1))'
    """
    squares = "+".join(f"SUMPRODUCT({row},{row})" for row in rows)
    return f'=IF({squares}=0,"{undefined}",{formula.removeprefix("=")})'


def yes_no_format(yes: str, no: str) -> str:
    """A number format that shows a 1/0 flag as words: ``"Ja";"Ja";"Nej"`` (positive; negative; zero).

    >>> yes_no_format("Ja", "Nej")
    '"Ja";"Ja";"Nej"'
    """
    return f'"{yes}";"{yes}";"{no}"'


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
