# ruff: noqa: S603 - runs pg_dump and pg_restore (found on PATH by shutil.which) with arguments it builds itself
"""Backups a city can restore: the whole database and the uploaded files, in one dated folder.

Pure of Django (the `backup` and `restore` management commands hand it the connection and the media
folder), so the same code can run from a shell on a host where the app is not configured.

A backup folder `realcities-<UTC date and time>/` holds:
- `database.dump`: `pg_dump --format=custom` of every schema the app owns (every table and every
  partition, present or future, since pg_dump reads the catalogue, not a list of ours);
- `media.tar`: the uploaded files (police files, Census tables, library files), paths relative to
  MEDIA_ROOT;
- `manifest.json`: what, when, the app's version and migration state, the row count of every table,
  every file's size and SHA-256, and each archive's size and SHA-256.

The row counts and the dump come from one snapshot (`pg_export_snapshot`, then `pg_dump
--snapshot`), so the counts are exactly what the dump holds even while the app is writing.

A restore checks every checksum before it changes anything, refuses a database that already holds
tables and a media folder that already holds files unless told to replace them, restores in one
transaction (all or nothing), then checks every table's row count and every file's checksum
against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

FORMAT = "realcities-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar"
CHUNK = 1024 * 1024

# Tables (plain, partitioned and their partitions) in every schema but PostgreSQL's own.
_TABLES = """
    SELECT n.nspname, c.relname, c.relkind = 'p'
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
     ORDER BY 1, 2
"""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in plain words."""


@dataclass(frozen=True, kw_only=True)
class Database:
    """How to reach one PostgreSQL database (libpq's parameters)."""

    dbname: str
    host: str = "127.0.0.1"
    port: int | str = 5432
    user: str = ""
    password: str = ""

    def connect(self, *, dbname: str | None = None, **kwargs: Any) -> psycopg.Connection:
        return psycopg.connect(
            dbname=dbname or self.dbname,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            **kwargs,
        )

    def env(self) -> dict[str, str]:
        """The environment pg_dump and pg_restore read (the password never goes on a command line)."""
        env = dict(os.environ)
        env.update(
            PGHOST=str(self.host or "127.0.0.1"), PGPORT=str(self.port or 5432), PGDATABASE=self.dbname
        )
        if self.user:
            env["PGUSER"] = self.user
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def label(self) -> str:
        return f"{self.dbname} on {self.host or '127.0.0.1'}:{self.port or 5432}"


# --------------------------------------------------------------------------------------- checksums


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def media_listing(media_root: Path) -> list[dict[str, Any]]:
    """Every uploaded file: its path under MEDIA_ROOT, size and SHA-256."""
    return [
        {"path": p.relative_to(media_root).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_of(p)}
        for p in _media_files(media_root)
    ]


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """The row count of every table, `schema.table` -> rows.

    A partitioned table counts the rows of all its partitions, and each partition is listed too."""
    counts: dict[str, int] = {}
    for schema, table, _partitioned in conn.execute(_TABLES).fetchall():
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


def stored_rows(conn: psycopg.Connection, counts: dict[str, int]) -> int:
    """The rows the database stores: partitioned tables left out, their partitions hold the rows."""
    parents = {f"{s}.{t}" for s, t, partitioned in conn.execute(_TABLES).fetchall() if partitioned}
    return sum(n for name, n in counts.items() if name not in parents)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools (postgresql-client)."
        )
    return path


def _tool_version(name: str) -> str:
    out = subprocess.run([_tool(name), "--version"], capture_output=True, text=True, check=True).stdout
    return out.strip()


def _major(version: str) -> int:
    # "pg_dump (PostgreSQL) 15.20 (Debian ...)" -> 15; "15.20 (Debian ...)" -> 15
    for word in version.replace("(", " ").split():
        head = word.split(".")[0]
        if head.isdigit():
            return int(head)
    raise BackupError(f"Cannot read a PostgreSQL version from {version!r}.")


# ------------------------------------------------------------------------------------------ backup


def backup_create(*, to: Path, database: Database, media_root: Path, app_version: str) -> Path:
    """Write a dated backup folder under `to` and return it. Nothing is left behind on failure."""
    to = Path(to)
    to.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    name = f"realcities-{started.strftime('%Y%m%dT%H%M%SZ')}"
    final = to / name
    if final.exists():
        raise BackupError(f"{final} already exists: wait a second and run the backup again.")
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=to))
    try:
        manifest = _backup_into(work, database=database, media_root=Path(media_root), app_version=app_version)
        manifest["created_at"] = started.isoformat(timespec="seconds")
        manifest["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _backup_into(work: Path, *, database: Database, media_root: Path, app_version: str) -> dict[str, Any]:
    pg_dump = _tool("pg_dump")
    dump_version = _tool_version("pg_dump")
    try:
        conn = database.connect(autocommit=False)
    except psycopg.OperationalError as error:
        raise BackupError(f"Cannot reach the database {database.label()}: {error}") from error
    with conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        if _major(dump_version) < _major(server_version):
            raise BackupError(
                f"{dump_version} is older than the server ({server_version}): install the client tools "
                "of the server's version."
            )
        counts = table_counts(conn)
        rows = stored_rows(conn, counts)
        migrations = _migration_state(conn)
        dump = work / DATABASE_FILE
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             f"--file={dump}", database.dbname],
            env=database.env(), capture_output=True, text=True,
        )  # fmt: skip
        conn.rollback()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    files = media_listing(media_root)
    media = work / MEDIA_FILE
    with tarfile.open(media, "w", format=tarfile.PAX_FORMAT) as tar:
        for f in files:
            tar.add(media_root / f["path"], arcname=f["path"], recursive=False)
    return {
        "format": FORMAT,
        "app": {"version": app_version, "migrations": migrations},
        "database": {
            "name": database.dbname,
            "server_version": server_version,
            "pg_dump_version": dump_version,
            "file": DATABASE_FILE,
            "bytes": dump.stat().st_size,
            "sha256": sha256_of(dump),
            "tables": counts,
            "rows": rows,
        },
        "media": {
            "root": str(media_root),
            "file": MEDIA_FILE,
            "bytes": media.stat().st_size,
            "sha256": sha256_of(media),
            "files": files,
            "file_count": len(files),
            "file_bytes": sum(f["bytes"] for f in files),
        },
    }


def _migration_state(conn: psycopg.Connection) -> dict[str, str]:
    """The last migration applied of each app (empty when the database has no Django tables)."""
    exists = conn.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL").fetchone()[0]
    if not exists:
        return {}
    rows = conn.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app").fetchall()
    return dict(rows)


# ----------------------------------------------------------------------------------------- restore


def backup_verify(*, source: Path) -> dict[str, Any]:
    """Read a backup folder's manifest and check both archives' sizes and checksums against it."""
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} is not a backup folder: it has no {MANIFEST}.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{manifest_path} is damaged: it is not readable JSON ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{manifest_path} is not a REAL Cities backup manifest (expected format {FORMAT}).")
    for part in ("database", "media"):
        entry = manifest.get(part) or {}
        path = source / str(entry.get("file", ""))
        if not entry.get("file") or not path.is_file():
            raise BackupError(f"The backup is incomplete: {path.name or part} is missing.")
        size = path.stat().st_size
        if size != entry.get("bytes"):
            raise BackupError(
                f"{path.name} is damaged: it holds {size:,} bytes, the manifest says {entry.get('bytes')}. "
                "Nothing was restored; use another backup."
            )
        if sha256_of(path) != entry.get("sha256"):
            raise BackupError(
                f"{path.name} is damaged: its SHA-256 checksum does not match the manifest. "
                "Nothing was restored; use another backup."
            )
    return manifest


@dataclass(frozen=True, kw_only=True)
class Restored:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int
    replaced_media: Path | None


def backup_restore(*, source: Path, database: Database, media_root: Path, replace: bool = False) -> Restored:
    """Restore a backup folder into `database` (created when missing) and `media_root`.

    Refuses, changing nothing, when an archive is damaged, when the database already holds tables or
    the media folder already holds files (unless `replace`), or when pg_restore is older than the dump.
    """
    source, media_root = Path(source), Path(media_root)
    manifest = backup_verify(source=source)
    pg_restore = _tool("pg_restore")
    if _major(_tool_version("pg_restore")) < _major(manifest["database"]["pg_dump_version"]):
        raise BackupError(
            f"{_tool_version('pg_restore')} cannot read a dump made by {manifest['database']['pg_dump_version']}."
        )
    existing = _existing_tables(database)
    if existing and not replace:
        raise BackupError(
            f"The database {database.label()} is not empty ({len(existing)} tables, e.g. {existing[0]}). "
            "Nothing was restored. Restore into a new database, or pass --replace to drop its contents first."
        )
    if _media_files(media_root) and not replace:
        raise BackupError(
            f"The media folder {media_root} already holds files. Nothing was restored. Restore into an empty "
            "folder, or pass --replace (the folder is kept aside, renamed, not deleted)."
        )
    try:
        _create_database_if_missing(database)
        if existing:
            _empty_database(database)
    except psycopg.Error as error:
        raise BackupError(f"Cannot prepare the database {database.label()}: {error}") from error
    done = subprocess.run(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={database.dbname}", str(source / DATABASE_FILE)],
        env=database.env(), capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        left = "emptied (--replace)" if existing else "without any of the backup's tables"
        raise BackupError(f"pg_restore failed, the database is {left}: {done.stderr.strip()}")
    replaced = _restore_media(source / MEDIA_FILE, media_root, manifest["media"]["files"])
    with database.connect(autocommit=True) as conn:
        counts = table_counts(conn)
        rows = stored_rows(conn, counts)
    expected = manifest["database"]["tables"]
    if counts != expected:
        differ = sorted(k for k in set(counts) | set(expected) if counts.get(k) != expected.get(k))
        raise BackupError(
            f"The restored database differs from the backup's row counts in: {', '.join(differ[:10])}."
        )
    return Restored(
        manifest=manifest,
        tables=len(counts),
        rows=rows,
        files=len(manifest["media"]["files"]),
        replaced_media=replaced,
    )


def _existing_tables(database: Database) -> list[str]:
    try:
        with database.connect(autocommit=True) as conn:
            return list(table_counts(conn))
    except psycopg.OperationalError as error:
        if f'database "{database.dbname}" does not exist' in str(error):
            return []
        raise BackupError(f"Cannot reach the database {database.label()}: {error}") from error


def _create_database_if_missing(database: Database) -> None:
    with database.connect(dbname="postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database.dbname]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.dbname)))


def _empty_database(database: Database) -> None:
    """Drop every schema but PostgreSQL's own, then give back an empty `public` (asked for with --replace)."""
    with database.connect(autocommit=False) as conn:
        schemas = [
            r[0]
            for r in conn.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND nspname NOT LIKE 'pg\\_%'"
            ).fetchall()
        ]
        for schema in schemas:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        conn.execute("CREATE SCHEMA public")


def _restore_media(archive: Path, media_root: Path, files: list[dict[str, Any]]) -> Path | None:
    """Unpack the files beside `media_root`, check each checksum, then put the folder in place."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restoring.", dir=media_root.parent))
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(staging, filter="data")
        for f in files:
            path = staging / f["path"]
            if not path.is_file() or sha256_of(path) != f["sha256"]:
                raise BackupError(
                    f"The uploaded file {f['path']} did not come back intact from {archive.name}."
                )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replaced = None
    if media_root.exists():
        if any(media_root.iterdir()):
            replaced = media_root.with_name(f"{media_root.name}.replaced-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
            media_root.rename(replaced)
        else:
            media_root.rmdir()
    staging.rename(media_root)
    return replaced
