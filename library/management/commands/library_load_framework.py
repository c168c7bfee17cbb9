"""Load a framework's items from a CSV file (the same format curators upload in the app)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from library import services
from library.models import Framework


class Command(BaseCommand):
    help = "Create a framework if needed and load its items from a CSV file (all or nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="CSV with columns pillar_number,pillar_name,item_type,number,text")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", help="Name of a new framework (required when it does not exist yet)")
        parser.add_argument("--expected", type=int, help="Number of items in the complete framework")

    def handle(self, *args, path: str, slug: str, name: str | None, expected: int | None, **options) -> None:
        framework = Framework.objects.filter(slug=slug).first()
        if framework is None:
            if not name:
                raise CommandError(f"No framework '{slug}' yet: give --name to create it.")
            framework = services.framework_create(name=name, slug=slug, expected_items=expected)
        elif expected:
            framework.expected_items = expected
            framework.save(update_fields=["expected_items"])
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        result = services.framework_load_csv(framework=framework, data=data)
        if result["errors"]:
            for e in result["errors"]:
                self.stderr.write(f"line {e.line}: {e.column or '-'} {e.value!r}: {e.reason}")
            raise CommandError(f"Nothing was loaded: {len(result['errors'])} problem(s) in {path}.")
        count = framework.items.count()
        of = f" of {framework.expected_items}" if framework.expected_items else ""
        self.stdout.write(
            f"{framework.name}: {result['added']} added, {result['updated']} updated, "
            f"{result['unchanged']} unchanged; {count}{of} items loaded."
        )
