#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: a virtual environment in .venv with xlmodel and its
# pinned test tools, and LibreOffice (the second formula engine the tests compare against).
# Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing LibreOffice (libreoffice-calc-nogui) for the workbook tests ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
  else
    echo "setup: LibreOffice is not installed; the LibreOffice comparison test will be skipped." >&2
    echo "       Install it with: sudo apt-get install libreoffice-calc-nogui" >&2
  fi
fi
