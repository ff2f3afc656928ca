"""Shared fixtures: the bundled seed cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlmodel import CaseResult, compute_case, load_case

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"


@pytest.fixture(scope="session")
def ishoej() -> CaseResult:
    return compute_case(load_case(CASES / "ishoej_2021.toml"))


@pytest.fixture(scope="session")
def ballerup() -> CaseResult:
    return compute_case(load_case(CASES / "ballerup_2017.toml"))


@pytest.fixture(scope="session")
def silkeborg() -> CaseResult:
    return compute_case(load_case(CASES / "silkeborg_2015.toml"))
