"""Benchmark of the Excel functions as xlwings Server runs them (Office.js payloads).

Run: ``.venv/bin/python bench/bench_udfs.py``. Reports one SAVINGS call over 1,000 cohorts × 20
years (target: under 50 ms) and the cost of one scalar call, i.e. what 20,000 single-cell
formulas would cost for the same table. Times are best and median of repeated runs.
"""

import os
import statistics
import sys
import time

from xlmodel_cli.serve_command import server_environment

os.environ.update(server_environment())  # before xlwings is imported anywhere

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from officejs import call, column, serial

N_COHORTS, YEARS = 1_000, list(range(2021, 2041))


def timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    persons = column([3 + i % 3 for i in range(N_COHORTS)])
    effect = column([serial(2021 * 12 + i % 60) for i in range(N_COHORTS)])
    deadweight = column([1] * N_COHORTS)
    array_args = (persons, [[146000]], effect, [YEARS], [[0.1, 2], [0.1, 4]], [[4]], None, deadweight)
    scalar_args = ([[4]], [[146000]], [[serial(2021 * 12 + 3)]], [[2021]], [[0.1, 2], [0.1, 4]], [[4]], None, [[1]])
    call("savings", *array_args)  # warm up
    best, median = timed(lambda: call("savings", *array_args), 15)
    scalar_best, scalar_median = timed(lambda: call("savings", *scalar_args), 300)
    cells = N_COHORTS * len(YEARS)
    print(f"SAVINGS through custom_functions_call (Office.js payload), {N_COHORTS} cohorts × {len(YEARS)} years = {cells:,} cells")
    print(f"  one array call     : best {best * 1e3:6.1f} ms, median {median * 1e3:6.1f} ms   (target < 50 ms)")
    print(f"  one scalar call    : best {scalar_best * 1e3:6.2f} ms, median {scalar_median * 1e3:6.2f} ms")
    print(f"  {cells:,} scalar calls: ~{cells * scalar_median:6.1f} s of Python alone (plus one HTTP round trip each)")
    print(f"  the array formula is ~{cells * scalar_median / median:,.0f}× faster")


if __name__ == "__main__":
    main()
