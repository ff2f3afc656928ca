#!/usr/bin/env bash
# The main job on the bundled example cases: set up (first time only), then report every case in
# workbooks/cases/ with the model's figures and every disagreement with the published figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for case in workbooks/cases/*.toml; do
  .venv/bin/xlmodel report "$case"
  echo
done
