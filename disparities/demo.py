"""Demo police data: a generated stops dataset for Riverton, and the real public files.

Imported synchronously with the same services the worker uses (no worker is running while the
demo is seeded). Idempotent: a file already imported for the city and kind is left as it is.
"""

import hashlib
import tempfile
from pathlib import Path

from django.core.files import File

from .files.generate import write_stops
from .models import Dataset, Status
from .services import datasets as services
from .services import imports

SAMPLES = Path(__file__).resolve().parent / "sample_data"
DEMO_STOPS = 40_000

REAL_FILES = [
    # (city slug, kind, file, name, source agency)
    ("riverton-mi", "complaint", "Michigan_Lansing_COMPLAINTS.csv", "Citizen complaints 2018–2023",
     "Lansing (MI) Police Department, via OpenPoliceData"),
    ("riverton-mi", "use_of_force", "Missouri_St._Louis_County_USE_OF_FORCE_MULTIPLE.csv", "Use of force 2018–2021",
     "St. Louis County (MO) Police Department, via OpenPoliceData"),
    ("harbor-point-wa", "arrest", "Washington_Bremerton_ARRESTS_April_2017.csv", "Arrests, April 2017",
     "Bremerton (WA) Police Department, via OpenPoliceData"),
    ("harbor-point-wa", "citation", "Washington_Bremerton_CITATIONS_April_2017.csv", "Citations, April 2017",
     "Bremerton (WA) Police Department, via OpenPoliceData"),
    ("harbor-point-wa", "stop", "ky_owensboro_2020_04_01.csv", "Stops ending in a citation 2015–2017",
     "Owensboro (KY) Police Department, via the Stanford Open Policing Project"),
]  # fmt: skip


def _import(city, kind: str, path: Path, name: str, agency: str, user) -> Dataset:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    existing = Dataset.objects.for_city(city).filter(kind=kind, sha256=digest).first()
    if existing is not None and existing.status == Status.IMPORTED:
        return existing
    if existing is not None:
        services.dataset_delete(dataset=existing)
    with path.open("rb") as handle:
        dataset = services.dataset_upload(
            city=city,
            kind=kind,
            file=File(handle, name=path.name),
            name=name,
            source_agency=agency,
            uploaded_by=user,
        )
    services.dataset_confirm(dataset=dataset, enqueue=False)
    return imports.dataset_import(dataset_id=dataset.pk).dataset


def seed(ctx: dict) -> None:
    cities = ctx["cities"]
    users = ctx["users"]
    out = ctx.get("stdout")
    with tempfile.TemporaryDirectory() as folder:
        stops = write_stops(Path(folder) / "riverton_stops_2019_2021.csv", DEMO_STOPS, seed=2024)
        dataset = _import(
            cities["riverton-mi"], "stop", stops, "Traffic and pedestrian stops 2019–2021",
            "Riverton Police Department (generated demo data)", users[("riverton-mi", "staff")],
        )  # fmt: skip
        if out:
            out.write(f"  {dataset.name}: {dataset.rows_imported:,} stops")
    for slug, kind, filename, name, agency in REAL_FILES:
        dataset = _import(cities[slug], kind, SAMPLES / filename, name, agency, users[(slug, "staff")])
        if out:
            out.write(f"  {dataset.name} ({cities[slug].name}): {dataset.rows_imported:,} rows")
    _seed_dashboards(ctx)


def _seed_dashboards(ctx: dict) -> None:
    """Each demo city's county as its default population benchmark, so its dashboards show rates."""
    from .models import Benchmark
    from .services.dashboards import benchmark_create_from_county

    for city in ctx["cities"].values():
        if city.county_fips and not Benchmark.objects.for_city(city).exists():
            benchmark_create_from_county(city=city, fips=city.county_fips, created_by=None)
