"""Demo content for the outcomes section: real Census tables by race (three Alabama counties and the
state, `sample_data/`), a local indicator typed in, for the first demo city. The pages name the
county the figures are for; the demo city itself is fictional. Idempotent."""

from pathlib import Path

from . import services
from .models import CensusFile, LocalIndicator

SAMPLES = Path(__file__).resolve().parent / "sample_data"
DEMO_GEO = "0500000US01073"  # Jefferson County, Alabama

LOCAL = {
    "title": "Students graduating from high school in four years",
    "milestone": "high_school",
    "numerator_label": "graduated within four years",
    "denominator_label": "entered ninth grade four years earlier",
    "lower_is_better": False,
    "period": "Class of 2025",
    "source": "Demo figures (made up for the demo, not a real district's)",
}
# (race, sex, graduated, cohort): made-up demo figures, said so on the page (source above).
LOCAL_FIGURES = [
    ("black", "male", 412, 560),
    ("black", "all", 905, 1150),
    ("white", "male", 388, 442),
    ("white", "all", 801, 890),
    ("hispanic", "male", 61, 88),
    ("hispanic", "all", 130, 176),
    ("asian_pacific_islander", "all", 40, 43),
    ("native_american", "all", 6, 9),
]


def seed(ctx: dict) -> None:
    cities = ctx.get("cities") or {}
    if not cities:
        return
    slug, city = next(iter(cities.items()))
    lead = (ctx.get("users") or {}).get((slug, "lead"))
    if not CensusFile.objects.for_city(city).exists():
        for path in sorted(SAMPLES.glob("*.json")):
            services.census_file_upload(city=city, raw=path.read_bytes(), filename=path.name, by=lead)
        services.geography_choose(city=city, geo_id=DEMO_GEO)
    if not LocalIndicator.objects.for_city(city).filter(title=LOCAL["title"]).exists():
        local = services.local_indicator_create(city=city, by=lead, **LOCAL)
        services.local_figures_set(indicator=local, figures=LOCAL_FIGURES, by=lead)
