"""Reading a user's file with one clear error, whatever the operating system says."""

from __future__ import annotations

from pathlib import Path

from xlmodel.errors import XlmodelError


def read_file(path: Path, error: type[XlmodelError], what: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``; a missing file, a folder, a file over ``max_bytes`` or an unreadable file
    raises ``error`` naming the file (``what`` says what the file should have been)."""
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
