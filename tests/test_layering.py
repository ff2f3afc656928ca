"""The core knows nothing of Excel: no openpyxl or xlwings, imported or referenced, in xlmodel's core."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "xlmodel"
FORBIDDEN = {"openpyxl", "xlwings", "xlwings_server", "formualizer", "xlsxwriter", "workbooks", "udfs"}
#: Adapters inside the package that may reach out (lazily) to the Excel layers.
ADAPTERS = {"cli.py"}


def test_core_modules_import_no_excel_library() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        if path.name in ADAPTERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_the_core_loads_no_excel_library() -> None:
    code = (
        "import sys, xlmodel, xlmodel.cli, xlmodel.report; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
