"""How a case's assumed effect compares with Danish evidence for the same intervention.

A case names its intervention (``[case] intervention = "mentor"``); ``xlmodel/data/evidence.toml`` holds
the effect Danish trials and reviews found (the share of the participants that reaches job or education
because of the intervention), each with its population and source. The case's assumed effect is its net
persons (after deadweight) over all outcomes ÷ its participants. Where the assumed effect exceeds the
evidence × ``evidens.advarselsfaktor`` (default 2, an assumption), the report warns.

>>> from xlmodel import loads_case
>>> case = loads_case('''
... [case]
... title = "Mentor"
... first_year = 2026
... last_year = 2026
... intervention = "mentor"
... [[outcomes]]
... id = "job"
... unit_saving = 120000
... [[cohorts]]
... name = "H1"
... participants = 20
... effect_start = 2026-01-01
... outcomes = { job = { persons = 3, deadweight = 1 } }
... ''')
>>> check = compare_evidence(case)
>>> check.assumed, check.evidence.effect, check.warning
(0.1, 0.06, None)
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

from xlmodel.errors import InvalidValueError
from xlmodel.model import Case
from xlmodel.rounding import danish_separators, format_share


@dataclass(frozen=True)
class Evidence:
    """One intervention's Danish evidence: the effect (a share of the participants) and where it comes from."""

    key: str
    title: str
    population: str
    effect: float
    horizon: str
    result: str
    source: str
    design: str
    by_outcome: Mapping[str, float] = field(default_factory=dict)


@functools.cache
def evidence_table() -> dict[str, Evidence]:
    """Every intervention of ``xlmodel/data/evidence.toml``, by its key.

    >>> evidence_table()["mentor"].effect, dict(evidence_table()["mentor"].by_outcome)
    (0.06, {'job': 0.02, 'education': 0.04})
    """
    data = tomllib.loads(resources.files("xlmodel").joinpath("data/evidence.toml").read_text(encoding="utf-8"))
    return {key: Evidence(key=key, **spec) for key, spec in data.items()}


@dataclass(frozen=True)
class EvidenceCheck:
    """The case's assumed effect beside the evidence, the warning factor, and the warning (None: within it)."""

    evidence: Evidence
    assumed: float
    factor: float
    warning: str | None

    def to_dict(self) -> dict[str, object]:
        e = self.evidence
        return {"intervention": e.key, "title": e.title, "population": e.population, "evidence": e.effect, "by_outcome": dict(e.by_outcome),
                "horizon": e.horizon, "result": e.result, "source": e.source, "design": e.design, "assumed": self.assumed, "factor": self.factor,
                "warning": self.warning}


def compare_evidence(case: Case) -> EvidenceCheck | None:
    """The check for ``case``'s intervention (None when it names none): assumed = Σ net persons ÷ Σ participants.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> compare_evidence(load_case(bundled_case("ishoej_2021.toml"))) is None   # names no intervention
    True
    """
    if not case.intervention:
        return None
    table = evidence_table()
    if case.intervention not in table:
        raise InvalidValueError("intervention", f"kendte: {', '.join(table)}", value=case.intervention)
    evidence = table[case.intervention]
    participants = sum(c.participants for c in case.cohorts)
    net = math.fsum(c.net_persons(o) for c in case.cohorts for o in c.outcomes)
    assumed = net / participants if participants else 0.0
    factor = float(case.parameters.unpinned().value_at("evidens.advarselsfaktor", dt.date(case.first_year, 1, 1)).value or 0.0)
    warning = None
    if assumed > evidence.effect * factor + 1e-12:
        found = f"evidensen finder {format_share(evidence.effect)}" if evidence.effect > 0 else "evidensen finder ingen effekt"
        warning = (f"casen antager en effekt på {format_share(assumed)} af deltagerne ({danish_separators(f'{net:g}')} nettopersoner af {participants}); "
                   f"{found} for {evidence.title.lower()} ({evidence.population}); over {danish_separators(f'{factor:g}')} × evidensen: begrund antagelsen")
    return EvidenceCheck(evidence, assumed, factor, warning)


__all__ = ["Evidence", "EvidenceCheck", "compare_evidence", "evidence_table"]
