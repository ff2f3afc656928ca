"""The Excel paths proven by real clients, not only xlwings' Python side.

* Office.js: the JavaScript xlwings Server serves to Excel (task pane page, its glue and
  custom-functions-code.js) runs in headless Chromium against a live ``xlmodel serve`` on 127.0.0.1;
  only Microsoft's office.js is replaced by a stand-in that registers and invokes the functions
  (tests/js/officejs_client.mjs).
* xlwings Lite: Pyodide (npm ``pyodide``) in Node; numpy, pandas and scipy for Pyodide are not on the
  registries reachable here, so the test records exactly what could not be loaded and skips.

On CI (``CI=true``) a missing Chromium, Node or tests/js/node_modules is a failure: scripts/setup.sh
installs them. Locally the Office.js test skips with the set-up command to run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from xlmodel import CaseResult, __version__

from .officejs import column, serial
from .test_udfs_contract import EXPECTED_FUNCTIONS
from .test_udfs_http import serving

JS = Path(__file__).parent / "js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _require(ready: bool, what: str) -> None:
    if ready:
        return
    message = f"{what} mangler; kør bash scripts/setup.sh (installerer chromium, nodejs og tests/js/node_modules)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _node() -> str:
    node = shutil.which("node")
    _require(node is not None, "Node.js (node)")
    return str(node)


def _run_node(script: str, *args: str, timeout: float = 240) -> Any:
    run = subprocess.run([_node(), str(JS / script), *args], cwd=JS, capture_output=True, text=True, timeout=timeout)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _require(Path(CHROMIUM).exists(), f"Chromium ({CHROMIUM})")
    _require((JS / "node_modules" / "playwright-core").is_dir(), "tests/js/node_modules/playwright-core")
    _node()
    with serving() as base:
        yield base


def _in_chromium(base: str, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(calls, handle)
    try:
        return _run_node("officejs_client.mjs", base, handle.name)  # type: ignore[no-any-return]
    finally:
        os.unlink(handle.name)


def test_officejs_client_in_chromium(server: str, ishoej: CaseResult) -> None:
    case = ishoej.case
    job = next(o for o in case.outcomes if o.id == "job")
    cohorts = case.cohorts
    # Exactly the arguments Excel passes for an Ishøj-shaped cohort table: 2-D ranges, dates as serials.
    args = [
        column([c.outcomes["job"].persons for c in cohorts]),
        [[job.unit_saving_in(case.first_year)]],
        column([serial(c.effect_start) for c in cohorts]),
        [list(case.years)],
        [[f.share, f.after_years] for f in job.fallbacks],
        [[job.fallback_month]],
        column([serial(c.start) for c in cohorts]),
        column([c.outcomes["job"].deadweight for c in cohorts]),
    ]
    bad = [[["fire"]], [[146000]], [[44287]], [[2021]], None, None, None, None]
    savings, error, status, meta = _in_chromium(server, [{"name": "SAVINGS", "args": args}, {"name": "SAVINGS", "args": bad}, {"name": "STATUS", "args": []}])

    expected = np.array([ishoej.cohort_figure(c.name, "job") for c in cohorts])
    assert "result" in savings, savings
    spilled = np.array(savings["result"], dtype=float)
    assert spilled.shape == (len(cohorts), len(case.years))
    assert spilled == pytest.approx(expected, abs=1e-6)
    # A bad input becomes what Excel shows: #VALUE! with our message naming the field.
    assert error == {"error": {"code": "#VALUE!", "message": "persons: skal være et tal, ikke tekst (fik 'fire')"}}, error
    assert status == {"result": [[f"xlmodel {__version__} kører (xlwings Server (Office.js))"]]}, status
    assert meta["registered"] == EXPECTED_FUNCTIONS and meta["logs"] == []


def test_xlwings_lite_under_pyodide_or_exactly_what_is_missing() -> None:
    _require((JS / "node_modules" / "pyodide").is_dir(), "tests/js/node_modules/pyodide")
    wheels = Path(tempfile.mkdtemp())
    try:
        out = _run_node("pyodide_lite.mjs", str(wheels))
    finally:
        shutil.rmtree(wheels)
    assert out["python"].startswith("3.")
    if "savings" in out and not out["missing"]:
        assert out["savings"] == [[328500.0]]
        return
    # Not a pass: the runtime starts, but the packages udfs needs cannot be had offline.
    missing = ", ".join(sorted(out["missing"]))
    pytest.skip(f"Pyodide {out['python']} kører i Node, men disse pakker kan ikke hentes fra PyPI/npm: {missing} (se README, xlwings Lite)")
