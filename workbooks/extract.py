"""A book's case: the inputs a finance person typed, read back from any book xlmodel wrote (the layouts
this release reads), for ``xlmodel extract`` and wherever a case file is accepted (``report``,
``summary``, ``portfolio``)."""

from __future__ import annotations

from pathlib import Path

from workbooks.files import check_output, load, read_bytes, write_atomic
from workbooks.readback import read_case
from xlmodel.casewriter import dumps_case
from xlmodel.errors import XlmodelError
from xlmodel.model import Case


def read_book_case(path: Path) -> Case:
    """The case in the input cells of the book at ``path``; a problem names the book, sheet and cell."""
    try:
        return read_case(load(read_bytes(path), str(path)))
    except XlmodelError as exc:
        raise exc.within(path.name) if not exc.field.startswith(str(path)) else exc from None


def extract(book: Path, out: Path, *, force: bool = False) -> Case:
    """Write the case of ``book`` as the case file ``out`` (never over an existing file without ``force``)."""
    check_output(out, (".toml",))
    if out.exists() and not force:
        raise XlmodelError(str(out), "filen findes allerede; vælg et andet navn, eller brug --force for at overskrive den")
    case = read_book_case(book)
    write_atomic(out, dumps_case(case).encode("utf-8"))
    return case


__all__ = ["extract", "read_book_case"]
