"""Amounts that are almost surely typed wrong: a Danish thousands point read as a decimal point.

TOML reads ``unit_saving = 146.000`` as 146 kr., and a case that saves 3.9 mio. kr. silently turns into one
that loses 2.1 mio. kr. An amount below its plausibility threshold (dated parameters ``plausibel.*``,
assumptions to adjust) whose thousandfold is plausible gets a warning with the likely intended figure.
Warnings never change a figure: the model follows the case file, and says what it doubts.

>>> from xlmodel import loads_case
>>> case = loads_case('''
... [case]
... title = "Tastefejl"
... first_year = 2026
... last_year = 2026
... [[outcomes]]
... id = "job"
... unit_saving = 146.000
... ''')
>>> [w.message for w in check(case)]
['outcomes[0] "job".unit_saving: 146 kr. pr. helårsperson er usandsynligt lavt — mente du 146000?']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from xlmodel.model import Case
from xlmodel.rounding import danish_separators

#: How much a thousands point read as a decimal point divides an amount by.
THOUSAND = 1000.0


@dataclass(frozen=True)
class Doubt:
    """An amount the model doubts: where it is, what it is, and the figure probably meant (None: no guess)."""

    field: str
    value: float
    likely: float | None
    unit: str

    @property
    def message(self) -> str:
        shown = danish_separators(f"{self.value:,.10g}")
        guess = f"mente du {self.likely:.10g}?" if self.likely is not None else "tjek beløbet"
        return f"{self.field}: {shown} {self.unit} er usandsynligt lavt — {guess}"

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "value": self.value, "likely": self.likely, "unit": self.unit, "message": self.message}


def _amounts(value: float | Mapping[int, float] | None) -> Iterator[tuple[str, float]]:
    if isinstance(value, Mapping):
        yield from ((f"[{year}]", float(v)) for year, v in sorted(value.items()))
    elif value is not None:
        yield "", float(value)


def _doubt(field: str, value: float, threshold: float, unit: str) -> Doubt | None:
    """A doubt when ``0 < value < threshold``; the guess is the thousandfold where the amount looks like one
    typed with a single thousands point (1 to 999 with at most three decimals) and the thousandfold is plausible.

    >>> _doubt("x", 146.0, 10_000, "kr.").likely, _doubt("x", 9_999.0, 10_000, "kr.").likely, _doubt("x", 0.0, 10_000, "kr.")
    (146000.0, None, None)
    """
    if not 0 < value < threshold:
        return None
    thousandfold = value * THOUSAND
    typed_with_a_point = 1 <= value < THOUSAND and abs(thousandfold - round(thousandfold)) < 1e-6 and round(thousandfold) >= threshold
    return Doubt(field, value, float(round(thousandfold)) if typed_with_a_point else None, unit)


def check(case: Case) -> list[Doubt]:
    """Every doubtful amount of ``case``, in the order of the case file.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> check(load_case(bundled_case("ishoej_2021.toml")))
    []
    """
    on = dt.date(case.first_year, 1, 1)
    thresholds = case.parameters.unpinned()
    limit = {name: float(thresholds.value_at(f"plausibel.{name}", on).value or 0.0) for name in ("kr_pr_helaarsperson", "kr_pr_aarsvaerk", "kr_pr_linje")}
    found: list[Doubt | None] = []
    for i, outcome in enumerate(case.outcomes):
        where = f'outcomes[{i}] "{outcome.id}"'
        for key, amount in (("unit_saving", outcome.unit_saving), ("benefit_rate", outcome.benefit_rate)):
            found += [_doubt(f"{where}.{key}{suffix}", value, limit["kr_pr_helaarsperson"], "kr. pr. helårsperson") for suffix, value in _amounts(amount)]
    for kind, lines in (("costs", case.costs), ("savings", case.savings)):
        for i, line in enumerate(lines):
            where = f'{kind}[{i}] "{line.label}"'
            staff = getattr(line, "staff", None)
            if staff is not None:
                found.append(_doubt(f"{where}.annual_cost", staff.annual_cost, limit["kr_pr_aarsvaerk"], "kr. pr. årsværk"))
                continue
            found += [_doubt(f"{where}.amounts{suffix}", value, limit["kr_pr_linje"], "kr.") for suffix, value in _amounts(line.amounts)]
    return [doubt for doubt in found if doubt is not None]


__all__ = ["Doubt", "check"]
