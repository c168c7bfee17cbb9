"""Benchmark: wall time of the threshold test job (read the rollups, sample, store) at production settings.

    DATABASE_URL=... .venv/bin/python benchmarks/threshold_test.py [--rows 1000000] [--runs 2] [--keep]

None of the real files shipped in shared/data/police records searches, hits and districts together
(Owensboro, the only record-level stops file, has no search or contraband column: the job answers at
once that it cannot run), so the job is timed on generated stops of the dashboard benchmark's shape
(`benchmarks/dashboard.py`: five districts, six race categories, realistic search and hit rates),
loaded inside Postgres and rolled up as an import does. The job reads only the rollups, so its time
depends on the number of district x race cells (here 25 kept), not on the number of stops.

Each run calls the service the Celery task calls (`threshold_run_execute`) with the settings in
force (THRESHOLD_TEST_CHAINS, _WARMUP, _DRAWS: 4 chains of 1,000 draws after 1,000 of warm-up by
default). The first run uses an empty JAX compilation cache (as on a fresh machine), the later ones
the cache the first run filled. It prints each run's wall time, the verdict and the diagnostics.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")

import django  # noqa: E402

django.setup()

from dashboard import make_dataset  # noqa: E402
from django.conf import settings  # noqa: E402

from cities.models import City, Membership, User  # noqa: E402
from disparities.services import dashboards  # noqa: E402
from disparities.services import datasets as services  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    city, _ = City.objects.get_or_create(
        slug="benchmark-city",
        defaults={"name": "Benchmark City", "state": "MI", "county_fips": "26065", "latitude": "42.7325",
                  "longitude": "-84.5555"},
    )
    user, _ = User.objects.get_or_create(email="benchmark@realcities.example")
    Membership.objects.get_or_create(user=user, city=city, defaults={"role": "lead"})
    settings.THRESHOLD_TEST_COMPILE_CACHE = tempfile.mkdtemp(prefix="threshold-jax-")
    print(
        f"{args.rows:,} generated stops; {settings.THRESHOLD_TEST_CHAINS} chains x {settings.THRESHOLD_TEST_DRAWS} "
        f"draws after {settings.THRESHOLD_TEST_WARMUP} warm-up; compile cache {settings.THRESHOLD_TEST_COMPILE_CACHE}",
        flush=True,
    )
    dataset = make_dataset(city, user, args.rows)
    try:
        for n in range(1, args.runs + 1):
            started = time.perf_counter()
            run = dashboards.threshold_run_start(dataset=dataset, started_by=user, enqueue=False)
            run = dashboards.threshold_run_execute(run_id=run.pk)
            seconds = time.perf_counter() - started
            r = run.result
            print(
                f"run {n} ({'empty' if n == 1 else 'warm'} compile cache): {seconds:.1f} s; verdict {r.get('verdict')}; "
                f"{len(r.get('cells', []))} cells; diagnostics {r.get('diagnostics')}",
                flush=True,
            )
            for g in r.get("races", []):
                print(f"  {g['race']:24s} threshold {g['threshold']}  interval {g['interval']}  "
                      f"P(lower than white) {g['p_lower_than_white']}")  # fmt: skip
    finally:
        if not args.keep:
            services.dataset_delete(dataset=dataset)
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
