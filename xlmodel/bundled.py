"""Where the bundled example cases and books are, in a source checkout and in an installed wheel.

The seed cases (``cases/*.toml``), the books built from them (``examples/built/``) and the blank
templates (``examples/templates/``) are data, not code: they live beside the packages, and a wheel
installs them under ``<prefix>/share/xlmodel/`` (pyproject.toml, ``data-files``). Every reader finds them
through :func:`bundled`.

>>> bundled("cases").name, bundled("built").parts[-2:]
('cases', ('examples', 'built'))
>>> bundled_case("ishoej_2021.toml").is_file()
True
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

from xlmodel.errors import InvalidValueError, XlmodelError

#: Each kind of bundled data, relative to the root that holds ``cases/`` and ``examples/``.
PLACES = {"cases": Path("cases"), "built": Path("examples") / "built", "templates": Path("examples") / "templates"}
#: Where a wheel installs them, relative to the environment's data prefix (sys.prefix in a venv).
INSTALLED = Path("share") / "xlmodel"


def bundled_root() -> Path:
    """The folder with ``cases/`` and ``examples/``: the source checkout, else the installed data.

    >>> (bundled_root() / "cases").is_dir() and (bundled_root() / "examples" / "built").is_dir()
    True
    """
    for root in (Path(__file__).resolve().parent.parent, Path(sysconfig.get_path("data")) / INSTALLED):
        if (root / PLACES["cases"]).is_dir():
            return root
    raise XlmodelError("cases", "de medfølgende eksempler findes ikke (hverken i kildekoden eller under share/xlmodel); geninstallér xlmodel")


def bundled(kind: str) -> Path:
    """The folder of one kind of bundled data: ``cases``, ``built`` or ``templates``.

    >>> sorted(p.name for p in bundled("templates").glob("*.native.*.xlsx"))
    ['skabelon.native.da.xlsx', 'skabelon.native.en.xlsx']
    >>> bundled("books")
    Traceback (most recent call last):
    xlmodel.errors.InvalidValueError: kind: kendte: cases, built, templates (fik 'books')
    """
    if kind not in PLACES:
        raise InvalidValueError("kind", f"kendte: {', '.join(PLACES)}", value=kind)
    return bundled_root() / PLACES[kind]


def bundled_case(name: str) -> Path:
    """A bundled case file by its name.

    >>> bundled_case("ishoej_2021.toml").relative_to(bundled_root()).as_posix()
    'cases/ishoej_2021.toml'
    """
    return bundled("cases") / name
