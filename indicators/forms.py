"""Forms of the outcomes section: a Census upload, the city's geography, local indicators."""

from django import forms

from .models import LocalIndicator, LocalRace, LocalSex
from .services import MAX_UPLOAD


class CensusUploadForm(forms.Form):
    file = forms.FileField(
        label="Census table by race",
        help_text="A data.census.gov download (the file ending in -Data.csv) or a Census API response (JSON), "
        "of one table by race such as B17001B.",
    )
    vintage = forms.IntegerField(
        label="Vintage (last year of the 5-year estimates)",
        required=False,
        min_value=2005,
        max_value=2100,
        help_text="Leave empty when the file name says it (ACSDT5Y2024...).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 20 MB: no ACS table by race is.")
        return upload


class GeographyForm(forms.Form):
    geo_id = forms.CharField(label="The city's own geography", max_length=40)


class LocalIndicatorForm(forms.ModelForm):
    class Meta:
        model = LocalIndicator
        fields = [
            "title",
            "milestone",
            "numerator_label",
            "denominator_label",
            "lower_is_better",
            "period",
            "source",
        ]
        labels = {"numerator_label": "Counted (numerator)", "denominator_label": "Out of (denominator)"}


SEXES_TYPED = [("male", "Males"), ("all", "Everyone")]


class LocalFiguresForm(forms.Form):
    """Counts typed in, for each race and for males and everyone, or a CSV of them."""

    file = forms.FileField(
        label="Or upload a CSV of counts",
        required=False,
        help_text="Columns race, sex, numerator, denominator; race is one of "
        + ", ".join(LocalRace.values)
        + "; sex is male, female or all.",
    )

    def __init__(self, *args, initial_figures=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_figures = initial_figures or {}
        self.groups = []
        for race, race_label in LocalRace.choices:
            for sex, sex_label in SEXES_TYPED:
                k, n = initial_figures.get((race, sex), (None, None))
                num = f"{race}__{sex}__k"
                den = f"{race}__{sex}__n"
                self.fields[num] = forms.IntegerField(
                    label=f"{race_label}, {sex_label.lower()}: counted",
                    required=False,
                    min_value=0,
                    initial=k,
                )
                self.fields[den] = forms.IntegerField(
                    label=f"{race_label}, {sex_label.lower()}: out of", required=False, min_value=0, initial=n
                )
                self.groups.append(
                    {"label": f"{race_label}, {sex_label.lower()}", "k": self[num], "n": self[den]}
                )

    def typed(self) -> list[tuple[str, str, int, int]]:
        out = []
        for race in LocalRace.values:
            for sex, _ in SEXES_TYPED:
                k = self.cleaned_data.get(f"{race}__{sex}__k")
                n = self.cleaned_data.get(f"{race}__{sex}__n")
                if k is None and n is None:
                    continue
                if k is None or n is None:
                    raise forms.ValidationError(f"{race}, {sex}: give both the count and the total.")
                out.append((race, sex, k, n))
        return out


__all__ = ["CensusUploadForm", "GeographyForm", "LocalFiguresForm", "LocalIndicatorForm", "LocalSex"]
