#!/usr/bin/env bash
# Set up (first time only), lint (ruff), type-check (mypy) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Lint and type-check first (pinned in pyproject.toml); a finding fails the run like a failing test.
.venv/bin/ruff check .
.venv/bin/mypy --no-error-summary
exec .venv/bin/python -m pytest "$@"
