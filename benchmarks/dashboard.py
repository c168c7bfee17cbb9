"""Benchmark: server time of the disparity dashboard on a 10,000,000-row stops dataset, against 1,000,000.

    DATABASE_URL=... .venv/bin/python benchmarks/dashboard.py [--rows 10000000 1000000] [--requests 40] [--keep]

For each size: a stops dataset is generated inside Postgres (INSERT ... SELECT from
generate_series, realistic shares by race, search and hit rates, five districts, three years) into
the raw table, then the import's own `build_rollups` builds its rollup rows, as an import does.
Then, through Django's request handler (middleware, the view, the template: the server's whole
work, no network), it times N requests of each page after a warm-up and prints the median and
p95 in ms:
  - the dashboard with no filter;
  - the dashboard with a district and a period filter;
  - the report JSON;
  - a drill-down page (Black drivers searched, page 1).
Each page is timed twice: "computed" with the report cache off (every request reads the rollups and
computes every figure: the first view of a filter) and "cached" with it on (the report document of
a dataset import and filter is kept in Redis: later views). The filter options cache is warm.
The datasets are deleted at the end unless --keep.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cities.models import City, Membership, User  # noqa: E402
from disparities.models import Benchmark, Dataset, Rollup  # noqa: E402
from disparities.services import dashboards as services_dashboard  # noqa: E402
from disparities.services import datasets as services  # noqa: E402
from disparities.services import imports  # noqa: E402

CHUNK = 1_000_000

INSERT = """
INSERT INTO disparities_stop (
    dataset_id, line, incident_id, date, time, location, district, lat, lng, subject_race, subject_race_raw,
    subject_sex, subject_age, subject_age_group, is_person, officer_id_hash, officer_race, officer_sex, type,
    reason, violations, search_conducted, search_basis, contraband_found, frisk_performed, arrest_made,
    citation_issued, warning_issued, outcome, vehicle_registration_state)
SELECT %(dataset)s, g, '', DATE '2019-01-01' + (r.d * 1095)::int, make_time((r.h * 24)::int %% 24, (r.m * 60)::int %% 60, 0),
    '', (ARRAY['North','South','East','West','Central'])[1 + (r.dist * 5)::int %% 5], NULL, NULL,
    r.race, r.race, CASE WHEN r.s < 0.64 THEN 'male' ELSE 'female' END, 16 + (r.a * 64)::int,
    CASE WHEN 16 + (r.a * 64)::int < 18 THEN 'under_18' WHEN 16 + (r.a * 64)::int < 25 THEN '18_24'
         WHEN 16 + (r.a * 64)::int < 35 THEN '25_34' WHEN 16 + (r.a * 64)::int < 45 THEN '35_44'
         WHEN 16 + (r.a * 64)::int < 55 THEN '45_54' WHEN 16 + (r.a * 64)::int < 65 THEN '55_64' ELSE '65_plus' END,
    true, '', '', '', CASE WHEN r.t < 0.93 THEN 'vehicular' ELSE 'pedestrian' END, '', '{}',
    r.searched, CASE WHEN r.searched THEN (ARRAY['probable_cause','consent','incident_to_arrest','plain_view','k9'])[1 + (r.b * 5)::int %% 5] ELSE '' END,
    CASE WHEN r.searched THEN r.hit < (CASE r.race WHEN 'black' THEN 0.22 WHEN 'hispanic' THEN 0.24 ELSE 0.32 END) END,
    r.f < 0.02, r.arrest < 0.04, r.o < 0.6, r.o >= 0.6, CASE WHEN r.arrest < 0.04 THEN 'arrest' WHEN r.o < 0.6 THEN 'citation' ELSE 'warning' END, ''
FROM generate_series(%(start)s, %(end)s) g,
LATERAL (
    SELECT x.*, x.sr < (CASE x.race WHEN 'black' THEN 0.065 WHEN 'hispanic' THEN 0.05 ELSE 0.03 END) AS searched
    FROM (SELECT
        random() + g * 0 AS d, random() AS h, random() AS m, random() AS dist, random() AS s, random() AS a, random() AS t,
        random() AS sr, random() AS b, random() AS hit, random() AS f, random() AS arrest, random() AS o,
        CASE WHEN q < 0.55 THEN 'white' WHEN q < 0.83 THEN 'black' WHEN q < 0.94 THEN 'hispanic'
             WHEN q < 0.98 THEN 'asian_pacific_islander' WHEN q < 0.99 THEN 'other' ELSE 'unknown' END AS race
        FROM (SELECT random() + g * 0 AS q) qq) x
) r
"""


def make_dataset(city: City, user: User, rows: int) -> Dataset:
    dataset = Dataset.objects.create(
        city=city,
        kind="stop",
        name=f"Benchmark stops, {rows:,} rows",
        file="benchmark/none.csv",
        original_filename="generated.csv",
        sha256=f"benchmark-{rows}-{time.time()}",
        status="importing",
        uploaded_by=user,
    )
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(1, rows + 1, CHUNK):
            end = min(rows, start + CHUNK - 1)
            with connection.cursor() as cursor:
                cursor.execute(INSERT, {"dataset": dataset.pk, "start": start, "end": end})
            print(f"  inserted {end:,} rows ({time.perf_counter() - started:.0f} s)", flush=True)
        imports.build_rollups(dataset, has_incident_id=False)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(date), max(date) FROM disparities_stop WHERE dataset_id = %s", [dataset.pk]
            )
            first, last = cursor.fetchone()
        Dataset.objects.filter(pk=dataset.pk).update(
            status="imported",
            rows_read=rows,
            rows_imported=rows,
            has_time=True,
            period_start=first,
            period_end=last,
            imported_at=timezone.now(),
        )
    with connection.cursor() as cursor:
        # As autovacuum would by the time anyone reads it: the rows of datasets deleted before (an
        # earlier run) are dead tuples that an index scan by id would otherwise wade through.
        cursor.execute("VACUUM ANALYZE disparities_stop")
        cursor.execute("VACUUM ANALYZE disparities_rollup")
    dataset.refresh_from_db()
    print(
        f"  loaded and rolled up in {time.perf_counter() - started:.0f} s; "
        f"{Rollup.objects.filter(dataset=dataset).count():,} rollup rows",
        flush=True,
    )
    return dataset


def timed(client: Client, url: str, params: dict, n: int) -> tuple[float, float]:
    for _ in range(3):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]


def measure(client: Client, city: City, dataset: Dataset, n: int) -> dict[str, tuple[float, float]]:
    out = {}
    for mode, seconds in (("computed", 0), ("cached", 600)):
        settings.DISPARITY_REPORT_CACHE_SECONDS = seconds
        for name, figures in _measure(client, city, dataset, n).items():
            out[f"{name} [{mode}]"] = figures
    return out


def _measure(client: Client, city: City, dataset: Dataset, n: int) -> dict[str, tuple[float, float]]:
    slug = city.slug
    month = dataset.period_start.strftime("%Y-%m")
    end = dataset.period_start.replace(year=dataset.period_start.year + 1).strftime("%Y-%m")
    pages = {
        "dashboard, no filter": (reverse("disparities:dashboard", args=[slug, dataset.pk]), {}),
        "dashboard, district + period": (
            reverse("disparities:dashboard", args=[slug, dataset.pk]),
            {"district": "North", "start": month, "end": end},
        ),
        "report JSON": (reverse("disparities:report_json", args=[slug, dataset.pk]), {}),
        "drill-down page": (
            reverse("disparities:drilldown", args=[slug, dataset.pk]),
            {"race": "black", "measure": "searches"},
        ),
    }
    return {name: timed(client, url, params, n) for name, (url, params) in pages.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False

    city, _ = City.objects.get_or_create(
        slug="benchmark-city",
        defaults={
            "name": "Benchmark City",
            "state": "MI",
            "county_fips": "26065",
            "latitude": "42.7325",
            "longitude": "-84.5555",
        },
    )
    user, _ = User.objects.get_or_create(email="benchmark@realcities.example")
    Membership.objects.get_or_create(user=user, city=city, defaults={"role": "lead"})
    if not Benchmark.objects.for_city(city).exists():
        services_dashboard.benchmark_create_from_county(city=city, fips="26065", created_by=user)
    client = Client()
    client.force_login(user)

    results = {}
    datasets = []
    try:
        for rows in args.rows:
            print(f"{rows:,} rows: generating", flush=True)
            dataset = make_dataset(city, user, rows)
            datasets.append(dataset)
            results[rows] = measure(client, city, dataset, args.requests)
            for name, (median, p95) in results[rows].items():
                print(f"  {name:45s} median {median:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    finally:
        if not args.keep:
            for dataset in datasets:
                services.dataset_delete(dataset=dataset)
    if len(results) == 2:
        big, small = (results[r] for r in args.rows)
        print(f"\nratio {args.rows[0]:,} / {args.rows[1]:,} rows (p95):")
        for name in big:
            print(f"  {name:45s} {big[name][1] / small[name][1]:.2f}x")
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
