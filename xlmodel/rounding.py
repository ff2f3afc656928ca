"""Rounding for display, the way Excel's ROUND does it: half away from zero.

Python's ``round`` rounds half to even (``round(328.5) == 328``); Excel gives 329. Excel also
rounds the decimal number it shows, not the binary float underneath (``ROUND(2.675; 2)`` is
2.68, while the float 2.675 is really 2.67499999…). We do the same by rounding the shortest
decimal text of the float. Never use this inside a calculation.

>>> excel_round(328.5), excel_round(-328.5), excel_round(109.5), excel_round(2.675, 2)
(329.0, -329.0, 110.0, 2.68)
>>> excel_round(2_943_000, -5)
2900000.0

Amounts for display go through :func:`grouped` (English: ``1,234,568``) or :func:`format_kr` (Danish:
``1.234.568``), both rounded like this.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt


def excel_round(value: float, decimals: int = 0) -> float:
    """``ROUND(value; decimals)`` as Excel computes it: half away from zero (``decimals`` may be negative).

    >>> excel_round(328.5), round(328.5), excel_round(-2.675, 2)
    (329.0, 328, -2.68)
    """
    exponent = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(exponent, rounding=ROUND_HALF_UP))


def excel_round_array(values: npt.ArrayLike, decimals: int = 0) -> npt.NDArray[np.float64]:
    """:func:`excel_round` element by element (for display tables, not a hot path).

    >>> excel_round_array([328.5, -2.5, 0.125], 2).tolist(), excel_round_array([328.5, -2.5]).tolist()
    ([328.5, -2.5, 0.13], [329.0, -3.0])
    """
    array = np.asarray(values, dtype=np.float64)
    return np.vectorize(lambda x: excel_round(x, decimals), otypes=[np.float64])(array)


def grouped(value: float, decimals: int = 0) -> str:
    """``value`` rounded like Excel, thousands grouped the English way (never ``-0``).

    >>> grouped(1234567.5), grouped(2.5), grouped(-0.4), grouped(5.5, 2)
    ('1,234,568', '3', '0', '5.50')
    """
    rounded = excel_round(value, decimals) + 0.0  # -0.0 + 0.0 is 0.0
    return f"{rounded:,.{decimals}f}"


def danish_separators(text: str) -> str:
    """A number Python wrote (``1,234.5``) with Danish separators: ``1.234,5``.

    >>> danish_separators("1,234,567.5"), danish_separators("0.3655")
    ('1.234.567,5', '0,3655')
    """
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_kr(value: float, decimals: int = 0) -> str:
    """Danish display: ``1234567.5 → '1.234.568'`` (rounded half away from zero), ``2.5 → '2,5'``.

    >>> format_kr(1234567.5), format_kr(-438500), format_kr(5.5, 2)
    ('1.234.568', '-438.500', '5,50')
    """
    return danish_separators(grouped(value, decimals))


def format_share(share: float, decimals: int = 1) -> str:
    """A share as Danish percent text, rounded like Excel: ``0.25049 → '25,0 %'``.

    >>> format_share(0.25049, 3), format_share(0.75, 0), format_share(0.00125, 2)
    ('25,049 %', '75 %', '0,13 %')
    """
    return f"{format_kr(100 * share, decimals)} %"
