"""The ``xlmodel`` command line: the top floor of the house, composed from the packages below it.

The core (``xlmodel``) knows nothing of workbooks or Excel, so the commands live here, one module per
layer they drive:

- :mod:`xlmodel_cli.core_commands`: ``report``, ``parameters``, ``portfolio``, ``tax``
- :mod:`xlmodel_cli.book_commands`: ``build``, ``new``, ``recalc``, ``summary``, ``print``, ``regenerate``, ``extract``, ``upgrade``
- :mod:`xlmodel_cli.serve_command`: ``serve`` (the Excel functions over xlwings Server)

``xlmodel report CASE.toml|BOOK.xlsx [...] [--format table|json|csv]``
``xlmodel parameters [NAME] [--date YYYY-MM-DD] [--format table|json]``
``xlmodel portfolio CASES... [--generate N] [--draws N] [--seed S] [--format table|json|csv] [-o BOOK.xlsx] [--dask [ADDRESS]]``
``xlmodel serve [--host 127.0.0.1] [--port 8000] [--public-address HOST] [--prod] [--ssl-keyfile K --ssl-certfile C]``
``xlmodel build CASE.toml -o BOOK.xlsx [--runtime officejs|com|native] [--lang da|en]``
``xlmodel new -o FILE.xlsx [--runtime ...] [--lang da|en] [--first-year Y] [--years N]``
``xlmodel recalc BOOK.xlsx [--force]``
``xlmodel summary CASE.toml -o SUMMARY.pdf|.png [--lang da|en]``
``xlmodel print BOOK.xlsx|CASE.toml -o FILE.pdf|.png [--sheet NAME ...] [--lang da|en]``
``xlmodel regenerate [--check]``
``xlmodel extract BOOK.xlsx -o CASE.toml [--force]``
``xlmodel upgrade BOOK.xlsx [-o NEW.xlsx] [--refresh-parameters] [--force]``
``xlmodel tax --income W --benefit B --year Y [--kommune-type normal|svag|rig] [--kommune-rate R] [--format table|json]``

Bad input gives one clear message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Sequence

from xlmodel import __version__
from xlmodel.errors import XlmodelError
from xlmodel_cli import book_commands, core_commands, serve_command
from xlmodel_cli.common import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, os_error_message

#: The command groups, in the order ``xlmodel --help`` lists them.
GROUPS = (core_commands, serve_command, book_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlmodel",
        description="Investeringscases for beskæftigelsesindsatser: beregn, rapportér og byg regneark.",
    )
    parser.add_argument("--version", action="version", version=f"xlmodel {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a Windows code page (cp1252) has no − or ≥: never a UnicodeEncodeError
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") not in ("utf8", "utf16", "utf32"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except XlmodelError as exc:
        print(f"xlmodel: fejl: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `xlmodel report ... | head`
        return EXIT_OK
    except OSError as exc:  # disk full, permission denied, a name too long, ...: one line naming the file
        print(f"xlmodel: fejl: {os_error_message(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C: one line, the shell's code for an interrupt
        print("xlmodel: afbrudt (Ctrl-C); intet er ændret af den afbrudte kommando", file=sys.stderr)
        return EXIT_INTERRUPTED


__all__ = ["build_parser", "main"]
