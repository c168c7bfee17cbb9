from django import forms

from cities.models import Role
from library.models import Resource, ResourceStatus

from . import survey
from .models import SessionMode, TrainingFormat


class TrainingForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    curriculum = forms.ModelMultipleChoiceField(
        queryset=Resource.objects.filter(status=ResourceStatus.PUBLISHED).order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Resources of the library the training teaches from.",
    )
    audience_roles = forms.MultipleChoiceField(
        label="Who is it for?",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for every member. The city's page of who has taken what counts these roles.",
    )
    format = forms.ChoiceField(choices=TrainingFormat.choices)
    length_minutes = forms.IntegerField(label="Length (minutes)", min_value=15, max_value=60 * 40)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    mode = forms.ChoiceField(label="Online or in person", choices=SessionMode.choices)
    location = forms.CharField(max_length=300, required=False, help_text="Address, for a session in person.")
    online_link = forms.URLField(
        label="Meeting link", max_length=500, required=False, assume_scheme="https",
        help_text="For an online session.",
    )  # fmt: skip
    capacity = forms.IntegerField(min_value=1, max_value=10000, help_text="Seats; others go on the waitlist.")

    def clean_online_link(self):
        link = self.cleaned_data.get("online_link", "")
        if link and not link.lower().startswith("https://"):
            raise forms.ValidationError("Give an https:// link.")
        return link


class SurveyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(v), f"{v} — {survey.SCALE_LABELS[v]}") for v in survey.SCALE]
        for key, label in survey.ITEMS:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=choices, coerce=int, widget=forms.RadioSelect
            )


class SessionMoveForm(SessionForm):
    """A new date, time or place for a session; its seats stay as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["capacity"]
