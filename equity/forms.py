"""Forms of the equity pages. Each step's form is built from the assessment's own copy of its
template: one text box per question, plus the fields the app keeps for that step."""

from __future__ import annotations

from django import forms

from cities.evidence import Engagement, Figure
from cities.models import User
from library.models import Topic

from . import guides
from .models import Assessment, AssessmentStatus, ProposalKind

TEXTAREA = {"rows": 4}


class StartForm(forms.Form):
    title = forms.CharField(label="What is assessed", max_length=200,
                            help_text="e.g. 'Ending stops for expired registration alone'.")  # fmt: skip
    kind = forms.ChoiceField(label="Kind of proposal", choices=ProposalKind.choices)
    department = forms.CharField(max_length=200, required=False)
    template = forms.ChoiceField(label="Template", choices=())
    figure = forms.CharField(required=False, widget=forms.HiddenInput)
    engagement = forms.CharField(required=False, widget=forms.HiddenInput)
    commitment = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, template_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = template_choices
        self.fields["template"].initial = guides.DEFAULT_KEY


def _figure_text(fig: Figure) -> str:
    value = "not recorded" if fig.value is None else f"{fig.value:,.3g}"
    return f"{fig.label}: {value} {fig.unit}".strip() + (f" ({fig.period})" if fig.period else "")


class FigureForm(forms.Form):
    figure = forms.ChoiceField(label="A figure from the city's data")

    def __init__(self, *args, figures: list[Figure], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [("", "Choose a figure")] + [
            (f.key, _figure_text(f)) for f in figures
        ]


class TypedEvidenceForm(forms.Form):
    label = forms.CharField(label="What the evidence is", max_length=300)
    text = forms.CharField(label="What it says", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    source = forms.CharField(label="Where it comes from", max_length=300, required=False)
    link = forms.CharField(label="Link (optional)", max_length=500, required=False)


class EngagementForm(forms.Form):
    engagement = forms.ChoiceField(label="A conversation held")
    note = forms.CharField(label="What we heard there", required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, choices: list[Engagement], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = [("", "Choose a conversation")] + [
            (e.key, f"{e.title} ({e.date or 'date not set'})") for e in choices
        ]


class TypedEngagementForm(forms.Form):
    title = forms.CharField(label="Engagement held elsewhere", max_length=300,
                            help_text="e.g. 'Listening session at the transit union hall, 4 March'.")  # fmt: skip
    note = forms.CharField(label="What we heard there", required=False, widget=forms.Textarea(attrs=TEXTAREA))


class ImpactForm(forms.Form):
    group = forms.CharField(label="Affected group", max_length=200)
    benefits = forms.CharField(
        label="How it benefits them", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    burdens = forms.CharField(
        label="How it burdens them", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class StrategyForm(forms.Form):
    text = forms.CharField(label="Strategy to reduce harm or widen benefit", max_length=300)


class CommitForm(forms.Form):
    owner = forms.TypedChoiceField(label="Who follows it through", coerce=int)
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    owed_by = forms.CharField(label="Who owes it", max_length=200, required=False,
                              help_text="An office, e.g. 'Police department'. The department by default.")  # fmt: skip

    def __init__(self, *args, members: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {u.pk: u for u in members}
        self.fields["owner"].choices = [("", "Choose a member")] + [(u.pk, u.display_name) for u in members]

    def clean_owner(self):
        return self.members.get(self.cleaned_data["owner"])


STEP_MODEL_FIELDS = {
    1: ("title", "kind", "department"),
    3: ("engagement_plan",),
    4: ("unintended_consequences",),
    6: ("measures", "public_assessed", "public_heard", "public_changed"),
}


class StepForm(forms.Form):
    """One step's form: the app's fields for that step and an answer box per question."""

    def __init__(self, *args, assessment: Assessment, step: int, members: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.members = {u.pk: u for u in members}
        for name in STEP_MODEL_FIELDS.get(step, ()):
            field = Assessment._meta.get_field(name).formfield()
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(TEXTAREA)
            self.fields[name] = field
            self.initial[name] = getattr(assessment, name)
        if step == 1:
            self.fields["owner"] = forms.TypedChoiceField(
                label="Who leads it", coerce=int, required=False, empty_value=None,
                choices=[("", "Nobody yet")] + [(u.pk, u.display_name) for u in members],
            )  # fmt: skip
            self.initial["owner"] = assessment.owner_id
            self.fields["topics"] = forms.MultipleChoiceField(
                label="Topics it touches (the library suggests practices by them)", required=False,
                choices=Topic.choices, widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            self.initial["topics"] = list(assessment.topics)
        if step == 6:
            self.fields["completed"] = forms.BooleanField(label="This assessment is complete", required=False)
            self.initial["completed"] = assessment.status == AssessmentStatus.COMPLETED
        for i, (question, answer) in enumerate(
            zip(assessment.guide[step - 1]["questions"], assessment.answers_for(step), strict=True)
        ):
            self.fields[f"q{i}"] = forms.CharField(label=question, required=False,
                                                   widget=forms.Textarea(attrs=TEXTAREA))  # fmt: skip
            self.initial[f"q{i}"] = answer

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if owner is not None and owner not in self.members:
            raise forms.ValidationError("Choose a member of this city.")
        return owner

    def answers(self) -> list[str]:
        # Questions' boxes are named q0, q1 ...; "topics" is not one of them.
        return [
            self.cleaned_data.get(name, "")
            for name in self.fields
            if name.startswith("q") and name[1:].isdigit()
        ]

    def step_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in STEP_MODEL_FIELDS.get(self.step, ())}
        if self.step == 1:
            data["owner_id"] = self.cleaned_data.get("owner")
            data["topics"] = [t for t in Topic.values if t in self.cleaned_data.get("topics", [])]
        if self.step == 6:
            data["status"] = (
                AssessmentStatus.COMPLETED
                if self.cleaned_data.get("completed")
                else AssessmentStatus.IN_PROGRESS
            )
        return data


class TemplateForm(forms.Form):
    """A city's template: its name, and for each of the six steps a title, intro and questions."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, steps: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for n, step in enumerate(steps, start=1):
            self.fields[f"s{n}_title"] = forms.CharField(label=f"Step {n}: title", max_length=120)
            self.fields[f"s{n}_intro"] = forms.CharField(label=f"Step {n}: what it asks, in a sentence",
                                                         max_length=500, required=False)  # fmt: skip
            self.fields[f"s{n}_questions"] = forms.CharField(
                label=f"Step {n}: questions, one a line", widget=forms.Textarea(attrs={"rows": 4})
            )
            self.initial[f"s{n}_title"] = step.get("title", "")
            self.initial[f"s{n}_intro"] = step.get("intro", "")
            self.initial[f"s{n}_questions"] = "\n".join(step.get("questions", []))

    def steps(self) -> list[dict]:
        return [
            {
                "title": self.cleaned_data[f"s{n}_title"].strip(),
                "intro": self.cleaned_data[f"s{n}_intro"].strip(),
                "questions": [
                    q.strip() for q in self.cleaned_data[f"s{n}_questions"].splitlines() if q.strip()
                ],
            }
            for n in range(1, guides.STEP_COUNT + 1)
        ]


class CycleForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    name = forms.CharField(max_length=200, help_text="e.g. 'Operating budget'.")
    rubric = forms.CharField(
        label="Rubric: one criterion a line, a bar, and its most points",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="e.g. 'Shaped by the communities most affected | 3'.",
    )


class RequestForm(forms.Form):
    department = forms.CharField(max_length=200)
    title = forms.CharField(label="What the money is for", max_length=200)
    amount = forms.DecimalField(label="Amount (dollars)", min_value=0, max_digits=14, decimal_places=2)


class RequestAnalysisForm(forms.Form):
    """A request's short analysis (a subset of the steps), its scores, status and amount."""

    amount = forms.DecimalField(label="Amount (dollars)", min_value=0, max_digits=14, decimal_places=2)
    status = forms.ChoiceField(choices=())
    evidence = forms.CharField(
        label="What the figures show", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    engagement = forms.CharField(label="Who was heard", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    benefits = forms.CharField(label="Who benefits", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    burdens = forms.CharField(label="Who is burdened", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    measures = forms.CharField(
        label="How results will be measured", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    assessment = forms.TypedChoiceField(
        label="Full assessment (optional)", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, rubric: list[dict], statuses, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses
        self.assessments = {a.pk: a for a in assessments}
        self.fields["assessment"].choices = [("", "None")] + [(a.pk, a.title) for a in assessments]
        self.criteria = len(rubric)
        for i, criterion in enumerate(rubric):
            self.fields[f"score{i}"] = forms.TypedChoiceField(
                label=f"{criterion['label']} (0 to {criterion['max']} points)",
                coerce=int, required=False, empty_value=None,
                choices=[("", "Not scored")] + [(n, str(n)) for n in range(int(criterion["max"]) + 1)],
            )  # fmt: skip

    def scores(self) -> list[int | None]:
        return [self.cleaned_data.get(f"score{i}") for i in range(self.criteria)]

    def clean_assessment(self):
        chosen = self.cleaned_data.get("assessment")
        return self.assessments.get(chosen) if chosen is not None else None
