"""Benchmark of the workbook pipeline next to LibreOffice, measured in one run; then how it scales.

Run: ``.venv/bin/python bench/bench_workbooks.py`` (``--scale`` adds the scaling table; needs LibreOffice
and ``python3-uno``). For each bundled case and a synthetic case of 200 cohorts × 20 years × 3 outcomes:

- ours: ``render``, for the ``native`` and ``officejs`` runtimes: build the book with openpyxl, write its
  cells as text (workbooks/xlsx_writer.py), evaluate every formula with formualizer (and our functions)
  in a second thread while the appraisal's tables and the package are written, cache every value;
- LibreOffice warm: one running LibreOffice (driven over UNO, start-up excluded) opens the ``native`` book
  without cached values, recalculates every formula (``calculateAll``) and saves it as .xlsx;
- LibreOffice cold: ``soffice --convert-to`` of the same book, start-up included (as a user would run it).

Both ratios are printed: ours / warm and ours / cold. Best of five rounds each, LibreOffice's turn and ours
interleaved (the machine's speed varies from run to run: compare the ratios of one run, not seconds across runs).

``--scale`` builds the native book of 50, 200, 1,000 and 2,000 cohorts (the largest a book may hold is
6,000 cohort × outcome rows) in a fresh process each and reports time and peak memory (max RSS), and shows
the message a 5,000-cohort case gets before anything is built.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_core import best_of  # bench/ is on the path when this script runs

from workbooks.build import build_workbook
from workbooks.libreoffice import recalculate, uno_run
from workbooks.pipeline import ROOT, render
from workbooks.xlsx_writer import to_bytes
from xlmodel import Case, load_case
from xlmodel.synthetic import many_cohorts_case

ROOT_DIR = Path(__file__).resolve().parent.parent


def large_case() -> Case:
    return many_cohorts_case(200)


def compare(folder: Path) -> None:
    cases = {p.stem: load_case(p) for p in sorted((ROOT / "cases").glob("*.toml"))}
    cases["200 hold × 20 år"] = large_case()
    books = {}
    for name, case in cases.items():
        path = folder / "in" / f"{name.replace(' ', '_').replace('×', 'x').replace('å', 'aa')}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(to_bytes(build_workbook(case, runtime="native").workbook))  # formulas, no cached values
        books[name] = path
    (folder / "warm").mkdir()
    # Rounds interleaved: LibreOffice's turn, then ours, five times; best of the five on each side. A machine
    # whose speed drifts during the run then slows both sides alike instead of the one measured last.
    warm_runs = []
    ours: dict[tuple[str, str], list[float]] = {(name, runtime): [] for name in cases for runtime in ("native", "officejs")}
    for _ in range(5):
        warm_runs.append(uno_run("recalc", folder / "warm", *books.values()))
        for (name, runtime), times in ours.items():
            times.append(best_of(lambda case=cases[name], runtime=runtime: render(case, runtime=runtime), 1))
    warm = {entry["book"]: min(run[i]["load"] + run[i]["calculate"] + run[i]["save"] for run in warm_runs) for i, entry in enumerate(warm_runs[0])}
    calculate = {entry["book"]: min(run[i]["calculate"] for run in warm_runs) for i, entry in enumerate(warm_runs[0])}
    print("ours = build + evaluate + save (render); LibreOffice warm = open + calculateAll + save in one running instance;")
    print("LibreOffice cold = soffice --convert-to, start-up included; LO calc = calculateAll alone\n")
    print(f"{'case':<24}{'formulas':>9}{'native':>9}{'officejs':>10}{'LO warm':>9}{'LO calc':>9}{'LO cold':>9}{'native/warm':>13}{'officejs/warm':>15}{'native/cold':>13}")
    for name, case in cases.items():
        native, officejs = min(ours[name, "native"]), min(ours[name, "officejs"])
        built = build_workbook(case, runtime="native").workbook
        formulas = sum(1 for ws in built.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f")
        cold = best_of(lambda path=books[name]: recalculate([path], folder / "cold"), 2)
        lo = warm[str(books[name])]
        calc = calculate[str(books[name])]
        print(f"{name:<24}{formulas:>9,}{native:>8.2f}s{officejs:>9.2f}s{lo:>8.2f}s{calc:>8.2f}s{cold:>8.2f}s{native / lo:>13.2f}{officejs / lo:>15.2f}{native / cold:>13.2f}")


_CHILD = """
import json, resource, sys, time
from xlmodel.synthetic import many_cohorts_case
from workbooks.pipeline import render
from workbooks.evaluate import WorkbookError
case = many_cohorts_case({n})
t0 = time.perf_counter()
try:
    data = render(case, runtime={runtime!r})
    answer = {{"seconds": time.perf_counter() - t0, "bytes": len(data)}}
except WorkbookError as error:
    answer = {{"refused": str(error), "seconds": time.perf_counter() - t0}}
answer["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(answer))
"""


def scale() -> None:
    print("\nScaling, one fresh process per book (native and officejs), 3 outcomes × 20 years:\n")
    print(f"{'cohorts':>8}{'rows':>7}{'runtime':>10}{'seconds':>9}{'s per 100 cohorts':>19}{'peak memory':>13}{'file':>9}")
    for n in (50, 200, 1_000, 2_000, 5_000):
        for runtime in ("native", "officejs"):
            code = _CHILD.format(n=n, runtime=runtime)
            run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT_DIR, check=True)
            answer = json.loads(run.stdout.strip().splitlines()[-1])
            if "refused" in answer:
                print(f"{n:>8,}{3 * n:>7,}{runtime:>10}  refused before building ({answer['seconds']:.2f} s, {answer['max_rss_mb']:.0f} MB): {answer['refused']}")
                continue
            print(f"{n:>8,}{3 * n:>7,}{runtime:>10}{answer['seconds']:>8.2f}s{100 * answer['seconds'] / n:>18.3f}s{answer['max_rss_mb']:>10.0f} MB{answer['bytes'] / 1e6:>7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="also time 50 to 5,000 cohorts with peak memory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        compare(Path(tmp))
    if args.scale:
        scale()


if __name__ == "__main__":
    main()
