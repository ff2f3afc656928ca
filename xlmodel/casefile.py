"""Case files (TOML): read, check against the JSON Schema shipped with the package, build a Case.

Every problem becomes one :class:`~xlmodel.errors.XlmodelError` whose field is the path inside
the file (``cohorts[2] "Hold 3".outcomes.job.deadweight``), never a traceback.

>>> case = parse_case({"case": {"title": "Eksempel", "first_year": 2021, "last_year": 2022}})
>>> case.years
[2021, 2022]
>>> parse_case({"case": {"title": "Eksempel", "first_year": 2021, "last_yaer": 2022}})
Traceback (most recent call last):
...
xlmodel.errors.CaseFileError: case: ukendt felt 'last_yaer' — mente du 'last_year'? (fik 'last_yaer')
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import tomllib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from xlmodel import pension
from xlmodel import validate as v
from xlmodel.errors import CaseFileError, XlmodelError
from xlmodel.fileio import dates_as_text, read_file
from xlmodel.model import (
    Actual,
    Case,
    Cohort,
    CohortOutcome,
    CostItem,
    Fallback,
    Outcome,
    SavingsLine,
    StaffCost,
    Target,
    year_shares_from_months,
)
from xlmodel.parameters import Override, Parameters
from xlmodel.published import PublishedFigure
from xlmodel.settings import DEFAULT_TORNADO_CHANGE, AppraisalSettings, OptimismBias, PublicPurseSettings, RiskSettings, Uncertainty

#: Case files larger than this are refused (a case file is a few kilobytes).
MAX_FILE_BYTES = 5_000_000
#: A case file nests tables and lists a few levels deep; deeper is refused before the schema runs.
MAX_DEPTH = 12

T = TypeVar("T")

_TYPE_NAMES = {
    "number": "et tal",
    "integer": "et helt tal",
    "string": "tekst",
    "object": "en tabel { ... }",
    "array": "en liste [ ... ]",
}


@functools.cache
def schema() -> dict[str, Any]:
    """The case-file JSON Schema (``xlmodel/schema/case.schema.json``).

    >>> schema()["required"]
    ['case']
    """
    text = resources.files("xlmodel").joinpath("schema/case.schema.json").read_text(encoding="utf-8")
    return json.loads(text)

#: At most this many follow-ups in a chain (a follow-up of a follow-up of ... a decision).
MAX_FOLLOWS = 5
#: The suffixes of a workbook a follow-up may name as its decision (``follows = "beslutning.xlsx"``).
BOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Reads the case in a workbook: the workbook layer's reader, handed in by a caller that may read books
#: (the command line, the workbook pipeline); the core itself reads case files only.
BookReader = Callable[[Path], Case]


def load_case(path: str | Path, *, read_book: BookReader | None = None) -> Case:
    """Read and validate the case file at ``path``; a missing or unreadable file is refused naming it. A
    follow-up's decision (``follows``) is a case file, or a book read by ``read_book``.

    >>> from xlmodel.bundled import bundled_case
    >>> load_case(bundled_case("silkeborg_2015.toml")).first_year
    2015
    >>> load_case("findes-ikke.toml")
    Traceback (most recent call last):
    xlmodel.errors.CaseFileError: findes-ikke.toml: filen findes ikke
    """
    return _load_following(Path(path), (), read_book)


def _load_following(file: Path, chain: tuple[Path, ...], read_book: BookReader | None) -> Case:
    """The case at ``file`` and, for a follow-up (``follows``), the decision case it follows, read relative to
    ``file``'s folder; a chain of follow-ups is read to its decision, a loop is refused. A decision in a book
    is that book's case (a book carries its own decision, so the chain ends there)."""
    data = read_file(file, CaseFileError, "en case-fil (.toml)", max_bytes=MAX_FILE_BYTES)
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Notepad's "UTF-8 with BOM") is fine
    except UnicodeDecodeError:
        raise CaseFileError(str(file), "filen er ikke UTF-8-tekst; gem den som UTF-8") from None
    case = loads_case(text, name=str(file))
    if not case.follows:
        return case
    decision_file = file.parent / case.follows
    if decision_file.resolve() in (*chain, file.resolve()):
        raise CaseFileError(f"{file}: case.follows", "casen følger sig selv (en løkke af opfølgninger); angiv beslutningscasen", value=case.follows)
    if len(chain) >= MAX_FOLLOWS:
        raise CaseFileError(f"{file}: case.follows", f"højst {MAX_FOLLOWS} opfølgninger i træk", value=case.follows)
    load: BookReader
    if decision_file.suffix.lower() in BOOK_SUFFIXES:
        if read_book is None:
            raise CaseFileError(f"{file}: case.follows", "beslutningen er et regneark; læs casen med xlmodel (report, summary, build), der kan læse regneark", value=case.follows)
        load = read_book
    else:
        load = functools.partial(_load_following, chain=(*chain, file.resolve()), read_book=read_book)
    try:
        decision = load(decision_file)
    except XlmodelError as exc:
        raise exc.within(f"{file}: case.follows") from None
    return dataclasses.replace(case, decision=decision)


def loads_case(text: str, name: str = "<tekst>") -> Case:
    """Parse TOML ``text`` into a validated Case; a bad field is refused naming it.

    >>> case = loads_case('''
    ... [case]
    ... title = "Mentorforløb"
    ... first_year = 2026
    ... last_year = 2027
    ... ''')
    >>> case.title, case.years
    ('Mentorforløb', [2026, 2027])
    >>> loads_case('''
    ... [case]
    ... title = "Mentorforløb"
    ... first_year = 2026
    ... last_year = "2027"
    ... ''')
    Traceback (most recent call last):
    xlmodel.errors.CaseFileError: case.last_year: ...
    """
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseFileError(name, f"ikke gyldig TOML: {exc}") from None
    except RecursionError:
        raise CaseFileError(name, f"ikke gyldig case-fil: tabeller eller lister er indlejret mere end {MAX_DEPTH} niveauer") from None
    depth = _depth(data)
    if depth > MAX_DEPTH:
        raise CaseFileError(name, f"ikke gyldig case-fil: tabeller eller lister er indlejret {depth} niveauer (højst {MAX_DEPTH})")
    return parse_case(data)  # a follow-up's decision is read by load_case, relative to the follow-up's file


def _depth(value: Any, level: int = 0) -> int:
    """How deeply tables and lists are nested (iteratively: a hostile file must not exhaust the stack)."""
    deepest, stack = level, [(value, level)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(item, Mapping):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]
    return deepest


def parse_case(data: Mapping[str, Any]) -> Case:
    """Build a Case from parsed TOML (a dict); dates may be ``datetime.date`` or ISO text.

    >>> parse_case({"case": {"title": "Mentorforløb", "first_year": 2026, "last_year": 2027}}).years
    [2026, 2027]
    """
    plain = dates_as_text(data)
    error = best_match(jsonschema.Draft202012Validator(schema()).iter_errors(plain))
    if error is not None:
        raise _schema_error(error, plain)
    return _build_case(plain)


def _build_case(data: Mapping[str, Any]) -> Case:
    head = data["case"]
    outcomes = tuple(_each(data, "outcomes", _outcome, "id"))
    cohorts = tuple(_each(data, "cohorts", _cohort, "name"))
    costs = tuple(_each(data, "costs", _cost_item, "label"))
    savings = tuple(_each(data, "savings", _savings_line, "label"))
    targets = tuple(_each(data, "targets", lambda t: Target(**{**t, "outcome": tuple(t["outcome"]) if isinstance(t.get("outcome"), list) else t.get("outcome")}), "year"))
    actuals = tuple(_each(data, "actuals", lambda a: Actual(**a), "year"))
    published = tuple(_each(data, "published", _figure, "figure"))
    parameters = _parameters(data, head)
    appraisal = _appraisal(data.get("appraisal", {}))
    uncertainty = tuple(_each(data, "uncertainty", lambda u: Uncertainty(**u), "input"))
    risk = _checked("risk", lambda: RiskSettings(**data.get("risk", {})))
    public_purse = _checked("public_purse", lambda: PublicPurseSettings(**data.get("public_purse", {})))
    return Case(
        title=head["title"],
        municipality=head.get("municipality", ""),
        first_year=head["first_year"],
        last_year=_last_year(head, outcomes, cohorts, parameters),
        outcomes=outcomes,
        cohorts=cohorts,
        costs=costs,
        savings=savings,
        targets=targets,
        periods={name: tuple(bounds) for name, bounds in head.get("periods", {}).items()},
        published=published,
        actuals=actuals,
        forecast_rate=data.get("followup", {}).get("forecast_rate"),
        source=head.get("source", ""),
        notes=head.get("notes", ""),
        purpose=head.get("purpose", ""),
        intervention=head.get("intervention", ""),
        follows=head.get("follows", ""),
        parameters=parameters,
        appraisal=appraisal,
        uncertainty=uncertainty,
        risk=risk,
        public_purse=public_purse,
    )


def _last_year(head: Mapping[str, Any], outcomes: tuple[Outcome, ...], cohorts: tuple[Cohort, ...], parameters: Parameters) -> Any:
    """``last_year``, where ``"pension_age"`` is the last year a cohort's avoided førtidspension runs (never
    before ``first_year``: an age past the folkepension age is then named by the cohort's own check)."""
    if head["last_year"] != "pension_age":
        return head["last_year"]
    avoiding = {o.id for o in outcomes if o.avoids}
    found = [(c.effect_start, age) for c in cohorts if avoiding & set(c.outcomes) for age, _ in pension.age_mix(c)]
    return max(head["first_year"], _checked("case", lambda: pension.last_pension_year(parameters, found)))


def _checked(where: str, build: Callable[[], T]) -> T:
    try:
        return build()
    except XlmodelError as exc:
        raise exc.within(where) from None


def _appraisal(spec: Mapping[str, Any]) -> AppraisalSettings:
    bias = spec.get("optimism_bias")
    optimism = None if bias is None else _checked("appraisal.optimism_bias", lambda: OptimismBias(**bias))
    return _checked("appraisal", lambda: AppraisalSettings(spec.get("discount_rate"), spec.get("tornado_change", DEFAULT_TORNADO_CHANGE), optimism))


def _parameters(data: Mapping[str, Any], head: Mapping[str, Any]) -> Parameters:
    """The case's view of the parameters: pinned to ``parameters_date`` and with its own overrides."""
    pinned = head.get("parameters_date")
    known_on = None if pinned is None else v.date("case.parameters_date", pinned)
    overrides = [
        Override(
            name=entry["name"],
            date=v.date(f'parameters[{i}] "{entry["name"]}".date', entry["date"]),
            note=entry["note"],
            value=entry.get("value"),
            weeks=tuple(entry.get("weeks", ())),
            rates=tuple(entry.get("rates", ())),
            reference=entry.get("reference", ""),
        )
        for i, entry in enumerate(data.get("parameters", []))
    ]
    return Parameters(tuple(overrides), known_on)


def _each(data: Mapping[str, Any], key: str, build: Callable[[dict[str, Any]], T], name_key: str) -> list[T]:
    """Build every entry of the array ``key``; errors get the entry's path and name."""
    built = []
    for i, entry in enumerate(data.get(key, [])):
        try:
            built.append(build(entry))
        except XlmodelError as exc:
            raise exc.within(_where(key, i, entry.get(name_key))) from None
    return built


def _outcome(entry: dict[str, Any]) -> Outcome:
    fallbacks = []
    for i, (share, after) in enumerate(entry.get("fallbacks", [])):
        try:
            fallbacks.append(Fallback(share, after))
        except XlmodelError as exc:
            raise exc.within(f"fallbacks[{i}]") from None
    return Outcome(
        id=entry["id"],
        unit_saving=entry.get("unit_saving"),
        label=entry.get("label", ""),
        fallbacks=tuple(fallbacks),
        fallback_month=entry.get("fallback_month"),
        benefit=entry.get("benefit"),
        benefit_rate=entry.get("benefit_rate"),
        wage_subsidy=entry.get("wage_subsidy", False),
        income=entry.get("income"),
        income_share=entry.get("income_share", 1.0),
        avoids=entry.get("avoids"),
    )


def _cohort(entry: dict[str, Any]) -> Cohort:
    outcomes = {}
    for outcome_id, spec in entry.get("outcomes", {}).items():
        try:
            outcomes[outcome_id] = CohortOutcome(**spec)
        except XlmodelError as exc:
            raise exc.within(f"outcomes.{outcome_id}") from None
    return Cohort(entry["name"], entry["participants"], entry["effect_start"], outcomes, entry.get("start"), entry.get("weeks_on_benefit"), entry.get("age"))


_STAFF_KEYS = {"fte", "hours_per_week", "annual_cost", "start", "months", "shares"}
_COST_FORMS = (
    "angiv én af: amounts = { år = kr. }; total + years = [første, sidste]; "
    "eller fte (eller hours_per_week) + annual_cost + years (eller start + months, eller shares = { år = andel })"
)


def _cost_item(entry: dict[str, Any]) -> CostItem:
    """A cost line of the case file; ``kind`` (``oevo`` or ``mentor``) tags it for the ØVO/mentor cap."""
    if "kind" in entry:
        kind = v.cost_kind("kind", entry["kind"])
        item = _cost_item({key: value for key, value in entry.items() if key != "kind"})
        return dataclasses.replace(item, kind=kind)
    keys = set(entry) - {"label", "basis", "payer"}
    label, basis, payer = entry["label"], entry.get("basis", ""), entry.get("payer", "kommune")
    if keys & _STAFF_KEYS:
        if "annual_cost" not in keys or not keys & {"fte", "hours_per_week"} or keys & {"amounts", "total"}:
            raise CaseFileError("", _COST_FORMS, value=sorted(keys))
        periods = keys & {"years", "start", "months", "shares"}
        if periods == {"years"}:
            shares: Mapping[int, float] = {y: 1.0 for y in _year_range(entry["years"])}
        elif periods == {"start", "months"}:
            shares = year_shares_from_months("period", entry["start"], entry["months"])
        elif periods == {"shares"}:
            shares = {int(year): share for year, share in entry["shares"].items()}
        else:
            raise CaseFileError("years", "en medarbejder-udgift har enten years = [første, sidste], start + months eller shares = { år = andel }", value=sorted(keys))
        staff = StaffCost(entry["annual_cost"], shares, entry.get("fte", 0.0), entry.get("hours_per_week"))
        return CostItem.from_staff(label, staff, basis, payer=payer)
    return _line(CostItem, entry, _COST_FORMS)


def _savings_line(entry: dict[str, Any]) -> SavingsLine:
    return _line(SavingsLine, entry, "angiv enten amounts = { år = kr. } eller total + years = [første, sidste]")


def _line(cls: type[T], entry: dict[str, Any], forms: str) -> T:
    keys = set(entry) - {"label", "basis", "payer"}
    payer = entry.get("payer", "kommune")
    if keys == {"amounts"}:
        return cls(entry["label"], entry["amounts"], entry.get("basis", ""), payer=payer)  # type: ignore[call-arg]
    if keys == {"total", "years"}:
        return cls.spread(entry["label"], entry["total"], _year_range(entry["years"]), entry.get("basis", ""), payer=payer)  # type: ignore[attr-defined]
    raise CaseFileError("", forms, value=sorted(keys))


def _year_range(bounds: list[int]) -> range:
    first, last = bounds
    if last < first:
        raise CaseFileError("years", "sidste år ligger før første år", value=bounds)
    return range(first, last + 1)


def _figure(entry: dict[str, Any]) -> PublishedFigure:
    spec = dict(entry)
    if "years" in spec:
        spec["years"] = tuple(spec["years"])
    return PublishedFigure(**spec)


def _where(key: str, index: int, name: Any) -> str:
    return f'{key}[{index}] "{name}"' if isinstance(name, str | int) and name != "" else f"{key}[{index}]"


def _path(error: ValidationError, data: Any) -> str:
    """``cohorts[2] "Hold 3".outcomes.job.persons`` from the error's path."""
    text = ""
    node = data
    for part in error.absolute_path:
        if isinstance(part, int):
            name = None
            if isinstance(node, list) and part < len(node) and isinstance(node[part], Mapping):
                entry = node[part]
                name = entry.get("name", entry.get("id", entry.get("label")))
            text = _where(text, part, name) if name is not None else f"{text}[{part}]"
        else:
            text = f"{text}.{part}" if text else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return text


def _schema_error(error: ValidationError, data: Any) -> CaseFileError:
    field = _path(error, data)
    instance, rule, expected = error.instance, error.validator, error.validator_value
    if rule == "required":
        missing = [key for key in expected if key not in instance]
        return CaseFileError(field or "(øverste niveau)", f"mangler feltet '{missing[0]}'")
    if rule == "additionalProperties" and isinstance(instance, Mapping):
        allowed = sorted(error.schema.get("properties", {}))
        extra = next(key for key in instance if key not in allowed)
        close = difflib.get_close_matches(extra, allowed, n=1)
        hint = f" — mente du '{close[0]}'?" if close else f"; tilladte felter: {', '.join(allowed)}"
        return CaseFileError(field or "(øverste niveau)", f"ukendt felt '{extra}'{hint}", value=extra)
    if rule == "type":
        wanted = expected if isinstance(expected, str) else expected[0]
        return CaseFileError(field, f"skal være {_TYPE_NAMES.get(wanted, wanted)}", value=instance)
    if rule == "pattern" and "[0-9]{4}-" in expected:
        return CaseFileError(field, "en dato skrives ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM, fx 2021-04-01", value=instance)
    if rule == "pattern":
        return CaseFileError(field, "et id skrives med små bogstaver, tal og _, fx job eller flexjob", value=instance)
    if rule == "propertyNames":
        return CaseFileError(field, "nøglerne i en årstabel er årstal, fx { 2021 = 1040000 }", value=instance)
    if rule in ("minimum", "maximum"):
        return CaseFileError(field, "et år ligger mellem 1900 og 2200", value=instance)
    if rule == "enum":
        return CaseFileError(field, f"skal være en af: {', '.join(map(str, expected))}", value=instance)
    if rule in ("minItems", "maxItems"):
        return CaseFileError(field, "skal være et par [a, b], fx [0.10, 2] eller [2021, 2022]", value=instance)
    if rule == "minProperties":
        return CaseFileError(field, "må ikke være tom", value=instance)
    if rule == "oneOf":
        return CaseFileError(field, "skal være et beløb eller en tabel år → beløb, fx { 2021 = 146000 }", value=instance)
    return CaseFileError(field, error.message, value=instance)
