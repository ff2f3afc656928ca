"""The commands of the core: ``report``, ``parameters`` and ``portfolio`` (``portfolio -o`` also writes a book)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from xlmodel import validate
from xlmodel.compute import compute_case
from xlmodel.errors import XlmodelError
from xlmodel.parameters import UNIT_TEXT, Parameters
from xlmodel.report import portfolio_text, report_csv, report_dict, report_table, to_json
from xlmodel.rounding import format_kr, format_share
from xlmodel_cli.common import EXIT_BAD_INPUT, EXIT_OK, Subcommands, load_any_case, portfolio_sources, whole_number


def _report(args: argparse.Namespace) -> int:
    results = [compute_case(load_any_case(path)) for path in args.cases]
    if args.format == "json":
        data = [report_dict(r) for r in results]
        print(to_json(data[0] if len(data) == 1 else data))
    elif args.format == "csv":
        texts = [report_csv(r) for r in results]
        print(texts[0] + "".join(t.split("\r\n", 1)[1] for t in texts[1:]), end="")
    else:
        print("\n".join(report_table(r) for r in results), end="")
    return EXIT_OK


def _parameters(args: argparse.Namespace) -> int:
    """List the shipped parameters: every value with its source, or the value on ``--date``."""
    parameters = Parameters()
    names = [args.name] if args.name else parameters.names
    on = None if args.date is None else validate.date("--date", args.date)
    out: list[dict[str, object]] = []
    for name in names:
        parameter = parameters.get(name, "NAME")
        entries = parameter.values if on is None else (parameters.value_at(name, on, "--date"),)
        out.append({
            "name": name, "description": parameter.description, "unit": parameter.unit,
            "values": [
                {"date": e.date.isoformat(), "value": e.value, "weeks": list(e.weeks) or None, "rates": list(e.rates) or None, "successor": e.successor,
                 "shown": e.shown, "reference": e.reference, "secondary": e.secondary, "assumption": e.assumption, "note": e.note, "added": e.added.isoformat()}
                for e in entries
            ],
        })
    if args.format == "json":
        print(to_json(out if not args.name else out[0]))
        return EXIT_OK
    for item in out:
        print(f"{item['name']} ({UNIT_TEXT.get(str(item['unit']), item['unit'])}): {item['description']}")
        for value in item["values"]:  # type: ignore[attr-defined]
            flags = ", ".join(flag for flag, on_ in (("sekundær kilde", value["secondary"]), ("antagelse", value["assumption"])) if on_)
            shown = value["shown"] or "(ingen værdi)"
            print(f"  fra {value['date']}: {shown}{f' [{flags}]' if flags else ''}")
            print(f"    kilde: {value['reference']}")
            if args.name:
                print(textwrap.fill(value["note"], width=110, initial_indent="    ", subsequent_indent="    "))
        print()
    return EXIT_OK


def _portfolio(args: argparse.Namespace) -> int:
    """Every case of a portfolio computed together (one process, or Dask), as a table, JSON or CSV, and a workbook."""
    from xlmodel.portfolio import run_portfolio, run_portfolio_dask, text_progress

    if not args.cases and not args.generate:
        raise XlmodelError("CASES", "angiv case-filer eller mapper, eller --generate N")
    options = {"generate": args.generate, "draws": args.draws, "seed": args.seed, "chunk": args.chunk}
    show = text_progress("xlmodel portfolio") if args.progress or args.dask is not None else None
    if args.dask is not None:
        result = run_portfolio_dask(portfolio_sources(args.cases), address=args.dask or None, workers=args.workers, progress=show, **options)
    else:
        result = run_portfolio(portfolio_sources(args.cases), progress=show, **options)
    if args.output:
        from workbooks.portfolio_book import write_portfolio_workbook  # the workbook layer loads only when asked for

        write_portfolio_workbook(result, Path(args.output))
    print(portfolio_text(result, args.format), end="")
    for name, message in result.errors:
        print(f"xlmodel: fejl i {name}: {message}", file=sys.stderr)
    return EXIT_OK if result.cases else EXIT_BAD_INPUT



TAX_LABELS = {"kommuneskat": "Kommuneskat", "udligning": "Udligning (udligningsloven § 2)", "kommune": "Kommunen i alt", "bundskat": "Bundskat", "am_bidrag": "AM-bidrag", "stat": "Staten i alt"}


def _tax(args: argparse.Namespace) -> int:
    """The public purse's gain of one person-year in a job instead of on a benefit: kommune and stat."""
    from xlmodel.public_purse import PARTS, tax_gain_of

    gain, rates = tax_gain_of(args.income, args.benefit, args.year, args.kommune_type, args.kommune_rate)
    figures = {part: float(gain.part(part)) for part in PARTS}
    if args.format == "json":
        print(to_json({"year": rates.year, "income": args.income, "benefit": args.benefit, "kommune_type": rates.kommune_type,
                       "kommune_rate": rates.kommune_rate, "udligning_share": rates.udligning_share, **figures, "assumptions": list(rates.assumptions)}))
        return EXIT_OK
    print(f"Skat og udligning pr. helårsperson i job i stedet for på ydelse, {rates.year}")
    print(f"Løn {format_kr(args.income)} kr., ydelse {format_kr(args.benefit)} kr.; kommunetype {rates.kommune_type} "
          f"(udligningen tager {format_share(rates.udligning_share, 0)} × gennemsnitsskatten af ændringen i beskatningsgrundlaget), kommuneskat {format_share(rates.kommune_rate, 3)}")
    for part in PARTS:
        print(f"  {TAX_LABELS[part]:<34}{format_kr(figures[part]):>12} kr.")
    if rates.assumptions:
        print(f"ANTAGELSE: disse satser er ført frem fra et tidligere år eller er antagelser: {', '.join(rates.assumptions)} (se xlmodel parameters NAVN)")
    return EXIT_OK


def register(commands: Subcommands) -> None:
    """Add ``report``, ``parameters`` and ``portfolio``."""
    report = commands.add_parser("report", help="beregn en eller flere cases og vis resultatet")
    report.add_argument("cases", nargs="+", metavar="CASE.toml|BOOK.xlsx", help="case-fil(er) i TOML eller regneark bygget af xlmodel")
    report.add_argument("--format", choices=("table", "json", "csv"), default="table", help="udskriftsformat (standard: table)")
    report.set_defaults(run=_report)

    params = commands.add_parser("parameters", help="vis satser og regler (refusion, ydelser) med værdier og kilder")
    params.add_argument("name", nargs="?", metavar="NAME", help="én parameter, fx kontanthjaelp.over_30_andre (alle værdier og noter)")
    params.add_argument("--date", metavar="YYYY-MM-DD", help="kun værdien på denne dato")
    params.add_argument("--format", choices=("table", "json"), default="table")
    params.set_defaults(run=_parameters)

    portfolio = commands.add_parser("portfolio", help="beregn en portefølje af cases samlet (pr. år og betaler, NPV, Monte Carlo), evt. på Dask")
    portfolio.add_argument("cases", nargs="*", metavar="CASES", help="case-filer, regneark og/eller mapper med *.toml og *.xlsx")
    portfolio.add_argument("--generate", type=whole_number(0), default=0, metavar="N", help="læg N syntetiske cases til (benchmark af en national portefølje)")
    portfolio.add_argument("--draws", type=whole_number(10, 1_000_000), default=1000, help="Monte Carlo-træk (standard: 1000)")
    portfolio.add_argument("--seed", type=whole_number(0), default=20261124, help="porteføljens seed (standard: 20261124)")
    portfolio.add_argument("--format", choices=("table", "json", "csv"), default="table")
    portfolio.add_argument("-o", "--output", metavar="BOOK.xlsx", help="skriv også et porteføljeregneark med diagrammer")
    portfolio.add_argument("--dask", nargs="?", const="", metavar="ADDRESS", help="kør på Dask: uden adresse en LocalCluster her, ellers schedulerens adresse (tcp://...)")
    portfolio.add_argument("--workers", type=whole_number(1, 256), help="antal processer i LocalCluster (standard: antal kerner)")
    portfolio.add_argument("--chunk", type=whole_number(1), default=250, help="cases pr. opgave (standard: 250)")
    portfolio.add_argument("--progress", action="store_true", help="vis en fremdriftslinje på stderr")
    portfolio.set_defaults(run=_portfolio)

    tax = commands.add_parser("tax", help="skat og udligning af en helårsperson i job i stedet for på ydelse: kommunen og staten")
    tax.add_argument("--income", type=float, required=True, metavar="KR", help="lønindkomst, kr. pr. år")
    tax.add_argument("--benefit", type=float, required=True, metavar="KR", help="ydelse (fx kontanthjælp), kr. pr. år")
    tax.add_argument("--year", type=int, required=True, help="året, hvis satser bruges")
    tax.add_argument("--kommune-type", choices=("normal", "svag", "rig"), default="normal", help="beskatningsgrundlag 90-125 %% (normal), under 90 %% (svag) eller over 125 %% (rig) af landsgennemsnittet")
    tax.add_argument("--kommune-rate", type=float, metavar="ANDEL", help="kommunens egen kommuneskat, fx 0.252 (standard: landsgennemsnittet)")
    tax.add_argument("--format", choices=("table", "json"), default="table")
    tax.set_defaults(run=_tax)
