"""The real Alabama files (Census API form) load, and for three counties the app's uninsured share
and poverty share for Black and white residents match a recomputation done here, from the raw JSON,
by the ACS handbook's formulas, to the published precision (a share to 0.1 percentage point).

The race tables of health insurance (C27001A-I) are by age only, with no sex: the uninsured share is
for everyone of the group. The poverty tables (B17001A-I) are by sex: that share is for males."""

import json
import math
from pathlib import Path

import pytest

from indicators import selectors, services
from indicators.catalogue import BY_KEY
from indicators.models import CensusFile, CensusValue

SHARED = Path("/work/shared/data/census/acs_by_race")
SAMPLES = Path(__file__).resolve().parents[2] / "indicators" / "sample_data"
FOLDER = SHARED if SHARED.is_dir() else SAMPLES
COUNTIES = {"0500000US01073": "Jefferson", "0500000US01097": "Mobile", "0500000US01101": "Montgomery"}
GROUPS = {"B": "BLACK", "A": "WHITE"}


def _raw_rows(name: str) -> dict[str, dict[str, str]]:
    data = json.loads((FOLDER / name).read_text())
    header = data[0]
    return {row[header.index("GEO_ID")]: dict(zip(header, row, strict=True)) for row in data[1:]}


def _handbook_share(row: dict[str, str], table: str, numerator: list[int], denominator: list[int]):
    """p = X / Y, X and Y sums of cells; MOE of a sum = root of the sum of squares; MOE of p by the
    proportion formula, or the ratio formula when the radicand is negative."""

    def e(n):
        return float(row[f"{table}_{n:03d}E"])

    def m(n):
        return float(row[f"{table}_{n:03d}M"])

    x, y = sum(e(n) for n in numerator), sum(e(n) for n in denominator)
    mx = math.sqrt(sum(m(n) ** 2 for n in numerator))
    my = math.sqrt(sum(m(n) ** 2 for n in denominator))
    p = x / y
    radicand = mx**2 - p**2 * my**2
    if radicand < 0:
        radicand = mx**2 + p**2 * my**2
    return p, math.sqrt(radicand) / y


@pytest.fixture
def alabama(city):
    for path in sorted(FOLDER.glob("2024-*.json")):
        services.census_file_upload(city=city, raw=path.read_bytes(), filename=path.name)
    return city


@pytest.mark.django_db
def test_every_alabama_file_loads(alabama):
    files = CensusFile.objects.for_city(alabama)
    assert files.count() == len(list(FOLDER.glob("2024-*.json")))
    assert {f.vintage for f in files} == {2024}
    assert {f.table for f in files} == {"B17001", "C27001"}
    assert set(files.values_list("race", flat=True)) == set("ABCDEFGI")
    counties = (
        CensusValue.objects.for_city(alabama).filter(level="county").values("geo_id").distinct().count()
    )
    assert counties == (67 if FOLDER == SHARED else 3)


@pytest.mark.django_db
@pytest.mark.parametrize("geo_id", sorted(COUNTIES))
def test_uninsured_and_poverty_shares_match_the_handbook(alabama, geo_id):
    geo = next(g for g in selectors.geographies(city=alabama) if g.geo_id == geo_id)
    checks = [
        ("uninsured_all", "HEALTH_INSURANCE", "C27001", [4, 7, 10], [1]),
        ("poverty_male", "POVERTY", "B17001", [3], [3, 32]),
    ]
    for key, stem, table, numerator, denominator in checks:
        result = selectors.census_indicator(city=alabama, indicator=BY_KEY[key], geo=geo)
        by_group = {row.group: row.figure for row in result.rows}
        for letter, word in GROUPS.items():
            raw = _raw_rows(f"2024-{stem}_BY_RACE_COUNTY_{word}.json")[geo_id]
            p, moe = _handbook_share(raw, f"{table}{letter}", numerator, denominator)
            app = by_group[letter]
            assert app.shown, (key, letter, geo_id)
            assert f"{app.value * 100:.1f}" == f"{p * 100:.1f}", (key, letter, geo_id)
            assert f"{app.moe * 100:.1f}" == f"{moe * 100:.1f}", (key, letter, geo_id)
            assert app.low == pytest.approx(max(0, p - moe)) and app.high == pytest.approx(p + moe)


@pytest.mark.django_db
def test_a_known_county_by_hand(alabama):
    """Jefferson County, Black residents (C27001B, 2020-2024): written out once, by hand."""
    raw = _raw_rows("2024-HEALTH_INSURANCE_BY_RACE_COUNTY_BLACK.json")["0500000US01073"]
    uninsured = sum(int(raw[f"C27001B_{n:03d}E"]) for n in (4, 7, 10))
    total = int(raw["C27001B_001E"])
    geo = next(g for g in selectors.geographies(city=alabama) if g.geo_id == "0500000US01073")
    result = selectors.census_indicator(city=alabama, indicator=BY_KEY["uninsured_all"], geo=geo)
    black = next(r for r in result.rows if r.group == "B").figure
    assert (black.numerator, black.denominator) == (uninsured, total)
    assert result.score is not None and 1 <= result.score.score <= 100
