"""Bad input: every case gets a clear error of our own type that names the field — never a traceback."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xlmodel import CaseFileError, InvalidTypeError, InvalidValueError, XlmodelError, load_case, loads_case, parse_case


def base() -> dict[str, Any]:
    return {
        "case": {"title": "Test", "first_year": 2021, "last_year": 2024},
        "outcomes": [{"id": "job", "unit_saving": 146000, "fallbacks": [[0.1, 2]]}],
        "cohorts": [
            {"name": "Hold 1", "participants": 12, "start": "2021-01-01", "effect_start": "2021-04-01",
             "outcomes": {"job": {"persons": 4, "deadweight": 1}}}
        ],
        "costs": [{"label": "Jobcoach", "fte": 1, "annual_cost": 520000, "years": [2021, 2022]}],
        "savings": [{"label": "Direkte", "amounts": {"2021": 1000}}],
        "published": [{"figure": "net_gain", "value": 1}],
    }


def change(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set (or with value=DELETE remove) the item at a dotted path like 'cohorts.0.participants'."""

    def apply(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = int(last) if isinstance(node, list) else last
        if value is DELETE:
            del node[key]
        else:
            node[key] = value

    return apply


DELETE = object()

BAD: list[tuple[str, Callable[[dict[str, Any]], None], type[XlmodelError], str]] = [
    ("share as percent", change("outcomes.0.fallbacks.0.0", 25), InvalidValueError, "outcomes[0] \"job\".fallbacks[0].share"),
    ("share negative", change("outcomes.0.fallbacks.0.0", -0.1), InvalidValueError, "fallbacks[0].share"),
    ("fallback shares above 1", change("outcomes.0.fallbacks", [[0.6, 1], [0.6, 2]]), InvalidValueError, "outcomes[0] \"job\".fallbacks"),
    ("fallback not a pair", change("outcomes.0.fallbacks", [[0.1]]), CaseFileError, "outcomes[0] \"job\".fallbacks[0]"),
    ("fallback after negative", change("outcomes.0.fallbacks.0.1", -2), InvalidValueError, "after_years"),
    ("fallback text", change("outcomes.0.fallbacks.0.0", "0,1"), CaseFileError, "fallbacks[0][0]"),
    ("fallback month 13", change("outcomes.0.fallback_month", 13), InvalidValueError, "fallback_month"),
    ("unit saving NaN", change("outcomes.0.unit_saving", math.nan), InvalidValueError, "unit_saving"),
    ("unit saving infinite", change("outcomes.0.unit_saving", math.inf), InvalidValueError, "unit_saving"),
    ("unit saving negative", change("outcomes.0.unit_saving", -5), InvalidValueError, "unit_saving"),
    ("unit saving text", change("outcomes.0.unit_saving", "146.000"), CaseFileError, "unit_saving"),
    ("unit saving table misses a year", change("outcomes.0.unit_saving", {"2021": 1, "2022": 1}), InvalidValueError, "unit_saving"),
    ("unit saving table outside horizon", change("outcomes.0.unit_saving", {str(y): 1 for y in range(2021, 2026)}), InvalidValueError, "unit_saving.2025"),
    ("outcome id with capitals", change("outcomes.0.id", "Job"), CaseFileError, "outcomes[0] \"Job\".id"),
    ("duplicate outcome id", lambda d: d["outcomes"].append(copy.deepcopy(d["outcomes"][0])), InvalidValueError, "outcomes[1] \"job\".id"),
    ("negative persons", change("cohorts.0.outcomes.job.persons", -3), InvalidValueError, "cohorts[0] \"Hold 1\".outcomes.job.persons"),
    ("deadweight above persons", change("cohorts.0.outcomes.job.deadweight", 5), InvalidValueError, "outcomes.job.deadweight"),
    ("deadweight rate above persons", change("cohorts.0.outcomes.job", {"persons": 1, "deadweight_rate": 0.5}), InvalidValueError, "deadweight_rate"),
    ("deadweight rate as percent", change("cohorts.0.outcomes.job", {"persons": 4, "deadweight_rate": 10}), InvalidValueError, "deadweight_rate"),
    ("deadweight both ways", change("cohorts.0.outcomes.job", {"persons": 4, "deadweight": 1, "deadweight_rate": 0.1}), InvalidValueError, "deadweight_rate"),
    ("persons above participants", change("cohorts.0.outcomes.job.persons", 13), InvalidValueError, "cohorts[0] \"Hold 1\".outcomes"),
    ("fractional participants", change("cohorts.0.participants", 12.5), InvalidValueError, "participants"),
    ("participants as text", change("cohorts.0.participants", "12"), CaseFileError, "participants"),
    ("participants is a bool", change("cohorts.0.participants", True), CaseFileError, "participants"),
    ("unknown outcome in cohort", change("cohorts.0.outcomes", {"jobb": {"persons": 1}}), InvalidValueError, "outcomes.jobb"),
    ("effect before horizon", change("cohorts.0.effect_start", "2019-04-01"), InvalidValueError, "effect_start"),
    ("effect after horizon", change("cohorts.0.effect_start", "2031-01-01"), InvalidValueError, "effect_start"),
    ("bad date text", change("cohorts.0.effect_start", "april 2021"), CaseFileError, "effect_start"),
    ("impossible date", change("cohorts.0.effect_start", "2021-02-30"), InvalidValueError, "effect_start"),
    ("course start after effect", change("cohorts.0.start", "2021-06-01"), InvalidValueError, "start"),
    ("date before 1900", change("cohorts.0.start", "1899-12-01"), InvalidValueError, "start"),
    ("duplicate cohort name", lambda d: d["cohorts"].append(copy.deepcopy(d["cohorts"][0])), InvalidValueError, "cohorts[1] \"Hold 1\".name"),
    ("missing cohort name", change("cohorts.0.name", DELETE), CaseFileError, "mangler feltet 'name'"),
    ("last year before first", change("case.last_year", 2020), InvalidValueError, "last_year"),
    ("year out of range", change("case.first_year", 20210), CaseFileError, "first_year"),
    ("horizon too long", change("case.last_year", 2200), InvalidValueError, "last_year"),
    ("missing title", change("case.title", DELETE), CaseFileError, "mangler feltet 'title'"),
    ("misspelt key", change("case.munipality", "Ishøj"), CaseFileError, "mente du 'municipality'"),
    ("unknown top-level table", change("cohort", []), CaseFileError, "mente du 'cohorts'"),
    ("cost mixes forms", change("costs.0.amounts", {"2021": 1}), CaseFileError, "costs[0] \"Jobcoach\""),
    ("staff without annual cost", change("costs.0.annual_cost", DELETE), CaseFileError, "costs[0] \"Jobcoach\""),
    ("staff both fte and hours", change("costs.0.hours_per_week", 25), InvalidValueError, "hours_per_week"),
    ("cost year outside horizon", change("costs.0.years", [2021, 2030]), InvalidValueError, "costs[0] \"Jobcoach\".amounts.2025"),
    ("cost negative", change("costs.0", {"label": "X", "amounts": {"2021": -1}}), InvalidValueError, "amounts.2021"),
    ("cost table keyed by text", change("costs.0", {"label": "X", "amounts": {"år 2021": 1}}), CaseFileError, "costs[0] \"X\".amounts"),
    ("cost years reversed", change("costs.0.years", [2022, 2021]), CaseFileError, "years"),
    ("savings line empty", change("savings.0", {"label": "X"}), CaseFileError, "savings[0] \"X\""),
    ("period outside horizon", change("case.periods", {"projekt": [2021, 2027]}), InvalidValueError, "periods.projekt"),
    ("published unknown figure", change("published.0.figure", "provenu"), CaseFileError, "published[0].figure"),
    ("published unknown cohort", change("published.0", {"figure": "cohort_savings", "cohort": "Hold 9", "outcome": "job", "values": {"2021": 1}}), InvalidValueError, "published[0] \"cohort_savings\".cohort"),
    ("published value and values", change("published.0.values", {"2021": 1}), InvalidValueError, "published[0] \"net_gain\".values"),
    ("published unknown item", change("published.0", {"figure": "cost_item", "item": "Husleje", "value": 1}), InvalidValueError, "item"),
]


@pytest.mark.parametrize(("mutate", "error", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_the_field(mutate: Callable[[dict[str, Any]], None], error: type[XlmodelError], field: str) -> None:
    data = base()
    mutate(data)
    with pytest.raises(error) as caught:
        parse_case(data)
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError | TypeError)


def test_the_base_case_is_valid_and_computes_as_worked_by_hand() -> None:
    """Every bad input above is this case with one change; by hand: 3 net persons from April 2021 at
    146,000 kr., 10 % falling back from April 2023; 1,000 kr. direct saving; 2 × 520,000 kr. costs."""
    from xlmodel import compute_case

    result = compute_case(parse_case(base()))
    by_hand = [3 * 146_000 * 9 / 12, 3 * 146_000, 3 * 146_000 * (1 - 0.1 * 9 / 12), 3 * 146_000 * 0.9]
    assert result.cohort_figure("Hold 1", "job").tolist() == pytest.approx(by_hand, abs=1e-6)
    assert result.net_gain == pytest.approx(sum(by_hand) + 1_000 - 2 * 520_000, abs=1e-6)  # 526,850 kr.


def test_toml_syntax_error() -> None:
    with pytest.raises(CaseFileError, match="ikke gyldig TOML"):
        loads_case("[case\ntitle = 'x'")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "filen findes ikke"), (b"\xff\xfe[case]", "UTF-8"), ("dir", "mappe")],
)
def test_unreadable_files(tmp_path: Path, content: Any, message: str) -> None:
    target = tmp_path / "case.toml"
    if content == "dir":
        target.mkdir()
    elif content is not None:
        target.write_bytes(content)
    with pytest.raises(CaseFileError, match=message):
        load_case(target)


def test_share_given_as_percent_gets_a_hint() -> None:
    data = base()
    data["outcomes"][0]["fallbacks"][0][0] = 25
    with pytest.raises(InvalidValueError, match=r"mente du 0\.25"):
        parse_case(data)


def test_text_number_hints() -> None:
    from xlmodel import validate

    with pytest.raises(InvalidTypeError, match=r"0\.25"):
        validate.number("share", "25 %")
    with pytest.raises(InvalidTypeError, match=r"decimaltegn: 0\.25"):
        validate.number("share", "0,25")
