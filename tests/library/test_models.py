"""The library's schema: the stored search vector weighs title over summary over body."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from library.models import Kind, Resource


@pytest.mark.django_db
def test_search_vector_is_generated_with_weights():
    Resource.objects.create(kind=Kind.GUIDE, title="Basketball", slug="a", summary="x", body="y")
    Resource.objects.create(kind=Kind.GUIDE, title="Other", slug="b", summary="x", body="we play basketball")
    query = SearchQuery("basketball", config="english")
    ranked = list(
        Resource.objects.filter(search=query)
        .annotate(rank=SearchRank(F("search"), query))
        .order_by("-rank")
        .values_list("slug", flat=True)
    )
    assert ranked == ["a", "b"]
