#!/usr/bin/env bash
# The main job on the bundled example cases: set up (first time only), report every case in
# cases/ (the model's figures and every disagreement with the published figures), and
# build its budget workbooks and committee summary (PDF) into out/; then the three seed cases as one portfolio.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -rf out && mkdir -p out  # the demo's own output, made anew each run
for case in cases/*.toml; do
  .venv/bin/xlmodel report "$case"
  echo
  for runtime in officejs native; do
    .venv/bin/xlmodel build "$case" -o "out/$(basename "$case" .toml).$runtime.xlsx" --runtime "$runtime"
  done
  # the one-page summary for the committee, printed by LibreOffice (skipped where it is not installed)
  if command -v soffice >/dev/null 2>&1; then
    .venv/bin/xlmodel summary "$case" -o "out/$(basename "$case" .toml).resume.pdf"
  fi
  echo
done
# every bundled case together: per year and payer, NPV and the probability of payback, and a workbook
.venv/bin/xlmodel portfolio cases/ishoej_2021.toml cases/ballerup_2017.toml cases/silkeborg_2015.toml -o out/portefolje.xlsx
# the udvalg's one page over every case, with its follow-up status (LibreOffice prints it)
if command -v soffice >/dev/null 2>&1; then
  .venv/bin/xlmodel summary cases -o out/portefolje.pdf
fi
# a book written by the first release (layout 1) carried into today's layout, the original untouched
.venv/bin/xlmodel upgrade tests/data/layout1_ishoej_2021.officejs.xlsx -o out/ishoej_2021.from_layout1.xlsx --force
# a book's inputs back as a case file (what a finance person typed in Excel, under version control)
.venv/bin/xlmodel extract out/ishoej_2021.native.xlsx -o out/ishoej_2021.extracted.toml --force
# the whole public purse: tax and udligning of one person-year in a job instead of on kontanthjælp (2026)
.venv/bin/xlmodel tax --income 275805 --benefit 144768 --year 2026
