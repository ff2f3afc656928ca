"""Benchmark of appraisal, Monte Carlo and portfolios.

Run: ``.venv/bin/python bench/bench_risk.py [--cases 10000] [--draws 1000] [--workers 2]``.

1. Ishøj 2021: the deterministic run (``compute_case``), the appraisal (NPV, switching values, tornado)
   and 10,000 Monte Carlo draws on one core (target: well under a second).
2. A national portfolio of generated cases × draws: cases × draws per second in one process and on a
   Dask LocalCluster started here, and the check that both give the same numbers to the krone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from xlmodel import compute_case, load_case
from xlmodel.appraisal import appraise
from xlmodel.portfolio import run_portfolio, run_portfolio_dask
from xlmodel.risk import simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import best_of

CASE = Path(__file__).resolve().parent.parent / "cases" / "ishoej_2021.toml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--draws", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    case = load_case(CASE)
    print(f"Ishøj 2021 ({len(case.cohorts)} hold, {len(case.uncertainty)} usikre input), bedst af 7:")
    print(f"  compute_case:                 {1000 * best_of(lambda: compute_case(case)):8.2f} ms")
    print(f"  appraise (NPV, skifteværdier, tornado): {1000 * best_of(lambda: appraise(case)):8.2f} ms")
    print(f"  simulate, 10.000 træk:        {1000 * best_of(lambda: simulate(case, draws=10_000)):8.2f} ms")
    print(f"  simulate, 100.000 træk:       {1000 * best_of(lambda: simulate(case, draws=100_000), 3):8.2f} ms")
    n, d = args.cases, args.draws
    print(f"\nNational portefølje: {n:,} syntetiske cases × {d:,} træk".replace(",", "."))
    start = time.perf_counter()
    local = run_portfolio(generate=n, draws=d)
    one = time.perf_counter() - start
    print(f"  1 proces:                     {one:8.1f} s  = {n * d / one / 1e6:6.2f} mio. case-træk/s")
    start = time.perf_counter()
    distributed = run_portfolio_dask(generate=n, draws=d, workers=args.workers)
    cluster = time.perf_counter() - start
    print(f"  Dask LocalCluster, {args.workers} proc.:   {cluster:8.1f} s  = {n * d / cluster / 1e6:6.2f} mio. case-træk/s (inkl. start af klyngen)")
    same = (abs(local.net_gain - distributed.net_gain) <= 1 and local.risk == distributed.risk) or all(
        abs(float(local.risk[k]) - float(distributed.risk[k])) <= 1 for k in ("net_gain_p10", "net_gain_p50", "net_gain_p90")  # type: ignore[index,arg-type]
    )
    print(f"  samme tal (til kronen):       {'ja' if same else 'NEJ'}; P(tjener sig hjem) {local.risk['p_payback']:.4f}")  # type: ignore[index]


if __name__ == "__main__":
    main()
