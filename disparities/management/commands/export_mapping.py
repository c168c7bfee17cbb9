"""Write a dataset's column and value mapping as JSON, to reuse it with import_dataset --mapping."""

import json

from django.core.management.base import BaseCommand, CommandError

from disparities.models import Dataset
from disparities.services import datasets as services


class Command(BaseCommand):
    help = "Write a dataset's mapping as JSON (to standard output, or to --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("dataset_id", type=int)
        parser.add_argument("--output", default="")

    def handle(self, *args, **options):
        dataset = Dataset.objects.filter(pk=options["dataset_id"]).first()
        if dataset is None:
            raise CommandError(f"No dataset {options['dataset_id']}.")
        text = json.dumps(services.mapping_export(dataset=dataset), indent=2, ensure_ascii=False)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
