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
    kontanthjælp split by the staircase), a staff cost, and uncertainty on the effect and the costs."""
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


__all__ = ["synthetic_case"]
