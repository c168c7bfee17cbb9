"""Forms of the disparity dashboards: population benchmarks and publishing."""

from django import forms

from ..figures import census
from ..models import BENCHMARK_RACES, Race

RACE_LABELS = dict(Race.choices)


class CountyBenchmarkForm(forms.Form):
    fips = forms.ChoiceField(
        label="County", help_text="Residents by race from the ACS 2013-2017 5-year estimates (table B03002)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fips"].choices = [("", "Choose a county")] + census.county_choices()


CENSUS_UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class UploadBenchmarkForm(forms.Form):
    file = forms.FileField(
        label="Census table B03002 for your city (CSV)",
        help_text="Download table B03002 for your place from data.census.gov (or American FactFinder) and upload it as it is.",
    )
    geo_id = forms.CharField(
        label="Place code (optional)",
        required=False,
        max_length=20,
        help_text="Only when the file has several places.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CENSUS_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 5 MB: download the table for your city only."
            )
        return upload

    def clean_geo_id(self) -> str:
        return self.cleaned_data["geo_id"].strip()


class TypedBenchmarkForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, help_text='For example "City of Riverton".')
    source = forms.CharField(label="Source", max_length=300, help_text="Where the figures come from.")
    vintage = forms.CharField(label="Years", max_length=40, help_text='For example "2018-2022".')
    total = forms.IntegerField(label="All residents (optional)", required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for race in BENCHMARK_RACES:
            self.fields[race] = forms.IntegerField(
                label=f"{RACE_LABELS[race]} residents", required=False, min_value=0
            )

    def residents(self) -> dict[str, int | None]:
        return {race: self.cleaned_data.get(race) for race in BENCHMARK_RACES}


class BenchmarkEditForm(forms.Form):
    """Name, source and years of any benchmark; the figures too when they were typed in."""

    name = forms.CharField(label="Name", max_length=200)
    source = forms.CharField(label="Source", max_length=300, help_text="Where the figures come from.")
    vintage = forms.CharField(label="Years", max_length=40, help_text='For example "2018-2022".')

    def __init__(self, *args, benchmark, **kwargs):
        initial = {"name": benchmark.name, "source": benchmark.source, "vintage": benchmark.vintage}
        self.with_figures = benchmark.figures_editable
        if self.with_figures:
            initial["total"] = benchmark.total
            initial.update(benchmark.population())
        super().__init__(*args, initial=initial, **kwargs)
        if self.with_figures:
            self.fields["total"] = forms.IntegerField(
                label="All residents (optional)",
                required=False,
                min_value=0,
                help_text="Left empty, the groups added up.",
            )
            for race in BENCHMARK_RACES:
                self.fields[race] = forms.IntegerField(
                    label=f"{RACE_LABELS[race]} residents", required=False, min_value=0
                )

    def residents(self) -> dict[str, int | None] | None:
        if not self.with_figures:
            return None
        return {race: self.cleaned_data.get(race) for race in BENCHMARK_RACES}


class PublishForm(forms.Form):
    title = forms.CharField(label="Title of the public page", max_length=200)
    introduction = forms.CharField(
        label="Introduction (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences for residents: why the city publishes these figures.",
    )
    title_es = forms.CharField(
        label="Title in Spanish (optional)",
        max_length=200,
        required=False,
        help_text="Shown to visitors reading in Spanish; without it they see the English title, with a note.",
    )
    introduction_es = forms.CharField(
        label="Introduction in Spanish (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PurposeGroupsForm(forms.Form):
    """The city's grouping of a dataset's stop reasons: one choice per reason listed by the last count."""

    def __init__(self, *args, reasons: list[dict], **kwargs):
        from ..figures.purposes import GROUPS

        super().__init__(*args, **kwargs)
        self.reasons = reasons
        for index, row in enumerate(reasons):
            proposed = ", proposed" if row.get("proposed") else ""
            row["group_label"] = dict(GROUPS).get(row["group"], row["group"])
            self.fields[f"group-{index}"] = forms.ChoiceField(
                label=f"{row['reason']} ({row['stops']:,} stops{proposed})",
                choices=GROUPS, required=False, initial=row["group"],
            )  # fmt: skip

    def groups(self) -> dict[str, str]:
        """reason -> group, for the reasons the form named (valid form only)."""
        return {
            row["reason"]: self.cleaned_data[f"group-{index}"]
            for index, row in enumerate(self.reasons)
            if f"group-{index}" in self.data
        }
