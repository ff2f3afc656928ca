"""Seeded random cases for the three-engine agreement tests: varied cohorts, both fall-back
conventions, deadweight in persons and as a rate, yearly and staff costs, direct savings, periods."""

from __future__ import annotations

import dataclasses

import numpy as np

from xlmodel import Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome, SavingsLine, StaffCost
from xlmodel.model import Actual, Target


def random_case(seed: int) -> Case:
    rng = np.random.default_rng(seed)
    first = int(rng.integers(2015, 2026))
    last = first + int(rng.integers(2, 9))
    years = list(range(first, last + 1))
    outcomes = []
    for outcome_id in ("job", "education", "flexjob")[: int(rng.integers(1, 4))]:
        k = int(rng.integers(0, 4))
        shares = rng.dirichlet(np.ones(k + 1))[:k] * rng.uniform(0.2, 1.0) if k else []
        fallbacks = tuple(Fallback(float(s), float(rng.integers(0, 8) / 2)) for s in shares)
        unit: float | dict[int, float] = float(rng.integers(20, 300) * 1000)
        if rng.random() < 0.4:
            unit = {y: float(rng.integers(20, 300) * 1000 + 0.5) for y in years}
        month = int(rng.integers(1, 13)) if rng.random() < 0.5 else None
        outcomes.append(Outcome(outcome_id, unit, label=f"Effekt {outcome_id}", fallbacks=fallbacks, fallback_month=month))
    cohorts = []
    for i in range(int(rng.integers(1, 9))):
        participants = int(rng.integers(5, 30))
        effect = int(rng.integers(first * 12, last * 12 + 12))
        start = max(first * 12, effect - int(rng.integers(0, 6)))
        spec = {}
        budget = participants
        for outcome in outcomes:
            persons = float(rng.integers(0, max(1, budget // 2) + 1)) + (0.5 if rng.random() < 0.3 else 0.0)
            persons = min(persons, budget)
            budget -= persons
            if rng.random() < 0.5:
                spec[outcome.id] = CohortOutcome(persons, deadweight=float(rng.uniform(0, persons)))
            else:
                rate = float(rng.uniform(0, persons / participants)) if participants else 0.0
                spec[outcome.id] = CohortOutcome(persons, deadweight_rate=rate)
        cohorts.append(Cohort(f"Hold {i + 1}", participants, effect, spec, start))
    costs = [CostItem(f"Drift {j}", {y: float(rng.integers(0, 2_000_000)) for y in years if rng.random() < 0.7} or {first: 1000.0}) for j in range(int(rng.integers(0, 3)))]
    if rng.random() < 0.7:
        shares = {y: float(rng.choice([0.25, 0.5, 1.0])) for y in years[:3]}
        staff = StaffCost(float(rng.integers(300, 700) * 1000), shares, **({"fte": float(rng.integers(1, 5))} if rng.random() < 0.5 else {"hours_per_week": 25.0}))
        costs.append(CostItem.from_staff("Jobkonsulenter", staff))
    savings = [SavingsLine("Direkte", {y: float(rng.integers(0, 500_000)) for y in years})] if rng.random() < 0.4 else []
    periods = {"start": (first, first + 1), "resten": (first + 2, last)}
    targets, actuals, rate = [], [], None
    if rng.random() < 0.6:  # follow-up: targets in persons (some for job + education) and savings, some actuals
        for year in years[1:4]:
            targets.append(Target(year, ("job", "education") if rng.random() < 0.5 else "job", persons=float(rng.integers(5, 30)), label="Selvforsørgelse"))
            if rng.random() < 0.5:
                targets.append(Target(year, savings=float(rng.integers(1, 40) * 100_000), label="Forventet"))
        for year in years[1:3]:
            actuals.append(Actual(year, "job", persons=float(rng.integers(0, 20)), label="Job"))
            actuals.append(Actual(year, "education", persons=float(rng.integers(0, 10)), label="Uddannelse"))
            if rng.random() < 0.5:
                actuals.append(Actual(year, savings=float(rng.integers(0, 30) * 100_000), label="Realiseret"))
        rate = 0.75 if rng.random() < 0.3 else None
    outcomes, cohorts, costs, savings = _who_saves_what(seed, first, years, outcomes, cohorts, costs, savings)
    return Case(f"Tilfældig case {seed}", first, last, municipality="Test", outcomes=tuple(outcomes), cohorts=tuple(cohorts), costs=tuple(costs), savings=tuple(savings), periods=periods, targets=tuple(targets), actuals=tuple(actuals), forecast_rate=rate)


def _who_saves_what(seed: int, first: int, years: list[int], outcomes: list[Outcome], cohorts: list[Cohort], costs: list[CostItem], savings: list[SavingsLine]) -> tuple[list, list, list, list]:
    """With its own random stream (the draws above stay as they were): split some outcomes by the refusion
    staircase (a gross rate, a table per year, or a sourced parameter), give cohorts a refusion clock, and
    let the stat or the region pay some lines."""
    rng = np.random.default_rng(10_000 + seed)
    if rng.random() < 0.35:
        return outcomes, cohorts, costs, savings
    split = []
    for outcome in outcomes:
        if rng.random() < 0.6:
            kind = rng.integers(0, 3)
            if kind == 0 or first < 2017:
                spec = {"benefit_rate": float(rng.integers(60, 200) * 1000)}
            elif kind == 1:
                spec = {"benefit_rate": {y: float(rng.integers(60, 200) * 1000 + 0.5) for y in years}}
            else:
                spec = {"benefit": "kontanthjaelp.over_30_andre"}
            outcome = dataclasses.replace(outcome, unit_saving=None, wage_subsidy=bool(rng.random() < 0.3), **spec)
        split.append(outcome)
    clocked = [dataclasses.replace(c, weeks_on_benefit=float(rng.choice([0, 2, 10, 30, 52, 80, 150]) + rng.random() * 3)) for c in cohorts]
    payers = ("kommune", "stat", "region")
    costs = [dataclasses.replace(item, payer=str(rng.choice(payers))) for item in costs]
    savings = [dataclasses.replace(line, payer=str(rng.choice(payers))) for line in savings]
    return split, clocked, costs, savings


def random_pension_case(seed: int) -> Case:
    """A case whose first outcome avoids a førtidspension (the enlige or the andre rate): cohorts aged 18–66 at
    the effect start, one age or a mix of two or three, fall-backs by either convention, young and old refusion
    clocks, and sometimes a second outcome with a unit saving and costs, over 3–12 years from 2020 on (the
    førtidspension rates start in 2020), so that some pensions end inside the horizon and some after it."""
    rng = np.random.default_rng(20_000 + seed)
    first = int(rng.integers(2020, 2028))
    last = first + int(rng.integers(3, 13))
    k = int(rng.integers(0, 3))
    fallbacks = tuple(Fallback(float(s), float(rng.integers(0, 10) / 2)) for s in rng.dirichlet(np.ones(k + 1))[:k] * rng.uniform(0.2, 0.9)) if k else ()
    month = int(rng.integers(1, 13)) if rng.random() < 0.3 else None
    benefit = str(rng.choice(["foertidspension.enlige", "foertidspension.andre"]))
    outcomes = [Outcome("fp", None, label="Fleksjob frem for førtidspension", fallbacks=fallbacks, fallback_month=month, benefit=benefit, avoids="foertidspension")]
    if rng.random() < 0.5:
        outcomes.append(Outcome("job", float(rng.integers(50, 200) * 1000), label="Job"))
    mixes = ({40: 0.5, 62: 0.5}, {55: 0.2, 60: 0.3, 64: 0.5}, {30: 0.25, 66: 0.75})
    cohorts = []
    for i in range(int(rng.integers(1, 5))):
        participants = int(rng.integers(4, 20))
        effect = int(rng.integers(first * 12, last * 12 + 12))
        start = max(first * 12, effect - int(rng.integers(0, 6)))
        persons = float(rng.integers(1, participants // 2 + 1)) + (0.5 if rng.random() < 0.3 else 0.0)
        spec = {"fp": CohortOutcome(persons, deadweight=float(rng.uniform(0, persons)) if rng.random() < 0.5 else 0.0)}
        if len(outcomes) > 1 and rng.random() < 0.7:
            spec["job"] = CohortOutcome(float(rng.integers(0, participants - persons + 1)))
        age: float | dict[float, float] = float(rng.integers(18, 67)) if rng.random() < 0.6 else dict(mixes[int(rng.integers(0, len(mixes)))])
        weeks = float(rng.choice([0, 2, 10, 30, 52, 80, 150]) + rng.random() * 3)
        cohorts.append(Cohort(f"Hold {i + 1}", participants, effect, spec, start, weeks, age))
    costs = [CostItem("Indsats", {y: float(rng.integers(0, 1_500_000)) for y in range(first, last + 1) if rng.random() < 0.5} or {first: 1000.0})] if rng.random() < 0.8 else []
    return Case(f"Førtidspension {seed}", first, last, municipality="Test", outcomes=tuple(outcomes), cohorts=tuple(cohorts), costs=tuple(costs))
