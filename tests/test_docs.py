"""The manual: the README stays a front door, and the generated reference pages match their sources (the
site itself is built with ``mkdocs build --strict`` by scripts/test.sh)."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = runpy.run_path(str(ROOT / "docs" / "reference.py"))


def test_the_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "bash scripts/demo.sh" in readme and "bash scripts/test.sh" in readme


def test_the_generated_reference_pages_are_current() -> None:
    for path, text in REFERENCE["pages"]().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.relative_to(ROOT)}: run python docs/reference.py"


def test_every_case_field_and_every_function_is_in_the_reference() -> None:
    schema_page = (ROOT / "docs" / "reference" / "case_schema.md").read_text(encoding="utf-8")
    functions_page = (ROOT / "docs" / "reference" / "functions.md").read_text(encoding="utf-8")
    for field in ("`case.title`", "`outcomes[].unit_saving`", "`cohorts[].effect_start`", "`costs[].fte`", "`costs[].payer`"):
        assert field in schema_page
    import udfs

    assert [line[3:] for line in functions_page.splitlines() if line.startswith("## ")] == sorted(f.__name__.upper() for f in udfs.FUNCTIONS)
