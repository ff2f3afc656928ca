"""What a case says about its own appraisal and risk: the discount rate, the tornado's change, optimism
bias, and the uncertain inputs with their distributions. Validated value objects; the arithmetic is in
:mod:`xlmodel.appraisal` and :mod:`xlmodel.risk`.

>>> Uncertainty("persons", "triangular", min=0.75, mode=1.0, max=1.25, source="ANTAGELSE").factor_name
'persons'
>>> Uncertainty("persons", "triangular", min=1.2, mode=1.0, max=1.25, source="x")
Traceback (most recent call last):
...
xlmodel.errors.InvalidValueError: mode: skal ligge mellem min (1.2) og max (1.25) (fik 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xlmodel import validate as v
from xlmodel.errors import InvalidValueError

#: The inputs a distribution can be put on, as factors on the case's values (delay_months: months).
INPUTS = ("persons", "deadweight", "unit_saving", "benefit_rate", "fallbacks", "costs", "cost", "savings_line", "delay_months")
#: Inputs that name an outcome (``outcome = "job"``), and those that name a line (``item = "label"``).
OUTCOME_INPUTS = ("unit_saving", "benefit_rate", "fallbacks")
ITEM_INPUTS = ("cost", "savings_line")
DISTRIBUTIONS = {
    "triangular": ("min", "mode", "max"),
    "uniform": ("min", "max"),
    "pert": ("min", "mode", "max"),
    "normal": ("mean", "sd"),
    "fixed": ("value",),
    # the persons between the effect the Danish evidence for the case's intervention found and the case's own (xlmodel.risk.evidence_range)
    "evidence": (),
}
SAMPLERS = ("lhs", "sobol")
INPUT_TITLES = {
    "persons": "Personer med effekt", "deadweight": "Dødvægt", "unit_saving": "Enhedsbesparelse", "benefit_rate": "Bruttoydelse",
    "fallbacks": "Tilbagefald", "costs": "Udgifter i alt", "cost": "Udgift", "savings_line": "Besparelse", "delay_months": "Forsinkelse (måneder)",
}
#: The Green Book's default change for a tornado when the case does not state one.
DEFAULT_TORNADO_CHANGE = 0.2


#: The kommune's tax base against the national average: within 90–125 %, below 90 %, above 125 %.
KOMMUNE_TYPES = ("normal", "svag", "rig")

@dataclass(frozen=True)
class OptimismBias:
    """Green Book optimism bias: costs × (1 + ``cost_uplift``), cohort savings × (1 − ``effect_reduction``),
    effects ``delay_months`` later; ``source`` says where the percentages come from (or ANTAGELSE)."""

    cost_uplift: float = 0.0
    effect_reduction: float = 0.0
    delay_months: int = 0
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost_uplift", v.number("cost_uplift", self.cost_uplift, minimum=0))
        object.__setattr__(self, "effect_reduction", v.share("effect_reduction", self.effect_reduction))
        months = v.number("delay_months", self.delay_months, minimum=0)
        if months != int(months):
            raise InvalidValueError("delay_months", "skal være et helt antal måneder", value=self.delay_months)
        object.__setattr__(self, "delay_months", int(months))
        object.__setattr__(self, "source", v.text("source", self.source))


@dataclass(frozen=True)
class AppraisalSettings:
    """``discount_rate`` (a flat real rate; ``None`` = Finansministeriet's curve, parameter
    ``diskontering.rate``), the tornado's ± ``tornado_change``, and optional optimism bias."""

    discount_rate: float | None = None
    tornado_change: float = DEFAULT_TORNADO_CHANGE
    optimism_bias: OptimismBias | None = None

    def __post_init__(self) -> None:
        if self.discount_rate is not None:
            rate = v.number("discount_rate", self.discount_rate, minimum=0)
            if rate >= 1:
                raise InvalidValueError("discount_rate", f"en rente skrives som andel, fx 0.035 — mente du {rate / 100:g}?", value=rate)
            object.__setattr__(self, "discount_rate", rate)
        change = v.number("tornado_change", self.tornado_change, minimum=0)
        if not 0 < change < 1:
            raise InvalidValueError("tornado_change", "en ændring skrives som andel mellem 0 og 1, fx 0.2 for ±20 %", value=change)
        object.__setattr__(self, "tornado_change", change)


@dataclass(frozen=True)
class Uncertainty:
    """A distribution on one input, as factors on the case's value (``delay_months``: whole months).

    ``input`` is one of :data:`INPUTS`; ``outcome`` names the outcome for ``persons`` (optional),
    ``unit_saving``, ``benefit_rate`` and ``fallbacks``; ``item`` names the line for ``cost`` and
    ``savings_line``. Distributions: triangular (min, mode, max), uniform (min, max), pert (min, mode,
    max; the beta-PERT with λ = 4), normal (mean, sd; truncated to ``min``/``max`` when given and always
    to the valid range), fixed (value), evidence (``input = "persons"``: uniform between the effect the
    Danish evidence for the case's intervention found and the case's own; :func:`xlmodel.risk.evidence_range`).
    ``source`` says where the range comes from, or ANTAGELSE.
    """

    input: str
    distribution: str
    min: float | None = None
    mode: float | None = None
    max: float | None = None
    mean: float | None = None
    sd: float | None = None
    value: float | None = None
    outcome: str | None = None
    item: str | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.input not in INPUTS:
            raise InvalidValueError("input", f"skal være en af: {', '.join(INPUTS)}", value=self.input)
        if self.distribution not in DISTRIBUTIONS:
            raise InvalidValueError("distribution", f"skal være en af: {', '.join(DISTRIBUTIONS)}", value=self.distribution)
        needed = DISTRIBUTIONS[self.distribution]
        for name in ("min", "mode", "max", "mean", "sd", "value"):
            given = getattr(self, name)
            if given is None:
                if name in needed:
                    raise InvalidValueError(name, f"mangler: en {self.distribution}-fordeling har {', '.join(needed)}")
                continue
            if name not in needed and not (self.distribution == "normal" and name in ("min", "max")):
                raise InvalidValueError(name, f"hører ikke til en {self.distribution}-fordeling (den har {', '.join(needed)})", value=given)
            object.__setattr__(self, name, v.number(name, given, minimum=None if name == "mean" else 0))
        if self.min is not None and self.max is not None and self.max <= self.min:
            raise InvalidValueError("max", f"skal være større end min ({self.min:g})", value=self.max)
        if self.mode is not None and not (self.min or 0) <= self.mode <= (self.max if self.max is not None else math.inf):
            raise InvalidValueError("mode", f"skal ligge mellem min ({self.min:g}) og max ({self.max:g})", value=self.mode)
        if self.distribution == "normal" and not (self.sd or 0) > 0:
            raise InvalidValueError("sd", "en normalfordeling skal have en spredning over 0", value=self.sd)
        if self.input in OUTCOME_INPUTS and not self.outcome:
            raise InvalidValueError("outcome", f"{self.input} gælder én effekt: angiv outcome = \"job\" el.lign.")
        if self.input in ITEM_INPUTS and not self.item:
            raise InvalidValueError("item", f"{self.input} gælder én linje: angiv item = linjens label")
        if self.distribution == "evidence" and (self.input != "persons" or self.outcome is not None):
            raise InvalidValueError("input", 'evidensen gælder casens samlede effekt: input = "persons" uden outcome', value=self.label)
        if self.outcome is not None and self.input not in (*OUTCOME_INPUTS, "persons"):
            raise InvalidValueError("outcome", f"{self.input} gælder ikke én effekt", value=self.outcome)
        object.__setattr__(self, "source", v.text("source", self.source))

    @property
    def factor_name(self) -> str:
        """The name of the factor in :meth:`xlmodel.linear.LinearModel.evaluate` (lines by label; see Case)."""
        return self.input if self.outcome is None else f"{self.input}.{self.outcome}"

    @property
    def label(self) -> str:
        """A unique key of the input: ``persons.job``, ``cost: Jobcoaches``."""
        return self.factor_name if self.item is None else f"{self.input}: {self.item}"

    @property
    def title(self) -> str:
        """The input in Danish, for reports: ``Personer med effekt (job)``, ``Udgift: Jobcoaches``."""
        if self.item is not None:
            return f"{INPUT_TITLES[self.input]}: {self.item}"
        return INPUT_TITLES[self.input] + (f" ({self.outcome})" if self.outcome else "")


@dataclass(frozen=True)
class PublicPurseSettings:
    """``[public_purse]``: the kommune's place in the udligning (``normal``, ``svag``, ``rig``) and, if it is
    not the national average, its own kommuneskat rate (a share, e.g. 0.252)."""

    kommune_type: str = "normal"
    kommune_rate: float | None = None

    def __post_init__(self) -> None:
        if self.kommune_type not in KOMMUNE_TYPES:
            raise InvalidValueError("kommune_type", f"kendte: {', '.join(KOMMUNE_TYPES)} (beskatningsgrundlag 90–125 %, under 90 %, over 125 % af landsgennemsnittet)", value=self.kommune_type)
        if self.kommune_rate is not None:
            object.__setattr__(self, "kommune_rate", v.share("kommune_rate", self.kommune_rate))


@dataclass(frozen=True)
class RiskSettings:
    """How many draws, the seed (so results reproduce to the krone) and the sampler (Latin hypercube or Sobol)."""

    draws: int = 10_000
    seed: int = 20_261_124
    sampler: str = "lhs"

    def __post_init__(self) -> None:
        draws = v.whole_count("draws", self.draws)
        if not 10 <= draws <= 1_000_000:
            raise InvalidValueError("draws", "mellem 10 og 1.000.000 træk", value=draws)
        object.__setattr__(self, "draws", draws)
        object.__setattr__(self, "seed", v.whole_count("seed", self.seed))
        if self.sampler not in SAMPLERS:
            raise InvalidValueError("sampler", f"skal være en af: {', '.join(SAMPLERS)}", value=self.sampler)


def check_against(uncertainty: tuple[Uncertainty, ...], outcomes: dict[str, Any], items: dict[str, list[str]]) -> None:
    """Each uncertain input names an existing outcome or line, of the right kind, once.

    >>> check_against((Uncertainty("persons", "triangular", min=0.8, mode=1.0, max=1.2, outcome="nope", source="ANTAGELSE"),), {"job": None}, {"cost": [], "savings_line": []})
    Traceback (most recent call last):
    xlmodel.errors.InvalidValueError: uncertainty[0] "persons.nope".outcome: ukendt effekt; kendte: job (fik 'nope')
    """
    seen: set[str] = set()
    for i, u in enumerate(uncertainty):
        where = f'uncertainty[{i}] "{u.label}"'
        if u.outcome is not None:
            if u.outcome not in outcomes:
                raise InvalidValueError(f"{where}.outcome", f"ukendt effekt; kendte: {', '.join(outcomes) or 'ingen'}", value=u.outcome)
            split = outcomes[u.outcome].split
            if u.input == "unit_saving" and split:
                raise InvalidValueError(f"{where}.input", f"effekten {u.outcome} har en bruttoydelse: brug input = \"benefit_rate\"", value=u.input)
            if u.input == "benefit_rate" and not split:
                raise InvalidValueError(f"{where}.input", f"effekten {u.outcome} har en enhedsbesparelse: brug input = \"unit_saving\"", value=u.input)
            if u.input == "fallbacks" and not outcomes[u.outcome].fallbacks:
                raise InvalidValueError(f"{where}.outcome", "effekten har ingen tilbagefald at variere", value=u.outcome)
        if u.item is not None:
            labels = items["cost" if u.input == "cost" else "savings_line"]
            if u.item not in labels:
                raise InvalidValueError(f"{where}.item", f"ingen linje med den label; kendte: {', '.join(labels) or 'ingen'}", value=u.item)
        key = u.label
        if key in seen:
            raise InvalidValueError(where, "samme input har to fordelinger")
        seen.add(key)


__all__ = ["INPUTS", "AppraisalSettings", "OptimismBias", "RiskSettings", "Uncertainty", "check_against"]
