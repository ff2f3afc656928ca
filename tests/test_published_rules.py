"""How a published figure is held against the model, worked by hand on Silkeborg's cases (the full mutation run
of xlmodel/published.py found these rules untested): the printed precision, a range's bounds, the difference
stated in the printed unit, a payback year the model never reaches, and a realisation rate."""

from __future__ import annotations

import pytest

from xlmodel import compute_case, load_case
from xlmodel.bundled import bundled_case
from xlmodel.errors import InvalidValueError
from xlmodel.model import Case, CostItem
from xlmodel.published import PublishedFigure, compare

#: Silkeborg 2015: net gain 5,425,000 kr. (costs 5,845,000, savings 11,270,000), paid back in 2018.
SILKEBORG = compute_case(load_case(bundled_case("silkeborg_2015.toml")))


@pytest.mark.parametrize("decimals", [True, 1.5])
def test_the_printed_decimals_are_a_whole_number(decimals: object) -> None:
    with pytest.raises(InvalidValueError) as raised:
        PublishedFigure("net_gain", value=1.0, decimals=decimals)  # type: ignore[arg-type]
    assert raised.value.field == "decimals"


def test_a_payback_year_off_by_one_is_a_deviation_of_minus_one_year() -> None:
    (deviation,) = compare(SILKEBORG, (PublishedFigure("payback_year", value=2019),)).deviations
    assert (deviation.published, deviation.model, deviation.difference, deviation.unit) == (2019, 2018, -1, 1)


def test_a_payback_the_model_never_reaches_reads_ingen() -> None:
    """Costs of 100,000 kr. and nothing saved: the model never pays back; the source said 2022."""
    never = compute_case(Case("T", 2021, 2023, costs=(CostItem("Indsats", {2021: 100_000}),)))
    (deviation,) = compare(never, (PublishedFigure("payback_year", value=2022),)).deviations
    assert (deviation.model, deviation.difference) == ("ingen", None)


@pytest.mark.parametrize(
    ("minimum", "maximum", "difference"),
    [
        (5_425_000, 6_000_000, None),  # on the lower bound: agrees
        (5_000_000, 5_425_000, None),  # on the upper bound: agrees
        (5_425_000.5, 6_000_000, -0.5),  # half a krone below: 5,425,000 − 5,425,000.5
        (5_000_000, 5_424_999.5, 0.5),
        (5_425_001.0000004, 6_000_000, -1.0),  # the difference to 6 decimals past the printed ones (0 here)
    ],
)
def test_a_range_agrees_on_its_bounds_and_a_deviation_is_measured_from_the_nearest(minimum: float, maximum: float, difference: float | None) -> None:
    deviations = compare(SILKEBORG, (PublishedFigure("net_gain", minimum=minimum, maximum=maximum),)).deviations
    assert [d.difference for d in deviations] == ([] if difference is None else [difference])


@pytest.mark.parametrize(
    ("published", "unit", "decimals", "shown", "difference"),
    [
        (5_430_000, 1, 0, 5_425_000, -5_000),  # Silkeborg's own "Provenu"
        (5_424_998.9999996, 1, 0, 5_425_000, 1.0),  # rounded to 6 decimals past the printed ones
        (5.4, 1_000_000, 1, 5.4, None),  # 5,425,000 in mio. kr. to one decimal: 5.4
        (5.42, 1_000_000, 2, 5.43, 0.01),  # to two decimals: 5.43 (Excel rounds half away from zero)
    ],
)
def test_a_single_figure_is_compared_at_its_printed_precision(published: float, unit: float, decimals: int, shown: float, difference: float | None) -> None:
    deviations = compare(SILKEBORG, (PublishedFigure("net_gain", value=published, unit=unit, decimals=decimals),)).deviations
    if difference is None:
        assert deviations == ()
        return
    (deviation,) = deviations
    assert (deviation.model, deviation.difference) == (shown, pytest.approx(difference, abs=1e-12))


def test_a_published_realisation_rate_is_of_persons_unless_it_says_otherwise() -> None:
    """Silkeborg's status: 20 of 30 in job or education, a realisation of 0.667 to three decimals."""
    status = compute_case(load_case(bundled_case("silkeborg_2016_status.toml")))
    figure = PublishedFigure("realisation", values={2016: 0.667}, outcome="job+education", decimals=3)
    assert compare(status, (figure,)).deviations == ()
    (deviation,) = compare(status, (PublishedFigure("realisation", values={2016: 0.6}, outcome="job+education", decimals=3),)).deviations
    assert deviation.model == 0.667
