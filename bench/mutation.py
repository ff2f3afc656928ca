"""Mutation testing of the core: do the tests catch a flipped sign, an off-by-one or a wrong comparison?

Run on demand (not in the default test run): ``.venv/bin/python bench/mutation.py [--all | --per-module N]
[--modules arithmetic,compute,...] [--jobs 2]``.

``--all`` runs every mutant of every module (the whole enumeration), each tested only by the tests that
execute its line (coverage-based selection, as mutmut and cosmic-ray do: ``bench/mutation_coverage.py``
records one coverage context per test); a mutant on a line no test context reaches (a line run at import,
before coverage starts) is tested by all of them.

Each mutant changes one spot of one module in a private copy of the repository:

* arithmetic ``+ - * /`` swapped (``+``↔``-``, ``*``↔``/``), ``//``→``/`` and ``%``→``*``;
* comparisons ``<``↔``<=``, ``>``↔``>=``, ``==``↔``!=``;
* ``and``↔``or``; unary minus and ``not`` dropped;
* integer constants ``n``→``n + 1`` and float constants ``x``→``x + 1``; ``True``↔``False``;
* ``min``↔``max``; a subscript ``[0]``↔``[-1]``.

Not mutated: decorators (``@dataclass(frozen=True)``), ``strict=`` of zip, type annotations and the
message of a ``raise`` (its condition is): changing them changes no figure.

The mutants of a module are enumerated in source order and a fixed, seeded sample of ``--per-module``
is taken (all when there are fewer), so two runs test the same mutants. A mutant is *killed* when the
core tests (below) fail or time out; it *survives* when they pass. Mutants that cannot be compiled
are skipped. The score of a module is killed ÷ (killed + survived). Survivors are printed with their
line so they can be read: some are equivalent (no test can tell them apart), most are a missing test.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("arithmetic", "compute", "followup", "published", "refusion", "appraisal", "linear", "risk", "model", "validate", "parameters/__init__")
#: The tests that check the core (no LibreOffice, no workbooks): a run takes about 6 s.
TESTS = [
    "tests/test_golden.py", "tests/test_properties.py", "tests/test_refusion.py", "tests/test_followup.py",
    "tests/test_appraisal.py", "tests/test_bad_input.py", "tests/test_portfolio.py", "tests/test_core_edges.py", "tests/test_model_rules.py",
    "tests/test_pension.py", "tests/test_appraisal_rules.py", "tests/test_published_rules.py", "tests/test_linear_rules.py", "tests/test_risk_rules.py", "tests/test_parameter_rules.py", "xlmodel",
]  # fmt: skip
TIMEOUT_S = 180

_SWAP_BIN: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.Mult}
_SWAP_CMP: dict[type, type] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_SWAP_NAME = {"min": "max", "max": "min"}


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int  # the index-th mutation spot of the module, in ast.walk order
    line: int
    what: str
    end: int = 0  # the last line of the mutated expression


#: For each module, line -> the node ids of the tests that execute it ("" : run at import, every test).
Coverage = dict[str, dict[int, set[str]]]


def coverage_map(folder: Path) -> Coverage:
    """Run the tests once in ``folder`` with one coverage context per test; which tests reach which line."""
    import coverage

    data_file = folder / ".mutation-coverage"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "mutation_coverage", "--hypothesis-seed=0", *TESTS]
    env = {**os.environ, "XLMODEL_MUTATION_COVERAGE": str(data_file), "PYTHONPATH": str(ROOT / "bench")}
    subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_S * 5, env=env, check=False)
    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    found: Coverage = {}
    for measured in data.measured_files():
        path = Path(measured)
        if "xlmodel" not in path.parts:
            continue
        module = path.relative_to(folder / "xlmodel").with_suffix("").as_posix()
        found[module] = {line: set(contexts) for line, contexts in data.contexts_by_lineno(measured).items()}
    return found


def selected_tests(m: Mutant, covered: Coverage) -> list[str] | None:
    """The tests that execute the mutant's lines; None: all of them (a line run at import, or before coverage
    started: the root conftest imports the core before any plugin measures)."""
    lines = covered.get(m.module, {})
    tests: set[str] = set()
    for line in range(m.line, max(m.end, m.line) + 1):
        tests |= lines.get(line, set())
    if not tests or "" in tests:
        return None
    return sorted(tests)


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Expr) and isinstance(parents.get(parent), ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)


def _ignored(tree: ast.Module) -> set[ast.AST]:
    """Spots whose mutation changes no arithmetic: decorators (``@dataclass(frozen=True)``), ``strict=`` of
    zip, the message of a ``raise`` (the condition before it is mutated) and type annotations."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            roots += node.decorator_list
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
        if isinstance(node, ast.arg) and node.annotation is not None:
            roots.append(node.annotation)
        if isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        if isinstance(node, ast.keyword) and node.arg == "strict":
            roots.append(node.value)
        if isinstance(node, ast.Raise) and node.exc is not None:
            roots.append(node.exc)
    return {inner for root in roots for inner in ast.walk(root)}


def _spots(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every place a mutation applies, with a description; the order is ast.walk's, so stable."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    ignored = _ignored(tree)
    for node in ast.walk(tree):
        if node in ignored:
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _SWAP_BIN:
            yield node, f"{type(node.op).__name__} → {_SWAP_BIN[type(node.op)].__name__}"
        elif isinstance(node, ast.AugAssign) and type(node.op) in _SWAP_BIN:
            yield node, f"{type(node.op).__name__}= → {_SWAP_BIN[type(node.op)].__name__}="
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _SWAP_CMP:
            yield node, f"{type(node.ops[0]).__name__} → {_SWAP_CMP[type(node.ops[0])].__name__}"
        elif isinstance(node, ast.BoolOp):
            yield node, f"{type(node.op).__name__} → {'Or' if isinstance(node.op, ast.And) else 'And'}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
            yield node, f"drop {type(node.op).__name__}"
        elif isinstance(node, ast.Constant) and not _is_docstring(node, parents):
            if isinstance(node.value, bool):
                yield node, f"{node.value} → {not node.value}"
            elif isinstance(node.value, int | float):
                yield node, f"{node.value!r} → {node.value + 1!r}"
        elif isinstance(node, ast.Name) and node.id in _SWAP_NAME and isinstance(parents.get(node), ast.Call):
            yield node, f"{node.id} → {_SWAP_NAME[node.id]}"
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in (0, -1) and not isinstance(node.slice.value, bool):
            yield node, f"[{node.slice.value}] → [{-1 if node.slice.value == 0 else 0}]"


def _apply(node: ast.AST) -> None:
    if isinstance(node, ast.BinOp | ast.AugAssign):
        node.op = _SWAP_BIN[type(node.op)]()
    elif isinstance(node, ast.Compare):
        node.ops = [_SWAP_CMP[type(node.ops[0])]()]
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.Constant):
        node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
    elif isinstance(node, ast.Name):
        node.id = _SWAP_NAME[node.id]
    elif isinstance(node, ast.Subscript):
        assert isinstance(node.slice, ast.Constant)
        node.slice.value = -1 if node.slice.value == 0 else 0


class _DropUnary(ast.NodeTransformer):
    def __init__(self, target: ast.AST) -> None:
        self.target = target

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        return node.operand if node is self.target else self.generic_visit(node)


def source_path(module: str) -> Path:
    """The file of ``module``: a module of xlmodel/ by its name (``compute``, ``parameters/__init__``), another
    package's by its path (``workbooks/plain_cells``).

    >>> source_path("compute").relative_to(ROOT).as_posix(), source_path("workbooks/plain_cells").relative_to(ROOT).as_posix()
    ('xlmodel/compute.py', 'workbooks/plain_cells.py')
    """
    if module.split("/", 1)[0] in ("workbooks", "udfs", "xlmodel_cli"):
        return ROOT / f"{module}.py"
    return ROOT / "xlmodel" / f"{module}.py"


def mutants(module: str) -> list[Mutant]:
    tree = ast.parse(source_path(module).read_text(encoding="utf-8"))
    return [Mutant(module, i, getattr(node, "lineno", 0), what, getattr(node, "end_lineno", 0) or 0) for i, (node, what) in enumerate(_spots(tree))]


def mutated_source(m: Mutant) -> str | None:
    tree = ast.parse(source_path(m.module).read_text(encoding="utf-8"))
    node = next(node for i, (node, _) in enumerate(_spots(tree)) if i == m.index)
    if isinstance(node, ast.UnaryOp):
        tree = _DropUnary(node).visit(tree)
    else:
        _apply(node)
    try:
        source = ast.unparse(ast.fix_missing_locations(tree))
        compile(source, m.module, "exec")
    except (SyntaxError, ValueError, TypeError):
        return None
    return source


def _workspace() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="xlmodel-mutation-"))
    for name in ("xlmodel", "xlmodel_cli", "tests", "udfs", "workbooks", "cases", "docs", "examples", "pyproject.toml", "conftest.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
        else:
            shutil.copy(source, folder / name)
    return folder


def run_tests(folder: Path, tests: list[str] | None = None) -> tuple[bool, float]:
    """True when the tests (``tests``: node ids; None: all of :data:`TESTS`) pass (the mutant survives)."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0", *(TESTS if tests is None else tests)]
    if tests is None and os.environ.get("XLMODEL_MUTATION_TESTS"):  # --tests: the tests of another package's module
        command[command.index("--hypothesis-seed=0") + 1 :] = os.environ["XLMODEL_MUTATION_TESTS"].split(",")
    try:
        run = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, time.perf_counter() - started
    return run.returncode == 0, time.perf_counter() - started


def _worker(batch: list[Mutant], covered: Coverage | None = None) -> list[tuple[Mutant, str]]:
    folder = _workspace()
    out = []
    try:
        for m in batch:
            target = folder / source_path(m.module).relative_to(ROOT)
            original = target.read_text(encoding="utf-8")
            source = mutated_source(m)
            if source is None:
                out.append((m, "skipped"))
                continue
            tests = None if covered is None else selected_tests(m, covered)
            target.write_text(source, encoding="utf-8")
            try:
                survived, _ = run_tests(folder, tests)
            finally:
                target.write_text(original, encoding="utf-8")
            out.append((m, "survived" if survived else "killed"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-module", type=int, default=25, help="mutants sampled per module (default 25)")
    parser.add_argument("--all", action="store_true", help="every mutant of every module, each tested by the tests that reach its line")
    parser.add_argument("--modules", default=",".join(MODULES), help="comma-separated modules of xlmodel/")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--tests", default="", help="comma-separated tests to run instead of the core's (for a module of workbooks/, e.g. tests/test_plain_cells.py); each mutant runs all of them")
    args = parser.parse_args()
    if args.tests:
        os.environ["XLMODEL_MUTATION_TESTS"] = args.tests  # seen by the workers, which inherit the environment
    # the unmutated tests must pass, or every mutant would look killed
    base = _workspace()
    try:
        passed, seconds = run_tests(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if not passed:
        print("mutation: the tests fail without any mutation; fix them first", file=sys.stderr)
        return 2
    chosen: list[Mutant] = []
    for module in args.modules.split(","):
        found = mutants(module)
        rng = random.Random(f"{args.seed}:{module}")
        chosen += found if args.all else sorted(rng.sample(found, min(args.per_module, len(found))), key=lambda m: m.index)
    covered = None
    if args.all and not args.tests:
        folder = _workspace()
        try:
            covered = coverage_map(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    print(f"{len(chosen)} mutants, tests take {seconds:.1f} s unmutated; {args.jobs} workers" + ("; each mutant tested by the tests that reach its line" if covered else ""), flush=True)
    batches = [chosen[i :: args.jobs] for i in range(args.jobs)]
    results: list[tuple[Mutant, str]] = []
    with concurrent.futures.ProcessPoolExecutor(args.jobs) as pool:
        for batch in pool.map(_worker, batches, [covered] * len(batches)):
            results += batch
    print(f"{time.perf_counter() - started:.0f} s", flush=True)
    reviewed = equivalents()
    status_of = {m: (f"equivalent: {reviewed[key]}" if status == "survived" and (key := _key(m)) in reviewed else status) for m, status in results}
    print("\n| module | mutants | killed | survived | reviewed equivalent | score |\n|---|---:|---:|---:|---:|---:|")
    totals = [0, 0, 0]
    for module in args.modules.split(","):
        mine = [status for m, status in status_of.items() if m.module == module]
        killed, survived = mine.count("killed"), mine.count("survived")
        equivalent = sum(1 for status in mine if status.startswith("equivalent"))
        totals = [totals[0] + killed, totals[1] + survived, totals[2] + equivalent]
        score = killed / (killed + survived) if killed + survived else 1.0
        print(f"| {module} | {killed + survived + equivalent} | {killed} | {survived} | {equivalent} | {100 * score:.0f} % |")
    killed, survived, equivalent = totals
    print(f"| **all** | {killed + survived + equivalent} | {killed} | {survived} | {equivalent} | {100 * killed / max(killed + survived, 1):.0f} % |")
    print("\nscore = killed ÷ (killed + survived); reviewed equivalent mutants (bench/mutation_equivalent.toml) are not counted")
    survivors = sorted((m for m, status in status_of.items() if status != "killed" and status != "skipped"), key=lambda m: (m.module, m.line))
    if survivors:
        print("\nSurvivors:")
        for m in survivors:
            note = status_of[m]
            print(f"  {source_path(m.module).relative_to(ROOT).as_posix()}:{m.line}: {m.what}" + (f"  ({note})" if note != "survived" else "") + f"\n      {_line(m)}")
    return 0


#: Survivors that were read and found equivalent: no input gives another figure, so no test can kill them.
EQUIVALENT_FILE = ROOT / "bench" / "mutation_equivalent.toml"


def _line(m: Mutant) -> str:
    return source_path(m.module).read_text(encoding="utf-8").splitlines()[m.line - 1].strip()


def _key(m: Mutant) -> tuple[str, str, str]:
    return m.module, _line(m), m.what


def equivalents() -> dict[tuple[str, str, str], str]:
    """(module, the mutated line's text, the mutation) → why it is equivalent, from the reviewed list."""
    data = tomllib.loads(EQUIVALENT_FILE.read_text(encoding="utf-8"))
    return {(e["module"], e["line"].strip(), e["what"]): e["why"] for e in data.get("equivalent", [])}


if __name__ == "__main__":
    raise SystemExit(main())
