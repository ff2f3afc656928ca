"""Checks shared by the value objects, the case-file loader and the Excel adapters.

Each check returns the cleaned value or raises an :class:`~xlmodel.errors.XlmodelError` that names
the field, the value received and what is allowed.

>>> share("deadweight_rate", 0.25)
0.25
>>> share("deadweight_rate", 25)
Traceback (most recent call last):
...
xlmodel.errors.InvalidValueError: deadweight_rate: en andel ligger mellem 0 og 1 — mente du 0.25? (fik 25)
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from xlmodel.errors import InvalidTypeError, InvalidValueError

#: Horizons longer than this are almost certainly typos (a year 20211 or similar).
MAX_HORIZON_YEARS = 100
#: The first and last date any input may fall on, in case files, workbooks and Excel functions alike.
#: An earlier "date" is nearly always a year typed into a date cell (2021 as a date is 13 July 1905).
EARLIEST_DATE, LATEST_DATE = dt.date(1950, 1, 1), dt.date(2200, 12, 31)
#: Day 0 of the serial dates of Excel and LibreOffice (the 1900 system, after its leap-year bug).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Years outside this range are rejected as typos.
MIN_YEAR, MAX_YEAR = EARLIEST_DATE.year, LATEST_DATE.year
#: Sums of shares may exceed 1 by this much (floating-point noise of 0.1 + 0.2 + ...), no more.
SHARE_TOLERANCE = 1e-12

#: No input number may be larger than this (in kr., persons, weeks, ...): every product and sum of the
#: model then stays far from the float range, so nothing becomes infinite on the way.
MAX_MAGNITUDE = 1e15
#: The most characters a text may have: Excel's limit for one cell.
MAX_TEXT = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Who pays or saves: the municipality (default), the state, the region.
PAYERS = ("kommune", "stat", "region")
#: What a cost may be tagged as, for the ØVO/mentor cap (xlmodel.oevo): øvrig vejledning og opkvalificering, mentor.
COST_KINDS = ("oevo", "mentor")

_MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def number(field: str, value: Any, *, minimum: float | None = None) -> float:
    """A finite real number (not a bool, not text), optionally ≥ ``minimum``.

    >>> number("unit_saving", 146000)
    146000.0
    >>> number("unit_saving", True)
    Traceback (most recent call last):
    xlmodel.errors.InvalidTypeError: unit_saving: skal være et tal (fik True)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, str):
            hint = _text_number_hint(value)
            raise InvalidTypeError(field, f"skal være et tal, ikke tekst{hint}", value=value)
        raise InvalidTypeError(field, "skal være et tal", value=value)
    try:
        result = float(value)
    except OverflowError:  # an integer beyond the float range
        raise InvalidValueError(field, f"tallet er urealistisk stort (højst {MAX_MAGNITUDE:,.0f})".replace(",", "."), value=value) from None
    if not math.isfinite(result):
        raise InvalidValueError(field, "skal være et endeligt tal (ikke NaN eller uendelig)", value=value)
    if abs(result) > MAX_MAGNITUDE:
        raise InvalidValueError(field, f"tallet er urealistisk stort (højst {MAX_MAGNITUDE:,.0f})".replace(",", "."), value=value)
    if minimum is not None and result < minimum:
        raise InvalidValueError(field, f"må ikke være mindre end {minimum:g}", value=value)
    return result


def count(field: str, value: Any) -> float:
    """A number of persons: finite and ≥ 0 (expected values such as 2.4 persons are allowed).

    >>> count("persons", 2.4)
    2.4
    """
    return number(field, value, minimum=0)


def whole_count(field: str, value: Any) -> int:
    """A whole number ≥ 0 (participants in a cohort).

    >>> whole_count("participants", 12.0)
    12
    """
    result = count(field, value)
    if result != int(result):
        raise InvalidValueError(field, "skal være et helt tal ≥ 0", value=value)
    return int(result)


def share(field: str, value: Any) -> float:
    """A share between 0 and 1; 25 gets the hint "did you mean 0.25?".

    >>> share("rate", 0.25)
    0.25
    >>> share("rate", 25)
    Traceback (most recent call last):
    xlmodel.errors.InvalidValueError: rate: en andel ligger mellem 0 og 1 — mente du 0.25? (fik 25)
    """
    result = number(field, value)
    if not 0.0 <= result <= 1.0:
        hint = f" — mente du {result / 100:g}?" if 1.0 < result <= 100.0 else ""
        raise InvalidValueError(field, f"en andel ligger mellem 0 og 1{hint}", value=value)
    return result


def year(field: str, value: Any, *, first: int | None = None, last: int | None = None) -> int:
    """A calendar year, optionally within the horizon ``first``..``last``.

    >>> year("targets[0].year", "2022", first=2021, last=2025)
    2022
    >>> year("targets[0].year", 2030, first=2021, last=2025)
    Traceback (most recent call last):
    xlmodel.errors.InvalidValueError: targets[0].year: året ligger uden for tidshorisonten 2021–2025 (fik 2030)
    """
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    result = number(field, value)
    if result != int(result) or not MIN_YEAR <= result <= MAX_YEAR:
        raise InvalidValueError(field, f"et år skrives som et helt tal mellem {MIN_YEAR} og {MAX_YEAR}", value=value)
    result_int = int(result)
    if first is not None and last is not None and not first <= result_int <= last:
        raise InvalidValueError(field, f"året ligger uden for tidshorisonten {first}–{last}", value=value)
    return result_int


def month_number(field: str, value: Any) -> int:
    """A calendar month 1..12.

    >>> month_number("fallback_month", 4.0)
    4
    """
    result = number(field, value)
    if result != int(result) or not 1 <= result <= 12:
        raise InvalidValueError(field, "en måned er et helt tal fra 1 (januar) til 12 (december)", value=value)
    return int(result)


def month_start(index: int) -> dt.date:
    """The first day of month ``index`` (``year * 12 + month - 1``), the inverse of :func:`month_index`.

    >>> month_start(24255)
    datetime.date(2021, 4, 1)
    """
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(field: str, value: Any) -> int:
    """A date as a month index ``year * 12 + month - 1``, counted from the first of its month.

    Accepts a ``datetime.date`` or text ``YYYY-MM`` / ``YYYY-MM-DD``.

    >>> month_index("effect_start", "2021-04-17")   # April 2021
    24255
    >>> month_index("effect_start", dt.date(2021, 4, 1)) / 12
    2021.25
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        y, m = value.year, value.month
    elif isinstance(value, str) and (match := _MONTH_TEXT.match(value)):
        y, m = int(match.group(1)), int(match.group(2))
        d = int(match.group(3) or 1)
        try:
            dt.date(y, m, d)
        except ValueError:
            raise InvalidValueError(field, "ikke en gyldig dato; skriv ÅÅÅÅ-MM-DD, fx 2021-04-01", value=value) from None
    else:
        raise InvalidTypeError(field, "skal være en dato, ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM, fx 2021-04-01", value=value)
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise InvalidValueError(field, f"datoen skal ligge mellem {MIN_YEAR} og {MAX_YEAR}", value=value)
    return y * 12 + m - 1


def date(field: str, value: Any) -> dt.date:
    """A calendar date from a ``datetime.date`` or ``YYYY-MM-DD`` / ``YYYY-MM`` text (a month means its
    first day), within the same range as :func:`month_index`.

    >>> date("parameters_date", "2025-07")
    datetime.date(2025, 7, 1)
    """
    month_index(field, value)  # one rule for the form and the range
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _MONTH_TEXT.match(value)
    assert match is not None  # month_index accepted it
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))


def month_text(index: int) -> str:
    """The month index back as ``YYYY-MM``.

    >>> month_text(24255)
    '2021-04'
    """
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def payer(field: str, value: Any) -> str:
    """``kommune``, ``stat`` or ``region``.

    >>> payer("payer", "Stat")
    'stat'
    """
    if not isinstance(value, str) or value.strip().lower() not in PAYERS:
        raise InvalidValueError(field, f"skal være en af: {', '.join(PAYERS)}", value=value)
    return value.strip().lower()


def cost_kind(field: str, value: Any) -> str:
    """What a cost is, for the ØVO/mentor cap: ``oevo``, ``mentor`` or blank (anything else).

    >>> cost_kind("kind", " Mentor ")
    'mentor'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str) or value.strip().lower() not in COST_KINDS:
        raise InvalidValueError(field, f"skal være en af: {', '.join(COST_KINDS)} (øvrig vejledning og opkvalificering, mentorstøtte) eller udeladt", value=value)
    return value.strip().lower()


def age(field: str, value: Any) -> float:
    """An age at the effect start in years, 18–100 (førtidspension is awarded from 18).

    >>> age("age", 45)
    45.0
    """
    years = number(field, value, minimum=0)
    if not 18 <= years <= 100:
        raise InvalidValueError(field, "en alder ved effektstart i hele år fra 18 til 100, fx 45 (førtidspension tilkendes fra 18 år)", value=value)
    return years


def age_mix(field: str, value: Any) -> float | dict[float, float]:
    """One age, or ages with shares summing to 1: ``{ 40 = 0.5, 55 = 0.5 }``.

    >>> age_mix("age", {"40": 0.5, "55": 0.5})
    {40.0: 0.5, 55.0: 0.5}
    """
    if not isinstance(value, Mapping):
        return age(field, value)
    if not value:
        raise InvalidValueError(field, "en aldersfordeling skal have mindst én alder, fx { 40 = 0.5, 55 = 0.5 }", value=value)
    mix: dict[float, float] = {}
    for key, share_value in value.items():
        try:
            years = float(key)
        except (TypeError, ValueError):
            raise InvalidValueError(f"{field}.{key}", "en alder skrives som et tal, fx 45", value=key) from None
        mix[age(f"{field}.{key}", years)] = share(f"{field}.{key}", share_value)
    if abs(math.fsum(mix.values()) - 1.0) > 1e-9:
        raise InvalidValueError(field, f"andelene skal summere til 1 (fik {math.fsum(mix.values()):g})", value=dict(value))
    return mix


def avoided(field: str, value: Any) -> str:
    """What an outcome avoids: ``foertidspension``."""
    if value != "foertidspension":
        raise InvalidValueError(field, 'kendt: "foertidspension" (en førtidspension undgået fra effektstart til folkepensionsalderen)', value=value)
    return value


def text(field: str, value: Any, *, required: bool = True) -> str:
    r"""Non-empty text (labels, names) without control characters and within Excel's cell limit.

    >>> text("label", "Drift\x07")
    Traceback (most recent call last):
    ...
    xlmodel.errors.InvalidValueError: label: indeholder et styretegn (tegn nr. 6, kode 7); fjern det (fik 'Drift\x07')
    """
    if not isinstance(value, str):
        raise InvalidTypeError(field, "skal være tekst", value=value)
    if required and not value.strip():
        raise InvalidValueError(field, "må ikke være tom", value=value)
    if len(value) > MAX_TEXT:
        raise InvalidValueError(field, f"teksten er for lang: højst {MAX_TEXT:,} tegn (Excels grænse for en celle)".replace(",", "."), value=f"{len(value)} tegn")
    bad = _CONTROL.search(value)
    if bad:
        raise InvalidValueError(field, f"indeholder et styretegn (tegn nr. {bad.start() + 1}, kode {ord(bad.group())}); fjern det", value=value)
    return value


def _text_number_hint(value: str) -> str:
    """A hint for numbers typed as text: "0,25", "25 %", "1.040.000"."""
    cleaned = value.strip().replace(" ", "").replace("\u00a0", "")
    if cleaned.endswith("%"):
        try:
            return f" — skriv en andel som {float(cleaned[:-1].replace(',', '.')) / 100:g}"
        except ValueError:
            return ""
    if "," in cleaned:
        try:
            return f" — brug punktum som decimaltegn: {float(cleaned.replace('.', '').replace(',', '.')):g}"
        except ValueError:
            return ""
    return ""


# --- rules across fields: used by the core model, the case files (through it), the workbook read-back
# --- (through it) and the Excel functions (vectorised, one row per cohort)


def _first_row(bad: np.ndarray, field: str, size: int) -> str:
    """``field`` or ``field (række n)`` for the first offending row of a column of ``size`` rows."""
    return field if size == 1 else f"{field} (række {int(bad[0]) + 1})"


def deadweight_within_persons(field: str, deadweight: Any, persons: Any) -> None:
    """Dødvægt ≤ personer med effekten, row by row (``deadweight`` and ``persons`` broadcast).

    >>> deadweight_within_persons("deadweight", [1, 5], [4, 4])
    Traceback (most recent call last):
    ...
    xlmodel.errors.InvalidValueError: deadweight (række 2): dødvægten kan ikke være større end antallet af personer med effekten (4) (fik 5.0)
    """
    dead, gross = np.broadcast_arrays(np.atleast_1d(np.asarray(deadweight, dtype=float)), np.atleast_1d(np.asarray(persons, dtype=float)))
    bad = np.flatnonzero(dead > gross + SHARE_TOLERANCE)
    if bad.size:
        i = int(bad[0])
        raise InvalidValueError(_first_row(bad, field, dead.size), f"dødvægten kan ikke være større end antallet af personer med effekten ({gross[i]:g})", value=float(dead[i]))


def start_not_after_effect(field: str, start: Any, effect_start: Any) -> None:
    """Holdets start ≤ effektstart (month indices ``year * 12 + month - 1``), row by row.

    >>> start_not_after_effect("start", 24256, 24255)
    Traceback (most recent call last):
    ...
    xlmodel.errors.InvalidValueError: start: holdets start skal ligge før eller samtidig med effect_start (2021-04) (fik '2021-05')
    """
    course, effect = np.broadcast_arrays(np.atleast_1d(np.asarray(start)), np.atleast_1d(np.asarray(effect_start)))
    bad = np.flatnonzero(course > effect)
    if bad.size:
        i = int(bad[0])
        raise InvalidValueError(_first_row(bad, field, course.size), f"holdets start skal ligge før eller samtidig med effect_start ({month_text(int(effect[i]))})", value=month_text(int(course[i])))


def fallback_shares(field: str, shares: Any) -> float:
    """The shares that fall back (each 0–1) may add up to at most 1; returns the total.

    >>> fallback_shares("fallbacks", [0.1, 0.1])
    0.2
    >>> fallback_shares("fallbacks", [0.8, 0.8])
    Traceback (most recent call last):
    ...
    xlmodel.errors.InvalidValueError: fallbacks: andelene, der falder tilbage, må tilsammen højst være 1 (fik 1.6)
    """
    total = math.fsum(float(s) for s in shares)
    if total > 1.0 + SHARE_TOLERANCE:
        raise InvalidValueError(field, "andelene, der falder tilbage, må tilsammen højst være 1", value=total)
    return total
