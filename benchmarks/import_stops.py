# ruff: noqa: S603, S607 - a benchmark that runs psql and a child Python on purpose
"""Benchmark: the app's whole import of N generated stops against `psql \\copy` of the same file.

    DATABASE_URL=... .venv/bin/python benchmarks/import_stops.py [--rows 1000000] [--keep]

(a) `psql \\copy` of the generated CSV into the same table (disparities_stop), the reference;
(b) the app's import in a separate process (read, normalise, binary COPY, rollups, in one
transaction), as a worker runs it. Prints rows/s for each, the ratio b/a and the peak memory of the
importing process. The datasets it creates are deleted at the end unless --keep.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402

from cities.models import City  # noqa: E402
from disparities.files.generate import write_stops  # noqa: E402
from disparities.models import Dataset  # noqa: E402
from disparities.services import datasets as services  # noqa: E402

# The generated file's columns, as the stop table's columns (the reference \copy loads them as they are).
REFERENCE_COLUMNS = [
    "line", "date", "time", "location", "lat", "lng", "district", "subject_age", "subject_race", "subject_sex",
    "officer_id_hash", "type", "reason", "arrest_made", "citation_issued", "warning_issued", "outcome",
    "search_conducted", "search_basis", "contraband_found", "frisk_performed",
]  # fmt: skip
TEXT_COLUMNS = ["location", "district", "subject_race", "subject_sex", "officer_id_hash", "type", "reason", "outcome",
                "search_basis"]  # fmt: skip


def psql_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def reference_copy(path: Path, dataset: Dataset) -> float:
    """Seconds `psql \\copy` takes to load the file into disparities_stop (defaults fill the other columns)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT column_name, data_type FROM information_schema.columns
               WHERE table_name = 'disparities_stop' AND is_nullable = 'NO' AND column_default IS NULL
               AND column_name <> ALL(%s)""",
            [REFERENCE_COLUMNS + ["id"]],
        )
        missing = cursor.fetchall()
    defaults = {"dataset_id": str(dataset.pk), "is_person": "true"}
    set_defaults = []
    for name, kind in missing:
        value = defaults.get(name, "'{}'" if kind == "ARRAY" else "''")
        set_defaults.append(f"ALTER TABLE disparities_stop ALTER COLUMN {name} SET DEFAULT {value};")
    drop_defaults = [f"ALTER TABLE disparities_stop ALTER COLUMN {name} DROP DEFAULT;" for name, _ in missing]
    subprocess.run(["psql", psql_url(), "-q", "-v", "ON_ERROR_STOP=1", "-c", " ".join(set_defaults)], check=True)
    try:
        copy = (
            f"\\copy disparities_stop ({', '.join(REFERENCE_COLUMNS)}) FROM '{path}' "
            f"WITH (FORMAT csv, HEADER true, NULL 'NA', FORCE_NOT_NULL ({', '.join(TEXT_COLUMNS)}))"
        )
        started = time.perf_counter()
        subprocess.run(["psql", psql_url(), "-q", "-v", "ON_ERROR_STOP=1", "-c", copy], check=True)
        return time.perf_counter() - started
    finally:
        subprocess.run(["psql", psql_url(), "-q", "-c", " ".join(drop_defaults)], check=True)


IMPORT_CHILD = """
import os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")
sys.path.insert(0, {root!r})
import django; django.setup()
from disparities.services import datasets as services
from disparities.services import imports
started = time.perf_counter()
outcome = imports.dataset_import(dataset_id={dataset_id})
elapsed = time.perf_counter() - started
print(outcome.dataset.status, outcome.dataset.rows_imported, elapsed,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, outcome.dataset.status_message)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--city", default="")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    city = City.objects.filter(slug=args.city).first() if args.city else City.objects.order_by("id").first()
    if city is None:
        city = City.objects.create(name="Benchmark", state="MI", slug="benchmark-mi", latitude=42.7, longitude=-84.5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stops.csv"
        started = time.perf_counter()
        write_stops(path, args.rows, seed=11)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        reference = Dataset.objects.create(city=city, kind="stop", name="benchmark reference", sha256="0" * 64, file="")
        try:
            seconds_a = reference_copy(path, reference)
        finally:
            if not args.keep:
                services.dataset_delete(dataset=reference)
        with path.open("rb") as handle:
            dataset = services.dataset_upload(
                city=city, kind="stop", file=File(handle, name="benchmark_stops.csv"), name="benchmark import",
                allow_duplicate=True,
            )  # fmt: skip
        services.dataset_confirm(dataset=dataset, enqueue=False)
        child = subprocess.run(
            [sys.executable, "-c", IMPORT_CHILD.format(root=str(ROOT), dataset_id=dataset.pk)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        status, rows, seconds_b, peak_kb, *message = child.stdout.strip().splitlines()[-1].split(" ", 4)
        if status != "imported":
            sys.exit(f"import failed: {' '.join(message)}\n{child.stderr}")
        seconds_b = float(seconds_b)
        if not args.keep:
            services.dataset_delete(dataset=dataset)
    rate_a = args.rows / seconds_a
    rate_b = args.rows / seconds_b
    print(f"(a) psql \\copy:      {seconds_a:7.2f} s  {rate_a:10,.0f} rows/s")
    print(f"(b) the app's import: {seconds_b:7.2f} s  {rate_b:10,.0f} rows/s  (read, normalise, COPY, rollups)")
    print(f"ratio b/a: {rate_b / rate_a:.2f}")
    print(f"peak memory of the importing process: {int(peak_kb) / 1024:.0f} MB")
    print(f"benchmark process peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
