"""Reading a user's file with one clear error, whatever the operating system says; TOML's dates as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xlmodel.errors import XlmodelError


def read_file(path: Path, error: type[XlmodelError], what: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``; a missing file, a folder, a file over ``max_bytes`` or an unreadable file
    raises ``error`` naming the file (``what`` says what the file should have been).

    >>> read_file(Path("."), XlmodelError, "en case-fil")
    Traceback (most recent call last):
    xlmodel.errors.XlmodelError: .: er en mappe, ikke en case-fil
    """
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise error(str(path), f"filen er større end {max_bytes:,} bytes; {what} er normalt langt mindre".replace(",", "."))
        return path.read_bytes()
    except FileNotFoundError:
        raise error(str(path), "filen findes ikke") from None
    except IsADirectoryError:
        raise error(str(path), f"er en mappe, ikke {what}") from None
    except OSError as exc:
        raise error(str(path), f"filen kan ikke læses ({exc.strerror})") from None


def dates_as_text(value: Any) -> Any:
    """``value`` (parsed TOML: tables, arrays, values) with every date as ISO text, so that a JSON schema and
    its error messages see one form: a date or a date-time as ``YYYY-MM-DD``, a time as ``HH:MM:SS``.

    >>> dates_as_text({"start": dt.date(2021, 4, 1), "at": [dt.datetime(2021, 4, 1, 8, 30), dt.time(8, 30)], "n": 2})
    {'start': '2021-04-01', 'at': ['2021-04-01', '08:30:00'], 'n': 2}
    """
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [dates_as_text(item) for item in value]
    return value
