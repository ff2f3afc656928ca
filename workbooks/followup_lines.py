"""Targets and actuals as workbook lines: one line per (label, outcome(s), measure), years across."""

from __future__ import annotations

from dataclasses import dataclass, field

from xlmodel.model import Case

#: The measures of a line and their text in the workbook (the text is what the formulas match on).
MEASURES = {
    "da": {"persons": "personer", "person_years": "helårspersoner", "savings": "kr.", "active": "aktive"},
    "en": {"persons": "persons", "person_years": "full-year persons", "savings": "DKK", "active": "active"},
}


@dataclass
class Line:
    label: str
    outcome: str  # "" (all), "job", or "job+education"
    measure: str  # a key of MEASURES
    values: dict[int, float] = field(default_factory=dict)


def _group(entries: list[tuple[str, str, str, int, float]]) -> list[Line]:
    lines: dict[tuple[str, str, str], Line] = {}
    for label, outcome, measure, year, value in entries:
        line = lines.setdefault((label, outcome, measure), Line(label, outcome, measure))
        line.values[year] = line.values.get(year, 0.0) + value
    return list(lines.values())


def target_lines(case: Case) -> list[Line]:
    return _group(
        [
            (t.label, t.outcome_key, measure, t.year, getattr(t, measure))
            for t in case.targets
            for measure in ("persons", "person_years", "savings")
            if getattr(t, measure) is not None
        ]
    )


def actual_lines(case: Case) -> list[Line]:
    return _group(
        [
            (a.label, a.outcome or "", measure, a.year, getattr(a, measure))
            for a in case.actuals
            for measure in ("persons", "person_years", "savings", "active")
            if getattr(a, measure) is not None
        ]
    )
