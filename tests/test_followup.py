"""Follow-up: realisation against targets, revised forecast and write-down, on the seed follow-ups."""

from __future__ import annotations

import pytest

from xlmodel import compare, compute_case, load_case
from xlmodel.followup import follow_up
from xlmodel.model import Actual, Case, Target

from .conftest import CASES


def test_ballerup_revision_to_70_percent() -> None:
    result = compute_case(load_case(CASES / "ballerup_2019_revision.toml"))
    f = follow_up(result)
    assert f.rate == 0.70
    assert f.expected == [3_900_000] * 4
    assert f.write_down == pytest.approx([3_900_000 * 0.3] * 4)  # 1.17 mio. a year → 1.2 as printed
    assert f.total_write_down == pytest.approx(4_680_000)
    (deviation,) = compare(result).deviations
    assert (deviation.published, deviation.model, deviation.difference) == (4.8, 4.7, -0.1)


def test_ballerup_june_2018_expectation() -> None:
    f = follow_up(compute_case(load_case(CASES / "ballerup_2018_juni.toml")))
    assert f.expected == [pytest.approx(4_600_000)]  # 2.8 + 1.8 mio. kr.
    assert f.forecast == [pytest.approx(4_600_000 * 0.65)]
    assert f.write_down == [pytest.approx(4_600_000 * 0.35)]


def test_silkeborg_status_after_a_year() -> None:
    result = compute_case(load_case(CASES / "silkeborg_2016_status.toml"))
    f = follow_up(result)
    assert f.ended == {2016: 60} and f.active == {2016: 488}
    assert f.realisation(2016, "job+education", "persons") == pytest.approx(20 / 30)
    assert f.realisation(2016, "flexjob", "persons") == pytest.approx(20 / 12)
    assert f.realised[1] == 735_000 and f.forecast[1] == 735_000
    assert f.rate == pytest.approx((20 + 20) / (30 + 12))
    (deviation,) = compare(result).deviations
    assert deviation.where == "Ansat i fleksjob (indledningen) · 2016" and (deviation.published, deviation.model) == (12, 20)


def test_forecast_uses_the_persons_realisation_when_no_rate_is_given() -> None:
    case = Case(
        "T", 2020, 2021,
        targets=(Target(2020, "job", persons=10, savings=1_000_000), Target(2021, "job", persons=10, savings=1_000_000)),
        actuals=(Actual(2020, "job", persons=8, savings=750_000),),
    )  # fmt: skip
    f = follow_up(compute_case(case))
    assert f.rate == pytest.approx(0.8)
    assert f.forecast == pytest.approx([750_000, 800_000])  # realised where reported, expected × rate after
    assert f.variance == [pytest.approx(-250_000), None]
    assert f.write_down == pytest.approx([250_000, 200_000])


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Case("T", 2020, 2021, targets=(Target(2019, savings=1),)), "targets[0].year"),
        (lambda: Actual(2020), "actual: et faktisk tal skal have mindst ét af"),
        (lambda: Actual(2020, persons=-1), "persons"),
        (lambda: Case("T", 2020, 2021, forecast_rate=70), "followup.forecast_rate"),
        (lambda: Case("T", 2020, 2021, forecast_rate=-0.1), "followup.forecast_rate"),
    ],
)
def test_bad_follow_up_input(make: object, field: str) -> None:
    with pytest.raises(ValueError) as caught:
        make()  # type: ignore[operator]
    assert field in str(caught.value)


def test_target_outcome_must_be_ids() -> None:
    with pytest.raises(ValueError, match="outcome"):
        Target(2020, "Job og uddannelse", persons=1)
