"""Idempotent demo content, so that a newcomer sees a living app at once."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo cities, people and content (never on a production settings)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", default="demo", help="Password of every demo account.")

    def handle(self, *args, password: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run when DJANGO_DEBUG is false: it creates accounts with a "
                "known password."
            )
        ctx: dict = {"password": password, "stdout": self.stdout}
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name.startswith("django") or find_spec(module_name) is None:
                continue
            self.stdout.write(f"Seeding {config.label}…")
            with transaction.atomic():
                import_module(module_name).seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo content is ready. Sign in with any of these:"))
        for email, what in ctx.get("logins", []):
            self.stdout.write(f"  {email:<34} {what}")
        self.stdout.write(f"Password for every demo account: {password}")
