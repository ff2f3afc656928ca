#!/usr/bin/env bash
# Set up (first time only), lint (ruff), type-check (mypy), build the manual (mkdocs) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Lint and type-check first (pinned in pyproject.toml); a finding fails the run like a failing test.
.venv/bin/ruff check .
.venv/bin/mypy --no-error-summary
# The manual (docs/, MkDocs): every page builds and every link resolves
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet
exec .venv/bin/python -m pytest "$@"
