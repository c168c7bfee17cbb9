"""Write a dataset's disparity report (the document of docs/disparities-report.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from disparities.models import Benchmark, Dataset, JobStatus, Status, ThresholdRun, VeilRun
from disparities.selectors import analyses, dashboard, report
from disparities.selectors.filters import Filters


class Command(BaseCommand):
    help = "Write the disparity report of an imported dataset (JSON with --json; a short summary otherwise)."

    def add_arguments(self, parser):
        parser.add_argument("dataset_id", type=int)
        parser.add_argument("--json", action="store_true", help="Write the whole report as JSON.")
        parser.add_argument(
            "--public", action="store_true", help="The public version: small counts suppressed."
        )
        parser.add_argument(
            "--benchmark", type=int, default=None, help="Benchmark id (default: the city's default)."
        )
        parser.add_argument("--start", default="", help="First month, YYYY-MM.")
        parser.add_argument("--end", default="", help="Last month, YYYY-MM.")
        parser.add_argument("--district", default="")
        parser.add_argument("--type", default="")
        parser.add_argument("--sex", default="")
        parser.add_argument("--age-group", default="")
        parser.add_argument("--output", default="", help="Write to this file instead of standard output.")

    def handle(self, *args, **options):
        dataset = Dataset.objects.select_related("city").filter(pk=options["dataset_id"]).first()
        if dataset is None:
            raise CommandError(f"No dataset {options['dataset_id']}.")
        if dataset.status != Status.IMPORTED:
            raise CommandError(
                f"Dataset {dataset.pk} is not imported ({dataset.get_status_display().lower()})."
            )
        if options["benchmark"]:
            benchmark = Benchmark.objects.for_city(dataset.city).filter(pk=options["benchmark"]).first()
            if benchmark is None:
                raise CommandError(f"No benchmark {options['benchmark']} in {dataset.city.name}.")
        else:
            benchmark = dashboard.default_benchmark(city=dataset.city)
        filters = Filters.from_query(
            {
                "start": options["start"],
                "end": options["end"],
                "district": options["district"],
                "type": options["type"],
                "sex": options["sex"],
                "age_group": options["age_group"],
            }
        )
        board = dashboard.dashboard(dataset=dataset, filters=filters, benchmark=benchmark)
        run = VeilRun.objects.filter(dataset=dataset, status=JobStatus.DONE).order_by("-id").first()
        tested = ThresholdRun.objects.filter(dataset=dataset, status=JobStatus.DONE).order_by("-id").first()
        doc = report.document(
            board,
            public=options["public"],
            veil=run.result if run else None,
            threshold=tested.result if tested else None,
            analyses=None if options["public"] else analyses.report_analyses(dataset=dataset),
        )
        if options["json"]:
            text = json.dumps(doc, indent=1, ensure_ascii=False)
        else:
            lines = [f"{dataset.name} ({dataset.get_kind_display()}), {doc['filters_description']}"]
            for table in doc["tables"]:
                lines.append(f"- {table['title']}: {len(table['rows'])} rows")
            text = "\n".join(lines)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
