"""`manage.py restore --from DIR --database-url URL --media-root DIR`: a backup put back (docs/operations.md)."""

from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from cities.backups import BackupError, Database, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `manage.py backup` into a new (or empty) database and media folder, "
        "after checking its checksums. Refuses a database or media folder that is not empty unless --replace."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--from", dest="source", required=True, type=Path, help="The dated backup folder."
        )
        parser.add_argument(
            "--database-url",
            required=True,
            help="The database to restore into (created when it does not exist).",
        )
        parser.add_argument(
            "--media-root", required=True, type=Path, help="The folder the uploaded files go to."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Drop what the database holds and set the media folder aside (renamed) before restoring.",
        )

    def handle(
        self, *args, source: Path, database_url: str, media_root: Path, replace: bool, **options
    ) -> None:
        cfg = dj_database_url.parse(database_url)
        if not cfg.get("NAME"):
            raise CommandError(
                "--database-url must name a database, e.g. postgres://user@host:5432/realcities."
            )
        database = Database(
            dbname=cfg["NAME"], host=cfg.get("HOST") or "127.0.0.1", port=cfg.get("PORT") or 5432,
            user=cfg.get("USER") or "", password=cfg.get("PASSWORD") or "",
        )  # fmt: skip
        try:
            done = backup_restore(source=source, database=database, media_root=media_root, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        m = done.manifest
        self.stdout.write(
            f"Backup of {m['created_at']} (app {m['app']['version']}): {done.tables} tables, {done.rows:,} rows, "
            f"{done.files:,} uploaded files; every checksum and row count matches the manifest."
        )
        if done.replaced_media:
            self.stdout.write(f"The media folder that was there is kept as {done.replaced_media}.")
        self.stdout.write(self.style.SUCCESS(f"Restored into {database.label()} and {media_root}."))
