from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from cities.models import City

from . import framework_csv
from .models import (
    AdoptionStatus,
    Audience,
    EvidenceKind,
    FrameworkItem,
    FrameworkStatusChoice,
    ItemType,
    Resource,
    ResourceStatus,
    Submission,
    SubmissionStatus,
    Topic,
)
from .validators import validate_link, validate_web_address

FILE_MAX_BYTES = 20 * 1024 * 1024
FILE_TYPES = (".pdf", ".docx", ".doc", ".pptx", ".xlsx", ".csv", ".txt", ".odt", ".png", ".jpg")


class ResourceForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    audiences = forms.MultipleChoiceField(
        label="Stakeholder groups",
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cities = forms.ModelMultipleChoiceField(
        label="Cities involved", queryset=City.objects.order_by("name"), required=False
    )
    framework_items = forms.ModelMultipleChoiceField(
        label="Related framework items",
        queryset=FrameworkItem.objects.select_related("framework").order_by("framework__name", "sort_key"),
        required=False,
        help_text="Hold Ctrl (or Cmd) to choose several.",
    )
    note = forms.CharField(label="What changed (kept with the revision)", required=False, max_length=300)

    class Meta:
        model = Resource
        fields = [
            "kind", "title", "slug", "summary", "body", "link", "file", "place", "cities", "credited_city", "topics",
            "audiences", "framework_items", "evidence_level", "cost_notes", "staffing_notes",
            "contact_name", "contact_email", "contact_consent", "review_by",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "cost_notes": forms.Textarea(attrs={"rows": 2}),
            "staffing_notes": forms.Textarea(attrs={"rows": 2}),
            "review_by": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"slug": "The end of the page's address. Leave empty to make one from the title."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["framework_items"].label_from_instance = lambda i: (
            f"{i.framework.name} {i.number}: {i.text[:80]}"
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "size"):
            if upload.size > FILE_MAX_BYTES:
                raise forms.ValidationError("The file is larger than 20 MB. Link to it instead.")
            if not upload.name.lower().endswith(FILE_TYPES):
                raise forms.ValidationError(
                    "Attach a document (PDF, Word, PowerPoint, Excel, CSV, text) or an image."
                )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("contact_email") and not data.get("contact_consent"):
            self.add_error(
                "contact_consent",
                "Only name a contact who agreed to be reached; tick the box or remove the email.",
            )
        return data


class OutcomeRowForm(forms.Form):
    metric = forms.CharField(max_length=200, required=False)
    before = forms.CharField(max_length=100, required=False)
    after = forms.CharField(max_length=100, required=False)
    period = forms.CharField(max_length=100, required=False)
    source = forms.CharField(max_length=300, required=False)


OutcomeFormSet = forms.formset_factory(OutcomeRowForm, extra=2, max_num=30, validate_max=True)


class TransitionForm(forms.Form):
    to = forms.CharField()
    note = forms.CharField(required=False, max_length=300)

    # The order in which the buttons of the moves a resource may make are shown.
    ORDER = (
        ResourceStatus.PUBLISHED,
        ResourceStatus.IN_REVIEW,
        ResourceStatus.DRAFT,
        ResourceStatus.ARCHIVED,
    )

    @classmethod
    def choices_for(cls, resource: Resource, *, allowed: dict) -> list[tuple[str, str]]:
        """The moves `resource` may make now (value, label), given the transitions `allowed`."""
        moves = allowed.get(resource.status, frozenset())
        return [(to.value, to.label) for to in cls.ORDER if to in moves]


class FrameworkForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    source_url = forms.URLField(
        label="Source", required=False, max_length=500, validators=[validate_web_address]
    )
    expected_items = forms.IntegerField(
        label="Items in the complete framework",
        min_value=1,
        required=False,
        help_text="So the app can say how many of them are loaded.",
    )


class FrameworkCSVForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: pillar_number,pillar_name,item_type,number,text (UTF-8). "
        "Nothing is loaded if any row is wrong; every problem is listed.",
    )


class FrameworkItemForm(forms.ModelForm):
    class Meta:
        model = FrameworkItem
        fields = ["pillar_number", "pillar_name", "item_type", "number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.fields["item_type"].choices = ItemType.choices

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if not framework_csv.NUMBER.match(number):
            raise forms.ValidationError("Write the number as the framework does, e.g. 1.2 or 1.2.1.")
        clash = FrameworkItem.objects.filter(framework=self.framework, number=number).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError("This framework already has an item with that number.")
        return number


class ItemRetireForm(forms.Form):
    note = forms.CharField(
        label="Why is this item retired?",
        max_length=500,
        help_text="Kept in the item's history. Cities' statuses and evidence on the item are kept.",
    )


class CityStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FrameworkStatusChoice.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class EvidenceLinkForm(forms.Form):
    kind = forms.ChoiceField(choices=EvidenceKind.choices)
    label = forms.CharField(max_length=200)
    url = forms.CharField(
        label="Link",
        max_length=500,
        help_text="A web address (https://...) or a page of this app (/c/your-city/...).",
    )

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        validate_link(url)
        return url


@dataclass
class CityItemForms:
    """The two forms of a city's framework item page: its status, and a piece of evidence. Only the
    one whose button was pressed is bound."""

    status: CityStatusForm
    link: EvidenceLinkForm

    @classmethod
    def build(cls, data: QueryDict, *, record) -> "CityItemForms":
        initial = {"status": record.status, "notes": record.notes} if record else {}
        return cls(
            status=CityStatusForm(data if "save_status" in data else None, initial=initial),
            link=EvidenceLinkForm(data if "add_link" in data else None),
        )


class AdoptionForm(forms.Form):
    status = forms.ChoiceField(choices=AdoptionStatus.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="What came of it so far. Leave empty if it is too early to say.",
    )


class SubmissionForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Submission
        fields = [
            "kind", "title", "summary", "what_we_did", "partners", "how_it_went", "link", "topics",
            "contact_name", "contact_email", "contact_consent",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "what_we_did": forms.Textarea(attrs={"rows": 8}),
            "partners": forms.Textarea(attrs={"rows": 3}),
            "how_it_went": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        if data.get("contact_email") and not data.get("contact_consent"):
            self.add_error(
                "contact_consent", "Tick this only if the contact agreed; otherwise remove the email."
            )
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (SubmissionStatus.ACCEPTED, "Accept into the library (as a draft crediting the city)"),
            (SubmissionStatus.CHANGES_REQUESTED, "Ask for changes"),
            (SubmissionStatus.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Message to the city",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text="Required when asking for changes or declining: the city sees it.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") in (SubmissionStatus.CHANGES_REQUESTED, SubmissionStatus.DECLINED)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Tell the city why, so they know what to do next.")
        return data
