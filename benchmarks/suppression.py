"""Benchmark: protecting a published page of 10,000,000 stops (every table, trends by month for 5 years).

    .venv/bin/python benchmarks/suppression.py [--stops 10000000] [--years 5] [--seed 1] [--repeat 3]

Suppression works from rollups, never from records, so the benchmark builds the tables a stops
dashboard publishes (counts by race, against the population, searches and the outcome test,
discretionary searches, arrest/citation/warning rates, counts by year and by month) with the app's
own table builders from rollup-shaped sums drawn at that scale: 10 M stops over 60 months, with
realistic shares by race plus two rare groups (about 30 and 7 stops a month) so that the monthly
trend and the searches have many small cells to protect. It then times, separately:

  - protect: the page's system of sums built from the measures and protected as one
    (`report.publicize`: primary suppression, the line rule, then the audit loop);
  - audit: the integer-program audit run before publishing (`Protected.audit`, scipy milp).

and prints each run, the median, and how many counts were hidden. No database is touched.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")

import django  # noqa: E402

django.setup()

from disparities.figures import suppression  # noqa: E402
from disparities.selectors import protection  # noqa: E402
from disparities.selectors.tables import counts_table, population_table, proportion_table  # noqa: E402
from disparities.selectors.trends import count_trend_table  # noqa: E402

SHARES = {  # of stops
    "white": 0.52,
    "black": 0.28,
    "hispanic": 0.13,
    "asian_pacific_islander": 0.04,
    "unknown": 0.0297,
    "native_american": 0.0002,  # about 33 stops a month
    "other": 0.00004,  # about 7 stops a month: mostly small cells
}
SEARCH = {"black": 0.06, "hispanic": 0.05, "white": 0.03}
HIT = {"black": 0.28, "hispanic": 0.3, "white": 0.35}
RESIDENTS = {
    "white": 400_000,
    "black": 120_000,
    "hispanic": 90_000,
    "asian_pacific_islander": 30_000,
    "native_american": 3_000,
    "other": 8_000,
}


class Census:
    name, source, vintage = "Synthetic county", "ACS 5-year", "2023"

    def population(self):
        return dict(RESIDENTS)

    def margins(self):
        return {race: round(n * 0.02) for race, n in RESIDENTS.items()}


def month_rows(stops: int, years: int, rng: np.random.Generator) -> list[dict]:
    """Rollup-shaped rows: one per month and race, with every measure the stop tables read."""
    months = [dt.date(2020 + m // 12, m % 12 + 1, 1) for m in range(12 * years)]
    per_month = stops / len(months)
    rows = []
    for month in months:
        for race, share in SHARES.items():
            persons = int(rng.poisson(per_month * share))
            searches = int(rng.binomial(persons, SEARCH.get(race, 0.04)))
            discretionary = int(rng.binomial(searches, 0.6))
            incident = int(rng.binomial(searches - discretionary, 0.8))
            hits = int(rng.binomial(searches, HIT.get(race, 0.3)))
            arrests = int(rng.binomial(persons, 0.03))
            citations = int(rng.binomial(persons - arrests, 0.6))
            rows.append(
                {
                    "month": month,
                    "race": race,
                    "rows": persons,
                    "persons": persons,
                    "incidents": persons,
                    "incidents_all": persons,
                    "searches": searches,
                    "searches_discretionary": discretionary,
                    "searches_incident_to_arrest": incident,
                    "hits": hits,
                    "hits_discretionary": int(rng.binomial(min(hits, discretionary), 0.7)),
                    "arrests": arrests,
                    "citations": citations,
                    "warnings": persons - arrests - citations,
                }
            )
    return rows


def tables(rows: list[dict]):
    by_race: dict[str, dict[str, int]] = {}
    for r in rows:
        into = by_race.setdefault(r["race"], {})
        for k, v in r.items():
            if k not in ("month", "race"):
                into[k] = into.get(k, 0) + v
    dataset = SimpleNamespace(kind="stop", has_incident_id=False)
    return [
        counts_table(dataset, by_race, "stops"),
        population_table(dataset, by_race, Census(), "stops"),
        proportion_table("searches", "Searches and the outcome test", by_race, ["search_rate", "hit_rate"]),
        proportion_table(
            "discretionary",
            "Discretionary searches",
            by_race,
            ["discretionary_rate", "discretionary_hit_rate", "incident_rate"],
        ),
        proportion_table("outcomes", "Outcomes", by_race, ["arrest_rate", "citation_rate", "warning_rate"]),
        count_trend_table(rows, "persons", "stops", by="year"),
        count_trend_table(rows, "persons", "stops", by="month"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stops", type=int, default=10_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = month_rows(args.stops, args.years, np.random.default_rng(args.seed))
    board = tables(rows)
    total = sum(r["persons"] for r in rows)
    print(f"{total:,} stops, {len(rows):,} rollup rows (month x race), {args.years} years")
    protect_times, audit_times = [], []
    for run in range(args.repeat):
        started = time.perf_counter()
        protected = protection.protect(board)
        middle = time.perf_counter()
        failures = protected.audit()
        ended = time.perf_counter()
        protect_times.append(middle - started)
        audit_times.append(ended - middle)
        small = sum(1 for r in protected.hidden.values() if r == suppression.SMALL)
        print(
            f"run {run + 1}: protect {middle - started:.2f} s, audit (milp) {ended - middle:.2f} s, "
            f"{len(protected.system.values)} counts in the system, {len(protected.system.sums)} sums, "
            f"{small} hidden as <11, {len(protected.hidden) - small} hidden to protect them, "
            f"audit failures: {len(failures)}"
        )
    print(
        f"median: protect {statistics.median(protect_times):.2f} s, audit {statistics.median(audit_times):.2f} s, "
        f"together {statistics.median(p + a for p, a in zip(protect_times, audit_times, strict=True)):.2f} s "
        "(goal: within 10 s)"
    )


if __name__ == "__main__":
    main()
