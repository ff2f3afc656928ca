"""Benchmark of the workbook pipeline: build + evaluate + save, next to LibreOffice recalculating the
same workbook, measured in one run.

Run: ``.venv/bin/python bench/bench_workbooks.py``. For each bundled case and a synthetic case of
200 cohorts × 20 years × 3 outcomes it times our pipeline (native and officejs runtimes: build with
openpyxl, evaluate with formualizer and our functions, cache the values) and LibreOffice opening the
native workbook without cached values, recalculating every formula and saving it. LibreOffice's time
includes its start-up, so the start-up alone (an empty workbook) is reported too.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import synthetic_case

from workbooks.build import build_workbook, shape_of
from workbooks.evaluate import to_bytes
from workbooks.libreoffice import recalculate
from workbooks.pipeline import ROOT, render
from xlmodel import Case, load_case


def large_case() -> Case:
    full = synthetic_case()
    cohorts = tuple(c for c in full.cohorts[:200])
    return Case("Syntetisk 200 hold", full.first_year, full.last_year, outcomes=full.outcomes, cohorts=cohorts, costs=full.costs)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    cases = {p.stem: load_case(p) for p in sorted((ROOT / "cases").glob("*.toml"))}
    cases["200 hold × 20 år"] = large_case()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty = folder / "empty" / "empty.xlsx"
        empty.parent.mkdir()
        openpyxl.Workbook().save(empty)
        recalculate([empty], folder / "warm")  # first start creates the profile
        startup = min(timed(lambda: recalculate([empty], folder / "e")) for _ in range(2))
        print(f"LibreOffice start-up + save of an empty workbook: {startup:5.2f} s\n")
        print(f"{'case':<22}{'cells':>8}{'ours native':>13}{'ours officejs':>15}{'LibreOffice':>13}{'ratio native/LO':>17}")
        for name, case in cases.items():
            shape = shape_of(case)
            native = min(timed(lambda case=case: render(case, runtime="native")) for _ in range(3))
            officejs = min(timed(lambda case=case: render(case, runtime="officejs")) for _ in range(2 if shape.cohorts > 50 else 3))
            built = build_workbook(case, runtime="native").workbook
            cells = sum(1 for ws in built.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f")
            path = folder / "in" / f"{name.replace(' ', '_')}.xlsx"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(to_bytes(built))
            libre = min(timed(lambda path=path: recalculate([path], folder / "out")) for _ in range(2))
            print(f"{name:<22}{cells:>8,}{native:>12.2f}s{officejs:>14.2f}s{libre:>12.2f}s{native / libre:>17.2f}")


if __name__ == "__main__":
    main()
