"""Reading and writing workbook files safely: one error type for unreadable files, atomic writes,
and a refusal to touch content openpyxl would silently drop."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import socket
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
from openpyxl.workbook import Workbook

from workbooks.evaluate import WorkbookError
from xlmodel.fileio import read_file

#: Limits on a workbook a user hands us: the file, the number of parts, each part and all parts unpacked,
#: and how much a large part may be compressed (a zip bomb unpacks a few kilobytes into gigabytes).
MAX_BOOK_BYTES = 100_000_000
MAX_PARTS = 5_000
MAX_PART_BYTES = 200_000_000
MAX_UNPACKED_BYTES = 400_000_000
MAX_RATIO = 200
_CHUNK = 1 << 20


def check_output(out: Path, suffixes: Sequence[str] = (".xlsx",)) -> None:
    """An output path the tool can write: a file name (not a folder) ending in one of ``suffixes``, in a
    folder that exists."""
    if out.is_dir():
        raise WorkbookError(str(out), f"er en mappe; skriv et filnavn, fx mappe/case{suffixes[0]}")
    if out.suffix.lower() not in suffixes:
        raise WorkbookError(str(out), f"output-filen skal ende på {' eller '.join(suffixes)}")
    if not out.parent.is_dir():
        raise WorkbookError(str(out), f"mappen {out.parent} findes ikke; opret den først")
    check_writable(out)


def check_writable(out: Path) -> None:
    """Refuse a file or a folder marked read-only, by its mode bits rather than ``os.access``: root may write
    anything, but read-only is the user's word."""
    if out.exists() and not out.stat().st_mode & 0o222:
        raise WorkbookError(str(out), "filen er skrivebeskyttet; fjern skrivebeskyttelsen eller skriv til et andet navn")
    if out.parent.is_dir() and not out.parent.stat().st_mode & 0o222:
        raise WorkbookError(str(out), f"mappen {out.parent} er skrivebeskyttet; skriv til en anden mappe")


def read_bytes(path: Path) -> bytes:
    return read_file(path, WorkbookError, "et regneark (.xlsx)", max_bytes=MAX_BOOK_BYTES)


def check_package(data: bytes, name: str) -> None:
    """Refuse a package whose parts are too many or unpack to too much, by unpacking it in chunks under
    the limits (the sizes a zip declares can lie); a file that is not a zip passes to openpyxl's error."""
    unpack(data, name, keep=False)


def unpack(data: bytes, name: str, *, keep: bool = True) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]] | None:
    """The package's entries and parts, unpacked in chunks under the limits of :func:`check_package` (which
    refuses what is over them; without ``keep`` the parts are not kept); None for a file that is not a zip
    (openpyxl's error is the one to give)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise WorkbookError(name, f"regnearket har {len(infos):,} dele (højst {MAX_PARTS:,}); det ligner ikke et regneark".replace(",", "."))
    total = 0
    parts = {}
    for info in infos:
        if info.file_size > MAX_PART_BYTES or (info.file_size > 10_000_000 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO):
            raise WorkbookError(name, f"delen {info.filename} fylder {info.file_size:,} bytes udpakket; regnearket afvises (mulig zip-bombe)".replace(",", "."))
        size = 0
        chunks = []
        try:
            with archive.open(info) as part:
                while chunk := part.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
                        raise WorkbookError(name, f"regnearket fylder over {MAX_UNPACKED_BYTES // 1_000_000:,} MB udpakket; det afvises (mulig zip-bombe)".replace(",", "."))
                    if keep:
                        chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise WorkbookError(name, f"kan ikke læses som et .xlsx-regneark ({type(exc).__name__}: {str(exc)[:200]})") from None
        parts[info.filename] = b"".join(chunks)
    return infos, parts


def load(data: bytes, name: str, *, data_only: bool = False) -> Workbook:
    """openpyxl's load with every failure (not a zip, broken XML, too large, ...) as one clear error."""
    if not openpyxl.DEFUSEDXML:
        raise WorkbookError("defusedxml", "defusedxml skal være installeret, så openpyxl afviser farlig XML")
    check_package(data, name)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)
    except Exception as exc:  # openpyxl raises KeyError, zipfile errors, XML errors, ... for broken files
        raise WorkbookError(name, f"kan ikke læses som et .xlsx-regneark ({type(exc).__name__}: {str(exc)[:200]})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then swap it in (``os.replace``). An error of the
    operating system names ``path`` (the user's file), not the temporary one."""
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise



def excel_owner(path: Path) -> str | None:
    """Who has ``path`` open in Excel, from Excel's owner file ``~$NAME`` beside it (its first byte is the
    length of the user's name, the name follows); None when there is no owner file.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "~$bog.xlsx").write_bytes(bytes([5]) + b"Hanne" + bytes(48))
    54
    >>> excel_owner(folder / "bog.xlsx"), excel_owner(folder / "anden.xlsx")
    ('Hanne', None)
    """
    owner = path.with_name("~$" + path.name)
    try:
        data = owner.read_bytes()[:256]
    except FileNotFoundError:
        return None
    except OSError:
        return "en ukendt bruger"
    length = data[0] if data else 0
    name = data[1 : 1 + length].decode("cp1252", errors="replace").strip("\x00 ")
    return name or "en ukendt bruger"


def book_to_replace(path: Path, *, force: bool = False) -> Path:
    """The file a run that replaces the book at ``path`` must write: a symbolic link's target (the link
    stays); refused when the file has hard links (replacing it would part them) or when Excel has it open
    (its owner file names who; ``force`` writes anyway)."""
    target = path.resolve() if path.is_symlink() else path
    if target.exists() and target.stat().st_nlink > 1:
        raise WorkbookError(str(path), f"filen har {target.stat().st_nlink} hårde links (samme fil under flere navne), som en ny fil ville skille ad; "
                                       "genberegn en kopi i stedet")
    owner = excel_owner(target)
    if owner is not None and not force:
        raise WorkbookError(str(path), f"åben i Excel hos {owner}; luk den først (eller brug --force, hvis Excel-ejerfilen ~${target.name} er gammel)")
    return target

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[Path]:
    """One run at a time on ``path``: a lock file beside it, made with exclusive create.

    A lock left by a run on this machine whose process is gone is taken over; any other lock stops
    the run with the lock file's name, so two runs never interleave their reads and writes.
    """
    lock = path.with_name(f".{path.name}.xlmodel-lock")
    stamp = f"{os.getpid()} {socket.gethostname()} {dt.datetime.now().isoformat(timespec='seconds')}\n".encode()
    for attempt in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid_text, host, *_ = lock.read_text(encoding="utf-8", errors="replace").split()
                stale = host == socket.gethostname() and not _pid_alive(int(pid_text))
            except (OSError, ValueError):
                stale = False
            if stale and attempt == 0:
                lock.unlink(missing_ok=True)
                continue
            raise WorkbookError(str(path), f"en anden kørsel arbejder på filen (låsefil {lock.name}); vent, eller slet låsefilen hvis ingen kørsel er i gang") from None
        except FileNotFoundError:
            raise WorkbookError(str(path), "mappen findes ikke") from None
        except OSError as exc:
            raise WorkbookError(str(path), f"kan ikke lave låsefilen {lock.name} ({exc.strerror})") from None
        break
    try:
        os.write(handle, stamp)
        os.close(handle)
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def write_backup(path: Path, data: bytes, when: dt.datetime) -> Path:
    """Save ``data`` (the file as it was) as ``BOOK.backup-YYYYMMDD-HHMMSS-ffffff.xlsx`` beside ``path``.

    Exclusive create: an existing backup is never overwritten; a name already taken gets ``-2``,
    ``-3``, ... The file's permissions and times are copied from ``path``.
    """
    stem = f"{path.stem}.backup-{when.strftime('%Y%m%d-%H%M%S-%f')}"
    for n in range(1, 10_000):
        candidate = path.with_name(f"{stem}{'' if n == 1 else f'-{n}'}{path.suffix}")
        try:
            out = open(candidate, "xb")  # noqa: SIM115 (closed below; removed again if writing fails)
        except FileExistsError:
            continue
        try:
            with out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:  # disk full, ...: no half-written backup is left behind
            candidate.unlink(missing_ok=True)
            raise
        shutil.copystat(path, candidate)
        return candidate
    raise WorkbookError(str(path), "for mange sikkerhedskopier med samme tidsstempel")


def replace_keeping_backup(path: Path, original: bytes, data: bytes, when: dt.datetime) -> Path:
    """Keep ``original`` (the file as it was read) as a backup beside ``path``, then swap ``data`` in; if the
    swap fails, the backup goes again and ``path`` is as it was. Returns the backup."""
    backup = write_backup(path, original, when)
    try:
        write_atomic(path, data)
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
    return backup
