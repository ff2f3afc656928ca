"""Published figures, kept exactly as the source printed them, and their comparison with the model.

A figure says which model quantity it is (``figure``), the printed value(s), and the precision
it was printed at: ``unit`` (1, 1000 or 1,000,000 kr.), ``decimals`` and ``sign`` (−1 where the
source prints savings as negative numbers or a net cost instead of a net result). The model value
is put at the same precision — ``ROUND(sign × model / unit; decimals)`` like Excel — and any
difference is reported as a :class:`Deviation`. Nothing is ever adjusted to match.

>>> fig = PublishedFigure("net_gain", value=5_430_000)
>>> fig.where
'net_gain'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from xlmodel import validate as v
from xlmodel.compute import CaseResult
from xlmodel.errors import InvalidValueError
from xlmodel.followup import FollowUp, follow_up
from xlmodel.rounding import excel_round

#: Figures with one value per year.
YEARLY_FIGURES = (
    "savings", "costs", "net", "cumulative", "person_years", "cohort_savings", "cohort_person_years",
    "expected_savings", "forecast", "write_down", "actual_persons", "realisation",
)  # fmt: skip
#: Figures with one value, over the horizon or over ``years``.
SINGLE_FIGURES = (
    "savings_total",
    "costs_total",
    "net_gain",
    "cost_item",
    "savings_line",
    "payback_year",
    "steady_state_saving",
    "savings_cost_ratio",
    "write_down_total",
    "forecast_total",
    "forecast_rate",
)
FIGURES = YEARLY_FIGURES + SINGLE_FIGURES


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class PublishedFigure:
    """One printed figure (or row of yearly figures) and its precision."""

    figure: str
    values: Mapping[int, float] = field(default_factory=dict)
    value: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    cohort: str | None = None
    outcome: str | None = None
    item: str | None = None
    years: tuple[int, int] | None = None
    unit: float = 1.0
    decimals: int = 0
    sign: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        if self.figure not in FIGURES:
            raise InvalidValueError("figure", f"kendte figurer: {', '.join(FIGURES)}", value=self.figure)
        _set(self, "label", v.text("label", self.label, required=False))
        _set(self, "unit", v.number("unit", self.unit))
        if self.unit <= 0:
            raise InvalidValueError("unit", "skal være positiv, fx 1, 1000 eller 1000000", value=self.unit)
        if self.sign not in (1, -1):
            raise InvalidValueError("sign", "skal være 1 eller -1", value=self.sign)
        if isinstance(self.decimals, bool) or not isinstance(self.decimals, int):
            raise InvalidValueError("decimals", "skal være et helt tal", value=self.decimals)
        values = {v.year(f"values.{y}", y): v.number(f"values.{y}", x) for y, x in dict(self.values).items()}
        _set(self, "values", MappingProxyType(dict(sorted(values.items()))))
        has_range = self.minimum is not None or self.maximum is not None
        if self.figure in YEARLY_FIGURES:
            if not values or self.value is not None or has_range:
                raise InvalidValueError("values", f"figuren {self.figure} har én værdi pr. år: values = {{ 2021 = ... }}")
        elif values:
            raise InvalidValueError("values", f"figuren {self.figure} har én værdi: value = ... (eller minimum/maximum)")
        elif (self.value is None) == (not has_range) or (has_range and (self.minimum is None or self.maximum is None)):
            raise InvalidValueError("value", "angiv enten value eller både minimum og maximum")
        for name in ("value", "minimum", "maximum"):
            if getattr(self, name) is not None:
                _set(self, name, v.number(name, getattr(self, name)))
        if self.figure.startswith("cohort_") and (not self.cohort or not self.outcome):
            raise InvalidValueError("cohort", f"figuren {self.figure} skal have både cohort og outcome")
        if self.figure in ("cost_item", "savings_line") and not self.item:
            raise InvalidValueError("item", f"figuren {self.figure} skal have item = linjens label")
        if self.years is not None:
            first, last = self.years
            _set(self, "years", (v.year("years[0]", first), v.year("years[1]", last)))

    @property
    def where(self) -> str:
        """A readable name: figure, cohort · outcome or item, and period."""
        parts = [self.label or self.figure]
        if self.cohort:
            parts.append(f"{self.cohort} · {self.outcome}")
        if self.item:
            parts.append(self.item)
        if self.years:
            parts.append(f"{self.years[0]}–{self.years[1]}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Deviation:
    """A published figure the model does not reproduce at the published precision.

    ``model`` is the model value at that precision; ``difference = model - published`` in the
    printed unit; ``model_exact`` is the unrounded model value in the printed unit.
    """

    where: str
    published: float | str
    model: float | str | None
    difference: float | None
    unit: float
    model_exact: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "published": self.published,
            "model": self.model,
            "difference": self.difference,
            "unit": self.unit,
            "model_exact": self.model_exact,
        }


@dataclass(frozen=True)
class Comparison:
    """Every published figure checked: how many agreed, and the deviations."""

    checked: int
    deviations: tuple[Deviation, ...]

    @property
    def agreed(self) -> int:
        return self.checked - len(self.deviations)


def compare(result: CaseResult, figures: tuple[PublishedFigure, ...] | None = None) -> Comparison:
    """Compare ``result`` with the case's published figures (or ``figures``).

    Silkeborg 2015: eight of the source's nine figures follow from its own lines; its "Provenu" does not.

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> c = compare(compute_case(load_case(bundled_case("silkeborg_2015.toml"))))
    >>> c.checked, c.agreed, [(d.where, d.published, d.model) for d in c.deviations]
    (9, 8, [('Provenu', 5430000.0, 5425000.0)])
    """
    checked = 0
    deviations: list[Deviation] = []
    for figure in result.case.published if figures is None else figures:
        for where, published, exact in model_values(result, figure):
            checked += 1
            deviation = _check(figure, where, published, exact)
            if deviation is not None:
                deviations.append(deviation)
    return Comparison(checked, tuple(deviations))


def model_values(result: CaseResult, fig: PublishedFigure) -> list[tuple[str, Any, Any]]:
    """``(where, published, model value in kr.)`` for each printed number of ``fig``."""
    if fig.figure in YEARLY_FIGURES:
        if fig.figure.startswith("cohort_"):
            measure = "savings" if fig.figure == "cohort_savings" else "person_years"
            row = result.cohort_figure(fig.cohort or "", fig.outcome or "", measure)
            series = dict(zip(result.years.tolist(), row.tolist(), strict=True))
        elif fig.figure in _FOLLOW_UP_SERIES:
            series = _FOLLOW_UP_SERIES[fig.figure](follow_up(result), fig)
        else:
            series = result.yearly[fig.figure].to_dict()
        return [(f"{fig.where} · {year}", printed, series.get(year)) for year, printed in fig.values.items()]
    published: Any = fig.value if fig.value is not None else (fig.minimum, fig.maximum)
    first, last = fig.years if fig.years else (None, None)
    model: Any
    match fig.figure:
        case "savings_total":
            model = result.total("savings", first, last)
        case "costs_total":
            model = result.total("costs", first, last)
        case "net_gain":
            model = result.total("net", first, last)
        case "cost_item":
            model = result.line_total(fig.item or "", "costs")
        case "savings_line":
            model = result.line_total(fig.item or "", "savings")
        case "payback_year":
            model = result.payback_year
        case "write_down_total":
            model = _in_years(follow_up(result), "write_down", first, last)
        case "forecast_total":
            model = _in_years(follow_up(result), "forecast", first, last)
        case "forecast_rate":
            model = follow_up(result).rate
        case "steady_state_saving":
            model = result.steady_state_saving
        case _:
            model = result.savings_cost_ratio
    return [(fig.where, published, model)]


def _series(f: FollowUp, name: str) -> dict[int, Any]:
    return dict(zip(f.years, getattr(f, name), strict=True))


def _in_years(f: FollowUp, name: str, first: int | None, last: int | None) -> float:
    return math.fsum(x for y, x in _series(f, name).items() if (first is None or y >= first) and (last is None or y <= last))


def _actual_persons(f: FollowUp, fig: PublishedFigure) -> dict[int, Any]:
    if fig.outcome is None:
        return dict(f.ended)
    outcomes = fig.outcome.split("+")
    return {y: math.fsum(a.persons for a in f.actuals if a.year == y and a.outcome in outcomes and a.persons is not None) for y in f.years}


_FOLLOW_UP_SERIES = {
    "expected_savings": lambda f, fig: _series(f, "expected"),
    "forecast": lambda f, fig: _series(f, "forecast"),
    "write_down": lambda f, fig: _series(f, "write_down"),
    "actual_persons": _actual_persons,
    "realisation": lambda f, fig: {y: f.realisation(y, fig.outcome, fig.item or "persons") for y in f.years},
}


def _check(fig: PublishedFigure, where: str, published: Any, exact: float | None) -> Deviation | None:
    if exact is None:
        nothing = "ingen" if fig.figure == "payback_year" else None
        return Deviation(where, _printable(published), nothing, None, fig.unit, None)
    if fig.figure == "payback_year":
        if int(exact) == published:
            return None
        return Deviation(where, published, int(exact), int(exact) - published, 1, exact)
    in_unit = fig.sign * exact / fig.unit
    shown = excel_round(in_unit, fig.decimals)
    if isinstance(published, tuple):
        low, high = published
        if low - 1e-9 <= shown <= high + 1e-9:
            return None
        nearest = low if shown < low else high
        return Deviation(where, _printable(published), shown, excel_round(shown - nearest, fig.decimals + 6), fig.unit, in_unit)
    if math.isclose(shown, published, rel_tol=0, abs_tol=0.5 * 10.0 ** (-fig.decimals - 3)):
        return None
    return Deviation(where, published, shown, excel_round(shown - published, fig.decimals + 6), fig.unit, in_unit)


def _printable(published: Any) -> float | str:
    if isinstance(published, tuple):
        return f"{published[0]:g}–{published[1]:g}"
    return published
