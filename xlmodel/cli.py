"""The ``xlmodel`` command line.

``xlmodel report CASE.toml [CASE.toml ...] [--format table|json|csv]``

Bad input gives one clear message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from xlmodel import __version__
from xlmodel.casefile import load_case
from xlmodel.compute import compute_case
from xlmodel.errors import XlmodelError
from xlmodel.report import report_csv, report_dict, report_table

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _report(args: argparse.Namespace) -> int:
    results = [compute_case(load_case(path)) for path in args.cases]
    if args.format == "json":
        data = [report_dict(r) for r in results]
        print(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        texts = [report_csv(r) for r in results]
        print(texts[0] + "".join(t.split("\n", 1)[1] for t in texts[1:]), end="")
    else:
        print("\n".join(report_table(r) for r in results), end="")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlmodel",
        description="Investeringscases for beskæftigelsesindsatser: beregn, rapportér og byg regneark.",
    )
    parser.add_argument("--version", action="version", version=f"xlmodel {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser("report", help="beregn en eller flere cases og vis resultatet")
    report.add_argument("cases", nargs="+", metavar="CASE.toml", help="case-fil(er) i TOML")
    report.add_argument("--format", choices=("table", "json", "csv"), default="table", help="udskriftsformat (standard: table)")
    report.set_defaults(run=_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
