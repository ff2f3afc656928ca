"""The workbooks' texts are data (workbooks/labels/da.toml, en.toml): both languages have the same keys and
the same {placeholders}, and every key is shown by some book: the bundled cases and the templates in every
runtime and language, and two small cases with what no bundled case has (a gross benefit typed as a rate, a
region paying, a parameter the case sets itself, an amount typed with a thousands point, follow-ups without
a target or with a decision the book cannot read)."""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path

import pytest

import workbooks.labels
import workbooks.writer
from tests.test_pension import MIXED  # an avoided førtidspension: the age columns and the folkepension table
from tests.test_plausibility import TYPO
from tests.test_public_purse import _purse_case  # a wage of the case's own figure
from tests.test_refusion import case_text
from workbooks.build import build_workbook, shape_of
from workbooks.layout import READABLE_LAYOUTS, RUNTIMES
from workbooks.templates import build_template
from xlmodel import load_case, loads_case
from xlmodel.bundled import bundled

LABELS = workbooks.labels.LABELS
REGION_AND_RATE = case_text(benefit="benefit_rate = 52000", extra='[[savings]]\nlabel = "Region"\npayer = "region"\namounts = { 2022 = 5000 }')
OWN_PARAMETER = case_text(
    benefit='benefit = "kontanthjaelp.over_30_andre"',
    extra='[[parameters]]\nname = "kontanthjaelp.over_30_andre"\ndate = 2021-01-01\nvalue = 11820\nnote = "ANTAGELSE: prøve"',
)

#: A follow-up with an actual but no target and no decision named; and one naming a decision it cannot read
#: (a case read from text, as from a book: the decision's file is not followed).
ACTUAL_ONLY = case_text(extra='[[actuals]]\nyear = 2021\noutcome = "job"\npersons = 1')
FOLLOWS_UNREAD = ACTUAL_ONLY.replace('title = "Refusion"', 'title = "Refusion"\nfollows = "beslutning.toml"')
#: A case naming its intervention (the evidence check on the summary) and a published ratio without a label of
#: its own (the "as published" block's generic name and unit); no bundled case has either.
NAMES_INTERVENTION = REGION_AND_RATE.replace('title = "Refusion"', 'title = "Refusion"\nintervention = "ips"') + '[[published]]\nfigure = "savings_cost_ratio"\nvalue = 1.5\ndecimals = 1\n'



def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert LABELS["da"].keys() == LABELS["en"].keys()
    assert [key for key in LABELS["da"] if _fields(LABELS["da"][key]) != _fields(LABELS["en"][key])] == []


def test_every_label_is_shown_by_some_book(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    used: set[str] = set()
    shown = workbooks.labels.label

    def recording(lang: str, key: str, **kwargs: object) -> str:
        used.add(key)
        return shown(lang, key, **kwargs)

    for module in (workbooks.labels, workbooks.writer):
        monkeypatch.setattr(module, "label", recording)
    cases = [load_case(path) for path in sorted(bundled("cases").glob("*.toml"))] + [loads_case(text) for text in (REGION_AND_RATE, OWN_PARAMETER, TYPO, ACTUAL_ONLY, FOLLOWS_UNREAD, NAMES_INTERVENTION, MIXED, _purse_case())]
    (tmp_path / "beslutning.toml").write_text(case_text(extra='[[costs]]\nlabel = "Stor udgift"\namounts = { 2021 = 10000000 }'), encoding="utf-8")
    (tmp_path / "status.toml").write_text(FOLLOWS_UNREAD, encoding="utf-8")
    cases.append(load_case(tmp_path / "status.toml"))  # its decision does not pay back
    for runtime in RUNTIMES:
        for lang in workbooks.labels.LANGUAGES:
            for case in cases:
                build_workbook(case, runtime=runtime, lang=lang)
            build_template(runtime=runtime, lang=lang)
    for version in READABLE_LAYOUTS:  # the layouts still written for their own books show their labels too
        for name in ("silkeborg_2016_status.toml", "silkeborg_2015.toml"):  # a follow-up; a Monte Carlo
            case = load_case(bundled("cases") / name)
            build_workbook(case, shape=dataclasses.replace(shape_of(case), layout=int(version)), exact_shape=True)
    assert sorted(LABELS["da"].keys() - used) == []


def test_the_label_files_ship_beside_the_module() -> None:
    folder = Path(workbooks.labels.__file__).parent
    assert sorted(p.name for p in folder.glob("*.toml")) == [f"{lang}.toml" for lang in sorted(workbooks.labels.LANGUAGES)]
