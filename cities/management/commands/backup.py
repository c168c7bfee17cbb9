# ruff: noqa: S603, S607 - asks git for the commit the app runs from
"""`manage.py backup --to DIR`: the database and the uploaded files, in one dated folder (docs/operations.md)."""

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from cities.backups import BackupError, Database, backup_create


def database_of(alias: str = "default") -> Database:
    s = connections[alias].settings_dict
    return Database(
        dbname=s["NAME"], host=s.get("HOST") or "127.0.0.1", port=s.get("PORT") or 5432,
        user=s.get("USER") or "", password=s.get("PASSWORD") or "",
    )  # fmt: skip


def app_version() -> str:
    """The release the backup was made by: APP_VERSION if the deployment sets it, else the git commit."""
    import os

    if os.environ.get("APP_VERSION"):
        return os.environ["APP_VERSION"]
    try:
        done = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format) and the uploaded files into a dated folder under --to."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--to", required=True, type=Path, help="Folder that receives the dated backup folder."
        )

    def handle(self, *args, to: Path, **options) -> None:
        try:
            folder = backup_create(
                to=to, database=database_of(), media_root=Path(settings.MEDIA_ROOT), app_version=app_version()
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        import json

        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        db, media = manifest["database"], manifest["media"]
        self.stdout.write(
            f"Database: {len(db['tables'])} tables, {db['rows']:,} rows, dump {db['bytes']:,} bytes.\n"
            f"Uploaded files: {media['file_count']:,} files, {media['file_bytes']:,} bytes."
        )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
