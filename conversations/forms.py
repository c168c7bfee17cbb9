from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cities.models import TIMEZONE_CHOICES, City
from relationships.models import Stakeholder, StakeholderGroup

from . import selectors
from .models import AccessNeed, Campaign, ChecklistItem, Conversation, Phase

GROUP_CHOICES = [("", _("Prefer not to say"))] + list(StakeholderGroup.choices)
SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class ConversationForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = [
            "title", "purpose", "title_es", "purpose_es", "guide", "district", "capacity", "campaign", "facilitators",
            "interpretation", "interpretation_languages", "asl", "childcare", "step_free", "transit", "food",
        ]  # fmt: skip
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "purpose_es": forms.Textarea(attrs={"rows": 4}),
            "facilitators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this city's facilitators can be chosen.
        self.fields["facilitators"].queryset = selectors.city_facilitators(city=city)
        self.fields["facilitators"].help_text = "Members of this city with the facilitator role."
        self.fields["campaign"].queryset = Campaign.objects.all()
        self.fields["guide"].queryset = selectors.guide_choices()
        self.fields["guide"].required = False
        self.fields["campaign"].required = False
        self.fields["title_es"].help_text = "Optional: the public page shows it to visitors reading in Spanish."
        self.fields["purpose_es"].help_text = "Optional: without it, Spanish readers see the English purpose, with a note."

    def clean(self):
        data = super().clean()
        if data.get("interpretation") and not (data.get("interpretation_languages") or "").strip():
            self.add_error("interpretation_languages", "Say which languages will be interpreted.")
        return data


class StatusForm(forms.Form):
    status = forms.CharField()


class SessionForm(forms.Form):
    label = forms.CharField(max_length=120, required=False, help_text="e.g. 'Circle 1' or 'Action forum'.")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(choices=TIMEZONE_CHOICES)
    venue = forms.CharField(max_length=200, required=False)
    address = forms.CharField(max_length=300, required=False)
    online_url = forms.URLField(label="Online link", required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", "The session must end after it starts.")
        if not (data.get("venue") or data.get("online_url")):
            self.add_error("venue", "Give a venue or an online link.")
        return data


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["phase", "title", "owner", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.city_members(city=city)
        self.fields["phase"].choices = Phase.choices


class VoiceTargetsForm(forms.Form):
    def __init__(self, *args, initial_targets: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_targets = initial_targets or {}
        for group, label in StakeholderGroup.choices:
            self.fields[group] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=1000,
                required=False,
                initial=initial_targets.get(group) or None,
            )

    def targets(self) -> dict[str, int]:
        return {g: v for g, v in self.cleaned_data.items() if v}


class InviteForm(forms.Form):
    stakeholder = forms.ModelChoiceField(
        queryset=Stakeholder.objects.none(), label="Invite from the directory"
    )

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = Stakeholder.objects.for_city(city).order_by("name")


class RegistrationForm(forms.Form):
    # autocomplete: browsers and assistive technology fill these in (WCAG 1.3.5).
    name = forms.CharField(
        max_length=150, label=_("Your name"), widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("For your confirmation and a link to cancel."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        max_length=40, required=False, label=_("Phone (optional)"), widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    group = forms.ChoiceField(
        choices=GROUP_CHOICES,
        required=False,
        label=_("Which of these describes you best? (optional)"),
        help_text=_("It helps the organisers make sure every voice is in the room."),
    )
    language = forms.CharField(max_length=60, required=False, label=_("Language you prefer (optional)"))
    access_needs = forms.MultipleChoiceField(
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What would help you take part? (optional)"),
    )
    access_notes = forms.CharField(
        max_length=300, required=False, label=_("Anything else we should know (optional)")
    )
    consent_to_contact = forms.BooleanField(required=False)

    def __init__(self, *args, consent_wording: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_to_contact"].label = consent_wording


class WalkInForm(forms.Form):
    name = forms.CharField(max_length=150, required=False, label=_("Name (optional)"))
    group = forms.ChoiceField(choices=GROUP_CHOICES, required=False, label=_("Group (optional)"))


class ReportForm(forms.Form):
    unnamed_attendance = forms.IntegerField(
        label=_("Others present (group not known)"), min_value=0, max_value=5000, required=False
    )
    themes = forms.CharField(
        required=False,
        max_length=600,
        label=_("Themes heard"),
        help_text=_("Short tags separated by commas, e.g. traffic stops, youth, trust."),
    )
    what_was_heard = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("What was heard")
    )
    tensions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Tensions"))
    next_steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Next steps"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for group, label in StakeholderGroup.choices:
            self.fields[f"count_{group}"] = forms.IntegerField(
                label=label, min_value=0, max_value=5000, required=False
            )

    def attendance(self) -> dict[str, int]:
        return {g: self.cleaned_data.get(f"count_{g}") or 0 for g in StakeholderGroup.values}

    def theme_list(self) -> list[str]:
        return [t for t in (self.cleaned_data.get("themes") or "").split(",") if t.strip()]

    def count_fields(self):
        return [self[f"count_{g}"] for g in StakeholderGroup.values]

    def other_fields(self):
        return [self[n] for n in ("unnamed_attendance", "themes", "what_was_heard", "tensions", "next_steps")]

    @staticmethod
    def initial_for(report) -> dict:
        """What a saved report shows again in the form."""
        if report is None:
            return {}
        return {
            "unnamed_attendance": report.unnamed_attendance,
            "themes": ", ".join(report.themes),
            "what_was_heard": report.what_was_heard,
            "tensions": report.tensions,
            "next_steps": report.next_steps,
            **{f"count_{g}": c for g, c in report.attendance.items()},
        }

    def report_fields(self) -> dict:
        """The arguments of services.report_save that this form fills."""
        return {
            "attendance": self.attendance(),
            "unnamed_attendance": self.cleaned_data.get("unnamed_attendance") or 0,
            "themes": self.theme_list(),
            "what_was_heard": self.cleaned_data["what_was_heard"],
            "tensions": self.cleaned_data["tensions"],
            "next_steps": self.cleaned_data["next_steps"],
        }


class QuoteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Quote (anonymised)"), max_length=1000
    )
    speaker_group = forms.ChoiceField(
        choices=GROUP_CHOICES, required=False, label=_("Speaker's group (optional)")
    )
    consent = forms.BooleanField(required=False, label=_("The speaker agreed to be quoted anonymously"))


class CommitmentForm(forms.Form):
    what = forms.CharField(max_length=300, label=_("What was promised"))
    owed_by = forms.CharField(max_length=200, label=_("Who will do it"))
    owed_to = forms.CharField(max_length=200, required=False, label=_("To whom"))
    due_date = forms.DateField(
        required=False, label=_("By when"), widget=forms.DateInput(attrs={"type": "date"})
    )


@dataclass
class ReportForms:
    """The three forms of the report page; only the one named by the POST's `action` is bound:
    save or submit the report, add a quote, record a commitment."""

    action: str
    report: ReportForm
    quote: QuoteForm
    commitment: CommitmentForm

    @classmethod
    def build(cls, data: QueryDict, *, report) -> "ReportForms":
        action = data.get("action", "")
        return cls(
            action=action,
            report=ReportForm(
                data if action in ("save", "submit") else None, initial=ReportForm.initial_for(report)
            ),
            quote=QuoteForm(data if action == "quote" else None),
            commitment=CommitmentForm(data if action == "commitment" else None),
        )

    @property
    def has_errors(self) -> bool:
        return bool(self.report.errors or self.quote.errors or self.commitment.errors)


@dataclass
class VoicesForms:
    """The two forms of the whose-voices page: the targets per group, and an invitation."""

    action: str
    targets: VoiceTargetsForm
    invite: InviteForm

    @classmethod
    def build(cls, data: QueryDict, *, city: City, initial_targets: dict[str, int]) -> "VoicesForms":
        action = data.get("action", "")
        return cls(
            action=action,
            targets=VoiceTargetsForm(data if action == "targets" else None, initial_targets=initial_targets),
            invite=InviteForm(data if action == "invite" else None, city=city),
        )

    @property
    def has_errors(self) -> bool:
        return bool(self.targets.errors or self.invite.errors)


class FeedbackForm(forms.Form):
    felt_heard = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Did you feel heard? (1 not at all, 5 completely)"),
    )
    trust_police_before = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Your trust in the police BEFORE the conversation (1-5)"),
    )
    trust_police_after = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Your trust in the police AFTER the conversation (1-5)"),
    )
    trust_city_before = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Your trust in city government BEFORE (1-5)"),
    )
    trust_city_after = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Your trust in city government AFTER (1-5)"),
    )
    group = forms.ChoiceField(
        choices=GROUP_CHOICES, required=False, label=_("Which of these describes you best? (optional)")
    )


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "description", "goal", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The campaign must end after it starts.")
        return data


class PledgeForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=1000, label="Conversations we pledge to hold")
