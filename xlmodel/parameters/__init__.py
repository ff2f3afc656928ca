"""Dated, sourced parameters: the refusion staircase and its reset rule, benefit rates (satser), ...

The OpenFisca parameter pattern, as data shipped with the package (``xlmodel/parameters/data/*.toml``,
checked against ``parameter.schema.json``): each parameter has a description, a unit and a reference;
each value has the date it applies from, a reference URL, a note quoting the source, ``secondary = true``
where the source is not primary, and ``added``, the date it entered xlmodel. A value applies until the
next one; a value without ``value`` ends the parameter (or hands over to ``successor``).

A case may override values (each with a note: its source, or ANTAGELSE) and may pin
``parameters_date``: values added after that date are ignored, so an old case recomputes identically.

>>> p = Parameters()
>>> p.value_at("refusion.staircase", dt.date(2021, 4, 1)).rates
(0.8, 0.4, 0.3, 0.2)
>>> p.annual("kontanthjaelp.over_30_andre", dt.date(2023, 6, 1))
143328.0
>>> p.value_at("kontanthjaelp.over_30_andre", dt.date(2015, 6, 1))
Traceback (most recent call last):
...
xlmodel.errors.InvalidValueError: kontanthjaelp.over_30_andre: har ingen værdi før 2016-01-04 (skal bruges fra 2015-06-01)
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import functools
import itertools
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from xlmodel.errors import InvalidValueError, XlmodelError
from xlmodel.fileio import dates_as_text
from xlmodel.validate import month_start, number, text

#: A yearly rate whose next value starts within this many days of the new year (the first Monday of
#: January, as for the 2016 and 2017 rates) is not flagged as carried forward.
CARRY_GRACE = dt.timedelta(days=14)
UNITS_PER_YEAR = {"kr/md": 12.0, "kr/år": 1.0}
UNIT_TEXT = {"kr/md": "kr. pr. måned", "kr/år": "kr. pr. år", "andel": "andel", "uger": "uger", "år": "år", "kr/time": "kr. pr. time", "timer": "timer", "faktor": "faktor"}


@dataclass(frozen=True)
class ParameterValue:
    """One dated value: ``value`` (a number), or ``weeks`` + ``rates`` (a staircase), or neither (the end)."""

    date: dt.date
    reference: str
    note: str = ""
    value: float | None = None
    weeks: tuple[float, ...] = ()
    rates: tuple[float, ...] = ()
    years: tuple[float, ...] = ()  # a curve's bands: the first year of each (discount rate by the year of the flow)
    secondary: bool = False
    assumption: bool = False  # a modelling convention, not a figure from a source
    added: dt.date = dt.date(2026, 11, 24)
    successor: str | None = None
    origin: str = "xlmodel"  # or "case" for a case's own override

    @property
    def is_end(self) -> bool:
        return self.value is None and not self.rates and self.successor is None

    @property
    def shown(self) -> str:
        """The value as text for tables: ``12064``, ``0–4: 80 %; 4–26: 40 %; ...``."""
        if self.rates and self.years:
            bounds = [*self.years[1:], None]
            return "; ".join(f"år {lo:g}–{'' if hi is None else f'{hi - 1:g}'}: {r * 100:g} %" for lo, hi, r in zip(self.years, bounds, self.rates, strict=True))
        if self.rates:
            bounds = [*self.weeks[1:], None]
            return "; ".join(f"uge {lo:g}–{'' if hi is None else f'{hi:g}'}: {r * 100:g} %" for lo, hi, r in zip(self.weeks, bounds, self.rates, strict=True))
        if self.successor:
            return f"→ {self.successor}"
        if self.value is None:
            return ""
        return f"{self.value:,.0f}".replace(",", ".") if self.value.is_integer() else f"{self.value:g}".replace(".", ",")


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    kind: str
    reference: str
    values: tuple[ParameterValue, ...]
    indexed: str | None = None

    @property
    def unit_text(self) -> str:
        return UNIT_TEXT.get(self.unit, self.unit)


@dataclass(frozen=True)
class Segment:
    """Where one value applies: ``[start, end)``, which parameter it came from, and whether it is a
    value carried past its own year (a yearly-indexed rate whose next value was not found)."""

    start: dt.date
    end: dt.date
    parameter: str
    entry: ParameterValue
    carried_forward: bool = False


@dataclass(frozen=True)
class Override:
    """A case's own value for a parameter from ``date`` (``note`` says where it comes from, or ANTAGELSE)."""

    name: str
    date: dt.date
    note: str
    value: float | None = None
    weeks: tuple[float, ...] = ()
    rates: tuple[float, ...] = ()
    reference: str = ""


def date_to_time(date: dt.date) -> float:
    """A date as the core's time in years: ``year + (month − 1)/12 + (day − 1)/(12 × days in month)``.

    >>> date_to_time(dt.date(2021, 4, 1)), date_to_time(dt.date(2025, 7, 1))
    (2021.25, 2025.5)
    """
    days = calendar.monthrange(date.year, date.month)[1]
    return date.year + (date.month - 1) / 12 + (date.day - 1) / (12 * days)


def time_to_date(time: float) -> dt.date:
    """The first day of the month that contains ``time`` (for messages).

    >>> time_to_date(2021.25)
    datetime.date(2021, 4, 1)
    """
    return month_start(int(time * 12 + 1e-9))


def _a_year_after(date: dt.date) -> dt.date:
    """The same day a year later (29 February: 1 March).

    >>> _a_year_after(dt.date(2021, 3, 1)), _a_year_after(dt.date(2024, 2, 29))
    (datetime.date(2022, 3, 1), datetime.date(2025, 3, 1))
    """
    return date.replace(year=date.year + 1) if (date.month, date.day) != (2, 29) else dt.date(date.year + 1, 3, 1)


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(resources.files("xlmodel.parameters").joinpath("parameter.schema.json").read_text(encoding="utf-8"))


def _flatten(prefix: str, table: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Dotted TOML tables down to the parameters (tables with ``values``)."""
    for key, item in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(item, Mapping) and "values" in item:
            yield name, item
        elif isinstance(item, Mapping):
            yield from _flatten(name, item)


def _entry(spec: Mapping[str, Any]) -> ParameterValue:
    return ParameterValue(
        date=spec["date"],
        reference=spec["reference"],
        note=spec.get("note", ""),
        value=None if "value" not in spec else float(spec["value"]),
        weeks=tuple(float(w) for w in spec.get("weeks", ())),
        rates=tuple(float(r) for r in spec.get("rates", ())),
        years=tuple(float(y) for y in spec.get("years", ())),
        secondary=bool(spec.get("secondary", False)),
        assumption=bool(spec.get("assumption", False)),
        added=spec.get("added", dt.date(2026, 11, 24)),
        successor=spec.get("successor"),
    )


@functools.cache
def shipped() -> Mapping[str, Parameter]:
    """Every parameter shipped in ``xlmodel/parameters/data``, by name (checked against the schema).

    >>> shipped()["skat.bundskat"].values[0].date, shipped()["skat.bundskat"].values[0].value
    (datetime.date(2021, 1, 1), 0.1209)
    """
    found: dict[str, Parameter] = {}
    validator = jsonschema.Draft202012Validator(_schema())
    for resource in sorted(resources.files("xlmodel.parameters").joinpath("data").iterdir(), key=lambda r: r.name):
        if not resource.name.endswith(".toml"):
            continue
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
        for name, spec in _flatten("", data):
            error = best_match(validator.iter_errors(dates_as_text(spec)))
            if error is not None:
                raise XlmodelError(f"{resource.name}: {name}", f"parameterfilen følger ikke skemaet: {error.message}")
            values = tuple(sorted((_entry(v) for v in spec["values"]), key=lambda v: v.date))
            found[name] = Parameter(name, spec["description"], spec["unit"], spec["kind"], spec["reference"], values, spec.get("indexed"))
    for parameter in found.values():
        _check(parameter, found)
    return found


def _check(parameter: Parameter, known: Mapping[str, Parameter]) -> None:
    """A staircase starts at 0 weeks with ascending bands and shares 0..1; successors exist."""
    for entry in parameter.values:
        if entry.successor is not None and entry.successor not in known:
            raise XlmodelError(parameter.name, f"successor {entry.successor} findes ikke")
        if parameter.kind == "staircase" and entry.rates:
            _check_staircase(parameter.name, entry.weeks, entry.rates)
        if parameter.kind == "curve" and entry.rates:
            _check_staircase(parameter.name, entry.years, entry.rates)


def _check_staircase(field_name: str, weeks: Sequence[float], rates: Sequence[float]) -> None:
    if len(weeks) != len(rates) or not weeks or weeks[0] != 0 or any(b <= a for a, b in itertools.pairwise(weeks)):
        raise InvalidValueError(field_name, "en refusionstrappe har lige mange uger og satser; ugerne starter ved 0 og stiger", value={"weeks": list(weeks), "rates": list(rates)})
    for rate in rates:
        if not 0 <= rate <= 1:
            raise InvalidValueError(field_name, "en refusionssats ligger mellem 0 og 1", value=rate)


@dataclass(frozen=True)
class Parameters:
    """The parameters a case sees: the shipped ones known on ``known_on`` (all when None), with the
    case's overrides on top."""

    overrides: tuple[Override, ...] = ()
    known_on: dt.date | None = None
    _merged: dict[str, Parameter] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        base = shipped()
        merged: dict[str, Parameter] = {}
        for name, parameter in base.items():
            values = [v for v in parameter.values if self.known_on is None or v.added <= self.known_on]
            merged[name] = replace(parameter, values=tuple(values))
        for i, override in enumerate(self.overrides):
            where = f'parameters[{i}] "{override.name}"'
            if override.name not in merged:
                raise InvalidValueError(f"{where}.name", _unknown(override.name, merged), value=override.name)
            parameter = merged[override.name]
            if parameter.kind == "staircase":
                if override.value is not None or not override.rates:
                    raise InvalidValueError(f"{where}", "en refusionstrappe tilsidesættes med weeks = [...] og rates = [...]")
                _check_staircase(f"{where}.rates", override.weeks, override.rates)
            elif override.value is None or override.rates:
                raise InvalidValueError(f"{where}.value", f"skal være et tal i {parameter.unit_text}")
            text(f"{where}.note", override.note)
            text(f"{where}.reference", override.reference, required=False)
            value = None if override.value is None else number(f"{where}.value", override.value, minimum=0)
            weeks = tuple(number(f"{where}.weeks", w, minimum=0) for w in override.weeks)
            rates = tuple(number(f"{where}.rates", r, minimum=0) for r in override.rates)
            entry = ParameterValue(override.date, override.reference or "case-filen", override.note, value, weeks, rates, origin="case")
            values = [v for v in parameter.values if v.date != override.date] + [entry]
            merged[override.name] = replace(parameter, values=tuple(sorted(values, key=lambda v: v.date)))
        object.__setattr__(self, "_merged", merged)

    @property
    def names(self) -> list[str]:
        return sorted(self._merged)

    def get(self, name: str, field_name: str | None = None) -> Parameter:
        if name not in self._merged:
            raise InvalidValueError(field_name or name, _unknown(name, self._merged), value=name)
        return self._merged[name]

    def unpinned(self) -> Parameters:
        """The same parameters without the pinned date (the case's own values kept): for thresholds and
        warnings, which are not figures of the case, so a pin must not hide them.

        >>> Parameters(known_on=dt.date(2020, 1, 1)).unpinned().known_on is None
        True
        """
        return Parameters(self.overrides)

    def value_at(self, name: str, date: dt.date, field_name: str | None = None) -> ParameterValue:
        """The value of ``name`` on ``date`` (following successors)."""
        return self.segments(name, date, date + dt.timedelta(days=1), field_name)[0].entry

    def annual(self, name: str, date: dt.date, field_name: str | None = None) -> float:
        """A rate in kr. a year on ``date`` (kr. a month × 12)."""
        return self.annual_segments(name, date, date + dt.timedelta(days=1), field_name)[0][1]

    def _annual_factor(self, parameter: Parameter, field_name: str) -> float:
        if parameter.unit not in UNITS_PER_YEAR:
            raise InvalidValueError(field_name, f"{parameter.name} er ikke en ydelsessats i kr. (enhed: {parameter.unit_text})", value=parameter.name)
        return UNITS_PER_YEAR[parameter.unit]

    def segments(self, name: str, start: dt.date, end: dt.date, field_name: str | None = None) -> list[Segment]:
        """The values of ``name`` covering ``[start, end)``, each with where it applies, following successors.

        A date before the first value, or inside a period the parameter has no value, is an error
        naming ``field_name``.
        """
        where = field_name or name
        parameter = self.get(name, field_name)
        entries = list(parameter.values)
        found: list[Segment] = []
        if not entries or entries[0].date > start:
            first = entries[0].date.isoformat() if entries else "(ingen værdier)"
            raise InvalidValueError(where, f"har ingen værdi før {first} (skal bruges fra {start.isoformat()})")
        for i, entry in enumerate(entries):
            seg_start = max(entry.date, start)
            seg_end = min(entries[i + 1].date, end) if i + 1 < len(entries) else end
            if seg_end <= seg_start:
                continue
            if entry.successor is not None:
                found += self.segments(entry.successor, seg_start, seg_end, where)
                continue
            if entry.is_end:
                why = f": {entry.note}" if entry.note else ""
                raise InvalidValueError(where, f"{name} har ingen værdi fra {entry.date.isoformat()} (skal bruges til {(end - dt.timedelta(days=1)).isoformat()}){why}")
            # a yearly rate holds to the new year (satsregulering on 1 January); one regulated on its own date (an
            # overenskomst's 1 March) holds a year from that date
            own_end = _a_year_after(entry.date) if parameter.indexed == "yearly_from_date" else dt.date(entry.date.year + 1, 1, 1)
            if parameter.indexed is not None and seg_end - own_end > CARRY_GRACE:
                # a yearly rate used past its own year (its successor was not found): flag that part
                if own_end > seg_start:
                    found.append(Segment(seg_start, own_end, name, entry))
                found.append(Segment(max(own_end, seg_start), seg_end, name, entry, carried_forward=True))
            else:
                found.append(Segment(seg_start, seg_end, name, entry))
        return found

    def annual_segments(self, name: str, start: dt.date, end: dt.date, field_name: str | None = None) -> list[tuple[Segment, float]]:
        """:meth:`segments` with each value in kr. a year."""
        out = []
        for segment in self.segments(name, start, end, field_name):
            factor = self._annual_factor(self.get(segment.parameter), field_name or name)
            out.append((segment, factor * float(segment.entry.value or 0.0)))
        return out


def _unknown(name: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"ukendt parameter — mente du {close[0]}?" if close else "ukendt parameter; se listen med: xlmodel parameters"


__all__ = [
    "Override",
    "Parameter",
    "ParameterValue",
    "Parameters",
    "Segment",
    "date_to_time",
    "shipped",
    "time_to_date",
]
