"""One migrated database that the test databases of a parallel run are copied from.

Under pytest-xdist every process has its own test database. Migrating each of them costs every
process the whole migration history at the same moment, on the same cores. Instead, the first
process to get here migrates one database (`manage.py migrate`, exactly as for a fresh test
database), and every process's test database is then created from it with PostgreSQL's
`CREATE DATABASE ... TEMPLATE`, an identical copy in about a second. Django still runs `migrate` on
the copy, which finds nothing to do.

The template's name carries a digest of everything that decides what `migrate` builds (every
migration file of the project, settings.py, requirements.lock), so a change to any of them makes a
new template; an older one of the same test database is dropped then. A template is built under a
temporary name and renamed only once `migrate` succeeded, so an interrupted build is never used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
APPS = ("cities", "conversations", "relationships", "disparities", "library", "realcities")


def _digest() -> str:
    files = [ROOT / "realcities" / "settings.py", ROOT / "requirements.lock"]
    for app in APPS:
        files += sorted((ROOT / app).glob("migrations/*.py"))
    digest = hashlib.sha256()
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _connect(db: dict, name: str) -> psycopg.Connection:
    return psycopg.connect(
        dbname=name, user=db.get("USER") or None, password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None, port=db.get("PORT") or None, autocommit=True,
    )  # fmt: skip


def _url(db: dict, name: str) -> str:
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{name}"


def migrated_template(db: dict, *, test_name: str) -> str:
    """The name of a migrated database to copy `test_name` databases from, built if missing."""
    prefix = f"{test_name}_template_"
    name = prefix + _digest()
    with _connect(db, "postgres") as conn:
        # One builder at a time, across the processes of the run (and any other run of this database).
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        try:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return name
            for (old,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix.replace("_", r"\_") + "%"]
            ).fetchall():
                # One being copied by another run right now is left for a later run to drop.
                with contextlib.suppress(psycopg.errors.ObjectInUse):
                    conn.execute(f'DROP DATABASE IF EXISTS "{old}"')
            building = f"{name}_building"
            conn.execute(f'CREATE DATABASE "{building}"')
            env = {**os.environ, "DATABASE_URL": _url(db, building)}
            env.pop("PYTEST_XDIST_WORKER", None)
            done = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
            )  # fmt: skip
            if done.returncode != 0:
                conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                raise RuntimeError(f"migrate failed on the template database:\n{done.stderr[-3000:]}")
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            return name
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])
