"""Rounding for display, the way Excel's ROUND does it: half away from zero.

Python's ``round`` rounds half to even (``round(328.5) == 328``); Excel gives 329. Excel also
rounds the decimal number it shows, not the binary float underneath (``ROUND(2.675; 2)`` is
2.68, while the float 2.675 is really 2.67499999…). We do the same by rounding the shortest
decimal text of the float. Never use this inside a calculation.

>>> excel_round(328.5), excel_round(-328.5), excel_round(109.5), excel_round(2.675, 2)
(329.0, -329.0, 110.0, 2.68)
>>> excel_round(2_943_000, -5)
2900000.0
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt


def excel_round(value: float, decimals: int = 0) -> float:
    """``ROUND(value; decimals)`` as Excel computes it (``decimals`` may be negative)."""
    exponent = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(exponent, rounding=ROUND_HALF_UP))


def excel_round_array(values: npt.ArrayLike, decimals: int = 0) -> npt.NDArray[np.float64]:
    """:func:`excel_round` element by element (for display tables, not a hot path)."""
    array = np.asarray(values, dtype=np.float64)
    return np.vectorize(lambda x: excel_round(x, decimals), otypes=[np.float64])(array)
