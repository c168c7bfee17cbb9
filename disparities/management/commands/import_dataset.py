"""Import a police data file from the command line, with the same service the browser uses."""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cities.models import City
from disparities.files import mapping as mapping_rules
from disparities.models import Kind, Status
from disparities.selectors.datasets import dataset_mapping_preview
from disparities.services import datasets as services
from disparities.services import imports


class Command(BaseCommand):
    help = (
        "Import a police data file (CSV, TSV, zipped CSV, XLSX) for a city. Prints progress and the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--city", required=True, help="The city's slug, e.g. riverton-mi.")
        parser.add_argument("--kind", required=True, choices=Kind.values)
        parser.add_argument(
            "--mapping", default="auto",
            help="A mapping exported as JSON (export_mapping), or 'auto' for the saved or proposed one.",
        )  # fmt: skip
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--agency", default="", help="The source agency, e.g. 'Riverton Police Department'."
        )
        parser.add_argument(
            "--allow-duplicate", action="store_true", help="Import even if the same file was imported."
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with the slug “{options['city']}”.")
        try:
            with path.open("rb") as handle:
                dataset = services.dataset_upload(
                    city=city, kind=options["kind"], file=File(handle, name=path.name), name=options["name"],
                    source_agency=options["agency"], allow_duplicate=options["allow_duplicate"],
                )  # fmt: skip
        except services.DuplicateDataset as duplicate:
            raise CommandError(
                f"{duplicate} (dataset {duplicate.earlier.pk}, {duplicate.earlier.get_status_display().lower()}). "
                "Use --allow-duplicate to import it again."
            ) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        try:
            if options["mapping"] != "auto":
                try:
                    data = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
                except (OSError, ValueError) as error:
                    raise CommandError(f"Cannot read the mapping file: {error}.") from None
                dataset = services.mapping_load(dataset=dataset, data=data)
            header = dataset.file_format.get("header", [])
            problems = mapping_rules.problems(dataset.mapping, header)
            if problems:
                # Name the real problem: the columns that could hold what is missing, with a few values.
                preview = dataset_mapping_preview(dataset=dataset, mapping=dataset.mapping)
                advice = mapping_rules.missing_field_help(
                    dataset.mapping, header, preview.get("sample") or [], dataset.kind
                )
                raise CommandError(
                    "\n".join(
                        [
                            " ".join(problems),
                            *advice,
                            "Export a mapping, edit it, and pass it with --mapping.",
                        ]
                    )
                )
            services.dataset_confirm(dataset=dataset, enqueue=False)
        except ValidationError as error:
            services.dataset_delete(dataset=dataset)
            raise CommandError(" ".join(error.messages)) from None
        except CommandError:
            services.dataset_delete(dataset=dataset)
            raise
        self.stdout.write(f"Dataset {dataset.pk}: importing {path.name} ({dataset.file_format.get('format')}, "
                          f"{dataset.file_format.get('encoding') or 'Excel'})")  # fmt: skip
        interactive = sys.stdout.isatty()

        def progress(state: dict) -> None:
            line = f"  {state['rows']:,} rows, {state['rate']:,} rows/s, {state['fraction']:.0%}"
            if interactive:
                self.stdout.write("\r" + line, ending="")
            else:
                self.stdout.write(line)

        outcome = imports.dataset_import(dataset_id=dataset.pk, on_progress=progress)
        dataset = outcome.dataset
        if dataset is None:
            raise CommandError("The dataset was deleted while it was being imported.")
        if interactive:
            self.stdout.write("")
        if dataset.status != Status.IMPORTED:
            raise CommandError(f"Import failed: {dataset.status_message}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported dataset {dataset.pk}: {dataset.rows_read:,} rows read, {dataset.rows_imported:,} imported, "
                f"{dataset.rows_rejected:,} rejected, {dataset.values_missing:,} values stored as missing."
                + (
                    f" {dataset.rows_excluded:,} rows left out as not records."
                    if dataset.rows_excluded
                    else ""
                )
            )
        )
        if dataset.weighted:
            column = dataset.mapping.get("columns", {}).get("weight", "")
            self.stdout.write(
                f"  This file is aggregated: the {dataset.rows_imported:,} rows imported stand for "
                f"{dataset.records_imported:,} records (column “{column}”); every figure counts records."
            )
        if dataset.date_precision != "day":
            self.stdout.write(
                f"  Its dates are only {'years' if dataset.date_precision == 'year' else 'months'}"
                + (": figures by month are not offered." if dataset.date_precision == "year" else ".")
            )
        for rule in dataset.exclusions:
            self.stdout.write(f"  {rule['rows']:,} left out where {mapping_rules.rule_label(rule)}")
