"""Mutation testing of the book's formulas: does the agreement check catch a flipped sign or a reference that
moved a row in a formula the sheet modules write?

Run on demand (not in the default test run): ``.venv/bin/python bench/formula_mutation.py [--cases a.toml,b.toml]
[--runtime native] [--sample N] [--seed S] [--jobs 2] [--libreoffice K]``.

A formula *template* is what a sheet module (or :mod:`workbooks.formulas`) writes once and the book repeats
across the years or down a block: the cells of a sheet whose formulas are one formula moved (each translated
to one far anchor cell with openpyxl's ``Translator`` gives the same text). A mutant changes one spot of one
template, the same way in every cell written from it, as a change in the Python that writes it would:

* an arithmetic operator swapped (``+``↔``-``, ``*``↔``/``), a comparison (``<``↔``<=``, ``>``↔``>=``,
  ``=``↔``<>``);
* a reference moved a row (``A5`` → ``A6``, a range as a whole, relative or absolute, on any sheet);
* a number ``n`` → ``n + 1``; ``MIN``↔``MAX``, ``AND``↔``OR``, ``SUM``→``AVERAGE``.

Each mutant book is evaluated by formualizer (the engine that caches every book's values) and read by the
check the tests run on every committed book and in all three engines (``tests/test_workbooks.py``:
:func:`workbooks.results.results_in` against :func:`workbooks.results.expected_results` from the core, which
now includes that every check of the Kontrol sheet holds). A mutant is

* *killed* when a formula of a tool sheet evaluates to an error (the build refuses the book) or a figure
  differs from the core's;
* *inert* when no formula of the book changes its value: equivalent for this case's inputs (a ``+`` in a sum
  of zeros), not counted;
* *survived* otherwise: some value changed and no check saw it. Survivors are printed with the cells whose
  values changed.

``--libreoffice K`` recalculates K killed mutants (and every survivor) of the native book in LibreOffice too, so
the third engine is shown to kill what formualizer's evaluation killed (without cached values: LibreOffice
computes every cell itself).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import io
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from openpyxl.formula.tokenizer import Token, Tokenizer  # noqa: E402
from openpyxl.formula.translate import Translator  # noqa: E402

from workbooks.build import build_workbook, shape_of  # noqa: E402
from workbooks.evaluate import with_cached_values  # noqa: E402
from workbooks.layout import MAX_FALLBACKS  # noqa: E402
from workbooks.results import differences, expected_results, results_in  # noqa: E402
from xlmodel import Case, compute_case, load_case  # noqa: E402
from xlmodel.errors import XlmodelError  # noqa: E402
from xlmodel.model import Fallback  # noqa: E402

#: Far below and right of every cell a book uses: each formula moved here shows its template.
ANCHOR = "AAA100000"
DEFAULT_CASES = ("ishoej_2021_refusion.toml", "ballerup_2017.toml", "silkeborg_2016_status.toml")
SWAP_OPERATOR = {"+": "-", "-": "+", "*": "/", "/": "*", "<": "<=", "<=": "<", ">": ">=", ">=": ">", "=": "<>", "<>": "="}
SWAP_FUNCTION = {"MIN(": "MAX(", "MAX(": "MIN(", "AND(": "OR(", "OR(": "AND(", "SUM(": "AVERAGE("}
CELL = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


@dataclass(frozen=True)
class Mutant:
    sheet: str
    template: str  # the formula at ANCHOR
    site: int  # the index of the token changed
    kind: str
    mutated: str  # the mutated formula at ANCHOR
    cells: tuple[str, ...]  # every cell written from the template

    def label(self) -> str:
        return f"{self.sheet}!{self.cells[0]}{'…' + self.cells[-1] if len(self.cells) > 1 else ''} [{self.kind}] {self.template[:90]} → {self.mutated[:90]}"


def _moved_a_row(reference: str) -> str:
    """Every cell of a reference one row lower (``'Budget'!$I$5:$K$5`` → ``'Budget'!$I$6:$K$6``)."""
    sheet, bang, cells = reference.rpartition("!")
    return sheet + bang + CELL.sub(lambda m: f"{m[1]}{m[2]}{m[3]}{int(m[4]) + 1}", cells)


def _variants(token: Any) -> list[tuple[str, str]]:
    """(kind, new text) of each mutation of one token."""
    if token.type == Token.OP_IN and token.value in SWAP_OPERATOR:
        return [("operator", SWAP_OPERATOR[token.value])]
    if token.type == Token.OPERAND and token.subtype == Token.RANGE and CELL.search(token.value.rpartition("!")[2]):
        return [("row", _moved_a_row(token.value))]
    if token.type == Token.OPERAND and token.subtype == Token.NUMBER:
        return [("number", repr(float(token.value) + 1).removesuffix(".0"))]
    if token.type == Token.FUNC and token.subtype == Token.OPEN and token.value.upper() in SWAP_FUNCTION:
        return [("function", SWAP_FUNCTION[token.value.upper()])]
    return []


def templates(wb: openpyxl.Workbook) -> dict[tuple[str, str], list[str]]:
    """The cells of each formula template, per sheet."""
    found: dict[tuple[str, str], list[str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    key = Translator(cell.value, origin=cell.coordinate).translate_formula(ANCHOR)
                    found.setdefault((ws.title, key), []).append(cell.coordinate)
    return found


def mutants(wb: openpyxl.Workbook) -> list[Mutant]:
    found = []
    for (sheet, template), cells in templates(wb).items():
        tokens = Tokenizer(template).items
        for i, token in enumerate(tokens):
            for kind, text in _variants(token):
                changed = [t.value if j != i else text for j, t in enumerate(tokens)]
                found.append(Mutant(sheet, template, i, kind, "=" + "".join(changed), tuple(cells)))
    return found


#: Weeks on benefits a variant gives its cohorts in turn: neighbours always on different steps of the staircase
#: (0–4, 4–26, 26–52, 52– weeks), so a formula reading a neighbour's weeks changes a refund.
WEEKS = (0.0, 60.0, 20.0, 150.0, 45.0)


def _ages(rng: random.Random) -> float | dict[float, float]:
    """One age or a mix of two or three (the book's columns), from 40 to 66: most pensions end within a few years."""
    ages = rng.sample([40.0, 52.0, 58.0, 61.0, 63.0, 64.0, 65.0, 66.0], rng.randint(1, 3))
    if len(ages) == 1:
        return ages[0]
    shares = [0.5, 0.5] if len(ages) == 2 else [0.25, 0.25, 0.5]
    return dict(zip(ages, shares, strict=True))


def variants(case: Case, n: int, seed: int) -> list[Case]:
    """Up to ``n`` cases of the same shape (the same cells, so the same templates) with other inputs: each
    cohort's effect start, weeks on benefits (neighbours on different steps of the staircase) and persons, each outcome's fall-backs (up to the book's columns for them) and wage subsidy. A mutant
    that changes nothing this case's figures depend on (a reset that never happens with Ishøj's inputs) is
    then killed by a variant where it matters, as it would be by one of the generated cases of the tests."""
    rng = random.Random(seed)
    shape = shape_of(case)
    found: list[Case] = []
    for _ in range(20 * n):
        if len(found) == n:
            break
        cohorts = []
        offset = rng.randrange(len(WEEKS))
        for i, c in enumerate(case.cohorts):
            effect = rng.randint(case.first_year * 12, case.last_year * 12 + 6)
            outcomes = {}
            for k, co in c.outcomes.items():
                persons = rng.uniform(0, c.participants / max(len(c.outcomes), 1))
                outcomes[k] = dataclasses.replace(co, persons=persons, deadweight=rng.uniform(0, persons), deadweight_rate=None)
            start = None if c.start is None else min(c.start, effect)
            age = c.age if c.age is None else _ages(rng)  # an avoided førtidspension: ages whose pensions end inside the horizon too
            cohorts.append(dataclasses.replace(c, effect_start=effect, start=start, outcomes=outcomes, weeks_on_benefit=WEEKS[(i + offset) % len(WEEKS)], age=age))
        outcomes_ = []
        for o in case.outcomes:
            count = rng.randint(len(o.fallbacks), MAX_FALLBACKS)  # the book has a column for each: a case with fewer leaves some unread
            shares = [rng.uniform(0, 1 / max(count, 1)) for _ in range(count)]
            fallbacks = tuple(Fallback(share, rng.choice([0.5, 1.0, 1.5, 2.0])) for share in shares)
            outcomes_.append(dataclasses.replace(o, fallbacks=fallbacks, wage_subsidy=rng.random() < 0.3 if o.split else o.wage_subsidy))
        try:
            # no Monte Carlo: its ranges are the case's own (its values are written, not formulas, so no template changes)
            variant = dataclasses.replace(case, cohorts=tuple(cohorts), outcomes=tuple(outcomes_), uncertainty=())
            if shape_of(variant) == shape:
                found.append(variant)
        except XlmodelError:
            continue  # an input this draw made invalid
    return found


# one worker's case, its built book and what the core says
_STATE: dict[str, Any] = {}


def _start(case_path: str, runtime: str, variant: int = -1, seed: int = 0) -> None:
    base = load_case(Path(case_path))
    case = variants(base, variant + 1, seed)[variant] if variant >= 0 else base
    built = build_workbook(case, runtime=runtime, shape=shape_of(base))
    # no blocks: each call of our functions is evaluated from its cell's formula, so a mutated call counts
    baseline = openpyxl.load_workbook(io.BytesIO(with_cached_values(built.workbook, custom_functions=runtime != "native")), data_only=True)
    _STATE.update(case=case, built=built, runtime=runtime, expected=expected_results(compute_case(case), built.layout),
                  baseline={ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row} for ws in baseline.worksheets})


def _mutated(mutant: Mutant) -> None:
    ws = _STATE["built"].workbook[mutant.sheet]
    for coordinate in mutant.cells:
        ws[coordinate].value = Translator(mutant.mutated, origin=ANCHOR).translate_formula(coordinate)


def _restored(mutant: Mutant) -> None:
    ws = _STATE["built"].workbook[mutant.sheet]
    for coordinate in mutant.cells:
        ws[coordinate].value = Translator(mutant.template, origin=ANCHOR).translate_formula(coordinate)


def run_one(mutant: Mutant) -> tuple[str, list[str]]:
    """("killed" | "inert" | "survived", what showed it or the cells whose values changed)."""
    built, runtime = _STATE["built"], _STATE["runtime"]
    _mutated(mutant)
    try:
        data = with_cached_values(built.workbook, custom_functions=runtime != "native")
    except Exception as error:  # a formula evaluating to an error: the build refuses the book
        return "killed", [f"error: {str(error)[:120]}"]
    finally:
        _restored(mutant)
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    found = differences(_STATE["expected"], results_in(wb))
    if found:
        return "killed", found[:3]
    changed = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
               if c.value != _STATE["baseline"][ws.title].get(c.coordinate) and not _same_number(c.value, _STATE["baseline"][ws.title].get(c.coordinate))]
    return ("survived", changed[:8]) if changed else ("inert", [])


def _same_number(a: object, b: object) -> bool:
    return isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _libreoffice(case_path: Path, chosen: list[Mutant]) -> dict[Mutant, bool]:
    """Whether LibreOffice's recalculation of each mutant native book (no cached values) differs from the core."""
    from workbooks.libreoffice import recalculate
    from workbooks.results import read_results
    from workbooks.xlsx_writer import to_bytes

    _start(str(case_path), "native")
    folder = Path(tempfile.mkdtemp())
    paths = []
    for i, mutant in enumerate(chosen):
        _mutated(mutant)
        path = folder / "in" / f"m{i:04d}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(to_bytes(_STATE["built"].workbook))
        _restored(mutant)
        paths.append(path)
    outputs = recalculate(paths, folder / "out")
    return {m: bool(differences(_STATE["expected"], read_results(out))) for m, out in zip(chosen, outputs, strict=True)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(DEFAULT_CASES), help="bundled case files, comma-separated")
    parser.add_argument("--runtime", default="native", choices=("native", "officejs", "com"))
    parser.add_argument("--sample", type=int, default=0, help="a seeded sample of N mutants per case (0: every mutant)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--variants", type=int, default=2, help="cases of the same shape with other inputs that each mutant not killed yet meets")
    parser.add_argument("--match", default="", help="only the mutants of templates containing this text (e.g. 'Holdplan!$E$')")
    parser.add_argument("--libreoffice", type=int, default=0, metavar="K", help="recalculate K killed mutants (and up to K survivors) in LibreOffice too")
    args = parser.parse_args(argv)
    total: Counter[str] = Counter()
    for name in args.cases.split(","):
        case_path = ROOT / "cases" / name
        started = time.perf_counter()
        _start(str(case_path), args.runtime)
        found = [m for m in mutants(_STATE["built"].workbook) if args.match in m.template]
        if args.sample:
            found = sorted(random.Random(args.seed).sample(found, min(args.sample, len(found))), key=found.index)
        with concurrent.futures.ProcessPoolExecutor(args.jobs, initializer=_start, initargs=(str(case_path), args.runtime)) as pool:
            outcomes = list(pool.map(run_one, found, chunksize=8))
        for variant in range(args.variants):  # what this case's inputs cannot show, another's of the same shape may
            _start(str(case_path), args.runtime, variant, args.seed)
            same = {key: tuple(cells) for key, cells in templates(_STATE["built"].workbook).items()}
            # the mutants not killed yet whose template the variant writes in the same cells (a sheet whose rows
            # follow the inputs, such as the Forside's, may differ)
            left = [i for i, (status, _) in enumerate(outcomes) if status != "killed" and same.get((found[i].sheet, found[i].template)) == found[i].cells]
            if not left:
                continue
            with concurrent.futures.ProcessPoolExecutor(args.jobs, initializer=_start, initargs=(str(case_path), args.runtime, variant, args.seed)) as pool:
                again = list(pool.map(run_one, [found[i] for i in left], chunksize=8))
            for i, (status, detail) in zip(left, again, strict=True):
                if status == "killed" or (status == "survived" and outcomes[i][0] == "inert"):
                    outcomes[i] = (status, [f"variant {variant + 1}: {d}" for d in detail])
        _start(str(case_path), args.runtime)
        counts = Counter(status for status, _ in outcomes)
        by_sheet: dict[str, Counter[str]] = {}
        for mutant, (status, _) in zip(found, outcomes, strict=True):
            by_sheet.setdefault(mutant.sheet, Counter())[status] += 1
        scored = counts["killed"] + counts["survived"]
        by_variants = sum(1 for status, detail in outcomes if status == "killed" and detail and detail[0].startswith("variant"))
        print(f"\n{name} ({args.runtime}): {len(found)} mutants of {len(templates(_STATE['built'].workbook))} templates in {time.perf_counter() - started:.0f} s: "
              f"{counts['killed']} killed ({by_variants} of them only by a variant), {counts['survived']} survived, {counts['inert']} inert (no value changes in this case or its variants)"
              + (f"; score {100 * counts['killed'] / scored:.1f} %" if scored else ""))
        for sheet, c in sorted(by_sheet.items()):
            print(f"  {sheet}: {c['killed']} killed, {c['survived']} survived, {c['inert']} inert")
        survivors = [(m, detail) for m, (status, detail) in zip(found, outcomes, strict=True) if status == "survived"]
        for mutant, detail in survivors:
            print(f"  SURVIVED {mutant.label()}\n           changed: {', '.join(detail)}")
        if args.libreoffice and args.runtime == "native":
            # killed on the case itself: LibreOffice recalculates the case's book, not a variant's
            killed = [m for m, (status, detail) in zip(found, outcomes, strict=True) if status == "killed" and not (detail and detail[0].startswith("variant"))]
            shown = [m for m, _ in survivors][: args.libreoffice]
            chosen = random.Random(args.seed).sample(killed, min(args.libreoffice, len(killed))) + shown
            seen = _libreoffice(case_path, chosen)
            agree = sum(seen[m] for m in chosen[: len(chosen) - len(shown)])
            print(f"  LibreOffice: {agree} of {len(chosen) - len(shown)} killed mutants differ from the core there too; "
                  f"{sum(seen[m] for m in shown)} of {len(shown)} survivors do")
            for mutant in chosen:  # where the two engines disagree on a mutant: the ones to read
                if seen[mutant] != (mutant not in shown):
                    print(f"  LibreOffice {'differs' if seen[mutant] else 'agrees'} with the core where formualizer did not: {mutant.label()}")
        total.update(counts)
    scored = total["killed"] + total["survived"]
    print(f"\nall: {total['killed']} killed, {total['survived']} survived, {total['inert']} inert" + (f"; score {100 * total['killed'] / scored:.1f} %" if scored else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
