"""Library search benchmark: 10,000 published resources, server time of search requests.

Run: DATABASE_URL=... .venv/bin/python benchmarks/library_search.py
It builds a throwaway test database (test_<name>), fills it, times requests through Django's
test client (the whole view: search, facets, highlights, template), prints median and p95, and
drops the database. Goal: under 100 ms per request.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_RESOURCES", "10000"))
WORDS = [
    "police",
    "youth",
    "basketball",
    "community",
    "trust",
    "conversation",
    "race",
    "equity",
    "complaint",
    "review",
    "board",
    "oversight",
    "data",
    "transparency",
    "training",
    "officer",
    "wellness",
    "school",
    "faith",
    "leader",
    "neighbourhood",
    "ambassador",
    "violence",
    "prevention",
    "mentoring",
    "reading",
    "library",
    "survey",
    "budget",
    "mayor",
    "council",
    "residents",
    "dialogue",
    "listening",
    "procedural",
    "justice",
    "use",
    "force",
    "body",
    "camera",
    "stop",
    "search",
    "arrest",
    "citation",
    "report",
    "publish",
    "open",
    "portal",
    "partnership",
    "church",
    "mosque",
    "synagogue",
    "coach",
    "summer",
    "program",
    "evaluation",
    "outcome",
    "cost",
    "staffing",
    "grant",
]
QUERIES = [
    "basketball", "community trust", "complaint review board", "youth mentoring program", '"procedural justice"',
    "police -data", "training or wellness", "faith leaders", "open data portal", "body cameras evaluation",
    "zzzz nothing matches", "race equity conversation", "police",
]  # fmt: skip


def _filler(rng: random.Random) -> list[str]:
    """3,000 made-up words: the ordinary prose around the domain words."""
    syllables = ["ka", "lo", "mi", "tor", "ben", "sa", "ru", "vel", "den", "pi", "mar", "gu", "tes", "no"]
    return ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)]


def _text(rng: random.Random, filler: list[str], n: int, domain_share: float) -> str:
    return " ".join(
        rng.choice(WORDS) if rng.random() < domain_share else rng.choice(filler) for _ in range(n)
    )


def fill() -> None:
    from library.models import Audience, EvidenceLevel, Kind, Resource, ResourceStatus, Topic
    from library.rendering import render_markdown

    rng = random.Random(7)
    filler = _filler(rng)
    now = timezone.now()
    rows = []
    for i in range(N):
        # Domain words are a share of the prose, as in real resources: a query matches some, not all.
        title = _text(rng, filler, rng.randint(3, 7), 0.5).capitalize()
        summary = _text(rng, filler, rng.randint(20, 40), 0.08) + "."
        body = "\n\n".join(
            _text(rng, filler, rng.randint(40, 90), 0.03) + "." for _ in range(rng.randint(2, 6))
        )
        rows.append(
            Resource(
                kind=rng.choice(Kind.values),
                title=title,
                slug=f"bench-{i}",
                summary=summary,
                body=body,
                body_html=render_markdown(body),
                topics=rng.sample(Topic.values, rng.randint(1, 3)),
                audiences=rng.sample(Audience.values, rng.randint(1, 3)),
                evidence_level=rng.choice(EvidenceLevel.values),
                status=ResourceStatus.PUBLISHED if i % 10 else ResourceStatus.DRAFT,
                published_at=now - timezone.timedelta(minutes=i),
            )
        )
    Resource.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE library_resource")


def main() -> None:
    from library.selectors import facets_changed

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # Its own database name, so that it never touches the test suite's database.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name}"
    keep = os.environ.get("BENCH_KEEP") == "1"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep)
    try:
        from library.models import Resource

        facets_changed()  # cached facet counts of another database must not be reused here
        if not Resource.objects.exists():
            fill()
        client = Client()
        client.get("/library/?q=warm+up")
        timings: list[float] = []
        per_url: dict[str, list[float]] = {}
        urls = []
        for q in QUERIES:
            urls += [
                f"/library/?q={q}",
                f"/library/?q={q}&kind=case_study&topic=youth",
                f"/library/?q={q}&sort=newest&page=3",
            ]
        urls += ["/library/", "/library/?topic=trust&audience=police&evidence=evaluated"]
        for _ in range(3):
            for url in urls:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                per_url.setdefault(url, []).append(timings[-1])
                assert response.status_code == 200, url
        if os.environ.get("BENCH_DETAIL") == "1":
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                client.get(
                    os.environ.get("BENCH_URL", "/library/?q=community+trust&kind=case_study&topic=youth")
                )
            for q in ctx.captured_queries:
                print(q["time"], q["sql"][:300])
            for url, values in sorted(per_url.items(), key=lambda kv: -statistics.median(kv[1]))[:8]:
                print(f"{statistics.median(values):7.1f} ms  {url}")
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{N} resources, {len(timings)} search requests")
        print(f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")
    finally:
        facets_changed()
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
