"""The house's floors: the core knows nothing of Excel or of the layers above it, the adapters do not
reach into each other, and the command line is the top floor. Rooms stay walkable: no function over
80 lines, no class over 300 (outside tests and benchmarks)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXCEL_LIBRARIES = {"openpyxl", "xlwings", "xlwings_server", "formualizer", "xlsxwriter"}
#: What each package may not import, not even lazily inside a function. The workbook layer may call the
#: Excel functions (``udfs``): it evaluates their cells to write the cached values.
FORBIDDEN = {
    "xlmodel": EXCEL_LIBRARIES | {"workbooks", "udfs", "xlmodel_cli"},
    "workbooks": {"xlmodel_cli"},
    "udfs": {"openpyxl", "workbooks", "xlmodel_cli"},
}
PACKAGES = ("xlmodel", "workbooks", "udfs", "xlmodel_cli")
MAX_FUNCTION_LINES, MAX_CLASS_LINES = 80, 300


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_arrow_runs_the_wrong_way(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert offenders == []


def test_importing_the_core_and_the_command_line_loads_no_excel_library() -> None:
    """``xlmodel report`` starts without openpyxl or xlwings: the book commands import them when run."""
    forbidden = sorted(EXCEL_LIBRARIES | {"workbooks", "udfs"})
    code = f"import sys, xlmodel, xlmodel.report, xlmodel_cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_function_or_class_is_too_long_to_read() -> None:
    too_long = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                limit = MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None
                if limit is not None and node.end_lineno is not None and node.end_lineno - node.lineno + 1 > limit:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert too_long == []
