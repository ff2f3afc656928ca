#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: a virtual environment in .venv with xlmodel and its
# pinned test tools; LibreOffice (the second formula engine the tests compare against); Chromium and
# Node.js with tests/js/node_modules (the real Office.js client and Pyodide, tests/test_clients.py).
# Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
# LibreOffice's Python bridge (UNO), for the page-layout test and the warm LibreOffice benchmark
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing+=(python3-uno)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} (Debian) for the workbook and client tests ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing ${missing[*]}; the tests that need them are skipped." >&2
    echo "       Install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi
# The JavaScript clients (pinned in tests/js/package-lock.json; playwright-core drives Debian's chromium,
# it downloads no browser).
if command -v npm >/dev/null 2>&1 && [ ! -f tests/js/node_modules/.package-lock.json -o tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
fi
