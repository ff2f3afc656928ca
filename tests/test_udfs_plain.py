"""Without the server variable, udfs imports as plain Python and gives the core's numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from xlmodel import CaseResult

_PLAIN = """
import json, udfs
from xlmodel import load_case
case = load_case("cases/ishoej_2021.toml")
assert not hasattr(udfs.savings, "__xlfunc__"), "decorators should be no-ops"
rows = [[c.outcomes["job"].persons] for c in case.cohorts]
effect = [[f"{c.effect_start // 12}-{c.effect_start % 12 + 1:02d}-01"] for c in case.cohorts]
start = [[f"{c.start // 12}-{c.start % 12 + 1:02d}"] for c in case.cohorts]
job = udfs.savings(rows, 146000, effect, [case.years], [[0.1, 2], [0.1, 4]], 4, start, [[1]] * 8)
print(json.dumps({"job": job, "status": udfs.status()[0][0]}))
"""


def test_plain_import_gives_the_core_numbers(ishoej: CaseResult) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    out = subprocess.run([sys.executable, "-c", _PLAIN], env=env, capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    expected = np.array([ishoej.cohort_figure(c.name, "job") for c in ishoej.case.cohorts])
    assert np.array(data["job"]) == pytest.approx(expected, abs=1e-9)
    assert data["status"].endswith("(Python)")
