"""A pytest plugin for ``bench/mutation.py``: records which test executes which line of ``xlmodel/`` (one coverage
context per test, its node id), so each mutant is tested by the tests that reach its line. Loaded with
``-p mutation_coverage`` and ``XLMODEL_MUTATION_COVERAGE=<data file>``; lines run while modules are imported
get the empty context (every test depends on them)."""

from __future__ import annotations

import os
from typing import Any

import coverage

_COVERAGE: list[coverage.Coverage] = []


def pytest_configure(config: Any) -> None:
    measure = coverage.Coverage(data_file=os.environ["XLMODEL_MUTATION_COVERAGE"], source=["xlmodel"])
    measure.start()
    _COVERAGE.append(measure)


def pytest_runtest_setup(item: Any) -> None:
    _COVERAGE[0].switch_context(item.nodeid)


def pytest_unconfigure(config: Any) -> None:
    measure = _COVERAGE.pop()
    measure.stop()
    measure.save()
