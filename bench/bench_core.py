"""Benchmark of the core: a synthetic case of 1,000 cohorts × 20 years × 3 outcomes.

Run: ``.venv/bin/python bench/bench_core.py``. Prints the best of several runs, for the bare
array arithmetic and for the whole ``compute_case`` (validation excluded: the case is built once).
Target: above 10 million cohort-outcome-years per second on one core.
"""

from __future__ import annotations

import time

import numpy as np

from xlmodel import Case, compute_case
from xlmodel.arithmetic import person_years
from xlmodel.synthetic import many_cohorts_case

N_COHORTS, FIRST, N_YEARS = 1_000, 2025, 20
LAST = FIRST + N_YEARS - 1


def synthetic_case(seed: int = 1, n_cohorts: int = N_COHORTS) -> Case:
    return many_cohorts_case(n_cohorts, seed, FIRST, N_YEARS)


def best_of(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    case = synthetic_case()
    cells = N_COHORTS * 3 * N_YEARS
    rng = np.random.default_rng(2)
    net = rng.integers(0, 5, N_COHORTS * 3).astype(float)
    effect = FIRST * 12 + rng.integers(0, 120, N_COHORTS * 3)
    years = np.arange(FIRST, LAST + 1)
    arithmetic = best_of(lambda: person_years(net, effect, years, [0.1, 0.1], [2, 4], fallback_month=4, cohort_start=effect - 3))
    whole = best_of(lambda: compute_case(case))
    print(f"synthetic case: {N_COHORTS} cohorts × {N_YEARS} years × 3 outcomes = {cells:,} cohort-outcome-years")
    print(f"  person_years array call : {arithmetic * 1e3:7.2f} ms  {cells / arithmetic / 1e6:7.1f} million cohort-outcome-years/s")
    print(f"  compute_case (whole)    : {whole * 1e3:7.2f} ms  {cells / whole / 1e6:7.1f} million cohort-outcome-years/s")


if __name__ == "__main__":
    main()
