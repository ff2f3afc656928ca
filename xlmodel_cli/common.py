"""What every command shares: the exit codes, the type of the sub-command table, and reading a case from a
case file or a book."""

from __future__ import annotations

import argparse
import errno
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeAlias

from xlmodel.casefile import BOOK_SUFFIXES, load_case
from xlmodel.casewriter import dumps_case
from xlmodel.errors import XlmodelError
from xlmodel.model import Case
from xlmodel.portfolio import Source

#: 0: done; 1: ``regenerate --check`` found differences; 2: bad input (one line on stderr, no traceback);
#: 130: interrupted (Ctrl-C), as shells count it.
EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"



def read_book(file: Path) -> Case:
    """The case in a book xlmodel wrote, read by the workbook layer, imported only then (``xlmodel report
    CASE.toml`` starts without it)."""
    from workbooks.extract import read_book_case

    return read_book_case(file)


def load_any_case(path: str | Path) -> Case:
    """A case from a case file (``.toml``; its decision may be a book) or from a book xlmodel wrote (``.xlsx``,
    ``.xlsm``)."""
    file = Path(path)
    try:
        if file.suffix.lower() in BOOK_SUFFIXES:
            return read_book(file)
        return load_case(file, read_book=read_book)
    except XlmodelError as exc:  # with several files, every error names its file
        if str(file) in exc.message:
            raise
        raise type(exc)(str(file), exc.message) from None


#: What the operating system's refusals mean, in a user's words (by errno).
OS_ERRORS = {
    errno.ENOSPC: "disken er fuld; frigør plads og prøv igen",
    errno.EDQUOT: "din diskkvote er brugt op; frigør plads og prøv igen",
    errno.EACCES: "adgang nægtet; tjek rettighederne til filen og mappen",
    errno.EPERM: "handlingen er ikke tilladt (filen kan være låst eller uforanderlig); tjek filens egenskaber",
    errno.EROFS: "filsystemet er skrivebeskyttet; skriv til en anden mappe",
    errno.ENAMETOOLONG: "filnavnet er for langt; vælg et kortere navn eller en kortere sti",
    errno.ENOENT: "filen eller mappen findes ikke",
    errno.EISDIR: "er en mappe; skriv et filnavn",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.EIO: "fejl ved læsning eller skrivning på disken",
}


def os_error_message(exc: OSError) -> str:
    """One line naming the file and what went wrong, for an operating-system error (disk full, permission
    denied, name too long, ...).

    >>> os_error_message(OSError(errno.ENOSPC, "No space left on device", "rapport.xlsx"))
    'rapport.xlsx: disken er fuld; frigør plads og prøv igen'
    """
    name = exc.filename if exc.filename is not None else ""
    shown = str(name) if len(str(name)) <= 120 else str(name)[:60] + "…" + str(name)[-40:]
    what = OS_ERRORS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return f"{shown}: {what}" if shown else what


def portfolio_sources(paths: Iterable[str]) -> list[str | Source]:
    """The portfolio's inputs with books read here (the core reads only case files): a book becomes its
    case-file text, or the problem that stopped it; folders list their case files and books, sorted. A
    folder without any is refused; a file given twice is counted once, and said so."""
    found: list[str | Source] = []
    seen: set[Path] = set()
    for item in paths:
        path = Path(item)
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".toml", *BOOK_SUFFIXES)) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise XlmodelError(str(path), "mappen indeholder ingen case-filer (*.toml) eller regneark (*.xlsx)")
        for file in files:
            if file.resolve() in seen:
                found.append(Source(str(file), problem="samme fil er allerede med i porteføljen; den tælles kun én gang"))
                continue
            seen.add(file.resolve())
            if file.suffix.lower() not in BOOK_SUFFIXES:
                found.append(str(file))
                continue
            try:
                found.append(Source(str(file), text=dumps_case(load_any_case(file))))
            except XlmodelError as exc:
                found.append(Source(str(file), problem=str(exc)))
    return found


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``minimum`` (to ``maximum``), else a clear error and exit code 2."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"skal være et helt tal (fik {text!r})") from None
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"mellem {minimum} og {maximum:,}".replace(",", ".") if maximum is not None else f"mindst {minimum}"
            raise argparse.ArgumentTypeError(f"skal være {bounds} (fik {value})")
        return value

    return parse
