"""How likely is it to pay back? Monte Carlo over the case's uncertain inputs (HM Treasury Green Book
A5.21–23; WSIPP's "odds that a programme at least breaks even").

Each ``[[uncertainty]]`` puts a distribution on one input, as a factor on the case's value (whole months
for ``delay_months``). Draws are stratified (scipy.stats.qmc Latin hypercube, or Sobol) under the case's
seed, mapped through each distribution's inverse CDF, truncated to the range where the case stays valid,
and evaluated all at once on the case's linear parts (:mod:`xlmodel.linear`): 10,000 draws of Ishøj take
milliseconds. Inputs are independent (the Green Book's condition for Monte Carlo).

Outputs: the probability of payback within the horizon (the net gain over the horizon ≥ 0), in total and
for the kommune; P10/P50/P90 of the net gain and the NPV; the distribution of the payback year; and which
inputs drive the variance (squared standardised regression coefficients, which sum to the share of the
variance a linear fit explains).

A degenerate distribution gives exactly the deterministic result:

>>> from xlmodel import compute_case, loads_case
>>> case = loads_case('''
... [case]
... title = "Test"
... first_year = 2021
... last_year = 2022
... [[costs]]
... label = "Coach"
... amounts = { 2021 = 100000 }
... [[savings]]
... label = "Saved"
... amounts = { 2022 = 150000 }
... [[uncertainty]]
... input = "costs"
... distribution = "fixed"
... value = 1
... source = "test"
... ''')
>>> r = simulate(case, draws=100)
>>> r.p_payback, r.net_gain_p50 == compute_case(case).net_gain
(1.0, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import stats
from scipy.stats import qmc

from xlmodel.appraisal import DiscountRate, discount_rate
from xlmodel.arithmetic import FloatArray
from xlmodel.compute import PAYBACK_TOLERANCE_KR
from xlmodel.errors import InvalidValueError
from xlmodel.evidence import EvidenceCheck, compare_evidence
from xlmodel.linear import LinearModel, Run, payback_years
from xlmodel.model import Case
from xlmodel.rounding import format_share
from xlmodel.settings import Uncertainty


def factor_names(case: Case) -> list[str]:
    """The factor name of each uncertain input (lines by their index, as :class:`LinearModel` names them).

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> factor_names(load_case(bundled_case("ishoej_2021.toml")))
    ['persons.job', 'fallbacks.job', 'costs', 'delay_months']
    """
    names = []
    for u in case.uncertainty:
        if u.input == "cost":
            names.append(f"cost.{[c.label for c in case.costs].index(str(u.item))}")
        elif u.input == "savings_line":
            names.append(f"savings_line.{[s.label for s in case.savings].index(str(u.item))}")
        else:
            names.append(u.factor_name)
    return names


def distribution(u: Uncertainty, valid: tuple[float, float], where: str) -> Callable[[FloatArray], FloatArray]:
    """The inverse CDF of ``u``, truncated to ``valid`` (normal) or checked against it (the others).

    >>> from xlmodel.settings import Uncertainty
    >>> ppf = distribution(Uncertainty("persons", "triangular", min=0.8, mode=1.0, max=1.2, source="ANTAGELSE"), (0.0, 10.0), "x")
    >>> ppf(np.array([0.0, 0.5, 1.0])).round(4).tolist()    # the minimum, the mode (symmetric), the maximum
    [0.8, 1.0, 1.2]

    scipy's distributions are called unfrozen (``stats.triang.ppf(q, c, loc, scale)``): freezing one
    builds its documentation each time, which would dominate a portfolio of thousands of cases.
    """
    lo, hi = valid
    if u.distribution == "fixed":
        value = float(u.value or 0.0)
        _inside(where, "value", value, valid)
        return lambda q: np.full(np.shape(q), value)
    if u.distribution == "normal":
        a = max(lo, u.min if u.min is not None else -math.inf)
        b = min(hi, u.max if u.max is not None else math.inf)
        mean, sd = float(u.mean or 0.0), float(u.sd or 1.0)
        if not a < b:
            raise InvalidValueError(f"{where}.min", f"intervallet er tomt inden for det gyldige område {_range(valid)}", value=[a, b])
        return lambda q: stats.truncnorm.ppf(q, (a - mean) / sd, (b - mean) / sd, loc=mean, scale=sd)
    low, high = float(u.min or 0.0), float(u.max or 0.0)
    _inside(where, "min", low, valid)
    _inside(where, "max", high, valid)
    if u.distribution == "uniform":
        return lambda q: stats.uniform.ppf(q, loc=low, scale=high - low)
    mode = float(u.mode if u.mode is not None else low)
    if u.distribution == "triangular":
        return lambda q: stats.triang.ppf(q, (mode - low) / (high - low), loc=low, scale=high - low)
    # beta-PERT with λ = 4: α = 1 + 4 (mode − min)/(max − min), β = 1 + 4 (max − mode)/(max − min)
    alpha = 1 + 4 * (mode - low) / (high - low)
    beta = 1 + 4 * (high - mode) / (high - low)
    return lambda q: stats.beta.ppf(q, alpha, beta, loc=low, scale=high - low)


def evidence_range(case: Case, valid: tuple[float, float], where: str) -> Uncertainty:
    """``distribution = "evidence"`` on the persons: uniform between the effect the Danish evidence for the
    case's intervention found (:mod:`xlmodel.evidence`) and the case's own assumption. The case's net persons
    N = G − D (persons with effect G, deadweight D) scale by g = evidence ÷ assumed at one end and by 1 at the
    other; the factor on G (deadweight stays) is f = g + (1 − g) × ΣD ÷ ΣG, kept within the ``valid`` range (no
    cohort below its deadweight, none above its participants).

    Mentor evidence 6 %; 20 participants, 3 with effect, 1 of them deadweight: assumed 2 ÷ 20 = 10 %, g = 0.6,
    f = 0.6 + 0.4 × 1/3 = 0.7333 (then 0.7333 × 3 − 1 = 1.2 net persons = 6 % of 20).

    >>> from xlmodel import loads_case
    >>> case = loads_case('''
    ... [case]
    ... title = "Mentor"
    ... first_year = 2026
    ... last_year = 2027
    ... intervention = "mentor"
    ... [[outcomes]]
    ... id = "job"
    ... unit_saving = 120000
    ... [[cohorts]]
    ... name = "H1"
    ... participants = 20
    ... effect_start = 2026-01-01
    ... outcomes = { job = { persons = 3, deadweight = 1 } }
    ... [[uncertainty]]
    ... input = "persons"
    ... distribution = "evidence"
    ... source = "evidensen for mentorstøtte"
    ... ''')
    >>> u = evidence_range(case, (1 / 3, 20 / 3), "x")
    >>> u.distribution, round(u.min, 4), u.max
    ('uniform', 0.7333, 1.0)
    """
    check = compare_evidence(case)
    if check is None:  # refused when the case is read; kept for a case made in code
        raise InvalidValueError(f"{where}.distribution", 'evidence kræver, at casen navngiver sin indsats (intervention = "mentor")')
    if check.assumed <= 0:
        raise InvalidValueError(f"{where}.distribution", "casen antager ingen effekt (ingen nettopersoner), så evidensen kan ikke skalere den")
    gross = math.fsum(co.persons for c in case.cohorts for co in c.outcomes.values())
    dead = gross - math.fsum(c.net_persons(o) for c in case.cohorts for o in c.outcomes)
    g = check.evidence.effect / check.assumed
    f = min(max(g + (1 - g) * dead / gross, valid[0]), valid[1])
    low, high = min(f, 1.0), max(f, 1.0)
    source = _evidence_source(check)
    if high - low < 1e-12:
        return Uncertainty("persons", "fixed", value=1.0, source=source)
    return Uncertainty("persons", "uniform", min=low, max=high, source=source)


def _evidence_source(check: EvidenceCheck | None) -> str:
    """Where an ``evidence`` range comes from: the evidence's title, result and source, and the case's assumption."""
    if check is None:
        return ""
    return f"evidens: {check.evidence.title}, {check.evidence.result} ({check.evidence.source}); casen antager {format_share(check.assumed)}"


def _inside(where: str, name: str, value: float, valid: tuple[float, float]) -> None:
    if not valid[0] - 1e-12 <= value <= valid[1] + 1e-12:
        raise InvalidValueError(f"{where}.{name}", f"ligger uden for det gyldige område {_range(valid)} (dødvægt ≤ personer ≤ deltagere, andele ≤ 1, beløb ≥ 0)", value=value)


def _range(valid: tuple[float, float]) -> str:
    return f"[{valid[0]:.4g}; {'∞' if math.isinf(valid[1]) else f'{valid[1]:.4g}'}]"


def sample(case: Case, model: LinearModel, draws: int, seed: int) -> dict[str, FloatArray]:
    """The factors of every draw, by factor name (a stratified sample, reproducible from ``seed``).

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> case = load_case(bundled_case("ishoej_2021.toml"))
    >>> drawn = sample(case, LinearModel.of(case), draws=100, seed=7)
    >>> sorted(drawn), drawn["costs"].shape, (drawn["costs"] == sample(case, LinearModel.of(case), 100, 7)["costs"]).all()
    (['costs', 'delay_months', 'fallbacks.job', 'persons.job'], (100,), np.True_)
    """
    names = factor_names(case)
    if not names:
        return {}
    d = len(names)
    if case.risk.sampler == "sobol":
        sampler = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(seed))
        uniforms = sampler.random(draws)
    else:
        uniforms = qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(draws)
    factors: dict[str, FloatArray] = {}
    for j, (u, name) in enumerate(zip(case.uncertainty, names, strict=True)):
        where, valid = f'uncertainty[{j}] "{u.label}"', model.valid_range(name)
        ppf = distribution(evidence_range(case, valid, where) if u.distribution == "evidence" else u, valid, where)
        values = np.asarray(ppf(uniforms[:, j]), dtype=np.float64)
        if name == "delay_months":
            values = np.floor(values + 0.5)  # effects start on the first of a month: whole months
        factors[name] = values if name not in factors else factors[name] * values
    return factors


@dataclass(frozen=True)
class Risk:
    """The Monte Carlo result of a case (all figures in kr. unless said otherwise)."""

    draws: int
    seed: int
    sampler: str
    inputs: list[dict[str, object]]
    p_payback: float
    p_payback_by_payer: dict[str, float]
    net_gain_p10: float
    net_gain_p50: float
    net_gain_p90: float
    npv_p10: float
    npv_p50: float
    npv_p90: float
    net_gain_mean: float
    payback_years: dict[str, int]  # year (or "aldrig") -> number of draws
    cumulative_p_payback: dict[int, float]  # P(payback year ≤ Y)
    drivers: list[dict[str, float | str]]
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def p_payback_kommune(self) -> float:
        return self.p_payback_by_payer["kommune"]


def simulate(case: Case, *, draws: int | None = None, seed: int | None = None, model: LinearModel | None = None) -> Risk:
    """Monte Carlo of ``case`` with its ``[risk]`` settings (``draws``/``seed`` override them): the same seed
    gives the same draws.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> r = simulate(load_case(bundled_case("ishoej_2021.toml")), draws=500)
    >>> r.draws, r.seed, 0.0 <= r.p_payback <= 1.0
    (500, 20211117, True)
    """
    model = model or LinearModel.of(case)
    n = draws or case.risk.draws
    s = case.risk.seed if seed is None else seed
    factors = sample(case, model, n, s)
    run = model.evaluate(factors, n)
    return summarise(case, run, factors, discount_rate(case), n, s)


def summarise(case: Case, run: Run, factors: dict[str, FloatArray], rate: DiscountRate, draws: int, seed: int) -> Risk:
    """Probabilities, percentiles, the payback-year distribution and the drivers of a batch of draws
    (:func:`simulate` is sample → evaluate → this).

    >>> from xlmodel import load_case
    >>> from xlmodel.appraisal import discount_rate
    >>> from xlmodel.bundled import bundled_case
    >>> case = load_case(bundled_case("ishoej_2021.toml"))
    >>> model = LinearModel.of(case)
    >>> factors = sample(case, model, 200, 7)
    >>> risk = summarise(case, model.evaluate(factors, 200), factors, discount_rate(case), 200, 7)
    >>> risk.draws, risk.net_gain_p10 <= risk.net_gain_p50 <= risk.net_gain_p90
    (200, True)
    """
    years = run.years
    net = run.net()
    net_gain = net.sum(axis=1)
    npv = rate.npv(net)
    counts, cumulative = payback_distribution(years, net)
    by_payer = {p: share_paid_back(run.net_gain_of(p)) for p in case.payers}
    inputs = [
        {"input": u.title, "factor": name, "distribution": u.distribution, "source": "; ".join(filter(None, (u.source, _evidence_source(compare_evidence(case)) if u.distribution == "evidence" else ""))),
         "min": float(factors[name].min()), "mean": float(factors[name].mean()), "max": float(factors[name].max())}
        for u, name in zip(case.uncertainty, factor_names(case), strict=True)
    ]
    return Risk(
        draws=draws,
        seed=seed,
        sampler=case.risk.sampler,
        inputs=inputs,
        p_payback=share_paid_back(net_gain),
        p_payback_by_payer=by_payer,
        net_gain_p10=percentile(net_gain, 10),
        net_gain_p50=percentile(net_gain, 50),
        net_gain_p90=percentile(net_gain, 90),
        npv_p10=percentile(npv, 10),
        npv_p50=percentile(npv, 50),
        npv_p90=percentile(npv, 90),
        net_gain_mean=float(net_gain.mean()),
        payback_years=counts,
        cumulative_p_payback=cumulative,
        drivers=drivers(factors, net_gain, case),
    )


def share_paid_back(net_gain: FloatArray) -> float:
    """The share of draws whose net gain over the horizon is ≥ 0 (within the payback tolerance).

    >>> share_paid_back(np.array([-10.0, 0.0, 5.0, 20.0]))
    0.75
    """
    return float(np.mean(net_gain >= -PAYBACK_TOLERANCE_KR))


def percentile(values: FloatArray, q: float) -> float:
    """The ``q``-th percentile of the draws (numpy's linear interpolation).

    >>> percentile(np.array([0.0, 10.0, 20.0, 30.0]), 50), round(percentile(np.array([0.0, 10.0, 20.0, 30.0]), 10), 9)
    (15.0, 3.0)
    """
    return float(np.percentile(values, q))


def payback_distribution(years: npt.NDArray[np.int64], net: FloatArray) -> tuple[dict[str, int], dict[int, float]]:
    """Draws paying back in each year (and ``aldrig``), and the probability of having paid back by each year.

    >>> payback_distribution(np.array([2021, 2022]), np.array([[-1.0, 2.0], [1.0, 1.0], [-1.0, -1.0]]))
    ({'2021': 1, '2022': 1, 'aldrig': 1}, {2021: 0.3333333333333333, 2022: 0.6666666666666666})
    """
    paybacks = payback_years(years, net)
    counts = {str(int(y)): int(np.sum(paybacks == y)) for y in years}
    counts["aldrig"] = int(np.sum(paybacks < 0))
    cumulative = {int(y): float(np.mean((paybacks >= 0) & (paybacks <= y))) for y in years}
    return counts, cumulative


def drivers(factors: dict[str, FloatArray], outcome: npt.NDArray[np.float64], case: Case) -> list[dict[str, float | str]]:
    """Each input's squared standardised regression coefficient (its share of the variance, for a
    near-linear model), largest first; inputs that do not vary get 0.

    An outcome driven by one input alone: that input carries the whole variance.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> case = load_case(bundled_case("ishoej_2021.toml"))
    >>> x = np.linspace(0.8, 1.2, 50)
    >>> found = drivers({"persons.job": x, "costs": np.ones(50), "fallbacks.job": np.ones(50), "delay_months": np.zeros(50)}, 3 * x, case)
    >>> [(d["input"], round(float(d["share"]), 6)) for d in found][:2]
    [('Personer med effekt (job)', 1.0), ('Udgifter i alt', 0.0)]
    """
    names = [n for n in factors if np.std(factors[n]) > 0]
    if not names or np.std(outcome) == 0:
        return [{"input": n, "src": 0.0, "share": 0.0} for n in factors]
    x = np.column_stack([(factors[n] - factors[n].mean()) / factors[n].std() for n in names])
    y = (outcome - outcome.mean()) / outcome.std()
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    labels = dict(zip(factor_names(case), (u.title for u in case.uncertainty), strict=True))
    found: list[dict[str, float | str]] = [{"input": labels.get(n, n), "src": float(c), "share": float(c * c)} for n, c in zip(names, coefficients, strict=True)]
    found += [{"input": labels.get(n, n), "src": 0.0, "share": 0.0} for n in factors if n not in names]
    return sorted(found, key=lambda d: float(d["share"]), reverse=True)


def payback_probability(savings: FloatArray, costs: FloatArray, savings_range: tuple[float, float], costs_range: tuple[float, float], draws: int, seed: int) -> float:
    """P(Σ a × savings − Σ c × costs ≥ 0) with independent triangular factors ``a`` (min, 1, max) on the
    savings and ``c`` on the costs, drawn by Latin hypercube under ``seed``: the Excel function's Monte
    Carlo, deterministic for a given seed.

    >>> payback_probability(np.array([100.0]), np.array([100.0]), (0.5, 1.5), (1.0, 1.0), 10_000, 1)  # symmetric around 0
    0.5
    """
    total_s, total_c = float(np.sum(savings)), float(np.sum(costs))
    uniforms = qmc.LatinHypercube(2, rng=np.random.default_rng(seed)).random(draws)
    factors = []
    for j, (low, high) in enumerate((savings_range, costs_range)):
        if high < low or low < 0:
            raise InvalidValueError("range", "min skal være ≥ 0 og ≤ max", value=(low, high))
        if high == low:
            factors.append(np.full(draws, low))
            continue
        mode = min(max(1.0, low), high)
        factors.append(stats.triang.ppf(uniforms[:, j], (mode - low) / (high - low), loc=low, scale=high - low))
    return share_paid_back(factors[0] * total_s - factors[1] * total_c)


__all__ = ["Risk", "distribution", "drivers", "factor_names", "payback_distribution", "payback_probability", "percentile", "sample", "share_paid_back", "simulate", "summarise"]
