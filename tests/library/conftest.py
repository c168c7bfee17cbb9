"""Library fixtures: a curator, and resources in any state."""

import pytest

from library import services
from library.models import Kind, ResourceStatus
from tests.factories import UserFactory


@pytest.fixture
def curator(db):
    return UserFactory(is_curator=True, full_name="Casey Curator")


@pytest.fixture
def make_resource(curator):
    """`make_resource(title=..., status="published", **fields)` through the real services."""

    def make(title: str = "A practice", status: str = ResourceStatus.DRAFT, **fields):
        fields.setdefault("kind", Kind.CASE_STUDY)
        fields.setdefault("summary", f"Summary of {title}.")
        resource = services.resource_create(by=curator, title=title, **fields)
        path = {
            ResourceStatus.DRAFT: [],
            ResourceStatus.IN_REVIEW: [ResourceStatus.IN_REVIEW],
            ResourceStatus.PUBLISHED: [ResourceStatus.IN_REVIEW, ResourceStatus.PUBLISHED],
            ResourceStatus.ARCHIVED: [ResourceStatus.ARCHIVED],
        }[status]
        for step in path:
            resource = services.resource_transition(resource=resource, to=step, by=curator)
        return resource

    return make
