"""Reports of a computed case: JSON (full precision), a Danish table for people, CSV for Excel.

Numbers in JSON and CSV are unrounded; the table rounds for display only, like Excel's ROUND,
with Danish thousands separators (1.090.000).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import textwrap
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

import pandas as pd

from xlmodel import oevo, pension, plausibility, public_purse
from xlmodel.appraisal import appraise
from xlmodel.compute import NO_FLOWS, CaseResult
from xlmodel.errors import XlmodelError
from xlmodel.evidence import compare_evidence
from xlmodel.followup import FollowUp, follow_up
from xlmodel.model import Case
from xlmodel.parameters import UNIT_TEXT, Segment
from xlmodel.published import Comparison, compare
from xlmodel.risk import simulate
from xlmodel.rounding import format_kr, format_share
from xlmodel.validate import month_text

#: The budget per year's columns, in the order of the report (and the keys of its JSON).
BUDGET_COLUMNS = ("costs", "cohort_savings", "direct_savings", "savings", "net", "cumulative", "person_years")
#: Their Danish labels, from report_labels.toml beside this module.
_BUDGET_TEXT = tomllib.loads(resources.files("xlmodel").joinpath("report_labels.toml").read_text(encoding="utf-8"))["budget"]
BUDGET_LABELS: dict[str, str] = {column: _BUDGET_TEXT[column] for column in BUDGET_COLUMNS}


def report_dict(result: CaseResult, comparison: Comparison | None = None) -> dict[str, Any]:
    """Everything in the report, as plain JSON-ready data (unrounded kr.).

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> result = compute_case(load_case(bundled_case("ishoej_2021.toml")))
    >>> data = report_dict(result)
    >>> data["years"][:2], data["payback_year"], data["net_gain"]
    ([2021, 2022], 2022, 12569000.0)
    """
    comparison = comparison or compare(result)
    case = result.case
    yearly = result.yearly
    tax = public_purse.case_tax(result) if public_purse.opts_in(case) else None  # once, for by_payer and public_purse
    return {
        "case": {
            "title": case.title,
            "municipality": case.municipality,
            "first_year": case.first_year,
            "last_year": case.last_year,
            "source": case.source,
            "notes": case.notes,
            "purpose": case.purpose,
        },
        "years": result.years.tolist(),
        **{column: yearly[column].tolist() for column in BUDGET_COLUMNS},
        "payback_year": result.payback_year,
        "net_gain": result.net_gain,
        "savings_cost_ratio": result.savings_cost_ratio,
        # the key figures that are null because the case has no costs and savings (not "never paid back"), and why
        "undefined": {} if result.has_flows else dict.fromkeys(("payback_year", "npv", "discounted_payback_year"), NO_FLOWS),
        "steady_state_saving": result.steady_state_saving,
        "periods": [
            {"name": p.name, "first": p.first, "last": p.last, "costs": p.costs, "savings": p.savings, "net_gain": p.net_gain}
            for p in result.periods
        ],
        "cost_lines": [
            {"label": line.label, "basis": line.basis, "payer": line.payer, "kind": line.kind, "amounts": row.tolist()}
            for line, row in zip(case.costs, result.cost_lines, strict=True)
        ],
        "savings_lines": [
            {"label": line.label, "basis": line.basis, "payer": line.payer, "amounts": row.tolist()}
            for line, row in zip(case.savings, result.savings_lines, strict=True)
        ],
        "outcomes": [
            {"id": o.id, "label": o.label, "saving": "unit_saving" if not o.split else "benefit", "benefit": o.benefit,
             "benefit_rate": dict(o.benefit_rate) if isinstance(o.benefit_rate, Mapping) else o.benefit_rate, "wage_subsidy": o.wage_subsidy,
             "avoids": o.avoids}
            for o in case.outcomes
        ],
        "by_payer": _by_payer_data(result, tax),
        "parameters": parameter_uses(result),
        "cohorts": _cohorts_data(result),
        "published": {"checked": comparison.checked, "agreed": comparison.agreed},
        "deviations": [d.to_dict() for d in comparison.deviations],
        "warnings": [doubt.to_dict() for doubt in plausibility.check(case)],
        "follow_up": _follow_up_dict(result),
        **appraisal_and_risk(result),
        **({"public_purse": _public_purse_data(result, tax)} if tax is not None else {}),
        **({"evidence": check.to_dict()} if (check := compare_evidence(case)) is not None else {}),
        **({"oevo_cap": [y.to_dict() for y in cap]} if (cap := oevo.cap_check(result)) else {}),
        **({"avoided_pension": [end.to_dict() for end in ends]} if (ends := pension.pension_ends(case)) else {}),
    }


def _by_payer_data(result: CaseResult, tax: public_purse.CaseTax | None) -> dict[str, Any]:
    """Each payer's budget; with the public purse (``tax``), the kommune's and the stat's tax and net including it."""
    found: dict[str, Any] = {}
    for payer, p in result.by_payer.items():
        found[payer] = {
            "savings": p.yearly["savings"].tolist(),
            "costs": p.yearly["costs"].tolist(),
            "net": p.yearly["net"].tolist(),
            "cumulative": p.yearly["cumulative"].tolist(),
            "payback_year": p.payback_year,
            "net_gain": p.net_gain,
        }
        if tax is not None and payer in ("kommune", "stat"):
            with_tax = public_purse.payer_with_tax(result, tax, payer)
            found[payer] |= {
                "tax": tax.part(payer).tolist(),
                "net_incl_tax": with_tax.yearly["net"].tolist(),
                "payback_year_incl_tax": with_tax.payback_year,
                "net_gain_incl_tax": with_tax.net_gain,
            }
    return found


def _public_purse_data(result: CaseResult, tax: public_purse.CaseTax) -> dict[str, Any]:
    """The tax and udligning per year, in total and per cohort × outcome (unrounded kr.)."""
    settings = result.case.public_purse
    return {
        "kommune_type": settings.kommune_type,
        "kommune_rate": settings.kommune_rate,
        **{line: tax.part(line).tolist() for line in (*public_purse.LINES, "kommune", "stat")},
        "cohorts": [{"cohort": c, "outcome": o, **{line: row[line].tolist() for line in public_purse.LINES}} for c, o, row in tax.pairs],
        "assumptions": list(tax.assumptions),
    }


def _cohorts_data(result: CaseResult) -> list[dict[str, Any]]:
    """Each cohort with its outcomes: persons, deadweight, net persons, savings (also by payer), person-years."""
    cohorts: list[dict[str, Any]] = []
    for cohort in result.case.cohorts:
        outcomes: dict[str, Any] = {}
        for outcome_id in cohort.outcomes:
            outcomes[outcome_id] = {
                "persons": cohort.outcomes[outcome_id].persons,
                "deadweight": cohort.outcomes[outcome_id].deadweight_persons(cohort.participants),
                "net_persons": cohort.net_persons(outcome_id),
                "savings": result.cohort_figure(cohort.name, outcome_id, "savings").tolist(),
                "savings_by_payer": {payer: result.cohort_figure_by_payer(cohort.name, outcome_id, payer).tolist() for payer in ("kommune", "stat")},
                "person_years": result.cohort_figure(cohort.name, outcome_id, "person_years").tolist(),
            }
        cohorts.append({
            "name": cohort.name, "participants": cohort.participants, "start": month_text(cohort.start or cohort.effect_start),
            "effect_start": month_text(cohort.effect_start), "weeks_on_benefit": cohort.weeks_on_benefit, "outcomes": outcomes,
        })
    return cohorts


def appraisal_and_risk(result: CaseResult) -> dict[str, Any]:
    """``appraisal`` (always) and ``risk`` (when the case states uncertainty), as plain JSON-ready data.

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> result = compute_case(load_case(bundled_case("ishoej_2021.toml")))
    >>> sorted(appraisal_and_risk(result)), appraisal_and_risk(result)["appraisal"]["discount_rate"]["rates"]
    (['appraisal', 'risk'], [0.035, 0.025, 0.015])
    """
    case = result.case
    a = appraise(case)
    out: dict[str, Any] = {
        "appraisal": {
            "discount_rate": {"years": list(a.rate.years), "rates": list(a.rate.rates), "flat": a.rate.flat, "source": a.rate.source,
                              "convention": "year 0 = first_year, not discounted; factor(t) = prod over s=1..t of 1/(1 + r(s))"},
            "npv": a.npv,
            "npv_by_payer": a.npv_by_payer,
            "discounted_payback_year": a.discounted_payback_year,
            "discounted_payback_by_payer": a.discounted_payback_by_payer,
            "break_even_factor": a.break_even_factor,
            "break_even_factor_npv": a.break_even_factor_npv,
            "break_even_by_payer": a.break_even_by_payer,
            "persons_needed_per_cohort": a.persons_needed,
            "internal_rate_of_return": a.internal_rate,
            "switching_values": {
                name: {"label": sv.label, "base": sv.base, "unit": sv.unit, "valid_range": [sv.valid[0], None if math.isinf(sv.valid[1]) else sv.valid[1]],
                       "factor_net_gain": sv.factor_net_gain, "value_net_gain": sv.value(sv.factor_net_gain),
                       "factor_npv": sv.factor_npv, "value_npv": sv.value(sv.factor_npv)}
                for name, sv in a.switching.items()
            },
            "tornado": [{"input": b.input, "label": b.label, "low_factor": b.low_factor, "high_factor": b.high_factor, "net_gain_low": b.low, "net_gain_high": b.high, "swing": b.swing} for b in a.tornado],
            "tornado_change": case.appraisal.tornado_change,
            "optimism_bias": a.optimism_bias,
        },
        "risk": None,
    }
    if case.uncertainty:
        r = simulate(case)
        out["risk"] = {
            "draws": r.draws, "seed": r.seed, "sampler": r.sampler, "inputs": r.inputs,
            "p_payback": r.p_payback, "p_payback_kommune": r.p_payback_kommune, "p_payback_by_payer": r.p_payback_by_payer,
            "net_gain_p10": r.net_gain_p10, "net_gain_p50": r.net_gain_p50, "net_gain_p90": r.net_gain_p90, "net_gain_mean": r.net_gain_mean,
            "npv_p10": r.npv_p10, "npv_p50": r.npv_p50, "npv_p90": r.npv_p90,
            "payback_years": r.payback_years, "cumulative_p_payback": {str(y): p for y, p in r.cumulative_p_payback.items()},
            "drivers": r.drivers,
        }
    return out


def parameter_uses(result: CaseResult) -> list[dict[str, Any]]:
    """Every parameter value the case uses: where, from/to, value, unit, source, and whether it is an
    assumption (a case's own value, or a yearly rate carried past its year because the next was not found).

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> first = parameter_uses(compute_case(load_case(bundled_case("ishoej_2021_refusion.toml"))))[0]
    >>> first["parameter"], first["from"], first["shown"]
    ('kontanthjaelp.over_30_andre', '2021-04-01', '11.698')
    """
    case = result.case
    uses = [(use.used_by, use.segment) for use in case.refusion.uses] + public_purse.parameter_segments(case)
    return [_use_dict(case, used_by, segment) for used_by, segment in uses]


def _use_dict(case: Case, used_by: str, segment: Segment) -> dict[str, Any]:
    """One parameter value a case uses, as :func:`parameter_uses` lists it."""
    parameter, entry = case.parameters.get(segment.parameter), segment.entry
    return {
        "used_by": used_by,
        "parameter": segment.parameter,
        "from": segment.start.isoformat(),
        "to": (segment.end - dt.timedelta(days=1)).isoformat(),
        "value": entry.value if not entry.rates else {"weeks": list(entry.weeks), "rates": list(entry.rates)},
        "shown": entry.shown,
        "unit": parameter.unit,
        "valid_from": entry.date.isoformat(),
        "reference": entry.reference,
        "note": entry.note,
        "secondary": entry.secondary,
        "origin": entry.origin,
        "carried_forward": segment.carried_forward,
        "assumption": segment.carried_forward or entry.origin == "case" or entry.assumption,
    }


def _follow_up_dict(result: CaseResult) -> dict[str, Any] | None:
    """The follow-up figures, when the case has targets or actuals."""
    case = result.case
    if not case.targets and not case.actuals:
        return None
    f = follow_up(result)
    return {
        "rate": f.rate,
        "expected": f.expected,
        "realised": f.realised,
        "forecast": f.forecast,
        "write_down": f.write_down,
        "total_write_down": f.total_write_down,
        "variance": f.variance,
        "realisations": [
            {"year": r.target.year, "outcome": r.target.outcome_key or None, "label": r.target.label, "measure": r.measure,
             "target": r.target_value, "actual": r.actual_value, "rate": r.rate}
            for r in f.realisations
        ],
        "ended": {str(y): n for y, n in sorted(f.ended.items())},
        "active": {str(y): n for y, n in sorted(f.active.items())},
        "source_expected": f.source_expected,
        **_decision_dict(result, f),
    }


def _decision_dict(result: CaseResult, f: FollowUp) -> dict[str, Any]:
    """A follow-up's decision: which case, its expected savings and costs per year, the realised against them,
    and where the source's own expectation differs from the decision's, the difference."""
    decision = result.case.decision
    if decision is None or f.decision_expected is None:
        return {}
    return {
        "decision": {"follows": result.case.follows, "title": decision.title, "first_year": decision.first_year, "last_year": decision.last_year,
                     "expected": f.decision_expected, "costs": f.decision_costs},
        "realised_vs_decision": f.realised_vs_decision,
        "source_vs_decision": [None if own is None or decided is None else own - decided for own, decided in zip(f.source_expected, f.decision_expected, strict=True)],
    }


def to_json(data: Any) -> str:
    """JSON that is always valid: a number that is not finite is an error, never ``NaN`` or ``Infinity``.

    >>> print(to_json({"net_gain": 5425000.0}))
    {
      "net_gain": 5425000.0
    }
    >>> to_json({"net_gain": float("nan")})
    Traceback (most recent call last):
    xlmodel.errors.XlmodelError: json: et resultat er ikke et endeligt tal; tjek input for meget store tal
    """
    try:
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
    except ValueError:
        raise XlmodelError("json", "et resultat er ikke et endeligt tal; tjek input for meget store tal") from None


def report_json(result: CaseResult) -> str:
    """:func:`report_dict` as JSON text (``xlmodel report --format json``).

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> json.loads(report_json(compute_case(load_case(bundled_case("ishoej_2021.toml")))))["payback_year"]
    2022
    """
    return to_json(report_dict(result))


#: Characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    """User text for a CSV cell: text starting with = + - @ tab or CR gets a leading apostrophe, so Excel
    and LibreOffice show it as text instead of running it (OWASP's advice). Numbers are not passed here:
    they stay numbers.

    >>> csv_text("=cmd|' /C calc'!A0"), csv_text("Hold 1"), csv_text("-4 personer")
    ("'=cmd|' /C calc'!A0", 'Hold 1', "'-4 personer")
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def report_table(result: CaseResult) -> str:
    """The report a finance person reads: years as columns, kr. with Danish separators.

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> result = compute_case(load_case(bundled_case("ishoej_2021.toml")))
    >>> print("\\n".join(report_table(result).splitlines()[4:6]))
                                    2021       2022       2023       2024       2025        2026
    Udgifter                   1.090.000  1.090.000          0          0          0           0
    """
    case = result.case
    years = [str(y) for y in result.years]
    lines = [f"{case.title} — {case.municipality} ({case.first_year}–{case.last_year})".replace(" —  (", " (")]
    if case.source:
        lines.append(f"Kilde: {case.source}")
    lines += [f"ADVARSEL: {doubt.message} (tallene nedenfor følger case-filen)" for doubt in plausibility.check(case)]
    lines += ["", "Budget pr. år (kr.; nettoresultat = besparelser − udgifter)"]
    budget = {
        BUDGET_LABELS[column]: [format_kr(x, 2 if column == "person_years" else 0) for x in result.yearly[column]]
        for column in BUDGET_LABELS
        if column != "cohort_savings" or case.cohorts
        if column != "direct_savings" or case.savings
    }
    lines.append(_frame(budget, years))
    if case.costs or case.savings:
        lines += ["", "Udgifter og direkte besparelser (kr.)"]
        rows = {f"Udgift: {line.label}": [format_kr(x) for x in row] for line, row in zip(case.costs, result.cost_lines, strict=True)}
        rows |= {f"Besparelse: {line.label}": [format_kr(x) for x in row] for line, row in zip(case.savings, result.savings_lines, strict=True)}
        lines.append(_frame(rows, years))
    if not result.cohort_rows.empty:
        lines += ["", "Besparelse pr. hold og effekt (kr.)"]
        labels = {o.id: o.label for o in case.outcomes}
        rows = {
            f"{row.cohort} · {labels[row.outcome]}": [format_kr(x) for x in savings]
            for row, savings in zip(result.cohort_rows.itertuples(), result.cohort_savings, strict=True)
        }
        lines.append(_frame(rows, years))
    lines += ["", "Nøgletal"]
    if case.has_payer_split:  # a municipal case: the kommune's own payback is the headline
        kommune = result.by_payer["kommune"]
        lines.append(f"  Kommunens tilbagebetalingstid: {payback_text(kommune.payback_year, kommune.has_flows)}; kommunens nettogevinst {format_kr(kommune.net_gain)} kr.")
        lines.append(f"  Tilbagebetalingstid, alle betalere: {payback_text(result.payback_year, result.has_flows)}")
    else:
        lines.append(f"  Tilbagebetalingstid: {payback_text(result.payback_year, result.has_flows)}")
    lines.append(f"  Nettogevinst {case.first_year}–{case.last_year}: {format_kr(result.net_gain)} kr." + ("" if result.has_flows else f" ({NO_FLOWS})"))
    for p in result.periods:
        lines.append(
            f"  {p.name} {p.first}–{p.last}: udgifter {format_kr(p.costs)} kr., besparelser {format_kr(p.savings)} kr., "
            f"nettogevinst {format_kr(p.net_gain)} kr."
        )
    if result.savings_cost_ratio is not None:
        lines.append(f"  Besparelse pr. investeret krone: {format_kr(result.savings_cost_ratio, 2)}")
    if result.steady_state_saving is not None:
        lines.append(f"  Varig årlig besparelse efter sidste tilbagefald: {format_kr(result.steady_state_saving)} kr.")
    lines += _payer_table(result, years)
    lines += _public_purse_table(result, years)
    lines += _evidence_table(result)
    lines += _oevo_table(result, years)
    lines += _pension_table(result)
    lines += _appraisal_table(result)
    lines += _parameter_table(result)
    lines += _follow_up_table(result, years)
    comparison = compare(result)
    if comparison.checked:
        lines += [
            "",
            f"Sammenligning med de offentliggjorte tal: {comparison.checked} tal kontrolleret, "
            f"{comparison.agreed} stemmer, {len(comparison.deviations)} afviger",
        ]
        for d in comparison.deviations:
            unit = "" if d.unit == 1 else f" × {format_kr(d.unit)} kr."
            difference = "" if d.difference is None else f", forskel {_number(d.difference)}{unit}"
            lines.append(f"  AFVIGELSE {d.where}: offentliggjort {_number(d.published)}, model {_number(d.model)}{difference}")
    if case.notes:
        notes = textwrap.fill(" ".join(case.notes.split()), width=100, initial_indent="  ", subsequent_indent="  ")
        lines += ["", "Forudsætninger og bemærkninger", notes]
    return "\n".join(lines) + "\n"


PURSE_LABELS = {"kommuneskat": "Kommuneskat", "udligning": "Udligning", "kommune": "Kommunen: skat efter udligning",
                "bundskat": "Bundskat", "am_bidrag": "AM-bidrag", "stat": "Staten: skat"}


def _public_purse_table(result: CaseResult, years: list[str]) -> list[str]:
    """Tax and udligning per year, and the kommune's and the stat's result including them (cases with income)."""
    if not public_purse.opts_in(result.case):
        return []
    tax = public_purse.case_tax(result)
    settings = result.case.public_purse
    rows = {label: [format_kr(x) for x in tax.part(part)] for part, label in PURSE_LABELS.items()}
    lines = ["", f"Skat og udligning (kr.; helårspersoner i job i stedet for på ydelse; kommunetype {settings.kommune_type})", _frame(rows, years)]
    for payer, name in (("kommune", "Kommunen efter skat og udligning"), ("stat", "Staten efter skat")):
        with_tax = public_purse.payer_with_tax(result, tax, payer)
        lines.append(f"  {name}: nettogevinst {format_kr(with_tax.net_gain)} kr.; tilbagebetalingstid {payback_text(with_tax.payback_year)}")
    if tax.assumptions:
        lines.append(f"  ANTAGELSE: satser ført frem fra et tidligere år: {', '.join(tax.assumptions)}")
    return lines


def _evidence_table(result: CaseResult) -> list[str]:
    """The case's assumed effect beside the Danish evidence for its intervention (cases that name one)."""
    check = compare_evidence(result.case)
    if check is None:
        return []
    e = check.evidence
    lines = ["", f"Evidens: {e.title}",
             f"  Casens antagne effekt: {format_share(check.assumed)} af deltagerne (nettopersoner ÷ deltagere)",
             f"  Dansk evidens: {format_share(e.effect)} ({e.result}; {e.population}; {e.design}, {e.horizon}); kilde: {e.source}"]
    if check.warning:
        lines.append(f"  ADVARSEL: {check.warning}")
    return lines


def _pension_table(result: CaseResult) -> list[str]:
    """When each cohort's avoided førtidspension ends, and by which rule (cases with an outcome that avoids one)."""
    ends = pension.pension_ends(result.case)
    if not ends:
        return []
    lines = ["", "Undgået førtidspension (besparelsen løber fra effektstart til folkepensionsalderen)"]
    for end in ends:
        share = "" if end.share == 1 else f" (andel {format_share(end.share)})"
        lines.append(f"  {end.cohort}: {format_kr(end.age, 0)} år ved effektstart{share}, født ca. {pension.end_text(end.birth_month)}: "
                     f"folkepensionsalder {format_kr(end.pension_age, 1).removesuffix(',0')} år, førtidspensionen ophører {pension.end_text(end.end_month)} ({end.reference})")
    lines += ["  ANTAGELSE: fødselsdatoen regnes midt i aldersåret (alderen er angivet i hele år); dødelighed, frakendelse og skat af pensionen regnes ikke med",
              "  Kommunen medfinansierer førtidspension tilkendt fra 1. juli 2014 efter refusionstrappen (finansieringsloven § 2 og § 3, stk. 1, nr. 11)"]
    return lines


def _oevo_table(result: CaseResult, years: list[str]) -> list[str]:
    """ØVO/mentor spending per full-time person against the budgetgaranti's limit (cases that tag a cost)."""
    check = oevo.cap_check(result)
    if not check:
        return []
    rows = {
        "ØVO/mentor, kommunens udgift": [format_kr(y.spending) for y in check],
        "Fuldtidspersoner på ydelse": [format_kr(y.full_time_persons, 2) for y in check],
        "Udgift pr. fuldtidsperson": ["-" if y.per_person is None else format_kr(y.per_person) for y in check],
        "Grænse pr. fuldtidsperson": ["-" if y.limit is None else format_kr(y.limit) for y in check],
    }
    lines = ["", "ØVO/mentor-grænsen i budgetgarantien (kr.; fra 2026; ingen driftsrefusion regnet)", _frame(rows, years)]
    for y in check:
        if y.over:
            per_person = "ingen fuldtidspersoner på ydelse" if y.per_person is None else f"{format_kr(y.per_person)} kr. pr. fuldtidsperson"
            lines.append(f"  ADVARSEL {y.year}: {per_person} mod grænsen {format_kr(y.limit or 0.0)} kr.: udgiften over grænsen "
                         "indgår ikke i budgetgarantiens efterregulering, hvis kommunen som helhed ligger over grænsen")
    if any(y.assumption for y in check):
        lines.append("  ANTAGELSE: grænsen er lovudkastets beløb for 2026 (det endelige beløb er ikke fundet); senere år bruger samme beløb")
    return lines


PAYER_LABELS = {"kommune": "Kommunen", "stat": "Staten", "region": "Regionen"}
PAYER_SERIES = (("savings", "besparelser"), ("costs", "udgifter"), ("net", "nettoresultat"), ("cumulative", "akkumuleret"))


def _payer_frame(payer: str, yearly: pd.DataFrame, years: list[str]) -> str:
    """One payer's savings, costs, net and cumulative per year as a table of kr."""
    return _frame({f"{PAYER_LABELS[payer]}: {label}": [format_kr(x) for x in yearly[column]] for column, label in PAYER_SERIES}, years)


def _payer_table(result: CaseResult, years: list[str]) -> list[str]:
    """A section per payer when the split matters (a gross benefit, or a line paid by another payer);
    the kommune's payback is the headline of a municipal case."""
    case = result.case
    if not case.has_payer_split:
        return []
    lines = ["", "Hvem sparer hvad (kr.; refusionstrappen fordeler bruttoydelsen mellem kommune og stat)"]
    for payer, p in result.by_payer.items():
        lines.append(_payer_frame(payer, p.yearly, years))
        payback = payback_text(p.payback_year, p.has_flows)
        lines.append(f"  {PAYER_LABELS[payer]}: tilbagebetalingstid {payback}; nettogevinst {format_kr(p.net_gain)} kr.")
    return lines


#: A key figure without costs and savings to compute it from (xlmodel.compute.NO_FLOWS).
UNDEFINED = f"— ({NO_FLOWS})"


def payback_text(year: int | None, flows: bool = True) -> str:
    """A payback year in words: the year, "—" and why for a case without costs and savings (``flows`` False),
    else that it does not pay back within the horizon.

    >>> payback_text(2018), payback_text(None, flows=False), payback_text(None)
    ('2018', '— (ingen udgifter eller besparelser i casen)', 'tjener sig ikke hjem inden for tidshorisonten')
    """
    if year is not None:
        return str(year)
    return UNDEFINED if not flows else "tjener sig ikke hjem inden for tidshorisonten"


def _kr_or_undefined(value: float | None) -> str:
    return UNDEFINED if value is None else f"{format_kr(value)} kr."


def _appraisal_table(result: CaseResult) -> list[str]:
    """What it is worth today and how sure we are, in words a committee reads."""
    data = appraisal_and_risk(result)
    a, r = data["appraisal"], data["risk"]
    rate = a["discount_rate"]
    if rate["flat"]:
        rate_text = f"{format_share(rate['rates'][0])} om året"
    else:
        rate_text = " / ".join(format_share(x) for x in rate["rates"]) + " (Finansministeriets faldende rente, år 0-35 / 36-70 / 71-)"
    lines = ["", f"Nutidsværdi og følsomhed (diskonteret med {rate_text}; første år udiskonteret)"]
    if not result.has_flows:  # a follow-up without costs and savings of its own: nothing to discount or vary
        lines.append(f"  Nutidsværdi, tilbagebetalingstid med diskontering, skifteværdier og tornado: {UNDEFINED}")
        return lines
    lines.append(f"  Nutidsværdi (NPV) af nettoresultatet: {format_kr(a['npv'])} kr." + "".join(
        f"; {PAYER_LABELS[p].lower()} {_kr_or_undefined(v)}" for p, v in a["npv_by_payer"].items() if result.case.has_payer_split))
    lines.append(f"  Tilbagebetalingstid med diskontering: {payback_text(a['discounted_payback_year'])}")
    k = a["break_even_factor"]
    if k is not None:
        lines.append(f"  Nulpunkt: casen hviler sig i sig selv, hvis holdenes nettoeffekt er {format_share(k)} af det forventede"
                     + (f" (kommunen: {format_share(a['break_even_by_payer']['kommune'])})" if result.case.has_payer_split and a["break_even_by_payer"].get("kommune") is not None else ""))
    for name, sv in a["switching_values"].items():
        factor = sv["factor_net_gain"]
        if factor is None:
            lines.append(f"  Skifteværdi, {sv['label']}: ingen inden for det gyldige område (nettogevinsten bliver ikke 0)")
        elif name == "delay_months":
            lines.append(f"  Skifteværdi, {sv['label']}: {format_kr(factor)} måneder")
        else:
            lines.append(f"  Skifteværdi, {sv['label']}: {format_share(factor)} af casens værdi ({format_kr(sv['value_net_gain'])} {sv['unit']})")
    if a["tornado"]:
        top = a["tornado"][0]
        lines.append(f"  Størst udsving ved ±{format_share(a['tornado_change'], 0)}: {top['label']} ({format_kr(top['net_gain_low'])} til {format_kr(top['net_gain_high'])} kr. i nettogevinst)")
    bias = a["optimism_bias"]
    if bias is not None:
        lines.append(
            f"  Med optimisme-korrektion (udgifter +{format_share(bias['cost_uplift'], 0)}, effekter −{format_share(bias['effect_reduction'], 0)}, "
            f"{bias['delay_months']} måneder senere): nettogevinst {format_kr(bias['net_gain'])} kr., NPV {format_kr(bias['npv'])} kr., "
            f"tilbagebetalingstid {bias['payback_year'] or 'ingen'} (uden: {format_kr(result.net_gain)} kr., {result.payback_year or 'ingen'})"
        )
    if r is not None:
        lines.append(
            f"  Sandsynlighed for at tjene sig hjem inden for tidshorisonten: {format_share(r['p_payback'])}"
            + (f" (kommunen: {format_share(r['p_payback_kommune'])})" if result.case.has_payer_split else "")
            + f"; {r['draws']:,} træk (seed {r['seed']})".replace(",", ".")
        )
        lines.append(f"  Nettogevinst P10 / P50 / P90: {format_kr(r['net_gain_p10'])} / {format_kr(r['net_gain_p50'])} / {format_kr(r['net_gain_p90'])} kr.; "
                     f"NPV P10 / P50 / P90: {format_kr(r['npv_p10'])} / {format_kr(r['npv_p50'])} / {format_kr(r['npv_p90'])} kr.")
        shown = ", ".join(f"{d['input']} {format_share(float(d['share']), 0)}" for d in r["drivers"][:3])
        lines.append(f"  Usikkerheden skyldes især: {shown}")
    return lines


def _parameter_table(result: CaseResult) -> list[str]:
    uses = parameter_uses(result)
    if not uses:
        return []
    lines = ["", "Parametre (satser og regler) og kilder"]
    for use in uses:
        flags = []
        if use["carried_forward"]:
            flags.append("ANTAGELSE: satsen for året er ikke fundet, den seneste bruges uændret")
        if use["origin"] == "case":
            flags.append(f"casens egen værdi: {use['note']}")
        elif use["assumption"] and not use["carried_forward"]:
            flags.append("ANTAGELSE: modelkonvention")
        if use["secondary"]:
            flags.append("sekundær kilde")
        flag = f" [{'; '.join(flags)}]" if flags else ""
        unit = "" if isinstance(use["value"], dict) else f" {UNIT_TEXT.get(use['unit'], use['unit'])}"
        lines.append(f"  {use['parameter']} {use['from']}–{use['to']}: {use['shown']}{unit} (gælder fra {use['valid_from']}; {use['reference']}){flag}")
    return lines


def _follow_up_table(result: CaseResult, years: list[str]) -> list[str]:
    data = _follow_up_dict(result)
    if data is None:
        return []
    blank = ""
    show = lambda values: [blank if x is None else format_kr(x) for x in values]  # noqa: E731
    decision = data.get("decision")
    rows = {
        **({"Forventet i beslutningen": show(decision["expected"])} if decision else {}),
        **({"Forventet ifølge kilden": show(data["source_expected"])} if decision and any(x is not None for x in data["source_expected"]) else {}),
        "Forventet besparelse": [format_kr(x) for x in data["expected"]],
        "Realiseret besparelse": [blank if x is None else format_kr(x) for x in data["realised"]],
        "Revideret prognose": [format_kr(x) for x in data["forecast"]],
        "Nedskrivning": [format_kr(x) for x in data["write_down"]],
        "Afvigelse (realiseret − forventet)": [blank if x is None else format_kr(x) for x in data["variance"]],
    }
    if decision:
        rows["Realiseret − beslutningen"] = show(data["realised_vs_decision"])
    title = f"Opfølgning (kr.) på beslutningen «{decision['title']}» ({decision['follows']})" if decision else "Opfølgning (kr.)"
    lines = ["", title, _frame(rows, years)]
    if decision and any(x not in (None, 0) for x in data["source_vs_decision"]):
        gaps = ", ".join(f"{y}: {format_kr(x)} kr." for y, x in zip(years, data["source_vs_decision"], strict=True) if x not in (None, 0))
        lines.append(f"  Kildens egen forventning afviger fra beslutningscasens: {gaps} (prognose og nedskrivning bygger på kildens)")
    rate = data["rate"]
    lines.append(f"  Realiseringsgrad brugt i prognosen: {blank if rate is None else format_share(rate)}")
    lines.append(f"  Nedskrivning i alt: {format_kr(data['total_write_down'])} kr.")
    measures = {"persons": "personer", "person_years": "helårspersoner", "savings": "kr."}
    for r in data["realisations"]:
        actual = "ingen indberetning" if r["actual"] is None else format_kr(r["actual"], 0 if r["measure"] != "person_years" else 2)
        rate_text = "" if r["rate"] is None else f" = {format_share(r['rate'])}"
        lines.append(f"  Måltal {r['year']} {r['label'] or r['outcome'] or ''}: {format_kr(r['target'])} {measures[r['measure']]}, faktisk {actual}{rate_text}")
    for year, persons in data["ended"].items():
        lines.append(f"  Afsluttet {year}: {format_kr(persons)} personer" + (f"; aktive: {format_kr(data['active'][year])}" if year in data["active"] else ""))
    return lines


def report_csv(result: CaseResult) -> str:
    """One wide table: section, label, cohort, outcome, then one column per year (unrounded kr.).

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> result = compute_case(load_case(bundled_case("ishoej_2021.toml")))
    >>> report_csv(result).splitlines()[0]
    'case,section,label,cohort,outcome,2021,2022,2023,2024,2025,2026'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180: a field with a line break is quoted
    writer.writerow(["case", "section", "label", "cohort", "outcome", *result.years.tolist()])
    title = csv_text(result.case.title)
    for column, label in BUDGET_LABELS.items():
        writer.writerow([title, "budget", label, "", "", *map(repr, result.yearly[column].tolist())])
    for kind, lines, matrix in (("cost", result.case.costs, result.cost_lines), ("direct_saving", result.case.savings, result.savings_lines)):
        for line, row in zip(lines, matrix, strict=True):
            writer.writerow([title, kind, csv_text(line.label), "", "", *map(repr, row.tolist())])
    for payer, p in result.by_payer.items():
        for column in ("savings", "costs", "net", "cumulative"):
            writer.writerow([title, f"payer_{payer}", column, "", "", *map(repr, p.yearly[column].tolist())])
    for measure, matrix in (("savings", result.cohort_savings), ("person_years", result.person_years)):
        for row, values in zip(result.cohort_rows.itertuples(), matrix, strict=True):
            writer.writerow([title, f"cohort_{measure}", "", csv_text(row.cohort), row.outcome, *map(repr, values.tolist())])
    return buffer.getvalue()


def _frame(rows: dict[str, list[str]], years: list[str]) -> str:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=years)
    return frame.to_string()


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        return format_kr(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def portfolio_dict(result: Any) -> dict[str, Any]:
    """A :class:`~xlmodel.portfolio.PortfolioResult` as plain JSON-ready data.

    >>> from xlmodel.bundled import bundled_case
    >>> from xlmodel.portfolio import run_portfolio
    >>> data = portfolio_dict(run_portfolio([bundled_case("ballerup_2017.toml")], draws=20))
    >>> data["years"], data["payback_year"]
    ([2017, 2018, 2019, 2020], 2018)
    """
    return {
        "years": result.years.tolist(),
        "by_payer": {p: {c: t[c].tolist() for c in ("savings", "costs", "net", "cumulative")} for p, t in result.by_payer.items()},
        "payback_year": result.payback_year,
        "payback_by_payer": result.payback_by_payer,
        "net_gain": result.net_gain,
        "npv": result.npv,
        "npv_by_payer": result.npv_by_payer,
        "discount_rate": {"years": list(result.rate.years), "rates": list(result.rate.rates), "source": result.rate.source},
        "cases": result.cases,
        "errors": [{"case": name, "error": message} for name, message in result.errors],
        "risk": result.risk,
        "seconds": result.seconds,
    }


def portfolio_text(result: Any, form: str) -> str:
    """The portfolio as a table (Danish), JSON or CSV (one row per payer, item and year; CSV-safe text).

    >>> from xlmodel.bundled import bundled_case
    >>> from xlmodel.portfolio import run_portfolio
    >>> portfolio_text(run_portfolio([bundled_case("ballerup_2017.toml")], draws=20), "table").splitlines()[0]
    'Portefølje: 1 cases (2017–2020), 0 case-filer med fejl'
    """
    if form == "json":
        return to_json(portfolio_dict(result)) + "\n"
    years = [str(int(y)) for y in result.years]
    if form == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["payer", "item", *years])
        for payer, table in result.by_payer.items():
            for column in ("savings", "costs", "net", "cumulative"):
                writer.writerow([payer, column, *map(repr, table[column].tolist())])
        return buffer.getvalue()
    lines = [f"Portefølje: {len(result.cases)} cases ({years[0] if years else ''}–{years[-1] if years else ''}), {len(result.errors)} case-filer med fejl", ""]
    for payer, table in result.by_payer.items():
        lines.append(_payer_frame(payer, table, years))
    lines += ["", "Nøgletal"]
    lines.append(f"  Tilbagebetalingstid, alle betalere: {payback_text(result.payback_year)}")
    for payer, year in result.payback_by_payer.items():
        lines.append(f"  Tilbagebetalingstid, {PAYER_LABELS[payer].lower()}: {year or 'tjener sig ikke hjem'}")
    lines.append(f"  Nettogevinst: {format_kr(result.net_gain)} kr.; nutidsværdi (NPV): {format_kr(result.npv)} kr.")
    if result.risk is not None:
        r = result.risk
        lines.append(f"  Sandsynlighed for at porteføljen tjener sig hjem: {format_share(r['p_payback'])}" + ("" if r["p_payback_kommune"] is None else f" (kommunerne: {format_share(r['p_payback_kommune'])})"))
        lines.append(f"  Nettogevinst P10 / P50 / P90: {format_kr(r['net_gain_p10'])} / {format_kr(r['net_gain_p50'])} / {format_kr(r['net_gain_p90'])} kr. ({r['draws']} træk, seed {r['seed']})")
    lines.append(f"  Beregnet på {format_kr(result.seconds, 2)} s")
    return "\n".join(lines) + "\n"
