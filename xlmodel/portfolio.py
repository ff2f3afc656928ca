"""A portfolio: every case of a municipality (or of the whole country) computed together.

Per year and payer the portfolio's savings, costs, net and cumulative are the sums over its cases (years
aligned by calendar year); its payback, net gain and NPV follow (the NPV with Finansministeriet's curve,
year 0 = the portfolio's first year). Its Monte Carlo draws every case's own uncertainty together:
draw ``i`` of the portfolio is the sum of draw ``i`` of each case, each case sampled with its own
distributions under a seed derived from the portfolio's seed, the case's seed and its position, so cases
are independent of each other and a run reproduces to the krone. Cases without uncertainty add their
deterministic result to every draw. A bad case file is listed with its error; the rest is computed.

The same run goes on Dask (``dask.distributed``; a LocalCluster in-process by default, or a scheduler's
address): chunks of cases are computed on the workers and their sums added in chunk order, so the
result equals the single-process one up to the order of floating-point additions (far below a krone).

>>> from pathlib import Path
>>> from xlmodel.bundled import bundled_case
>>> result = run_portfolio([bundled_case("ballerup_2017.toml"), Path("findes-ikke.toml")], draws=200)
>>> len(result.cases), result.errors[0][1].endswith("filen findes ikke")
(1, True)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlmodel.appraisal import DiscountRate, discount_rate
from xlmodel.arithmetic import FloatArray
from xlmodel.casefile import load_case, loads_case
from xlmodel.compute import has_flows, payback_year, payer_result
from xlmodel.errors import XlmodelError
from xlmodel.followup import status as follow_up_status
from xlmodel.linear import LinearModel
from xlmodel.model import Case
from xlmodel.parameters import Parameters
from xlmodel.risk import payback_distribution, percentile, sample, share_paid_back
from xlmodel.synthetic import synthetic_case
from xlmodel.validate import PAYERS

#: How long to wait for a Dask scheduler that does not answer.
DASK_CONNECT_SECONDS = 10
#: The portfolio's default number of draws and seed.
DEFAULT_DRAWS = 1_000
DEFAULT_SEED = 20_261_124


@dataclass(frozen=True)
class Source:
    """Where a case comes from: a case file, a synthetic case's seed (a national benchmark), or a case
    already read elsewhere (a book: its case-file ``text``, or the ``problem`` that stopped the reading)."""

    path: str | None = None
    synthetic: int | None = None
    text: str | None = None
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.path if self.path is not None else f"syntetisk:{self.synthetic}"

    def load(self) -> Case:
        if self.problem is not None:
            raise XlmodelError("", self.problem)
        if self.text is not None:
            return loads_case(self.text, name=self.name)
        return load_case(self.path) if self.path is not None else synthetic_case(int(self.synthetic or 0))


def sources_from(paths: Iterable[str | Path | Source]) -> list[Source]:
    """Case files and folders (every ``*.toml`` inside, any case of the suffix, sorted) as sources, in a
    stable order; a :class:`Source` is taken as it is.

    >>> from xlmodel.bundled import bundled
    >>> [Path(s.path).name for s in sources_from([bundled("cases")])][:2]
    ['ballerup_2017.toml', 'ballerup_2018_juni.toml']
    """
    found: list[Source] = []
    for item in paths:
        if isinstance(item, Source):
            found.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            found += [Source(str(p)) for p in sorted(path.iterdir()) if p.suffix.lower() == ".toml" and p.is_file()]
        else:
            found.append(Source(str(path)))
    return found


@dataclass
class Totals:
    """Sums over cases, keyed by calendar year: deterministic savings and costs per payer, and the
    Monte Carlo net per payer (draws × years)."""

    first_year: int
    savings: dict[str, FloatArray]
    costs: dict[str, FloatArray]
    draws_net: dict[str, FloatArray]
    cases: list[dict[str, object]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def n_years(self) -> int:
        return max((a.shape[-1] for a in (*self.savings.values(), *self.draws_net.values())), default=0)

    def add(self, other: Totals) -> Totals:
        """The sum of two totals, years aligned (``self`` first: the order of the additions is fixed)."""
        first = min(self.first_year, other.first_year) if self.n_years and other.n_years else (self.first_year if self.n_years else other.first_year)
        last = max(self.first_year + self.n_years, other.first_year + other.n_years) if self.n_years and other.n_years else first + max(self.n_years, other.n_years)
        out = Totals(first, {}, {}, {}, self.cases + other.cases, self.errors + other.errors)
        for name in ("savings", "costs", "draws_net"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for payer in sorted(set(mine) | set(theirs), key=PAYERS.index):
                parts = [(self.first_year, mine.get(payer)), (other.first_year, theirs.get(payer))]
                shape = next(a.shape[:-1] for _, a in parts if a is not None)
                total = np.zeros((*shape, last - first))
                for start, array in parts:
                    if array is not None:
                        total[..., start - first : start - first + array.shape[-1]] += array
                getattr(out, name)[payer] = total
        return out


def _seed(portfolio_seed: int, case_seed: int, index: int) -> int:
    """An independent stream for each case of the portfolio."""
    return int(np.random.SeedSequence([portfolio_seed, case_seed, index]).generate_state(1)[0])


def case_totals(source: Source, index: int, draws: int, seed: int) -> Totals:
    """One case's contribution: its deterministic result and its Monte Carlo net per payer; a case that
    cannot be read is an error line, not a stop.

    >>> from xlmodel.bundled import bundled_case
    >>> t = case_totals(Source(str(bundled_case("ballerup_2017.toml"))), 0, draws=50, seed=1)
    >>> t.first_year, t.n_years, sorted(t.savings), t.draws_net["kommune"].shape
    (2017, 4, ['kommune', 'stat'], (50, 4))
    >>> case_totals(Source("findes-ikke.toml"), 0, draws=50, seed=1).errors
    [('findes-ikke.toml', 'findes-ikke.toml: filen findes ikke')]
    """
    try:
        case = source.load()
        model = LinearModel.of(case)
        base = model.evaluate({})
        factors = sample(case, model, draws, _seed(seed, case.risk.seed, index)) if case.uncertainty else {}
        run = model.evaluate(factors, draws) if factors else None
    except XlmodelError as exc:
        return Totals(0, {}, {}, {}, [], [(source.name, str(exc))])
    savings = {p: base.savings[p][0] for p in case.payers}
    costs = {p: base.costs[p][0] for p in case.payers}
    draws_net = {p: run.net(p) if run is not None else np.broadcast_to(base.net(p), (draws, model.years.size)).copy() for p in case.payers}
    flows, kommune_flows = has_flows(base.total_costs[0], base.total_savings[0]), has_flows(base.costs["kommune"][0], base.savings["kommune"][0])
    summary = {
        "name": source.name, "title": case.title, "municipality": case.municipality, "first_year": case.first_year, "last_year": case.last_year,
        "net_gain": float(base.net_gain[0]), "npv": float(discount_rate(case).npv(base.net())[0]) if flows else None,
        "payback_year": payback_year(model.years, np.cumsum(base.net()[0])) if flows else None,
        "kommune_net_gain": float(base.net_gain_of("kommune")[0]),
        "kommune_payback_year": payback_year(model.years, np.cumsum(base.net("kommune")[0])) if kommune_flows else None,
        "p_payback": share_paid_back(run.net_gain) if run is not None else None,
        "investment": float(sum(sum(c.amounts.values()) for c in case.costs)), "follow_up": follow_up_status(case),
        "decision": case.decision.title if case.decision is not None else None,
    }
    return Totals(case.first_year, savings, costs, draws_net, [summary], [])


def chunk_totals(sources: Sequence[Source], start: int, draws: int, seed: int) -> Totals:
    """The sum of a chunk of cases (``start`` is the index of the first), added in order; years aligned.

    >>> from xlmodel.bundled import bundled_case
    >>> both = chunk_totals([Source(str(bundled_case(n))) for n in ("ballerup_2017.toml", "silkeborg_2015.toml")], 0, draws=50, seed=1)
    >>> both.first_year, both.n_years, len(both.cases)    # 2015–2020: Silkeborg's years and Ballerup's
    (2015, 6, 2)
    """
    total = Totals(0, {}, {}, {})
    for offset, source in enumerate(sources):
        total = total.add(case_totals(source, start + offset, draws, seed))
    return total


@dataclass(frozen=True)
class PortfolioResult:
    """The portfolio: per year and payer, its payback and NPV, the cases, the errors, and its Monte Carlo."""

    years: npt.NDArray[np.int64]
    by_payer: dict[str, pd.DataFrame]
    payback_year: int | None
    payback_by_payer: dict[str, int | None]
    net_gain: float
    npv: float
    npv_by_payer: dict[str, float]
    rate: DiscountRate
    cases: list[dict[str, object]]
    errors: list[tuple[str, str]]
    risk: dict[str, object] | None
    seconds: float = 0.0


def summarise(totals: Totals, draws: int, seed: int, started: float) -> PortfolioResult:
    """The portfolio's result from its totals: per year and payer, payback, net gain, NPV and the Monte Carlo.

    >>> from xlmodel.bundled import bundled_case
    >>> totals = chunk_totals([Source(str(bundled_case("ballerup_2017.toml")))], 0, draws=50, seed=1)
    >>> result = summarise(totals, draws=50, seed=1, started=time.perf_counter())
    >>> result.payback_year, result.years.tolist()
    (2018, [2017, 2018, 2019, 2020])
    """
    n = totals.n_years
    years = np.arange(totals.first_year, totals.first_year + n, dtype=np.int64)
    rate = discount_rate(_reference_case(years))
    factors = rate.factors(n)
    payers = {p: payer_result(p, years, totals.savings[p], totals.costs[p]) for p in sorted(totals.savings, key=PAYERS.index)}
    by_payer = {p: result.yearly for p, result in payers.items()}
    net_total = sum(df["net"].to_numpy() for df in by_payer.values()) if by_payer else np.zeros(n)
    risk: dict[str, object] | None = None
    if totals.draws_net and any(c.get("p_payback") is not None for c in totals.cases):
        draws_net: npt.NDArray[np.float64] = np.sum(list(totals.draws_net.values()), axis=0)
        net_gain = draws_net.sum(axis=1)
        npv = draws_net @ factors
        counts, cumulative = payback_distribution(years, draws_net)
        kommune = totals.draws_net.get("kommune")
        risk = {
            "draws": draws, "seed": seed,
            "p_payback": share_paid_back(net_gain),
            "p_payback_kommune": None if kommune is None else share_paid_back(kommune.sum(axis=1)),
            "net_gain_p10": percentile(net_gain, 10), "net_gain_p50": percentile(net_gain, 50), "net_gain_p90": percentile(net_gain, 90),
            "npv_p10": percentile(npv, 10), "npv_p50": percentile(npv, 50), "npv_p90": percentile(npv, 90),
            "payback_years": counts,
            "cumulative_p_payback": {str(y): p for y, p in cumulative.items()},
        }
    return PortfolioResult(
        years=years,
        by_payer=by_payer,
        payback_year=payback_year(years, np.cumsum(net_total)) if n else None,
        payback_by_payer={p: result.payback_year for p, result in payers.items()},
        net_gain=float(np.sum(net_total)),
        npv=float(net_total @ factors) if n else 0.0,
        npv_by_payer={p: float(df["net"].to_numpy() @ factors) for p, df in by_payer.items()},
        rate=rate,
        cases=totals.cases,
        errors=totals.errors,
        risk=risk,
        seconds=time.perf_counter() - started,
    )


def _reference_case(years: npt.NDArray[np.int64]) -> Case:
    """A stand-in case that carries the default parameters, for the portfolio's discount rate."""
    first = int(years[0]) if years.size else 2026
    return Case("portefølje", first, max(first, int(years[-1]) if years.size else first), parameters=Parameters())


def run_portfolio(paths: Iterable[str | Path | Source] = (), *, generate: int = 0, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                  chunk: int = 250, progress: Callable[[int, int], None] | None = None) -> PortfolioResult:
    """The portfolio of the case files/folders ``paths`` and ``generate`` synthetic cases, in one process.

    >>> from xlmodel.bundled import bundled_case
    >>> result = run_portfolio([bundled_case("ballerup_2017.toml")], generate=2, draws=50)
    >>> len(result.cases), result.errors
    (3, [])
    """
    started = time.perf_counter()
    sources = sources_from(paths) + [Source(synthetic=i) for i in range(generate)]
    total = Totals(0, {}, {}, {})
    chunks = list(range(0, len(sources), chunk))
    for done, start in enumerate(chunks, start=1):
        total = total.add(chunk_totals(sources[start : start + chunk], start, draws, seed))
        if progress:
            progress(done, len(chunks))
    return summarise(total, draws, seed, started)


def run_portfolio_dask(paths: Iterable[str | Path | Source] = (), *, generate: int = 0, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                       chunk: int = 250, address: str | None = None, workers: int | None = None,
                       progress: Callable[[int, int], None] | None = None) -> PortfolioResult:
    """The same portfolio on Dask: a LocalCluster in this process (``workers`` processes), or the
    scheduler at ``address``. Chunk sums are added in chunk order, as in :func:`run_portfolio`."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is an optional extra
        raise XlmodelError("--dask", "Dask er ikke installeret: pip install 'xlmodel[scale]'") from None
    started = time.perf_counter()
    sources = sources_from(paths) + [Source(synthetic=i) for i in range(generate)]
    starts = list(range(0, len(sources), chunk))
    cluster = None
    if address is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1")
    try:
        client = Client(cluster if cluster is not None else address, timeout=DASK_CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:  # nothing listens at the address, or it is not a scheduler
        if cluster is not None:
            cluster.close()
        raise XlmodelError("--dask", f"ingen Dask-scheduler svarer på {address} inden for {DASK_CONNECT_SECONDS} s ({type(exc).__name__}); tjek adressen (tcp://VÆRT:8786)") from None
    try:
        futures = [client.submit(chunk_totals, sources[s : s + chunk], s, draws, seed, pure=False) for s in starts]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Totals | None] = [None] * len(futures)
        for done, future in enumerate(as_completed(futures), start=1):
            results[index[future.key]] = future.result()
            if progress:
                progress(done, len(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    total = Totals(0, {}, {}, {})
    for part in results:
        assert part is not None
        total = total.add(part)
    return summarise(total, draws, seed, started)


def text_progress(label: str) -> Callable[[int, int], None]:
    """A progress bar on stderr (stdout stays clean for JSON and CSV).

    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     text_progress("portefølje")(1, 2)
    >>> err.getvalue()
    '\\rportefølje [###############...............] 1/2'
    """

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


__all__ = ["PortfolioResult", "Source", "Totals", "case_totals", "chunk_totals", "run_portfolio", "run_portfolio_dask", "sources_from", "text_progress"]
