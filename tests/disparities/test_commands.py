"""The import from the command line: every real file, its figures, a mapping round trip, failures."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from disparities.models import Dataset, Rollup
from tests.builders import (
    BREMERTON_ARRESTS,
    BREMERTON_CITATIONS,
    LANSING,
    OWENSBORO,
    POLICE_FILES,
    POLICE_SAMPLES,
    ST_LOUIS,
)

pytestmark = pytest.mark.django_db

EXPECTED = {
    OWENSBORO: (
        "rows",
        {"white": 6017, "black": 830, "asian_pacific_islander": 53, "other": 3, "unknown": 18},
    ),
    LANSING: ("incidents", {"black": 45, "white": 52, "hispanic": 11, "unknown": 14, "other": 2}),
    ST_LOUIS: ("incidents", {"black": 550, "white": 274}),
    BREMERTON_ARRESTS: (
        "rows",
        {"white": 131, "black": 19, "asian_pacific_islander": 7, "unknown": 1, "native_american": 1},
    ),
    BREMERTON_CITATIONS: ("rows", {"white": 163, "black": 30, "unknown": 27, "asian_pacific_islander": 7}),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_real_file_imports_from_the_command_line(city, name, capsys):
    call_command(
        "import_dataset", str(POLICE_SAMPLES / name), city=city.slug, kind=POLICE_FILES[name], name=name
    )
    out = capsys.readouterr().out
    dataset = Dataset.objects.get(city=city, name=name)
    assert dataset.status == "imported"
    assert f"{dataset.rows_imported:,} imported" in out
    measure, expected = EXPECTED[name]
    rows = Rollup.objects.filter(dataset=dataset).values("race").annotate(n=Sum(measure))
    figures = {r["race"]: r["n"] for r in rows}
    assert {race: figures.get(race) for race in expected} == expected


def test_mapping_round_trip_through_json(city, tmp_path, capsys):
    call_command("import_dataset", str(POLICE_SAMPLES / BREMERTON_ARRESTS), city=city.slug, kind="arrest")
    dataset = Dataset.objects.get(city=city)
    out = tmp_path / "mapping.json"
    call_command("export_mapping", str(dataset.pk), output=str(out))
    data = json.loads(out.read_text())
    assert data["columns"]["subject_race"] == "RACE" and data["values"]["subject_race"]["W"] == "white"
    # Correct a value in the exported mapping and import the file again with it.
    data["values"]["subject_race"]["U"] = "other"
    out.write_text(json.dumps(data))
    call_command(
        "import_dataset",
        str(POLICE_SAMPLES / BREMERTON_ARRESTS),
        city=city.slug,
        kind="arrest",
        mapping=str(out),
        allow_duplicate=True,
        name="again",
    )
    again = Dataset.objects.get(city=city, name="again")
    assert Rollup.objects.filter(dataset=again, race="other").aggregate(n=Sum("rows"))["n"] == 1


def test_command_fails_with_the_reason(city, tmp_path):
    bad = tmp_path / "stops.csv"
    bad.write_text("date,officer\n2017-01-01,12\n")
    with pytest.raises(CommandError, match="race"):
        call_command("import_dataset", str(bad), city=city.slug, kind="stop")
    assert not Dataset.objects.filter(city=city).exists()
    with pytest.raises(CommandError, match="No city"):
        call_command("import_dataset", str(bad), city="nowhere", kind="stop")
    call_command("import_dataset", str(POLICE_SAMPLES / BREMERTON_CITATIONS), city=city.slug, kind="citation")
    with pytest.raises(CommandError, match="already uploaded"):
        call_command(
            "import_dataset", str(POLICE_SAMPLES / BREMERTON_CITATIONS), city=city.slug, kind="citation"
        )


def test_command_exits_non_zero(city, tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "two.zip"
    import zipfile

    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("a.csv", "date,race\n2017-01-01,W\n")
        archive.writestr("b.csv", "date,race\n2017-01-01,W\n")
    import os

    from django.conf import settings

    db = settings.DATABASES["default"]  # the test database, not the developer's
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "import_dataset", str(bad), "--city", "nowhere", "--kind", "stop"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode != 0 and "No city" in result.stderr


def test_a_file_larger_than_the_web_reads_is_read_by_the_command_itself(city, settings, capsys):
    """The command has no worker to wait for: a file over POLICE_UPLOAD_READ_IN_WORKER_MB is read
    in the command, as at upload, and imported."""
    settings.POLICE_UPLOAD_READ_IN_WORKER_MB = 0
    call_command("import_dataset", str(POLICE_SAMPLES / BREMERTON_ARRESTS), city=city.slug, kind="arrest")
    dataset = Dataset.objects.get(city=city)
    assert dataset.status == "imported" and dataset.rows_imported > 0
