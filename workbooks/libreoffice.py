"""LibreOffice headless as an independent second engine for the ``native`` workbooks.

A private profile forces recalculation of .xlsx files on load (``OOXMLRecalcMode=0``: by default
LibreOffice keeps the cached values); the workbooks given to it carry no cached values at all, so
every number it returns is its own. Never ship its output: it rewrites formats and drops features.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbooks.evaluate import WorkbookError

#: Locales of the rendered PDFs, by the book's language: Danish thousands 1.040.000, decimals 5,50.
LOCALES = {"da": "da-DK", "en": "en-GB"}


def profile_xml(*, recalculate_on_load: bool, locale: str = "da-DK") -> str:
    """A private LibreOffice profile: recalculate .xlsx formulas on load (``OOXMLRecalcMode`` 0) or never
    (1: keep the values xlmodel cached), and the locale numbers are shown in."""
    mode = 0 if recalculate_on_load else 1
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"""


#: How long LibreOffice may take (seconds) before it is stopped: ``XLMODEL_LO_TIMEOUT`` overrides it.
DEFAULT_TIMEOUT = 300.0


def configured_timeout(default: float = DEFAULT_TIMEOUT) -> float:
    """The time LibreOffice is given, from ``XLMODEL_LO_TIMEOUT`` (seconds, 1 to 86,400) or ``default``.

    >>> configured_timeout(300)
    300
    """
    text = os.environ.get("XLMODEL_LO_TIMEOUT", "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 86_400:
        raise WorkbookError("XLMODEL_LO_TIMEOUT", "skal være et antal sekunder mellem 1 og 86400", value=text)
    return value


def run_bounded(command: Sequence[str], timeout: float, what: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in a process group of its own; past ``timeout`` seconds the whole group is killed (soffice
    starts soffice.bin, which a plain kill of the first process leaves running) and one clear error is raised."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)
    try:
        out, err = process.communicate(timeout=timeout)
    except BaseException as exc:  # timeout or Ctrl-C: end the whole group, never leave LibreOffice behind
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        if isinstance(exc, subprocess.TimeoutExpired):
            raise WorkbookError("soffice", f"LibreOffice ({what}) svarede ikke inden for {timeout:g} sekunder og er stoppet; "
                                "prøv igen, eller giv mere tid med XLMODEL_LO_TIMEOUT=sekunder") from None
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def soffice() -> str | None:
    """Path of the LibreOffice binary, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(paths: Sequence[Path], outdir: Path, target: str, *, recalculate_on_load: bool, locale: str = "da-DK", timeout: float | None = None) -> list[Path]:
    """``soffice --convert-to target`` of every file into ``outdir`` in one LibreOffice with a private profile,
    stopped after ``timeout`` seconds (default :func:`configured_timeout`)."""
    binary = soffice()
    if binary is None:
        raise WorkbookError("soffice", "LibreOffice er ikke installeret (Debian: libreoffice-calc-nogui)")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlmodel-lo-") as profile:
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(profile_xml(recalculate_on_load=recalculate_on_load, locale=locale), encoding="utf-8")
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", target,
            "--outdir", str(outdir),
            *map(str, paths),
        ]  # fmt: skip
        run = run_bounded(command, configured_timeout() if timeout is None else timeout, f"--convert-to {target.split(':', 1)[0]}")
    extension = target.split(":", 1)[0]
    outputs = [outdir / f"{Path(p).stem}.{extension}" for p in paths]
    missing = [str(p) for p in outputs if not p.exists()]
    if run.returncode != 0 or missing:
        raise WorkbookError("soffice", f"LibreOffice kunne ikke konvertere {missing or paths} til {extension}: {run.stderr.strip()[:500]}")
    return outputs


def recalculate(paths: Sequence[Path], outdir: Path, *, timeout: float | None = None) -> list[Path]:
    """Open every workbook in LibreOffice, recalculate all formulas, save as .xlsx in ``outdir``."""
    return convert(paths, outdir, "xlsx:Calc MS Excel 2007 XML", recalculate_on_load=True, timeout=timeout)


def to_pdf(paths: Sequence[Path], outdir: Path, *, lang: str = "da", timeout: float | None = None) -> list[Path]:
    """Print every workbook to PDF as LibreOffice lays it out (its page set-up, the cached values, the
    language's locale); hidden sheets are not printed."""
    return convert(paths, outdir, "pdf:calc_pdf_Export", recalculate_on_load=False, locale=LOCALES.get(lang, "da-DK"), timeout=timeout)


#: The helper that drives a running LibreOffice over UNO; it runs under the Python that has ``uno``.
UNO_SCRIPT = Path(__file__).with_name("lo_uno.py")


def uno_python() -> str | None:
    """A Python that can import LibreOffice's ``uno`` module (Debian: ``python3-uno``), if any."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=60)
            if probe.returncode == 0:
                return candidate
    return None


def uno_run(command: str, *args: str | Path, timeout: float = 900) -> Any:
    """Run ``lo_uno.py command args...`` in one LibreOffice and return its JSON answer."""
    python, binary = uno_python(), soffice()
    if python is None or binary is None:
        raise WorkbookError("soffice", "LibreOffice med Python-UNO er ikke installeret (Debian: libreoffice-calc-nogui python3-uno)")
    run = run_bounded([python, str(UNO_SCRIPT), command, *map(str, args)], timeout, command, env={**os.environ, "XLMODEL_SOFFICE": binary})
    if run.returncode != 0:
        raise WorkbookError("soffice", f"LibreOffice ({command}) fejlede: {run.stderr.strip()[-500:]}")
    return json.loads(run.stdout)
