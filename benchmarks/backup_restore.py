# ruff: noqa: S603 - a benchmark that runs the app's own management commands on purpose
"""Benchmark: how long `manage.py backup` and `manage.py restore` take on the database in DATABASE_URL.

    DATABASE_URL=... DJANGO_MEDIA_ROOT=... .venv/bin/python benchmarks/backup_restore.py [--keep]

Backs up the database and the uploaded files into a scratch folder, restores them into a scratch
database (`<name>_restore_bench`) and a scratch media folder, and prints the wall time of each step,
the stops held, the size of the dump and of the files. The scratch database and folders are removed
at the end unless --keep.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/realcities")
    cfg = dj_database_url.parse(url)
    target = f"{cfg['NAME']}_restore_bench"
    admin = {
        "host": cfg.get("HOST") or "127.0.0.1",
        "port": cfg.get("PORT") or 5432,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
    with psycopg.connect(dbname=cfg["NAME"], **admin) as conn:
        stops = conn.execute("SELECT count(*) FROM disparities_stop").fetchone()[0]
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    scratch = Path(tempfile.mkdtemp(prefix="realcities-backup-bench-"))
    try:
        backup_s = run("backup", "--to", str(scratch / "backups"))
        (folder,) = (scratch / "backups").iterdir()
        manifest = json.loads((folder / "manifest.json").read_text())
        target_url = url.rsplit("/", 1)[0] + f"/{target}"
        restore_s = run("restore", "--from", str(folder), "--database-url", target_url,
                        "--media-root", str(scratch / "media"))  # fmt: skip
        print(
            f"stops {stops:,}; database {size / 1e6:,.1f} MB on disk; dump {manifest['database']['bytes'] / 1e6:,.1f}"
            f" MB; {manifest['database']['rows']:,} rows in {len(manifest['database']['tables'])} tables; "
            f"{manifest['media']['file_count']} uploaded files, {manifest['media']['file_bytes'] / 1e6:,.1f} MB"
        )
        print(
            f"backup {backup_s:.1f} s; restore (checksums, pg_restore, files, row counts) {restore_s:.1f} s"
        )
    finally:
        if not options.keep:
            shutil.rmtree(scratch, ignore_errors=True)
            with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
                )


if __name__ == "__main__":
    main()
