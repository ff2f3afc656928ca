"""Synthetic cases for a national portfolio (benchmarks and the Dask run): plausible municipal cases,
each a pure function of its seed, with stated uncertainty. Not data: every figure is made up and the
case says so in its notes.

>>> a, b = synthetic_case(7), synthetic_case(7)
>>> a == b, a.title
(True, 'Syntetisk case 7')
"""

from __future__ import annotations

import numpy as np

from xlmodel.model import Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome, StaffCost
from xlmodel.settings import RiskSettings, Uncertainty


def synthetic_case(seed: int) -> Case:
    """A made-up case: 1-6 cohorts of 8-20 participants, a job outcome (unit saving or a gross
    kontanthjælp split by the staircase), a staff cost, and uncertainty on the effect and the costs; the same
    seed gives the same case.

    >>> synthetic_case(7) == synthetic_case(7), synthetic_case(7).title
    (True, 'Syntetisk case 7')
    """
    rng = np.random.default_rng(seed)
    first = int(rng.integers(2024, 2027))
    last = first + int(rng.integers(3, 8))
    split = bool(rng.random() < 0.5)
    fallbacks = (Fallback(float(rng.uniform(0.05, 0.2)), 2.0),)
    if split:
        job = Outcome("job", None, "Job", fallbacks, benefit_rate=float(rng.integers(120, 190) * 1000))
    else:
        job = Outcome("job", float(rng.integers(90, 160) * 1000), "Job", fallbacks)
    cohorts = []
    for i in range(int(rng.integers(1, 7))):
        participants = int(rng.integers(8, 21))
        persons = float(rng.integers(1, max(2, participants // 3)))
        effect = first * 12 + int(rng.integers(2, 24))
        weeks = float(rng.choice([10.0, 30.0, 60.0, 120.0])) if split else None
        cohorts.append(Cohort(f"Hold {i + 1}", participants, effect, {"job": CohortOutcome(persons, deadweight=min(1.0, persons) * float(rng.uniform(0, 0.5)))}, effect - 3, weeks))
    staff = StaffCost(float(rng.integers(450, 600) * 1000), {first: 1.0, first + 1: float(rng.choice([0.5, 1.0]))}, fte=float(rng.integers(1, 4)))
    uncertainty = (
        Uncertainty("persons", "triangular", min=0.7, mode=1.0, max=1.2, outcome="job", source="syntetisk"),
        Uncertainty("costs", "triangular", min=0.95, mode=1.0, max=1.25, source="syntetisk"),
    )
    return Case(
        f"Syntetisk case {seed}",
        first,
        last,
        municipality=f"Kommune {seed % 98 + 1}",
        outcomes=(job,),
        cohorts=tuple(cohorts),
        costs=(CostItem.from_staff("Jobkonsulenter", staff),),
        notes="Syntetisk case til benchmark og portefølje: alle tal er opfundne.",
        uncertainty=uncertainty,
        risk=RiskSettings(draws=1_000, seed=seed),
    )


def many_cohorts_case(n_cohorts: int, seed: int = 1, first_year: int = 2025, years: int = 20) -> Case:
    """A made-up case of ``n_cohorts`` cohorts of 15 participants over ``years`` years with three outcomes
    (job with two fall-backs, education with a fixed fall-back month, fleksjob with a rising unit saving)
    and one cost line: the large case of the benchmarks. The first cohorts are the same for any size.

    >>> case = many_cohorts_case(200)
    >>> len(case.cohorts), case.first_year, case.last_year, case.outcome_ids
    (200, 2025, 2044, ['job', 'education', 'flexjob'])
    """
    rng = np.random.default_rng(seed)
    last = first_year + years - 1
    outcomes = (
        Outcome("job", 146_000, fallbacks=(Fallback(0.1, 2), Fallback(0.1, 4))),
        Outcome("education", 90_000, fallbacks=(Fallback(0.15, 1),), fallback_month=4),
        Outcome("flexjob", {y: 45_000 + 500 * (y - first_year) for y in range(first_year, last + 1)}),
    )
    cohorts = []
    for i in range(n_cohorts):
        effect = first_year * 12 + int(rng.integers(0, 12 * 10))
        outcome_persons = {
            "job": CohortOutcome(int(rng.integers(1, 6)), deadweight=1),
            "education": CohortOutcome(int(rng.integers(0, 4)), deadweight_rate=0.0),
            "flexjob": CohortOutcome(1),
        }
        cohorts.append(Cohort(f"Hold {i + 1}", 15, effect, outcome_persons, start=effect - 3))
    costs = (CostItem("Jobkonsulenter", {y: 2_000_000.0 for y in range(first_year, first_year + 10)}),)
    return Case(f"Syntetisk {n_cohorts} hold", first_year, last, outcomes=outcomes, cohorts=tuple(cohorts), costs=costs, notes="Syntetisk: alle tal er opfundne.")


__all__ = ["many_cohorts_case", "synthetic_case"]
