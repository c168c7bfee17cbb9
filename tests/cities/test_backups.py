"""Backups a city can restore (`manage.py backup` / `manage.py restore`, cities/backups.py).

A city with one of everything (conversations, relationships, an imported police dataset and its file,
a Census benchmark file, an equity assessment, Census indicator tables) is backed up from the test
database and restored into a fresh database and a fresh media folder. The restored copy is then read
back independently of the app's backup code: every table's row count (every table in the catalogue,
not a chosen list), the dashboard's JSON report served by a separate process on the restored copy, and
each uploaded file byte for byte. The refusals change nothing.
"""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from psycopg import sql

from tests import builders
from tests.equity.routes import scene as equity_scene
from tests.indicators.routes import scene as indicators_scene

ROOT = Path(__file__).resolve().parents[2]


def _params(dbname: str) -> dict:
    s = connection.settings_dict
    return {
        "dbname": dbname,
        "host": s.get("HOST") or "127.0.0.1",
        "port": s.get("PORT") or 5432,
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
    }


def _url(dbname: str) -> str:
    p = _params(dbname)
    auth = p["user"] or "postgres"
    if p["password"]:
        auth += f":{p['password']}"
    return f"postgres://{auth}@{p['host']}:{p['port']}/{dbname}"


def _counts(dbname: str) -> dict[str, int]:
    """Every table of every non-system schema and its row count, read straight from the catalogue."""
    with psycopg.connect(**_params(dbname), autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        return {
            f"{s}.{t}": conn.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(s), sql.Identifier(t))
            ).fetchone()[0]
            for s, t in tables
        }


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def fresh_database():
    """A database name that does not exist yet; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(**_params("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def seeded_city(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from tests.factories import CityFactory

    city = CityFactory()
    lead = builders.member(city, "lead")
    builders.full_conversation(city)
    builders.relationships_scene(city)
    dataset = builders.imported_dataset(city)
    assert dataset.status == "imported"
    builders.uploaded_benchmark(city)
    equity_scene(city)
    indicators_scene(city)
    return {"city": city, "lead": lead, "dataset": dataset, "media": Path(settings.MEDIA_ROOT)}


REPORT_IN_RESTORED_COPY = """
import json, os, sys
import django
django.setup()
from django.core.cache import cache
from django.test import Client
from cities.models import User
client = cache._cache.get_client(write=True)
keys = list(client.scan_iter(match=f"{os.environ['PREFIX']}:*", count=1000))
if keys:
    client.delete(*keys)
c = Client()
c.force_login(User.objects.get(pk=int(sys.argv[1])))
response = c.get(sys.argv[2])
assert response.status_code == 200, response.status_code
sys.stdout.write(response.content.decode())
"""


def _report_from(dbname: str, media_root: Path, *, user_id: int, url: str) -> dict:
    """The dashboard's JSON report as a separate process serves it from the restored copy (its own cache keys)."""
    worker = f"restorecheck{uuid.uuid4().hex[:6]}"
    env = dict(os.environ, DATABASE_URL=_url(dbname), DJANGO_MEDIA_ROOT=str(media_root), PYTEST_XDIST_WORKER=worker,
               PREFIX=f"realcities-{worker}", DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="realcities.settings")  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", REPORT_IN_RESTORED_COPY, str(user_id), url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_and_media_folder(
    seeded_city, tmp_path, fresh_database, client
):
    city, lead, dataset, media = (seeded_city[k] for k in ("city", "lead", "dataset", "media"))
    # The report first: reading it writes an audit entry, which must be in the backup too.
    client.force_login(lead)
    url = reverse("disparities:report_json", args=[city.slug, dataset.pk])
    response = client.get(url)
    assert response.status_code == 200
    original_report = response.json()
    assert original_report["tables"], "the report has figures to compare"

    # A partitioned table with its partitions, as the police records may become: pg_dump reads the
    # catalogue, so tables and partitions that no list of ours names come along too.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE backup_probe (dataset int, n int) PARTITION BY LIST (dataset);"
            "CREATE TABLE backup_probe_1 PARTITION OF backup_probe FOR VALUES IN (1);"
            "CREATE TABLE backup_probe_2 PARTITION OF backup_probe FOR VALUES IN (2);"
            "INSERT INTO backup_probe SELECT 1 + i % 2, i FROM generate_series(1, 301) i"
        )
    try:
        _backup_and_restore(seeded_city, tmp_path, fresh_database, url, original_report)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE backup_probe")


def _backup_and_restore(seeded_city, tmp_path, fresh_database, url, original_report):
    lead, media = seeded_city["lead"], seeded_city["media"]
    original_files = _files(media)
    assert any(p.startswith("police/") for p in original_files)
    assert any(p.startswith("census/") for p in original_files)
    original_counts = _counts(connection.settings_dict["NAME"])

    call_command("backup", to=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("realcities-")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["tables"] == original_counts
    assert manifest["app"]["migrations"]["disparities"]
    assert (
        manifest["database"]["sha256"] == hashlib.sha256((folder / "database.dump").read_bytes()).hexdigest()
    )
    assert {f["path"] for f in manifest["media"]["files"]} == set(original_files)

    restored_media = tmp_path / "restored-media"
    call_command("restore", source=folder, database_url=_url(fresh_database), media_root=restored_media)

    restored_counts = _counts(fresh_database)
    assert restored_counts == original_counts
    for table in (
        "public.disparities_stop",
        "public.conversations_conversation",
        "public.equity_assessment",
        "public.relationships_stakeholder",
        "public.indicators_censusfile",
        "public.cities_auditevent",
    ):
        assert original_counts.get(table), f"{table} is empty or missing: the scene did not exercise it"
    assert [original_counts[f"public.backup_probe{p}"] for p in ("", "_1", "_2")] == [301, 150, 151]
    assert _files(restored_media) == original_files

    restored_report = _report_from(fresh_database, restored_media, user_id=lead.pk, url=url)
    original_report.pop("generated_at")
    restored_report.pop("generated_at")
    assert restored_report == original_report


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(seeded_city, tmp_path, fresh_database):
    call_command("backup", to=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    with psycopg.connect(**_params("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fresh_database)))
    with psycopg.connect(**_params(fresh_database), autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)")
    before = _counts(fresh_database)

    with pytest.raises(CommandError, match="is not empty .*Nothing was restored"):
        call_command("restore", source=folder, database_url=_url(fresh_database), media_root=tmp_path / "m")
    assert _counts(fresh_database) == before == {"public.kept": 2}
    assert not (tmp_path / "m").exists()

    # Told to replace it, the restore drops what was there and puts the backup in its place.
    call_command(
        "restore", source=folder, database_url=_url(fresh_database), media_root=tmp_path / "m", replace=True
    )
    assert _counts(fresh_database) == _counts(connection.settings_dict["NAME"])


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_media_folder_that_holds_files(seeded_city, tmp_path, fresh_database):
    call_command("backup", to=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    media = tmp_path / "busy-media"
    media.mkdir()
    (media / "someone-elses.csv").write_bytes(b"a,b\n")
    with pytest.raises(CommandError, match="already holds files"):
        call_command("restore", source=folder, database_url=_url(fresh_database), media_root=media)
    assert _files(media) == {"someone-elses.csv": b"a,b\n"}
    with psycopg.connect(**_params("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [fresh_database]).fetchone()
    assert exists is None

    # Told to replace it, the restore puts the backup's files there and keeps the old folder aside.
    call_command("restore", source=folder, database_url=_url(fresh_database), media_root=media, replace=True)
    assert _files(media) == _files(seeded_city["media"])
    (kept,) = tmp_path.glob("busy-media.replaced-*")
    assert _files(kept) == {"someone-elses.csv": b"a,b\n"}


@pytest.mark.parametrize(
    "damaged, how",
    [("database.dump", "flip"), ("media.tar", "flip"), ("media.tar", "cut"), ("manifest.json", "cut")],
)
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    seeded_city, tmp_path, fresh_database, damaged, how
):
    call_command("backup", to=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    path = folder / damaged
    data = bytearray(path.read_bytes())
    if how == "cut":
        data = data[: len(data) // 2]  # cut short, as a copy interrupted
    else:
        data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    path.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", source=folder, database_url=_url(fresh_database), media_root=tmp_path / "m")
    assert not (tmp_path / "m").exists()
    with psycopg.connect(**_params("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [fresh_database]).fetchone()
    assert exists is None


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a backup folder"):
        call_command("restore", source=tmp_path, database_url=_url("nothing_here"), media_root=tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_the_command_line_says_why_without_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "restore", "--from", str(tmp_path), "--database-url", _url("nothing_here"),
         "--media-root", str(tmp_path / "m")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "is not a backup folder: it has no manifest.json" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "m").exists()
