"""The parameter files' rules, checked against the shipped sources by hand (the full mutation run of
xlmodel/parameters found them untested): a curve and a staircase as the tables show them, which values are
secondary sources, a case's own value, a yearly amount in kr. a year, and when a yearly rate counts as carried
past its own year."""

from __future__ import annotations

import datetime as dt

from xlmodel.parameters import Override, Parameters

P = Parameters()


def test_a_curve_and_a_staircase_as_the_tables_show_them() -> None:
    """Finansministeriet's 2021 curve (years 0–35, 36–70, from 71) and the 2016 refusion staircase (weeks 0, 4,
    26, 52 at 80, 40, 30, 20 %), as in diskontering.toml and refusion.toml."""
    assert P.get("diskontering.rate").values[-1].shown == "år 0–35: 3.5 %; år 36–70: 2.5 %; år 71–: 1.5 %"
    assert P.get("refusion.staircase").values[0].shown == "uge 0–4: 80 %; uge 4–26: 40 %; uge 26–52: 30 %; uge 52–: 20 %"


def test_only_values_marked_secondary_are_secondary_and_a_cases_own_value_is_neither_secondary_nor_an_assumption() -> None:
    """diskontering.rate: the 2013 value is Finansministeriet's own page, the 2021 value a copy (secondary = true)."""
    first, latest = P.get("diskontering.rate").values
    assert (first.secondary, latest.secondary) == (False, True)
    own = Parameters((Override("skat.personfradrag", dt.date(2026, 1, 1), "test", value=50_000),)).get("skat.personfradrag").values[-1]
    assert (own.value, own.origin, own.secondary, own.assumption) == (50_000, "case", False, False)


def test_an_amount_in_kr_a_year_is_its_own_annual_amount_and_a_0_stays_0() -> None:
    """Personfradrag 2026: 54,100 kr. a year (skat.toml); a case's own 0 is 0, not a missing value."""
    ((_, amount),) = P.annual_segments("skat.personfradrag", dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    assert amount == 54_100
    zero = Parameters((Override("skat.personfradrag", dt.date(2026, 1, 1), "test", value=0),))
    assert [a for _, a in zero.annual_segments("skat.personfradrag", dt.date(2026, 3, 1), dt.date(2026, 4, 1))] == [0.0]


def test_a_yearly_rate_is_carried_past_its_year_only_beyond_two_weeks_of_grace() -> None:
    """Personfradrag's last value is 2026's (its own year ends 1 January 2027): used until 15 January 2027
    (14 days past) it is not carried forward; until 16 January (15 days) the part after 1 January is."""
    within = P.segments("skat.personfradrag", dt.date(2026, 6, 1), dt.date(2027, 1, 15))
    assert [s.carried_forward for s in within] == [False]
    beyond = P.segments("skat.personfradrag", dt.date(2026, 6, 1), dt.date(2027, 1, 16))
    assert [(s.start, s.carried_forward) for s in beyond] == [(dt.date(2026, 6, 1), False), (dt.date(2027, 1, 1), True)]


def test_a_wage_regulated_on_its_own_date_is_carried_only_a_year_after_it() -> None:
    """The IO minimum changes each 1 March: the 2021 rate is not an assumption in January 2022 (it holds a year
    from its date), but is one when no later rate were known (a benefit rate holds to the new year instead)."""
    p = Parameters()
    january = p.segments("loen.io_minimum", dt.date(2022, 1, 1), dt.date(2022, 3, 1))
    assert [(s.entry.value, s.carried_forward) for s in january] == [(124.65, False)]
    after_the_last = p.segments("loen.io_minimum", dt.date(2028, 1, 1), dt.date(2028, 6, 1))
    assert [(s.start.isoformat(), s.carried_forward) for s in after_the_last] == [("2028-01-01", False), ("2028-03-01", True)]
