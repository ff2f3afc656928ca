"""Conversion and validation at the Excel boundary.

Excel hands us cells: numbers, text, dates as serial numbers, error values (as text such as
"#N/A", thanks to ``err_to_str``) and blanks — which arrive as ``0`` from Excel desktop and as
``None`` or ``""`` from Excel on the web. Every function here turns such cells into numpy
arrays for the core, or raises the core's own errors (``xlmodel.errors``) with a Danish message that
names the argument (and the row). :func:`excel_errors`, around every function's body, is the one place
where they become ``xlwings.XlwingsError``, so the message reaches the cell's tooltip and the call is not
retried.
"""

import contextlib
import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from xlwings import XlwingsError

from xlmodel import validate
from xlmodel.errors import InvalidValueError, XlmodelError

#: Error values as they arrive with ``err_to_str=True`` (Office.js and classic COM).
EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)
#: The most argument cells one call to xlwings Server may send (a 1,000-cohort × 20-year SAVINGS call
#: sends about 3,000); checked before any cell is converted (see udfs/server.py).
MAX_CELLS = 100_000
#: Excel serial numbers of the first and last date accepted (validate.EARLIEST_DATE, LATEST_DATE):
#: smaller "dates" are almost surely a year typed as a date.
#: Day 0 of Excel's date serials (counting from 1 March 1900; before it Excel's 1900 leap-year bug applies).
EXCEL_EPOCH = validate.EXCEL_EPOCH
EARLIEST_SERIAL = (validate.EARLIEST_DATE - EXCEL_EPOCH).days
LATEST_SERIAL = (validate.LATEST_DATE - EXCEL_EPOCH).days


def cells(doc: str) -> dict[str, Any]:
    """xlwings options for an argument: a 2-D range, error values as text, ``doc`` as its help in Excel.

    Used as ``Annotated[Any, cells("...")]``, so type checkers see ``Any`` and xlwings its options.
    """
    return {"doc": doc, "ndim": 2, "err_to_str": True}


@contextlib.contextmanager
def excel_errors() -> Iterator[None]:
    """Turn the core's validation errors into ``XlwingsError`` (HTTP 400, message in the tooltip)."""
    try:
        yield
    except XlmodelError as exc:
        raise XlwingsError(str(exc)) from None


def grid(value: Any, *, one_d: str = "column") -> list[list[Any]]:
    """Any argument as a 2-D list: a scalar is 1×1; a plain 1-D list is a column (or a row)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return [[value]]
    if not value:
        return [[None]]
    if not isinstance(value[0], list | tuple):
        return [[v] for v in value] if one_d == "column" else [list(value)]
    return [list(row) for row in value]


def is_blank(cell: Any) -> bool:
    """``None`` and empty text are blank (Excel on the web); 0 is blank only where a 0 cannot mean anything."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_number(name: str, cell: Any) -> float | None:
    """One cell as a finite float, ``None`` if blank."""
    if is_blank(cell):
        return None
    if isinstance(cell, str) and cell.strip() in EXCEL_ERRORS:
        raise InvalidValueError(name, f"cellen indeholder fejlværdien {cell.strip()}; ret den celle først")
    if isinstance(cell, dt.date):
        raise InvalidValueError(name, f"skal være et tal, ikke en dato ({cell:%Y-%m-%d})")
    return validate.number(name, cell)


def _where(name: str, shape: tuple[int, int], i: int, j: int) -> str:
    if shape == (1, 1):
        return name
    if shape[1] == 1:
        return f"{name} (række {i + 1})"
    if shape[0] == 1:
        return f"{name} (kolonne {j + 1})"
    return f"{name} (række {i + 1}, kolonne {j + 1})"


def numbers(name: str, value: Any, *, blank: float | None = 0.0, minimum: float | None = None, one_d: str = "column") -> np.ndarray:
    """A range of numbers as a 2-D float array. Blanks (``None``, ``""``) become ``blank``;
    ``blank=None`` makes a blank (or 0, which is how Excel desktop sends a blank) an error."""
    cells = grid(value, one_d=one_d)
    shape = (len(cells), max(len(row) for row in cells))
    if all(len(row) == shape[1] and all(type(c) is float or type(c) is int for c in row) for row in cells):
        try:
            fast = np.array(cells, dtype=np.float64)  # plain numbers only: the usual case, checked in bulk
        except OverflowError:  # an integer beyond the float range: the cell-by-cell path names it
            fast = np.full((1, 1), np.nan)
        if np.all(np.isfinite(fast)) and np.abs(fast).max() <= validate.MAX_MAGNITUDE and (minimum is None or fast.min() >= minimum) and (blank is not None or fast.all()):
            return fast
    out = np.empty(shape)
    for i, row in enumerate(cells):
        if len(row) != shape[1]:
            raise InvalidValueError(name, "alle rækker skal have lige mange celler")
        for j, cell in enumerate(row):
            where = _where(name, shape, i, j)
            number = cell_number(where, cell)
            if number is None or (blank is None and number == 0):
                if blank is None:
                    raise InvalidValueError(where, "mangler en værdi (cellen er tom eller 0)")
                number = blank
            if minimum is not None and number < minimum:
                raise InvalidValueError(where, f"må ikke være mindre end {minimum:g} (fik {number:g})")
            out[i, j] = number
    return out


def shares(name: str, value: Any, *, one_d: str = "column") -> np.ndarray:
    """A range of shares between 0 and 1 (25 gets "did you mean 0.25?"); blanks are 0."""
    array = numbers(name, value, one_d=one_d)
    for (i, j), share in np.ndenumerate(array):
        validate.share(_where(name, array.shape, i, j), float(share))
    return array


def serial_to_date(name: str, serial: float) -> dt.date:
    """An Excel date serial as a date, with Excel's 1900 leap-year bug; a "date" before 1950 is refused.

    >>> serial_to_date("date", 44287)
    datetime.date(2021, 4, 1)
    """
    if not math.isfinite(serial) or serial < 1:
        raise InvalidValueError(name, f"datoer før 1900 kan ikke bruges (fik {serial:g})")
    if serial >= LATEST_SERIAL + 1:
        raise InvalidValueError(name, f"datoer efter {validate.LATEST_DATE.year} kan ikke bruges (fik {serial:g})")
    days = math.floor(serial)
    date = dt.date(1899, 12, 31) + dt.timedelta(days=days) if days <= 60 else EXCEL_EPOCH + dt.timedelta(days=days)
    if serial < EARLIEST_SERIAL:
        raise InvalidValueError(name, f"{serial:g} er datoen {date:%d-%m-%Y} — er det et årstal? Skriv en dato, fx 2021-04-01 eller =DATO(2021;4;1)")
    return date


def serial_to_month(name: str, serial: float) -> int:
    """An Excel date serial as a month index (``year * 12 + month - 1``).

    >>> serial_to_month("effect_start", 44287)   # 2021-04-01
    24255
    """
    date = serial_to_date(name, serial)
    return date.year * 12 + date.month - 1


def cell_month(name: str, cell: Any) -> int | None:
    """One cell as a month index: a date serial, a date, or ``YYYY-MM[-DD]`` text; ``None`` if blank or 0."""
    if is_blank(cell) or (isinstance(cell, int | float) and not isinstance(cell, bool) and cell == 0):
        return None
    if isinstance(cell, str) and cell.strip() in EXCEL_ERRORS:
        raise InvalidValueError(name, f"cellen indeholder fejlværdien {cell.strip()}; ret den celle først")
    if isinstance(cell, bool):
        raise InvalidValueError(name, f"skal være en dato, fx 2021-04-01 (fik {cell!r})")
    if isinstance(cell, int | float):
        if not math.isfinite(cell):
            raise InvalidValueError(name, f"skal være en dato, fx 2021-04-01 (fik {cell!r})")
        return serial_to_month(name, float(cell))
    return validate.month_index(name, cell)


def months(name: str, value: Any, *, required: bool = True) -> np.ndarray:
    """A column of dates as month indices (int64); blanks are -1 when not required."""
    cells = grid(value)
    if any(len(row) != 1 for row in cells):
        raise InvalidValueError(name, "skal være én celle eller én kolonne (én række pr. hold)")
    out = np.empty(len(cells), dtype=np.int64)
    for i, (cell,) in enumerate(cells):
        where = _where(name, (len(cells), 1), i, 0)
        month = cell_month(where, cell)
        if month is None:
            if required:
                raise InvalidValueError(where, "mangler en dato, fx 2021-04-01")
            month = -1
        out[i] = month
    return out


def column(name: str, array: np.ndarray) -> np.ndarray:
    """A 2-D array that must be one cell or one column, as 1-D."""
    if array.shape[1] != 1:
        raise InvalidValueError(name, f"skal være én celle eller én kolonne (én række pr. hold), ikke {array.shape[0]}×{array.shape[1]}")
    return array[:, 0]


def years_row(name: str, value: Any) -> tuple[np.ndarray, bool]:
    """Budget years as 1-D ints, and whether they were given as a column (then results are columns)."""
    array = numbers(name, value, blank=None, one_d="row")
    as_column = array.shape[1] == 1 and array.shape[0] > 1
    if array.shape[0] != 1 and not as_column:
        raise InvalidValueError(name, "skal være én celle eller én række af år, fx 2021:2026")
    flat = array.ravel()
    for i, year in enumerate(flat):
        validate.year(_where(name, (1, len(flat)), 0, i), float(year))
    return flat.astype(np.int64), as_column


def common_rows(**columns: np.ndarray) -> int:
    """The number of cohorts: every argument is one cell or has the same number of rows."""
    lengths = {name: len(col) for name, col in columns.items() if len(col) != 1}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} har {n} rækker" for name, n in lengths.items())
        raise InvalidValueError("", f"områderne passer ikke sammen: {described}; brug lige mange rækker (én pr. hold) eller én celle")
    return next(iter(lengths.values()), 1)


def fallback_table(name: str, value: Any) -> tuple[np.ndarray, np.ndarray]:
    """A k×2 range of (share, after_years); blank rows are skipped."""
    cells = grid(value, one_d="row")
    if len(cells) == 1 and len(cells[0]) == 1 and (is_blank(cells[0][0]) or cells[0][0] == 0):
        return np.zeros(0), np.zeros(0)  # omitted, or a blank cell sent as 0 (Excel desktop, formula engines)
    if any(len(row) != 2 for row in cells):
        raise InvalidValueError(name, "skal være et område med 2 kolonner: andel og efter antal år, fx 0,1 og 2")
    share_list, after_list = [], []
    for i, (share_cell, after_cell) in enumerate(cells):
        where = f"{name} (række {i + 1})"
        share = cell_number(f"{where}, andel", share_cell)
        after = cell_number(f"{where}, år", after_cell)
        if not share and not after:
            continue  # a blank row
        share_list.append(validate.share(f"{where}, andel", share or 0.0))
        after_list.append(validate.number(f"{where}, år", after or 0.0, minimum=0))
    validate.fallback_shares(name, share_list)
    return np.array(share_list), np.array(after_list)


def one_cell(value: Any, message: str) -> Any:
    """The value of an argument that must be a single cell; anything larger is ``#VALUE!`` with ``message``."""
    cells = grid(value)
    if len(cells) != 1 or len(cells[0]) != 1:
        raise InvalidValueError("", message)
    return cells[0][0]


def optional_month_number(name: str, value: Any) -> int | None:
    """A calendar month 1–12, or ``None`` when blank or 0."""
    number = cell_number(name, one_cell(value, f"{name}: skal være én celle med en måned 1–12"))
    if not number:
        return None
    return validate.month_number(name, number)


def single_row_or_column(name: str, array: np.ndarray) -> np.ndarray:
    """A 1×Y row or Y×1 column as 1-D."""
    if array.shape[0] != 1 and array.shape[1] != 1:
        raise InvalidValueError(name, "skal være én række (eller én kolonne) med ét tal pr. år")
    return array.ravel()


def broadcast(**arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Arrays broadcast to one shape (a cell, a column, a row or a matching table), or a clear error."""
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        described = ", ".join(f"{name} er {a.shape[0]}×{a.shape[1]}" for name, a in arrays.items())
        raise InvalidValueError("", f"områderne passer ikke sammen: {described}") from None
