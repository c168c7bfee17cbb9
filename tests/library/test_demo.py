"""Demo content: the named first entries, published, idempotent, claiming no outcome."""

import io

import pytest
from django.core.management import call_command

from library.models import Framework, FrameworkItem, OutcomeRow, Resource, ResourceStatus

pytestmark = pytest.mark.django_db

NAMED = [
    "Project PEACE", "community ambassador", "basketball", "Books and Bears", "Office of Municipal Investigations",
    "community conversations on race", "21st Century Policing", "Police Data Initiative",
]  # fmt: skip


def test_seed_demo_creates_the_named_entries_once(settings):
    settings.DEBUG = True
    for _ in range(2):
        call_command("seed_demo", stdout=io.StringIO())
    published = Resource.objects.filter(status=ResourceStatus.PUBLISHED)
    for name in NAMED:
        assert published.filter(title__icontains=name).count() == 1, name
    assert Resource.objects.count() == len(NAMED)
    # No invented figures: no outcome rows, and the practices say their outcome is not yet documented.
    assert not OutcomeRow.objects.exists()
    for resource in published.filter(kind="case_study"):
        assert "Outcome not yet documented." in resource.body, resource.title
    framework = Framework.objects.get(slug="21cp")
    assert FrameworkItem.objects.filter(framework=framework).count() == 54 and framework.expected_items == 153
