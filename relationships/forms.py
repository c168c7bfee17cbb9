"""Forms of the relationships section. Every field that points to another record only accepts
records of the same city (querysets built from the city passed in)."""

from datetime import datetime, time

from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils import timezone

from cities.http import int_param
from cities.models import City, User

from .models import (
    CommitmentStatus,
    CrisisEvent,
    MeetingKind,
    Relationship,
    Stakeholder,
    StakeholderGroup,
    StakeholderKind,
)
from .selectors import city_members
from .services import STAKEHOLDER_EDITABLE, CommitmentDraft


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class MembersMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class RelationshipChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Relationship) -> str:
        keeper = obj.owner_office or (obj.owner.display_name if obj.owner else "no owner")
        return f"{obj.stakeholder.name} ({keeper})"


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = list(STAKEHOLDER_EDITABLE)  # what services.stakeholder_update accepts
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Stakeholder.objects.for_city(city).filter(kind=StakeholderKind.ORGANISATION).order_by("name")
        if self.instance.pk:
            orgs = orgs.exclude(pk=self.instance.pk)
        self.fields["organisation"].queryset = orgs
        self.fields["email"].help_text = "Shown only while the person's consent to be contacted stands."
        if self.instance.pk and self.instance.consent_withdrawn_at is not None:
            # Withdrawn consent: the contact details are not shown, not even here (they are kept).
            del self.fields["email"]
            del self.fields["phone"]


class ConsentForm(forms.Form):
    wording = forms.CharField(
        label="What they agreed to",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="I agree that the city may contact me about community meetings and the commitments made there.",
    )
    how_to_withdraw = forms.CharField(
        label="How they can withdraw",
        max_length=300,
        initial="Tell any city staff member, or email the program lead; it takes effect at once.",
    )
    given_on = forms.DateField(label="Date of consent", widget=DateInput(), initial=timezone.localdate)

    def given_at(self) -> datetime:
        """When consent was given: now if today, else the start of the day given."""
        given = self.cleaned_data["given_on"]
        if given == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(given, time.min))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of contacts",
        help_text="First row: column names such as name, email, phone, group, district, language, organisation, "
        "consent. Nothing is added before you confirm.",
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    group = forms.ChoiceField(
        label="Group", required=False, choices=[("", "All groups"), *StakeholderGroup.choices]
    )
    district = forms.ChoiceField(label="District", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "People and organisations"), *StakeholderKind.choices]
    )
    consent = forms.ChoiceField(
        label="Consent",
        required=False,
        choices=[
            ("", "Any"),
            ("given", "Consent stands"),
            ("withdrawn", "Withdrawn"),
            ("none", "Not recorded"),
        ],
    )

    def __init__(self, *args, districts: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "All districts"), *((d, d) for d in districts)]

    def described(self, filters: dict) -> list[str]:
        """The filters in words for the audit log. The search text itself is left out: it is often
        a person's name, and the log cannot be purged."""
        words = ["a text search"] if (filters.get("q") or "").strip() else []
        for name in ("group", "district", "kind", "consent"):
            value = filters.get(name)
            if value:
                label = dict(self.fields[name].choices).get(value, value)
                words.append(f"{self.fields[name].label.lower()}: {label}")
        return words


class RelationshipForm(forms.ModelForm):
    owner = MemberChoiceField(
        queryset=User.objects.none(), help_text="The member who keeps this relationship."
    )

    class Meta:
        model = Relationship
        fields = ["stakeholder", "owner", "owner_office", "cadence_days", "started_on", "purpose", "ended_on"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = Stakeholder.objects.for_city(city).order_by("name")
        self.fields["owner"].queryset = city_members(city=city)
        if not self.instance.pk:
            del self.fields["ended_on"]
            self.fields["started_on"].initial = timezone.localdate


class MeetingForm(forms.Form):
    date = forms.DateField(widget=DateInput(), initial=timezone.localdate)
    kind = forms.ChoiceField(choices=MeetingKind.choices, initial=MeetingKind.STANDING)
    title = forms.CharField(max_length=200, required=False, help_text="Optional.")
    relationships = RelationshipChoices(
        label="Relationships it served",
        queryset=Relationship.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their stakeholders are counted as attending, and each one is back on track.",
    )
    attendee_stakeholders = forms.ModelMultipleChoiceField(
        label="Other stakeholders present",
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    attendee_members = MembersMultipleField(
        label="City members present",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    crisis_event = forms.ModelChoiceField(
        label="In response to a crisis",
        queryset=CrisisEvent.objects.none(),
        required=False,
        empty_label="None",
    )
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    private_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Seen only by the program lead and staff.",
    )

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationships"].queryset = (
            Relationship.objects.for_city(city)
            .filter(ended_on__isnull=True)
            .select_related("stakeholder", "owner")
            .order_by("stakeholder__name")
        )
        self.fields["attendee_stakeholders"].queryset = Stakeholder.objects.for_city(city).order_by("name")
        self.fields["attendee_members"].queryset = city_members(city=city)
        self.fields["crisis_event"].queryset = CrisisEvent.objects.for_city(city).order_by("-occurred_on")

    @staticmethod
    def initial_for(query: QueryDict, *, user: User) -> dict:
        """A new meeting: the member attended; a relationship or a crisis named in the link is ticked."""
        initial: dict = {"attendee_members": [user.pk]}
        if (relationship := int_param(query.get("relationship"))) is not None:
            initial["relationships"] = [relationship]
        if (crisis := int_param(query.get("crisis"))) is not None:
            initial["crisis_event"] = crisis
            initial["kind"] = MeetingKind.CRISIS
        return initial

    def meeting_fields(self) -> dict:
        """The arguments of services.meeting_log that this form fills. The stakeholders of the
        relationships it served count as attending."""
        data = self.cleaned_data
        stakeholders = {s.pk: s for s in data["attendee_stakeholders"]}
        for r in data["relationships"]:
            stakeholders.setdefault(r.stakeholder.pk, r.stakeholder)
        names = ("date", "kind", "title", "relationships", "attendee_members", "decisions", "private_notes")
        return {
            **{name: data[name] for name in names},
            "attendee_stakeholders": stakeholders.values(),
            "crisis_event": data["crisis_event"],
        }


class CommitmentDraftForm(forms.Form):
    what = forms.CharField(
        label="Commitment made", max_length=300, required=False, help_text="Leave empty if none."
    )
    owed_by = forms.CharField(label="Who owes it", max_length=200, required=False)
    due_date = forms.DateField(label="By when", widget=DateInput(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("what") and not data.get("owed_by"):
            self.add_error("owed_by", "Say who owes this commitment (a person or an office).")
        if not data.get("what") and (data.get("owed_by") or data.get("due_date")):
            self.add_error("what", "Say what was promised, or clear this commitment.")
        return data


CommitmentDraftFormSet = forms.formset_factory(CommitmentDraftForm, extra=1, max_num=10)


def commitment_drafts(formset, *, owner: User) -> list[CommitmentDraft]:
    """The commitments typed into the meeting form's rows (empty rows left out), owned by `owner`."""
    return [
        CommitmentDraft(
            what=f.cleaned_data["what"], owed_by=f.cleaned_data["owed_by"],
            due_date=f.cleaned_data.get("due_date"), owner=owner,
        )
        for f in formset
        if f.cleaned_data.get("what")
    ]  # fmt: skip


def meeting_forms_with_one_more_row(data: QueryDict, *, city: City) -> tuple[MeetingForm, forms.BaseFormSet]:
    """The meeting form again with one more commitment row, keeping what was typed but without
    complaining yet (the "add a row" button works without JavaScript)."""
    data = data.copy()
    # A management form sent with something else than a number starts again from one row.
    data["c-TOTAL_FORMS"] = str(min((int_param(data.get("c-TOTAL_FORMS")) or 1) + 1, 10))
    form, formset = MeetingForm(data, city=city), CommitmentDraftFormSet(data, prefix="c")
    form._errors = ErrorDict()
    formset._errors = []
    formset._non_form_errors = formset.error_class()
    for f in formset.forms:
        f._errors = ErrorDict()
    return form, formset


class CommitmentForm(forms.Form):
    what = forms.CharField(label="What was promised", max_length=300)
    owed_by = forms.CharField(label="Who owes it", max_length=200, help_text="A person or an office.")
    owner = MemberChoiceField(
        queryset=User.objects.none(), required=False, help_text="The member who follows it through."
    )
    owed_to_stakeholder = forms.ModelChoiceField(
        label="Owed to (from the directory)", queryset=Stakeholder.objects.none(), required=False
    )
    owed_to = forms.CharField(label="Or owed to (free text)", max_length=200, required=False)
    due_date = forms.DateField(label="By when", widget=DateInput(), required=False)
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = city_members(city=city)
        self.fields["owed_to_stakeholder"].queryset = Stakeholder.objects.for_city(city).order_by("name")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=CommitmentStatus.choices)
    note = forms.CharField(label="Note for the log", max_length=1000, required=False)


class PublishForm(forms.Form):
    public_summary = forms.CharField(
        label="What the public reads",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="No personal names or contact details: say what the city promised and what it did.",
    )


class TrustForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Trust today",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(1, "1 (none)"), (2, "2"), (3, "3"), (4, "4"), (5, "5 (strong)")],
    )
    note = forms.CharField(max_length=300, required=False)
    assessed_on = forms.DateField(label="Date", widget=DateInput(), initial=timezone.localdate)


class CrisisForm(forms.ModelForm):
    class Meta:
        model = CrisisEvent
        fields = ["title", "occurred_on", "district", "description"]
        widgets = {"occurred_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}
