"""Curation: who may move a resource where, every change kept and restorable, sanitised bodies,
review-by reminders sent by the real worker."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from library import services
from library.models import Resource, ResourceStatus, Revision
from library.rendering import highlight_to_html, render_markdown
from library.tasks import resources_remind_review
from tests.conftest import wait_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ResourceStatus
ALLOWED = {
    (S.DRAFT, S.IN_REVIEW), (S.DRAFT, S.ARCHIVED),
    (S.IN_REVIEW, S.DRAFT), (S.IN_REVIEW, S.PUBLISHED),
    (S.PUBLISHED, S.IN_REVIEW), (S.PUBLISHED, S.ARCHIVED),
    (S.ARCHIVED, S.DRAFT),
}  # fmt: skip


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("to", list(S))
def test_only_listed_moves_are_allowed(make_resource, curator, start, to):
    resource = make_resource(status=start)
    if (start, to) in ALLOWED:
        moved = services.resource_transition(resource=resource, to=to, by=curator)
        assert moved.status == to
    else:
        with pytest.raises(ValidationError):
            services.resource_transition(resource=resource, to=to, by=curator)
        assert Resource.objects.get(pk=resource.pk).status == start


def test_a_draft_cannot_be_published_without_review(make_resource, curator):
    resource = make_resource()
    with pytest.raises(ValidationError, match="cannot become published"):
        services.resource_transition(resource=resource, to=S.PUBLISHED, by=curator)


@pytest.mark.parametrize("who", ["anonymous", "member", "staff_user"])
def test_only_curators_move_or_edit_resources(make_resource, member_of, city, who):
    resource = make_resource(status=S.IN_REVIEW)
    user = {"anonymous": None, "member": member_of(city, "lead"), "staff_user": UserFactory(is_staff=True)}[
        who
    ]
    with pytest.raises(PermissionDenied):
        services.resource_transition(resource=resource, to=S.PUBLISHED, by=user)
    with pytest.raises(PermissionDenied):
        services.resource_update(resource=resource, by=user, title="Changed")
    assert Resource.objects.get(pk=resource.pk).status == S.IN_REVIEW


def test_non_curators_get_404_on_the_publish_url(make_resource, client_as, city):
    resource = make_resource(status=S.IN_REVIEW)
    client = client_as(city, "lead")
    response = client.post(reverse("library:curate_transition", args=[resource.pk]), {"to": "published"})
    assert response.status_code == 404
    assert Resource.objects.get(pk=resource.pk).status == S.IN_REVIEW


def test_curator_publishes_through_the_page(make_resource, client, curator):
    resource = make_resource(status=S.IN_REVIEW)
    client.force_login(curator)
    response = client.post(
        reverse("library:curate_transition", args=[resource.pk]), {"to": "published", "note": "Checked."}
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.status == S.PUBLISHED and resource.published_at is not None
    last = resource.revisions.first()
    assert last.note == "Checked." and last.by == curator and last.status == S.PUBLISHED
    # A forbidden move through the page gives a clear message and changes nothing.
    response = client.post(
        reverse("library:curate_transition", args=[resource.pk]), {"to": "draft"}, follow=True
    )
    assert "cannot become draft" in response.content.decode()


def test_every_change_is_a_revision_and_restorable(make_resource, curator):
    resource = make_resource(title="First title", body="First body", topics=["youth"])
    services.resource_update(
        resource=resource,
        by=curator,
        title="Second title",
        body="Second body",
        topics=["trust"],
        outcomes=[{"metric": "Complaints", "before": "10", "after": "5", "period": "2024"}],
    )
    assert list(resource.revisions.values_list("number", flat=True)) == [2, 1]
    first = Revision.objects.get(resource=resource, number=1)
    assert first.snapshot["title"] == "First title" and first.by == curator
    restored = services.revision_restore(revision=first, by=curator)
    assert (restored.title, restored.body, restored.topics) == ("First title", "First body", ["youth"])
    assert restored.outcomes.count() == 0
    assert "First body" in restored.body_html
    latest = restored.revisions.first()
    assert latest.number == 3 and latest.note == "Restored revision 1."
    # The restored-over content is still there to go back to.
    second = Revision.objects.get(resource=resource, number=2)
    again = services.revision_restore(revision=second, by=curator)
    assert again.title == "Second title" and again.outcomes.get().after == "5"


def test_restore_through_the_page(make_resource, client, curator):
    resource = make_resource(title="Old")
    services.resource_update(resource=resource, by=curator, title="New")
    client.force_login(curator)
    page = client.get(reverse("library:curate_revision", args=[resource.pk, 1]))
    assert page.status_code == 200 and "Old" in page.content.decode()
    client.post(reverse("library:curate_restore", args=[resource.pk, 1]))
    resource.refresh_from_db()
    assert resource.title == "Old"


HOSTILE = """# Title
<script>alert(1)</script>
<img src=x onerror="alert(2)">
[click](javascript:alert(3))
<a href="https://example.org" onclick="alert(4)">ok</a>
<iframe src="https://evil.example"></iframe>
<svg onload=alert(5)></svg>
**bold**
"""


def test_no_script_survives_the_body():
    html = render_markdown(HOSTILE)
    lowered = html.lower()
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<svg", "onload", "<img"):
        assert bad not in lowered, bad
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org"' in html
    assert "<h2>Title</h2>" in html  # the page title is the only h1


def test_stored_body_html_is_sanitised(make_resource):
    resource = make_resource(body=HOSTILE)
    assert "<script" not in resource.body_html and "onerror" not in resource.body_html


def test_highlight_escapes_resource_text():
    html = highlight_to_html("<b>x</b> \x02police\x03 & \x02unclosed")
    assert html == "&lt;b&gt;x&lt;/b&gt; <mark>police</mark> &amp; <mark>unclosed</mark>"


@pytest.mark.django_db(transaction=True)
def test_curators_are_reminded_when_review_by_passes(celery_worker, curator, make_resource, mailoutbox):
    other_curator = UserFactory(is_curator=True)
    UserFactory()  # not a curator: no mail
    overdue = make_resource(
        title="Overdue practice", status=S.PUBLISHED, review_by=date.today() - timedelta(days=1)
    )
    make_resource(title="Fresh practice", status=S.PUBLISHED, review_by=date.today() + timedelta(days=30))
    make_resource(title="Archived practice", status=S.ARCHIVED, review_by=date.today() - timedelta(days=3))
    resources_remind_review.delay()
    wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert set(message.to) == {curator.email, other_curator.email}
    assert (
        "Overdue practice" in message.body
        and reverse("library:curate_edit", args=[overdue.pk]) in message.body
    )
    assert "Fresh practice" not in message.body and "Archived practice" not in message.body
    # Once per date: running again sends nothing new until the date is moved.
    result = resources_remind_review.delay()
    assert result.get(timeout=20) == 0
    assert len(mail.outbox) == 1
    # A curator sets a new date; when that one passes, they are reminded again.
    services.resource_update(resource=overdue, by=curator, review_by=date.today() + timedelta(days=1))
    assert services.resources_remind_review(today=date.today() + timedelta(days=2)) == 1
    assert len(mail.outbox) == 2
