"""How much is it worth today, and how much must go right? Discounting, break-even, switching values,
a tornado and optimism bias (HM Treasury Green Book; Finansministeriet's discount rate).

**Discounting.** Year 0 is the case's first year (not discounted); a flow in year ``Y`` is multiplied by
``(1 + r)^−(Y − first_year)``. The default ``r`` is Finansministeriet's curve (parameter
``diskontering.rate``: 3.5 % in years 0–35, 2.5 % in 36–70, 1.5 % after), applied year by year:
``factor(t) = Π_{s=1..t} 1/(1 + r(s))``. A case may set one flat rate (``[appraisal] discount_rate``); then
the NPV is numpy-financial's ``npv(r, net)``, which, like this model and unlike Excel's ``NPV()``, does
not discount the first value (Excel: ``=first + NPV(r; rest)``).

**Break-even.** Savings are linear in the cohorts' net persons, so the factor ``k`` on every cohort's net
persons at which the net gain over the horizon is 0 is ``k = (costs − direct savings) / cohort savings``
(none when the cohorts save nothing); per payer with that payer's costs and savings.

**Switching values.** For each key input the value at which the net gain (and the NPV) is 0, or none
within the range where the case stays valid. Every such input is linear (:mod:`xlmodel.linear`), so two
evaluations give it exactly; the delay of the effects is searched month by month and the discount rate
at which the NPV is 0 (the internal rate of return) is found with ``scipy.optimize.brentq``.

Worked example (Silkeborg 2015, direct lines only): net gain 5,425,000; the benefits line saves 8,550,000,
so it could fall to 1 − 5,425,000/8,550,000 = 36.55 % of itself before the net gain is 0.

>>> from xlmodel import load_case
>>> from xlmodel.bundled import bundled_case
>>> a = appraise(load_case(bundled_case("silkeborg_2015.toml")))
>>> round(a.switching["savings_line.0"].factor_net_gain, 4)
0.3655
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import numpy_financial as npf
from scipy.optimize import brentq

from xlmodel.arithmetic import FloatArray
from xlmodel.compute import has_flows, payback_year
from xlmodel.errors import InvalidValueError
from xlmodel.linear import LinearModel, Run
from xlmodel.model import Case
from xlmodel.parameters import Parameters


@dataclass(frozen=True)
class DiscountRate:
    """The rate used: one flat rate, or bands of years (``years[k]`` is the first year of band ``k``)."""

    years: tuple[float, ...]
    rates: tuple[float, ...]
    source: str
    flat: bool

    def factors(self, n_years: int) -> FloatArray:
        """``factor(t)`` for t = 0 .. n_years − 1.

        >>> DiscountRate((0.0, 36.0), (0.035, 0.025), "", False).factors(3).round(6).tolist()
        [1.0, 0.966184, 0.933511]
        """
        t = np.arange(1, n_years)
        band = np.searchsorted(np.asarray(self.years), t, side="right") - 1
        rates = np.asarray(self.rates)[np.clip(band, 0, len(self.rates) - 1)]
        return np.concatenate(([1.0], np.cumprod(1.0 / (1.0 + rates))))

    def npv(self, net: FloatArray) -> FloatArray:
        """The present value of each row of ``net`` (years across, year 0 first)."""
        values = np.atleast_2d(net)
        if self.flat:
            return np.array([npf.npv(self.rates[0], row) for row in values]) if values.shape[0] <= 16 else values @ self.factors(values.shape[1])
        return values @ self.factors(values.shape[1])


def discount_rate(case: Case) -> DiscountRate:
    """The case's own flat rate, or the latest value of ``diskontering.rate`` the case knows.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> discount_rate(load_case(bundled_case("ishoej_2021.toml"))).rates    # no rate of its own: the ministry's
    (0.035, 0.025, 0.015)
    """
    if case.appraisal.discount_rate is not None:
        return DiscountRate((0.0,), (case.appraisal.discount_rate,), "case-filen ([appraisal] discount_rate)", True)
    return ministry_rate(case.parameters)


def ministry_rate(parameters: Parameters) -> DiscountRate:
    """Finansministeriets rate: the latest value of ``diskontering.rate`` the parameters know
    (3.5 % for years 0–35, 2.5 % for 36–70, 1.5 % after).

    >>> rate = ministry_rate(Parameters())
    >>> rate.years, rate.rates
    ((0.0, 36.0, 71.0), (0.035, 0.025, 0.015))
    """
    entry = parameters.get("diskontering.rate").values[-1]
    return DiscountRate(entry.years, entry.rates, entry.reference, len(set(entry.rates)) == 1)


def flat_or_ministry_rate(parameters: Parameters, rate: float | None, field_name: str = "rate") -> DiscountRate:
    """A flat real rate (a share, 0 ≤ rate < 1), or with ``None`` Finansministeriets falling rate.

    >>> flat_or_ministry_rate(Parameters(), 0.1).factors(3).round(6).tolist()    # 1, 1/1.1, 1/1.1²
    [1.0, 0.909091, 0.826446]
    >>> flat_or_ministry_rate(Parameters(), None).rates[:1]
    (0.035,)
    """
    if rate is None:
        return ministry_rate(parameters)
    if not 0 <= rate < 1:
        raise InvalidValueError(field_name, f"en rente skrives som andel, fx 0,035 (fik {rate:g})")
    return DiscountRate((0.0,), (rate,), "", True)


def switching_factor(net_gain: npt.ArrayLike, part: npt.ArrayLike) -> FloatArray:
    """The switching value (Green Book): the factor on an input at which the net gain becomes 0 when the
    input's part of it scales, ``1 − net_gain / part`` (below 0: no factor does it).

    Silkeborg 2015: net gain 5,425,000; the benefits line saves 8,550,000: 1 − 5,425,000 / 8,550,000.

    >>> switching_factor([5_425_000], [8_550_000]).round(4).tolist()
    [0.3655]
    """
    return 1.0 - np.asarray(net_gain, dtype=np.float64) / np.asarray(part, dtype=np.float64)


@dataclass(frozen=True)
class SwitchingValue:
    """Where an input makes the net gain (or the NPV) 0: as a factor on the case's value and as a value
    (``None``: not within the valid range); ``base`` is the case's value, ``unit`` its unit."""

    input: str
    label: str
    base: float
    unit: str
    valid: tuple[float, float]
    factor_net_gain: float | None
    factor_npv: float | None

    def value(self, factor: float | None) -> float | None:
        return None if factor is None else self.base * factor


@dataclass(frozen=True)
class TornadoBar:
    input: str
    label: str
    low_factor: float
    high_factor: float
    low: float
    high: float

    @property
    def swing(self) -> float:
        return abs(self.high - self.low)


@dataclass(frozen=True)
class Appraisal:
    """The deterministic appraisal of a case (see the module docstring); the NPV and discounted payback are
    ``None`` for a case (or payer) without costs and savings (:data:`xlmodel.compute.NO_FLOWS`)."""

    rate: DiscountRate
    npv: float | None
    npv_by_payer: dict[str, float | None]
    discounted_payback_year: int | None
    discounted_payback_by_payer: dict[str, int | None]
    break_even_factor: float | None
    break_even_factor_npv: float | None
    break_even_by_payer: dict[str, float | None]
    persons_needed: list[dict[str, float | str]]
    switching: dict[str, SwitchingValue]
    tornado: list[TornadoBar]
    internal_rate: float | None
    optimism_bias: dict[str, Any] | None = None
    net_gain: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)


def linear_inputs(model: LinearModel) -> list[tuple[str, str, float, str]]:
    """The key inputs (factor name, label, the case's value, unit) for switching values and the tornado.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> linear_inputs(LinearModel.of(load_case(bundled_case("ishoej_2021.toml"))))[0]
    ('unit_saving.job', 'Enhedsbesparelse, Beskæftigelse/ordinær uddannelse', 146000.0, 'kr. pr. helårsperson')
    """
    case = model.case
    found: list[tuple[str, str, float, str]] = []
    for outcome in case.outcomes:
        if not any(outcome.id in c.outcomes for c in case.cohorts):
            continue
        if outcome.split:
            step = case.refusion.benefits[outcome.id]
            average = float(step.yearly(model.years).mean())
            found.append((f"benefit_rate.{outcome.id}", f"Bruttoydelse, {outcome.label}", average, "kr. pr. år (gns.)"))
        else:
            found.append((f"unit_saving.{outcome.id}", f"Enhedsbesparelse, {outcome.label}", outcome.unit_saving_in(case.first_year), "kr. pr. helårsperson"))
        if outcome.fallbacks:
            found.append((f"fallbacks.{outcome.id}", f"Tilbagefald, {outcome.label}", math.fsum(f.share for f in outcome.fallbacks), "andel i alt"))
    if any(c.outcomes for c in case.cohorts):
        found.append(("persons", "Personer med effekt (alle hold)", math.fsum(co.persons for c in case.cohorts for co in c.outcomes.values()), "personer"))
        dead = math.fsum(co.deadweight_persons(c.participants) for c in case.cohorts for co in c.outcomes.values())
        if dead > 0:
            found.append(("deadweight", "Dødvægt (alle hold)", dead, "personer"))
    for i, line in enumerate(case.costs):
        found.append((f"cost.{i}", f"Udgift: {line.label}", line.total, "kr."))
    for i, saving in enumerate(case.savings):
        found.append((f"savings_line.{i}", f"Besparelse: {saving.label}", saving.total, "kr."))
    return found


def _root(g0: float, g1: float, valid: tuple[float, float]) -> float | None:
    """The factor where ``g0 + k (g1 − g0)`` is 0, if it lies in ``valid``."""
    if g1 == g0:
        return None
    k = float(-g0 / (g1 - g0))
    return k if valid[0] - 1e-12 <= k <= valid[1] + 1e-12 else None


def appraise(case: Case, model: LinearModel | None = None) -> Appraisal:
    """NPV, discounted payback, break-even, switching values, tornado and optimism bias of ``case``.

    Ishøj 2021 at Finansministeriet's rate: the cohorts' effect could fall to 14.8 % before the net gain is 0.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> a = appraise(load_case(bundled_case("ishoej_2021.toml")))
    >>> round(a.npv, -3), round(float(a.break_even_factor), 4)
    (11219000.0, 0.1478)
    """
    model = model or LinearModel.of(case)
    rate = discount_rate(case)
    years = model.years
    factors = rate.factors(years.size)
    base = model.evaluate({})
    net = base.net()[0]
    flows = {p: has_flows(base.costs[p][0], base.savings[p][0]) for p in case.payers}
    flows_total = has_flows(base.total_costs[0], base.total_savings[0])
    npv_total = float(rate.npv(net)[0]) if flows_total else None
    npv_by_payer = {p: float(rate.npv(base.net(p)[0])[0]) if flows[p] else None for p in case.payers}
    discounted = {p: payback_year(years, np.cumsum(base.net(p)[0] * factors)) if flows[p] else None for p in case.payers}

    gross, stat = _cohort_parts(model)
    costs = base.total_costs[0]
    direct = base.total_savings[0] - gross
    k_total = break_even(costs.sum(), direct.sum(), gross.sum())
    k_npv = break_even(float(costs @ factors), float(direct @ factors), float(gross @ factors))
    by_payer: dict[str, float | None] = {}
    for p in case.payers:
        cohort_p = {"kommune": gross - stat, "stat": stat}.get(p, np.zeros_like(gross))
        direct_p = base.savings[p][0] - cohort_p
        by_payer[p] = break_even(base.costs[p][0].sum(), direct_p.sum(), cohort_p.sum())
    persons_needed: list[dict[str, float | str]] = [
        {"cohort": c.name, "net_persons": math.fsum(c.net_persons(o) for o in c.outcomes), "needed": (k_total or 0.0) * math.fsum(c.net_persons(o) for o in c.outcomes)}
        for c in case.cohorts
    ] if k_total is not None else []

    inputs = linear_inputs(model)
    switching: dict[str, SwitchingValue] = {}
    tornado: list[TornadoBar] = []
    change = case.appraisal.tornado_change
    for name, label, value, unit in inputs:
        valid = model.valid_range(name)
        lo, hi = max(1 - change, valid[0]), min(1 + change, valid[1])
        run = model.evaluate({name: np.array([0.0, 1.0, lo, hi])})
        ng, pv = run.net_gain, rate.npv(run.net())
        switching[name] = SwitchingValue(name, label, value, unit, valid, _root(ng[0], ng[1], valid), _root(pv[0], pv[1], valid))
        tornado.append(TornadoBar(name, label, lo, hi, float(ng[2]), float(ng[3])))
    tornado.sort(key=lambda bar: bar.swing, reverse=True)
    switching["delay_months"] = _delay_switch(model, rate, flows_total)
    internal = _internal_rate(net)
    discounted_total = payback_year(years, np.cumsum(net * factors)) if flows_total else None
    appraisal = Appraisal(rate, npv_total, npv_by_payer, discounted_total, discounted,
                          k_total, k_npv, by_payer, persons_needed, switching, tornado, internal, net_gain=float(net.sum()))
    bias = case.appraisal.optimism_bias
    if bias is not None:
        adjusted = model.evaluate({"costs": 1 + bias.cost_uplift, "persons": 1 - bias.effect_reduction, "deadweight": 1 - bias.effect_reduction, "delay_months": bias.delay_months})
        object.__setattr__(appraisal, "optimism_bias", _bias_summary(bias, adjusted, rate, case))
    return appraisal


def _cohort_parts(model: LinearModel) -> tuple[FloatArray, FloatArray]:
    """The cohorts' gross savings and the stat's part, per year, at the case's values."""
    gross = np.zeros(model.years.size)
    stat = np.zeros(model.years.size)
    for parts in model.outcomes:
        gross += parts.pa - parts.pf - parts.da + parts.df
        if parts.split:
            stat += parts.spa - parts.spf - parts.sda + parts.sdf
    return gross, stat


def break_even(costs: float, direct: float, cohort: float) -> float | None:
    """``(costs − direct) / cohort``, 0 when the direct savings alone cover the costs, None without cohort savings.

    Costs 400,000, no direct savings, cohorts saving 1,600,000: a quarter of the cohorts' effect pays back.

    >>> break_even(400_000, 0, 1_600_000), break_even(400_000, 500_000, 1_600_000), break_even(400_000, 0, 0)
    (0.25, 0.0, None)
    """
    if cohort <= 0:
        return None
    return max(0.0, (costs - direct) / cohort)


def _delay_switch(model: LinearModel, rate: DiscountRate, flows: bool) -> SwitchingValue:
    """The first whole month of delay of every effect at which the net gain (and the NPV) is ≤ 0; none for a
    case without costs and savings (``flows`` False: its net gain is 0 however late, not "0 months")."""
    valid = model.valid_range("delay_months")
    if not flows:
        return SwitchingValue("delay_months", "Forsinkelse af alle effekter", 0.0, "måneder", valid, None, None)
    months = np.arange(0, int(valid[1]) + 1)
    run = model.evaluate({"delay_months": months})
    ng, pv = run.net_gain, rate.npv(run.net())
    first = lambda values: next((float(m) for m, v in zip(months, values, strict=True) if v <= 0), None)  # noqa: E731
    return SwitchingValue("delay_months", "Forsinkelse af alle effekter", 0.0, "måneder", valid, first(ng), first(pv))  # the case delays nothing


def _internal_rate(net: FloatArray) -> float | None:
    """The flat discount rate at which the NPV is 0 (the internal rate of return), with brentq, or None
    when the NPV does not change sign between 0 and 1,000 %."""
    if not np.any(net < 0) or not np.any(net > 0):
        return None
    t = np.arange(net.size)
    npv = lambda r: float(np.sum(net / (1.0 + r) ** t))  # noqa: E731
    low, high = -0.99, 10.0
    if npv(low) * npv(high) > 0:
        return None
    return float(brentq(npv, low, high, xtol=1e-12))


def _bias_summary(bias: object, run: Run, rate: DiscountRate, case: Case) -> dict[str, object]:
    years = run.years
    net = run.net()[0]
    flows = has_flows(run.total_costs[0], run.total_savings[0])
    payer_flows = {p: has_flows(run.costs[p][0], run.savings[p][0]) for p in case.payers}
    return {
        "cost_uplift": bias.cost_uplift,  # type: ignore[attr-defined]
        "effect_reduction": bias.effect_reduction,  # type: ignore[attr-defined]
        "delay_months": bias.delay_months,  # type: ignore[attr-defined]
        "source": bias.source,  # type: ignore[attr-defined]
        "net_gain": float(net.sum()),
        "npv": float(rate.npv(net)[0]) if flows else None,
        "payback_year": payback_year(years, np.cumsum(net)) if flows else None,
        "net_gain_by_payer": {p: float(run.net_gain_of(p)[0]) for p in case.payers},
        "payback_by_payer": {p: payback_year(years, np.cumsum(run.net(p)[0])) if payer_flows[p] else None for p in case.payers},
    }


__all__ = ["Appraisal", "DiscountRate", "SwitchingValue", "TornadoBar", "appraise", "break_even", "discount_rate", "linear_inputs"]
