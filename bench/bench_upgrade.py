"""Benchmark of ``xlmodel upgrade`` against a build of the same case (the target: at most twice the build).

Run: ``.venv/bin/python bench/bench_upgrade.py``. The synthetic case of 200 cohorts × 20 years × 3 outcomes
is built as a layout-3 book (today's code still writes that row order for the books it reads) with a sheet
of the user's; the best of three upgrades is compared with the best of three builds of the same case.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl

from workbooks.build import build_workbook, shape_of
from workbooks.evaluate import with_cached_values
from workbooks.pipeline import render
from workbooks.upgrade import upgraded
from xlmodel.synthetic import many_cohorts_case


def best_of(run: object, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    case = many_cohorts_case(200)
    old = build_workbook(case, runtime="native", shape=dataclasses.replace(shape_of(case), layout=3))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "layout3.xlsx"
        path.write_bytes(with_cached_values(old.workbook, custom_functions=False, blocks=old.blocks))
        wb = openpyxl.load_workbook(path)
        wb.create_sheet("Mine noter")["A1"] = "=Budget!I10*2"
        wb.save(path)
        data = path.read_bytes()
        build = best_of(lambda: render(case, runtime="native"))
        upgrade = best_of(lambda: upgraded(data, str(path)))
    print(f"200 hold × 20 år × 3 effekter (native): byg {build:.2f} s, opgradér fra layout 3 {upgrade:.2f} s: {upgrade / build:.2f} × bygningen (mål: højst 2)")


if __name__ == "__main__":
    main()
