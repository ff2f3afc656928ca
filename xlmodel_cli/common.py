"""What every command shares: the exit codes, the type of the sub-command table, and reading a case from a
case file or a book."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

from xlmodel.casefile import load_case
from xlmodel.casewriter import dumps_case
from xlmodel.errors import XlmodelError
from xlmodel.model import Case
from xlmodel.portfolio import Source

#: 0: done; 1: ``regenerate --check`` found differences; 2: bad input (one line on stderr, no traceback).
EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def load_any_case(path: str | Path) -> Case:
    """A case from a case file (``.toml``) or from a book xlmodel wrote (``.xlsx``, ``.xlsm``): a book is
    read by the workbook layer, imported only then (``xlmodel report CASE.toml`` starts without it)."""
    file = Path(path)
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        from workbooks.extract import read_book_case

        return read_book_case(file)
    return load_case(file)


def portfolio_sources(paths: Iterable[str]) -> list[str | Source]:
    """The portfolio's inputs with books read here (the core reads only case files): a book becomes its
    case-file text, or the problem that stopped it; folders list their case files and books, sorted."""
    found: list[str | Source] = []
    for item in paths:
        path = Path(item)
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".toml", ".xlsx", ".xlsm")) if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() not in (".xlsx", ".xlsm"):
                found.append(str(file))
                continue
            try:
                found.append(Source(str(file), text=dumps_case(load_any_case(file))))
            except XlmodelError as exc:
                found.append(Source(str(file), problem=str(exc)))
    return found
