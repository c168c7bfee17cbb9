"""Forms of the police data pages (Django's own rendering)."""

import json

from django import forms
from django.conf import settings

from ..files import mapping as m
from ..files.reader import ENCODINGS
from ..models import Kind

ACCEPT = ".csv,.tsv,.txt,.zip,.xlsx,text/csv,text/tab-separated-values,application/zip,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is one row of the file?",
        choices=[("", "Choose…")]
        + [
            (Kind.STOP, "A stop (traffic or pedestrian)"),
            (Kind.ARREST, "An arrest or an arrest charge"),
            (Kind.CITATION, "A citation (ticket)"),
            (Kind.USE_OF_FORCE, "A use of force"),
            (Kind.COMPLAINT, "A citizen complaint or allegation"),
        ],
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        help_text="For example “Traffic stops 2019–2023”. The file name is used if you leave it empty.",
    )
    source_agency = forms.CharField(
        label="Source agency",
        max_length=200,
        required=False,
        help_text="The department that gave you the file.",
    )
    file = forms.FileField(
        label="File",
        help_text="CSV, TSV, a zipped CSV, or Excel (.xlsx).",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    encoding = forms.ChoiceField(
        label="Text encoding",
        choices=[("", "Detect it (most files)")] + list(ENCODINGS.items()),
        required=False,
        help_text="Change it only if the upload says the file is not valid UTF-8 and you know the file's encoding.",
    )

    def __init__(self, *args, replacing=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.POLICE_UPLOAD_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text += f" At most {limit} MB."
        if replacing is not None:
            self.fields["kind"].initial = replacing.kind
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["name"].initial = replacing.name
            self.fields["source_agency"].initial = replacing.source_agency


MAPPING_FILE_MAX_BYTES = 1024 * 1024


class MappingImportForm(forms.Form):
    mapping_file = forms.FileField(
        label="Mapping file (JSON)",
        help_text="A mapping exported from REAL Cities.",
        error_messages={"required": "Choose a mapping file (JSON) to load."},
    )

    def clean_mapping_file(self) -> object:
        """The mapping the file holds, as JSON data (the service checks what it says)."""
        upload = self.cleaned_data["mapping_file"]
        if upload.size > MAPPING_FILE_MAX_BYTES:
            raise forms.ValidationError("A mapping file is small; this one is over 1 MB.")
        try:
            return json.loads(upload.read().decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            raise forms.ValidationError(
                "This file is not a mapping exported as JSON from REAL Cities."
            ) from None


TIME_FORMAT_CHOICES = [
    ("none", "No time of day (or a placeholder such as every row at 12:00)"),
    ("%H:%M:%S", "13:52:00"),
    ("%H:%M", "13:52"),
    ("%H%M", "1352 (no colon)"),
    ("%I:%M:%S %p", "01:52:00 PM"),
    ("%I:%M %p", "01:52 PM"),
    ("%H:%M:%S.%f", "13:52:00.000"),
]
DATE_FORMAT_CHOICES = [
    ("iso", "2017-04-01 (year-month-day)"),
    ("%m/%d/%Y", "4/1/2017 (month/day/year)"),
    ("%m/%d/%y", "4/1/17 (month/day/two-digit year)"),
    ("%d/%m/%Y", "1/4/2017 (day/month/year)"),
    ("%d/%m/%y", "1/4/17 (day/month/two-digit year)"),
    ("%Y/%m/%d", "2017/04/01"),
    ("%m-%d-%Y", "04-01-2017"),
    ("%m-%d-%y", "04-01-17"),
    ("%d-%b-%y", "01-Apr-17"),
    ("%d-%b-%Y", "01-Apr-2017"),
    ("%d.%m.%Y", "01.04.2017"),
    ("%Y%m%d", "20170401"),
    ("%b %d, %Y", "Apr 1, 2017"),
    ("%B %d, %Y", "April 1, 2017"),
    ("%Y-%m", "2017-04 (year and month only: no figures by day)"),
    ("%Y", "2017 (year only: figures by year, none by month)"),
]
SEPARATOR_CHOICES = [
    ("", "One value per cell"),
    (";", "Several values separated by ;"),
    ("|", "Several values separated by |"),
]
CANONICAL_LABELS = {
    m.NOT_A_PERSON: "Not a person (e.g. a police dog): leave out of person counts",
    "asian_pacific_islander": "Asian / Pacific Islander",
    "native_american": "Native American",
    "middle_eastern_south_asian": "Middle Eastern or South Asian (RIPA; no Census benchmark)",
    "multiracial": "Multiracial (no Census benchmark)",
    "not_hispanic": "Not Hispanic",
    "probable_cause": "Probable cause",
    "plain_view": "Plain view",
    "k9": "Drug dog (K9)",
    "incident_to_arrest": "Incident to arrest",
    "not_sustained": "Not sustained",
    "informational": "Informational only",
    "true": "Yes",
    "false": "No",
    "none": "No action",
    m.SEARCHES_OF_OTHER_ROWS: "Counts searches among the stops of other rows (aggregated files)",
}


def canonical_label(value: str) -> str:
    return CANONICAL_LABELS.get(value, value.replace("_", " ").capitalize())


class MappingForm(forms.Form):
    """Columns for every field, formats, and a canonical value for every distinct value found."""

    def __init__(self, *args, kind: str, header: list[str], mapping: dict, personal: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.header = header
        self.mapping = mapping
        columns = mapping.get("columns", {})
        column_choices = [("", "— not in this file —")] + [
            (h, f"{h} (identifies people)" if h in personal else h) for h in header
        ]
        for field in m.fields_for(kind):
            required = field in m.REQUIRED
            self.fields[f"col__{field}"] = forms.ChoiceField(
                label=m.LABELS[field] + (" (required)" if required else ""),
                choices=column_choices, required=False, initial=columns.get(field, ""),
            )  # fmt: skip
        self.fields["date_format"] = forms.ChoiceField(
            label="Date format", choices=DATE_FORMAT_CHOICES, initial=mapping.get("date_format") or "iso"
        )
        self.fields["time_format"] = forms.ChoiceField(
            label="Time format", choices=TIME_FORMAT_CHOICES, initial=mapping.get("time_format") or "none"
        )
        for field in sorted(m.MULTI_VALUED & set(m.fields_for(kind))):
            self.fields[f"sep__{field}"] = forms.ChoiceField(
                label=f"{m.LABELS[field]}: values per cell", choices=SEPARATOR_CHOICES, required=False,
                initial=mapping.get("separators", {}).get(field, ""),
            )  # fmt: skip
        # Rows that are not records: the rules kept (untick to drop one) and one new rule.
        self.rules = m.exclusion_rules(mapping)
        for index, rule in enumerate(self.rules):
            self.fields[f"excl_keep__{index}"] = forms.BooleanField(
                label=f"Leave out rows where {m.rule_label(rule)}", required=False, initial=True
            )
        self.fields["excl_column"] = forms.ChoiceField(
            label="Leave out rows where the column", choices=[("", "— no new rule —")] + [(h, h) for h in header],
            required=False,
        )  # fmt: skip
        self.fields["excl_values"] = forms.CharField(
            label="holds one of these values (one per line)", required=False, max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="For example a quarter separator (“Q2 2019”), VOID, DUPLICATE, or another department's name.",
        )  # fmt: skip
        self.fields["excl_reason"] = forms.CharField(
            label="Why these rows are not records", required=False, max_length=200,
            help_text="Shown in the import's report, e.g. “voided reports”.",
        )  # fmt: skip
        self.value_fields: dict[str, list[tuple[str, str]]] = {}
        for field in m.fields_for(kind):
            if field not in m.CATEGORICAL_FIELDS or field not in columns:
                continue
            choices = [(c, canonical_label(c)) for c in m.CHOICES[field]]
            names = []
            for index, (raw, canonical) in enumerate(
                sorted(mapping.get("values", {}).get(field, {}).items())
            ):
                name = f"val__{field}__{index}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{raw or '(blank)'}", choices=choices, initial=canonical, required=False
                )
                names.append((name, raw))
            self.value_fields[field] = names

    def clean(self):
        data = super().clean()
        values = [v.strip() for v in (data.get("excl_values") or "").splitlines() if v.strip()]
        if data.get("excl_column") and not values:
            self.add_error("excl_values", "Write the values that mark the rows to leave out, one per line.")
        if values and not data.get("excl_column"):
            self.add_error("excl_column", "Choose the column that holds these values.")
        data["excl_values_list"] = values
        return data

    def exclusion_fields(self):
        return [self[name] for name in self.fields if name.startswith("excl_keep__")]

    def value_rows(self, field: str):
        return [(self[name], raw) for name, raw in self.value_fields.get(field, [])]

    def value_sections(self, counts: dict) -> list[dict]:
        """For each mapped categorical column: its values as found, how often, and the choice for each."""
        sections = []
        for field in m.fields_for(self.kind):
            rows = self.value_rows(field)
            if rows:
                found = counts.get(field, {})
                sections.append(
                    {
                        "field": field,
                        "label": m.LABELS[field],
                        "rows": [(bf, raw, found.get(raw, 0)) for bf, raw in rows],
                    }
                )
        return sections

    def columns_changed(self, mapping: dict) -> bool:
        """Whether `mapping` (from `to_mapping`) reads other columns or dates than the one shown: its
        values must then be proposed and checked again before an import."""
        return mapping["columns"] != self.mapping.get("columns") or mapping[
            "date_format"
        ] != self.mapping.get("date_format")

    def column_fields(self):
        return [self[f"col__{field}"] for field in m.fields_for(self.kind)]

    def separator_fields(self):
        return [self[name] for name in self.fields if name.startswith("sep__")]

    def to_mapping(self) -> dict:
        data = self.cleaned_data
        mapping = dict(self.mapping.items())
        mapping["columns"] = {
            field: data[f"col__{field}"] for field in m.fields_for(self.kind) if data.get(f"col__{field}")
        }
        mapping["date_format"] = data["date_format"]
        mapping["time_format"] = data["time_format"]
        if "time" in mapping["columns"]:
            mapping.pop("time_in_date", None)
        elif data["time_format"] != "none" and "date" in mapping["columns"]:
            mapping["time_in_date"] = True
        mapping["separators"] = {
            name.removeprefix("sep__"): data.get(name, "") for name in self.fields if name.startswith("sep__")
        }
        values = {field: dict(table) for field, table in self.mapping.get("values", {}).items()}
        for field, names in self.value_fields.items():
            for name, raw in names:
                if data.get(name):
                    values.setdefault(field, {})[raw] = data[name]
        rules = [rule for index, rule in enumerate(self.rules) if data.get(f"excl_keep__{index}")]
        if data.get("excl_column") and data.get("excl_values_list"):
            rules.append(
                {
                    "column": data["excl_column"],
                    "values": data["excl_values_list"],
                    "reason": data.get("excl_reason", ""),
                }
            )
        mapping["exclude"] = m.exclusion_rules({"exclude": rules})
        if not mapping["exclude"]:
            mapping.pop("exclude")
        # Values of a column no longer mapped are dropped; values of a changed column are proposed afresh.
        old_columns = self.mapping.get("columns", {})
        mapping["values"] = {
            field: table for field, table in values.items()
            if field in mapping["columns"] and old_columns.get(field) == mapping["columns"][field]
        }  # fmt: skip
        return mapping
