"""Read a case back from the input cells of a workbook built by xlmodel (after a finance person
edited them in Excel). Every problem names the sheet and cell, e.g. ``Holdplan!C7: ...``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.evaluate import WorkbookError
from workbooks.followup_lines import MEASURES
from workbooks.labels import LABELS, label
from workbooks.layout import COL_DETAIL, COL_LABEL, COL_NOTE, COL_P1, COL_P2, COL_P3, COL_WEEKS, MAX_FALLBACKS, Layout
from workbooks.migrations import migrate, needs_migration
from workbooks.results import custom_properties, layout_of, sheet_titles, stored_layout
from workbooks.sheets.sensitivity import sensitivity_rate_input
from xlmodel import validate as v
from xlmodel.casefile import loads_case
from xlmodel.errors import XlmodelError
from xlmodel.model import Actual, Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome, SavingsLine, StaffCost, Target
from xlmodel.parameters import Override, Parameters
from xlmodel.published import PublishedFigure
from xlmodel.settings import DEFAULT_TORNADO_CHANGE, AppraisalSettings, OptimismBias, PublicPurseSettings, RiskSettings, Uncertainty

#: Yes and no as a user may type them in a Ja/Nej cell, in either language.
YES = {LABELS[lang]["yes"].lower() for lang in LABELS} | {"sand", "true", "1"}
NO = {LABELS[lang]["no"].lower() for lang in LABELS} | {"falsk", "false", "0"}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Reader:
    def __init__(self, wb: Workbook, layout: Layout, lang: str) -> None:
        names = sheet_titles(wb, lang)
        self.inputs: Worksheet = wb[names["inputs"]]
        self.cohorts: Worksheet = wb[names["cohorts"]]
        self.layout = layout
        self.lang = lang
        self.cohort_rows: list[int] = []  # the Holdplan row of each cohort read, in the case's order

    def value(self, ws: Worksheet, row: int, column: int) -> Any:
        return ws.cell(row=row, column=column).value

    def where(self, ws: Worksheet, row: int, column: int) -> str:
        return f"{ws.title}!{ws.cell(row=row, column=column).coordinate}"

    def checked(self, ws: Worksheet, row: int, column: int, build: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``build``; a core error gets the cell's address in front of its field."""
        try:
            return build(*args, **kwargs)
        except XlmodelError as exc:
            raise exc.within(self.where(ws, row, column)) from None

    def year_values(self, ws: Worksheet, row: int) -> dict[int, Any]:
        return {year: self.value(ws, row, self.layout.year_col(year)) for year in self.layout.years}

    def outcomes(self, benefits: dict[str, Any]) -> tuple[Outcome, ...]:
        """The outcomes; a split outcome's gross benefit comes from the book's properties (``benefits``),
        the rest of it from the input cells."""
        ws, lay = self.inputs, self.layout
        result = []
        for k, outcome_id in enumerate(lay.shape.outcomes):
            rows = lay.outcome_rows(k)
            split = benefits.get(outcome_id)
            units: Any = None
            if split is None:
                units = self.year_values(ws, rows["unit"])
                for year, amount in units.items():
                    if _blank(amount):
                        raise WorkbookError(self.where(ws, rows["unit"], lay.year_col(year)), f"enhedsbesparelsen for {outcome_id} mangler for {year}")
            fallbacks = []
            for i in range(MAX_FALLBACKS):
                row = rows[f"fallback{i + 1}"]
                share, after = self.value(ws, row, COL_P1), self.value(ws, row, COL_P2)
                if _blank(share) and _blank(after):
                    continue
                if _blank(share) or _blank(after):
                    raise WorkbookError(self.where(ws, row, COL_P1), "et tilbagefald skal have både andel og antal år")
                fallbacks.append(self.checked(ws, row, COL_P1, Fallback, share, after))
            month = self.value(ws, rows["month"], COL_P1)
            label = self.value(ws, rows["title"], COL_LABEL)
            subsidy = self.yes_no(ws, rows["subsidy"], COL_P1)
            rate = (split or {}).get("benefit_rate")
            income = (split or {}).get("income")
            result.append(
                self.checked(
                    ws, rows["unit"], COL_LABEL, Outcome, outcome_id, units, "" if _blank(label) else str(label), tuple(fallbacks), None if _blank(month) else month,
                    benefit=(split or {}).get("benefit"), benefit_rate={int(y): v for y, v in rate.items()} if isinstance(rate, dict) else rate, wage_subsidy=subsidy,
                    income={int(y): v for y, v in income.items()} if isinstance(income, dict) else income, income_share=(split or {}).get("income_share", 1.0),
                    avoids=(split or {}).get("avoids"),
                )
            )
        return tuple(result)

    def yes_no(self, ws: Worksheet, row: int, column: int) -> bool:
        """A Ja/Nej (Yes/No) input cell; blank is Nej."""
        value = self.value(ws, row, column)
        if _blank(value):
            return False
        text = str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise WorkbookError(self.where(ws, row, column), f"skriv {label(self.lang, 'yes')} eller {label(self.lang, 'no')}", value=value)

    def payer(self, ws: Worksheet, row: int) -> str:
        """The payer cell of a cost or savings line (blank = kommune)."""
        value = self.value(ws, row, COL_DETAIL)
        return "kommune" if _blank(value) else self.checked(ws, row, COL_DETAIL, v.payer, "payer", value)

    def _row_is_blank(self, ws: Worksheet, row: int, columns: list[int]) -> bool:
        return all(_blank(self.value(ws, row, c)) for c in columns)

    def costs(self) -> tuple[CostItem, ...]:
        ws, lay = self.inputs, self.layout
        items = []
        year_cols = [lay.year_col(y) for y in lay.years]
        for i in range(lay.shape.costs):
            row = lay.cost_row(i)
            label = self.value(ws, row, COL_LABEL)
            if _blank(label):
                if not self._row_is_blank(ws, row, [COL_P1, COL_P2, COL_P3, *year_cols]):
                    raise WorkbookError(self.where(ws, row, COL_LABEL), "en udgiftslinje med tal skal have et navn")
                continue
            note = self.value(ws, row, COL_NOTE)
            basis = "" if _blank(note) else str(note)
            values = {y: v for y, v in self.year_values(ws, row).items() if not _blank(v)}
            annual = self.value(ws, row, COL_P3)
            if _blank(annual):
                if not values:
                    raise WorkbookError(self.where(ws, row, COL_LABEL), "udgiftslinjen har ingen beløb")
                items.append(self.checked(ws, row, COL_LABEL, CostItem, str(label), values, basis, payer=self.payer(ws, row)))
                continue
            fte, hours = self.value(ws, row, COL_P1), self.value(ws, row, COL_P2)
            if _blank(fte) == _blank(hours):
                raise WorkbookError(self.where(ws, row, COL_P1), "personale angives med enten årsværk eller timer/uge (ikke begge, ikke ingen)")
            staff = self.checked(ws, row, COL_P1, StaffCost, annual, values, 0.0 if _blank(fte) else fte, None if _blank(hours) else hours)
            items.append(CostItem(str(label), staff.amounts(), basis, staff, payer=self.payer(ws, row)))
        return tuple(items)

    def savings(self) -> tuple[SavingsLine, ...]:
        ws, lay = self.inputs, self.layout
        lines = []
        for i in range(lay.shape.savings):
            row = lay.savings_line_row(i)
            label = self.value(ws, row, COL_LABEL)
            values = {y: v for y, v in self.year_values(ws, row).items() if not _blank(v)}
            if _blank(label):
                if values:
                    raise WorkbookError(self.where(ws, row, COL_LABEL), "en besparelseslinje med tal skal have et navn")
                continue
            note = self.value(ws, row, COL_NOTE)
            lines.append(self.checked(ws, row, COL_LABEL, SavingsLine, str(label), values, "" if _blank(note) else str(note), payer=self.payer(ws, row)))
        return tuple(lines)

    def periods(self) -> dict[str, tuple[Any, Any]]:
        ws, lay = self.inputs, self.layout
        periods = {}
        for i in range(lay.shape.periods):
            row = lay.period_row(i)
            name = self.value(ws, row, COL_LABEL)
            if not _blank(name):
                periods[str(name)] = (self.value(ws, row, COL_P1), self.value(ws, row, COL_P2))
        return periods

    def _cohort_column(self, field: str) -> int:
        """The Holdplan column of a Cohort field such as ``outcomes.job.deadweight``."""
        parts = field.split(".")
        if parts[0] == "outcomes" and len(parts) >= 2 and parts[1] in self.layout.shape.outcomes:
            persons_col, dead_col, rate_col = self.layout.cohort_outcome_cols(self.layout.shape.outcomes.index(parts[1]))
            return {"deadweight": dead_col, "deadweight_rate": rate_col}.get(parts[-1], persons_col)
        if parts[0] == "outcomes":
            return self.layout.cohort_outcome_cols(0)[0]
        if parts[0] == "age" and self.layout.shape.ages:
            return self.layout.cohort_age_cols(0)[0]
        return {"name": 1, "start": 2, "effect_start": 3, "participants": 4, "weeks_on_benefit": COL_WEEKS}.get(parts[0], 1)

    def at_cohort(self, exc: XlmodelError) -> XlmodelError:
        """A case's error about one of its cohorts (``cohorts[0] "H1".age``: checked with the whole case, such as an
        age past the folkepension age) named by the cohort's cell on Holdplan; any other error as it is."""
        found = re.fullmatch(r'cohorts\[(\d+)\] "[^"]*"\.(.+)', exc.field)
        if found is None or int(found[1]) >= len(self.cohort_rows):
            return exc
        rest = found[2]
        return type(exc)(rest, exc.problem, value=exc.value).within(self.where(self.cohorts, self.cohort_rows[int(found[1])], self._cohort_column(rest)))

    def age_mix(self, row: int) -> float | dict[Any, Any] | None:
        """A cohort's ages at the effect start (layout 9 on): one age with share 100 % is the age, more are a mix
        {age: share} (the core checks that the shares sum to 1); None without an age. An age without its share, a
        share without its age and an age given twice are named by their cell."""
        ws, found = self.cohorts, {}
        for n in range(self.layout.shape.ages):
            age_col, share_col = self.layout.cohort_age_cols(n)
            age, share = self.value(ws, row, age_col), self.value(ws, row, share_col)
            if _blank(age):
                if not _blank(share):
                    raise WorkbookError(self.where(ws, row, age_col), "en andel uden alder: skriv alderen ved effektstart, eller slet andelen")
                continue
            if _blank(share):
                raise WorkbookError(self.where(ws, row, share_col), "alderen mangler sin andel (fx 100 % for én alder, eller andele der summerer til 100 %)")
            if age in found:
                raise WorkbookError(self.where(ws, row, age_col), f"alderen {age} står to gange: læg andelene sammen på én alder")
            found[age] = share
        if not found:
            return None
        if len(found) == 1 and next(iter(found.values())) == 1:
            return next(iter(found))
        return found

    def cohort_list(self) -> tuple[Cohort, ...]:
        ws, lay = self.cohorts, self.layout
        found = []
        last_col = COL_WEEKS + 3 * len(lay.shape.outcomes) + 2 * lay.shape.ages
        for i in range(lay.shape.cohorts):
            row = lay.cohort_row(i)
            name = self.value(ws, row, 1)
            if _blank(name):
                if not self._row_is_blank(ws, row, list(range(2, last_col + 1))):
                    raise WorkbookError(self.where(ws, row, 1), "et hold med tal skal have et navn")
                continue
            outcomes = {}
            for k, outcome_id in enumerate(lay.shape.outcomes):
                persons_col, dead_col, rate_col = lay.cohort_outcome_cols(k)
                persons, dead, rate = (self.value(ws, row, c) for c in (persons_col, dead_col, rate_col))
                if _blank(persons):
                    if not (_blank(dead) and _blank(rate)):
                        raise WorkbookError(self.where(ws, row, persons_col), "dødvægt uden personer: skriv antal personer med effekten")
                    continue
                outcomes[outcome_id] = self.checked(
                    ws, row, persons_col, CohortOutcome, persons, 0.0 if _blank(dead) else dead, None if _blank(rate) else rate
                )
            effect = self.value(ws, row, 3)
            if _blank(effect):
                raise WorkbookError(self.where(ws, row, 3), "holdet mangler en effektstart (dato)")
            start = self.value(ws, row, 2)
            participants = self.value(ws, row, 4)
            weeks = self.value(ws, row, COL_WEEKS)
            age = self.age_mix(row)
            self.cohort_rows.append(row)
            try:
                found.append(Cohort(str(name), 0 if _blank(participants) else participants, effect, outcomes, None if _blank(start) else start, None if _blank(weeks) else weeks, age))
            except XlmodelError as exc:
                raise exc.within(self.where(ws, row, self._cohort_column(exc.field))) from None
        return tuple(found)


def _follow_up(reader: _Reader, wb: Workbook, lang: str) -> tuple[tuple[Target, ...], tuple[Actual, ...], Any]:
    """Targets, actuals and the forecast rate from the follow-up sheet."""
    ws, lay = wb[sheet_titles(wb, lang)["followup"]], reader.layout
    rows = lay.followup_rows()
    by_text = {text: key for key, text in MEASURES[lang].items()}
    found: dict[str, list[Any]] = {"targets": [], "actuals": []}
    for kind, first, capacity, outcome_cols in (("targets", rows["targets"], lay.shape.targets, (2, 4, 5)), ("actuals", rows["actuals"], lay.shape.actuals, (2,))):
        for i in range(capacity):
            row = first + i
            values = {y: v for y, v in reader.year_values(ws, row).items() if not _blank(v)}
            label, measure_text = reader.value(ws, row, COL_LABEL), reader.value(ws, row, 3)
            outcomes = [str(reader.value(ws, row, c)).strip() for c in outcome_cols if not _blank(reader.value(ws, row, c))]
            if not values and _blank(measure_text):
                continue
            if _blank(measure_text) or str(measure_text) not in by_text:
                raise WorkbookError(reader.where(ws, row, 3), f"vælg en enhed: {', '.join(MEASURES[lang].values())}")
            measure = by_text[str(measure_text)]
            if kind == "targets" and measure == "active":
                raise WorkbookError(reader.where(ws, row, 3), "et måltal kan ikke være aktive deltagere")
            text = "" if _blank(label) else str(label)
            for year, value in values.items():
                if kind == "targets":
                    entry = reader.checked(ws, row, lay.year_col(year), Target, year, tuple(outcomes) or None, label=text, **{measure: value})
                else:
                    entry = reader.checked(ws, row, lay.year_col(year), Actual, year, outcomes[0] if outcomes else None, label=text, **{measure: value})
                found[kind].append(entry)
    rate = reader.value(ws, rows["rate_input"], COL_P1)
    return tuple(found["targets"]), tuple(found["actuals"]), None if _blank(rate) else rate


def read_case(wb: Workbook) -> Case:
    """The case in the input cells of ``wb`` (loaded with formulas, not ``data_only``). A book of a layout
    this release no longer writes is first carried to today's in memory (:func:`workbooks.migrations.migrate`:
    ``wb`` is changed, the file is not)."""
    version, shape, _, lang = stored_layout(wb)
    if needs_migration(version):
        migrate(wb, shape, version, lang)
    layout, _, lang = layout_of(wb)
    reader = _Reader(wb, layout, lang)
    title = reader.value(reader.inputs, layout.title_row, COL_P1)
    municipality = reader.value(reader.inputs, layout.municipality_row, COL_P1)
    if _blank(title):
        raise WorkbookError(reader.where(reader.inputs, layout.title_row, COL_P1), "casen skal have en titel")
    stored = _stored(wb)
    targets, actuals, forecast_rate = _follow_up(reader, wb, lang)
    try:  # an error the case finds about one of its cohorts (an age past the folkepension age) names its Holdplan cell
        return Case(
            title=str(title),
            municipality="" if _blank(municipality) else str(municipality),
            first_year=layout.shape.first_year,
            last_year=layout.shape.last_year,
            outcomes=reader.outcomes(stored["benefits"]),
            cohorts=reader.cohort_list(),
            costs=_with_kinds(reader.costs(), stored["cost_kinds"]),
            savings=reader.savings(),
            periods=reader.periods(),
            targets=targets,
            actuals=actuals,
            forecast_rate=forecast_rate,
            published=stored["published"],
            source=stored["source"],
            notes=stored["notes"],
            purpose=stored["purpose"],
            parameters=stored["parameters"],
            appraisal=_appraisal(reader, wb, lang, stored["appraisal"]),
            uncertainty=stored["uncertainty"],
            risk=stored["risk"],
            public_purse=stored["public_purse"],
            intervention=stored["intervention"],
            follows=stored["follows"],
            decision=stored["decision"],
        )
    except XlmodelError as exc:
        raise reader.at_cohort(exc) from None


def _with_kinds(costs: tuple[CostItem, ...], kinds: dict[str, str]) -> tuple[CostItem, ...]:
    """The costs with the ØVO/mentor tags the book keeps by the cost's name (a renamed cost loses its tag:
    the guide says so)."""
    return tuple(dataclasses.replace(item, kind=kinds[item.label]) if item.label in kinds else item for item in costs)


def _decision(text: Any) -> Case | None:
    """The decision case a follow-up book carries (its case file's text), or None."""
    if not text:
        return None
    try:
        return loads_case(str(text))
    except XlmodelError as exc:
        raise exc.within("decision") from None


def _stored(wb: Workbook) -> dict[str, Any]:
    """What the book keeps in its ``xlmodel_case`` property (published figures, gross benefits, the case's
    parameters, appraisal and risk settings), each checked by the core's own value objects; a damaged or
    forged property is one clear error, never a traceback."""
    text = custom_properties(wb).get("xlmodel_case", "{}")
    try:
        extra = json.loads(text)
        if not isinstance(extra, dict):
            raise TypeError("not a table")
        appraisal = extra.get("appraisal", {})
        published = []
        for figure in extra.get("published", []):
            spec = dict(figure)
            if "values" in spec:
                spec["values"] = {int(y): v for y, v in spec["values"].items()}
            if "years" in spec:
                spec["years"] = tuple(spec["years"])
            published.append(PublishedFigure(**spec))
        return {
            "published": tuple(published),
            "benefits": dict(extra.get("benefits", {})),
            "source": extra.get("source", ""),
            "notes": extra.get("notes", ""),
            "purpose": extra.get("purpose", ""),
            "parameters": _parameters(extra.get("parameters", {})),
            "appraisal": dict(appraisal),
            "uncertainty": tuple(Uncertainty(**u) for u in appraisal.get("uncertainty", [])),
            "risk": RiskSettings(**appraisal.get("risk", {})),
            "public_purse": PublicPurseSettings(**extra.get("public_purse", {})),
            "intervention": str(extra.get("intervention", "")),
            "cost_kinds": {str(label): v.cost_kind(f"cost_kinds.{label}", kind) for label, kind in dict(extra.get("cost_kinds", {})).items()},
            "follows": str(extra.get("follows", "")),
            "decision": _decision(extra.get("decision", "")),
        }
    except XlmodelError as exc:
        raise exc.within("xlmodel_case") from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise WorkbookError("xlmodel_case", f"dokumentegenskaben er ugyldig ({type(exc).__name__}); byg arket igen med xlmodel build") from None


def _appraisal(reader: _Reader, wb: Workbook, lang: str, stored: dict[str, Any]) -> AppraisalSettings:
    """The flat discount rate from its input cell (blank or 0: Finansministeriet's curve), the rest as stored."""
    ws = wb[sheet_titles(wb, lang)["sensitivity"]]
    row = reader.layout.sens_rows["discount_input"]
    rate = sensitivity_rate_input(reader.value(ws, row, COL_P1))
    bias = stored.get("optimism_bias")
    return reader.checked(ws, row, COL_P1, AppraisalSettings, rate, stored.get("tornado_change", DEFAULT_TORNADO_CHANGE), None if bias is None else OptimismBias(**bias))


def _parameters(stored: dict[str, Any]) -> Parameters:
    """The case's parameters as the book stored them: the pinned date and the case's own values."""
    date = stored.get("date")
    overrides = tuple(
        Override(o["name"], dt.date.fromisoformat(o["date"]), o["note"], o.get("value"), tuple(o.get("weeks", ())), tuple(o.get("rates", ())), o.get("reference", ""))
        for o in stored.get("overrides", [])
    )
    return Parameters(overrides, None if date is None else dt.date.fromisoformat(date))
