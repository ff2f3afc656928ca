#!/usr/bin/env bash
# The main job on the bundled example cases: set up (first time only), report every case in
# workbooks/cases/ (the model's figures and every disagreement with the published figures), and
# build its budget workbooks into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
for case in workbooks/cases/*.toml; do
  .venv/bin/xlmodel report "$case"
  echo
  for runtime in officejs native; do
    .venv/bin/xlmodel build "$case" -o "out/$(basename "$case" .toml).$runtime.xlsx" --runtime "$runtime"
  done
  echo
done
