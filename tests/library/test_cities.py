"""What cities do with the library: adopt practices, submit their own, and only ever see their own."""

import pytest
from django.test import Client
from django.urls import reverse

from library import services
from library.models import Adoption, Resource, ResourceStatus, Submission, SubmissionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(member_of):
    """A second browser, signed in as a city member, beside the curator's `client`."""

    def make(city, role="lead"):
        browser = Client()
        browser.user = member_of(city, role)
        browser.force_login(browser.user)
        return browser

    return make


SUBMISSION = {
    "kind": "case_study",
    "title": "Walking with neighbours",
    "summary": "Officers walk the neighbourhood with residents every month.",
    "what_we_did": "Monthly walks <script>alert(1)</script> with the neighbourhood association.",
    "partners": "Neighbourhood association",
    "how_it_went": "",
    "link": "",
    "topics": ["trust", "community_policing"],
    "contact_name": "Pat Example",
    "contact_email": "pat@example.org",
    "contact_consent": "on",
}


def test_city_marks_a_practice_and_the_practice_page_shows_it(client_as, city, make_resource):
    resource = make_resource("Youth basketball", status="published")
    client = client_as(city, "lead")
    url = reverse("library:city_adopt", args=[city.slug, resource.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "in_place", "notes": "Since spring.", "outcome": ""})
    assert response.status_code == 302
    adoption = Adoption.objects.for_city(city).get(resource=resource)
    assert (adoption.status, adoption.notes, adoption.updated_by) == (
        "in_place",
        "Since spring.",
        client.user,
    )
    client.post(url, {"status": "evaluated", "notes": "Since spring.", "outcome": "Fewer complaints."})
    adoption.refresh_from_db()
    assert adoption.status == "evaluated" and adoption.outcome == "Fewer complaints."
    client.logout()
    page = client.get(reverse("library:resource", args=[resource.slug])).content.decode()
    assert city.name in page and "Evaluated" in page and "Fewer complaints." in page


def test_empty_or_bad_adoption_form_keeps_what_was_typed(client_as, city, make_resource):
    resource = make_resource("Youth basketball", status="published")
    client = client_as(city, "staff")
    response = client.post(
        reverse("library:city_adopt", args=[city.slug, resource.slug]),
        {"status": "bogus", "notes": "My notes"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode() and "My notes" in response.content.decode()
    assert not Adoption.objects.exists()


def test_unpublished_practices_cannot_be_adopted(client_as, city, make_resource):
    resource = make_resource("Still a draft", status="in_review")
    client = client_as(city, "lead")
    assert (
        client.post(
            reverse("library:city_adopt", args=[city.slug, resource.slug]), {"status": "considering"}
        ).status_code
        == 404
    )
    assert not Adoption.objects.exists()


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_only_editors_adopt_or_submit(client_as, city, make_resource, role):
    resource = make_resource("Youth basketball", status="published")
    client = client_as(city, role)
    assert (
        client.post(
            reverse("library:city_adopt", args=[city.slug, resource.slug]), {"status": "considering"}
        ).status_code
        == 404
    )
    assert client.post(reverse("library:city_submit", args=[city.slug]), SUBMISSION).status_code == 404
    assert client.get(reverse("library:city", args=[city.slug])).status_code == 200
    assert not Adoption.objects.exists() and not Submission.objects.exists()


def test_another_city_cannot_adopt_for_you(client_as, city, other_city, make_resource):
    resource = make_resource("Youth basketball", status="published")
    client = client_as(city, "lead")
    assert (
        client.post(
            reverse("library:city_adopt", args=[other_city.slug, resource.slug]), {"status": "considering"}
        ).status_code
        == 404
    )
    assert client.get(reverse("library:city", args=[other_city.slug])).status_code == 404
    assert not Adoption.objects.exists()


def test_submission_end_to_end_accepted_with_credit(member_client, client, city, curator):
    member = member_client(city, "staff")
    response = member.post(reverse("library:city_submit", args=[city.slug]), SUBMISSION)
    submission = Submission.objects.for_city(city).get()
    assert response.status_code == 302 and submission.submitted_by == member.user
    assert "Waiting for a curator" in member.get(response.url).content.decode()
    member_user = member.user

    client.force_login(curator)
    queue = client.get(reverse("library:curate_submissions")).content.decode()
    assert "Walking with neighbours" in queue and city.name in queue
    response = client.post(
        reverse("library:curate_submission", args=[submission.pk]),
        {"decision": "accepted", "reason": "Thank you."},
    )
    submission.refresh_from_db()
    resource = submission.resource
    assert response.status_code == 302 and response.url == reverse("library:curate_edit", args=[resource.pk])
    assert submission.status == SubmissionStatus.ACCEPTED and submission.decided_by == curator
    assert resource.status == ResourceStatus.DRAFT and resource.credited_city == city
    assert list(resource.cities.all()) == [city]
    assert "Outcome not yet documented." in resource.body and "<script" not in resource.body_html
    assert resource.contact_email == "pat@example.org" and resource.contact_consent
    # Not public until a curator has reviewed and published it.
    client.logout()
    assert client.get(reverse("library:resource", args=[resource.slug])).status_code == 404
    services.resource_transition(resource=resource, to="in_review", by=curator)
    services.resource_transition(resource=resource, to="published", by=curator)
    page = client.get(reverse("library:resource", args=[resource.slug])).content.decode()
    assert f"Contributed by</dt><dd>{city.name}" in page
    client.force_login(member_user)
    page = client.get(reverse("library:city_submission", args=[city.slug, submission.pk])).content.decode()
    assert "Accepted into the library" in page and "Thank you." in page and "read it in the library" in page


def test_curator_asks_for_changes_and_the_city_resubmits(member_client, client, city, curator):
    member = member_client(city, "lead")
    member.post(reverse("library:city_submit", args=[city.slug]), SUBMISSION)
    submission = Submission.objects.get()
    client.force_login(curator)
    # A reason is required to ask for changes; the form says so and keeps the choice.
    response = client.post(
        reverse("library:curate_submission", args=[submission.pk]),
        {"decision": "changes_requested", "reason": ""},
    )
    assert "Tell the city why" in response.content.decode()
    client.post(
        reverse("library:curate_submission", args=[submission.pk]),
        {"decision": "changes_requested", "reason": "Please add what came of it."},
    )
    page = member.get(reverse("library:city_submission", args=[city.slug, submission.pk])).content.decode()
    assert "Changes requested" in page and "Please add what came of it." in page
    member.post(
        reverse("library:city_submission", args=[city.slug, submission.pk]),
        {**SUBMISSION, "how_it_went": "Twelve walks so far."},
    )
    submission.refresh_from_db()
    assert (
        submission.status == SubmissionStatus.SUBMITTED and submission.how_it_went == "Twelve walks so far."
    )
    assert not Resource.objects.exists()


def test_curator_declines_and_the_city_sees_why(member_client, client, city, curator):
    member = member_client(city, "lead")
    member.post(reverse("library:city_submit", args=[city.slug]), SUBMISSION)
    submission = Submission.objects.get()
    client.force_login(curator)
    client.post(
        reverse("library:curate_submission", args=[submission.pk]),
        {"decision": "declined", "reason": "Already in the library."},
    )
    page = member.get(reverse("library:city_submission", args=[city.slug, submission.pk])).content.decode()
    assert "Declined" in page and "Already in the library." in page
    # A decided submission cannot be changed by the city, nor decided twice.
    assert (
        member.post(
            reverse("library:city_submission", args=[city.slug, submission.pk]), SUBMISSION
        ).status_code
        == 404
    )
    response = client.post(
        reverse("library:curate_submission", args=[submission.pk]), {"decision": "accepted"}, follow=True
    )
    assert "not waiting for a decision" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DECLINED and not Resource.objects.exists()


def test_empty_submission_form_says_what_is_missing(client_as, city):
    client = client_as(city, "lead")
    response = client.post(reverse("library:city_submit", args=[city.slug]), {"title": "Only a title"})
    body = response.content.decode()
    assert response.status_code == 200 and "This field is required" in body and "Only a title" in body
    assert not Submission.objects.exists()


def test_submissions_are_private_to_their_city(client_as, city, other_city, member_of):
    author = member_of(other_city, "lead")
    submission = services.submission_create(
        city=other_city, by=author, **{**SUBMISSION, "contact_consent": True}
    )
    client = client_as(city, "lead")
    assert client.get(reverse("library:city_submission", args=[city.slug, submission.pk])).status_code == 404
    assert (
        client.get(reverse("library:city_submission", args=[other_city.slug, submission.pk])).status_code
        == 404
    )
    assert (
        "Walking with neighbours"
        not in client.get(reverse("library:city", args=[city.slug])).content.decode()
    )


def test_curator_pages_are_404_for_non_curators(client_as, city, make_resource):
    resource = make_resource("Draft", status="draft")
    client = client_as(city, "lead")
    submission = services.submission_create(
        city=city, by=client.user, **{**SUBMISSION, "contact_consent": True}
    )
    urls = [
        reverse("library:curate"), reverse("library:curate_new"), reverse("library:curate_edit", args=[resource.pk]),
        reverse("library:curate_preview", args=[resource.pk]), reverse("library:curate_revisions", args=[resource.pk]),
        reverse("library:curate_revision", args=[resource.pk, 1]), reverse("library:curate_submissions"),
        reverse("library:curate_submission", args=[submission.pk]),
    ]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("library:curate_restore", args=[resource.pk, 1])).status_code == 404
    assert (
        client.post(
            reverse("library:curate_submission", args=[submission.pk]), {"decision": "accepted"}
        ).status_code
        == 404
    )
    client.logout()
    assert client.get(reverse("library:curate")).status_code == 302  # anonymous: sign in


def test_curator_writes_a_resource_through_the_form(client, curator, city):
    client.force_login(curator)
    data = {
        "kind": "guide", "title": "A new guide", "slug": "", "summary": "Short.", "body": "# Heading\n\nText",
        "place": "Tacoma, WA", "cities": [city.pk], "topics": ["trust"], "audiences": ["police"],
        "evidence_level": "anecdotal", "contact_name": "Lee", "contact_email": "lee@example.org", "review_by": "2030-01-01",
        "outcomes-TOTAL_FORMS": "2", "outcomes-INITIAL_FORMS": "0", "outcomes-MIN_NUM_FORMS": "0", "outcomes-MAX_NUM_FORMS": "30",
        "outcomes-0-metric": "Attendance", "outcomes-0-before": "0", "outcomes-0-after": "40", "outcomes-0-period": "2024",
    }  # fmt: skip
    response = client.post(reverse("library:curate_new"), data)
    assert "Only name a contact who agreed" in response.content.decode()
    assert not Resource.objects.exists()
    response = client.post(reverse("library:curate_new"), {**data, "contact_consent": "on"})
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert (
        resource.slug == "a-new-guide"
        and resource.status == "draft"
        and resource.outcomes.get().after == "40"
    )
    assert "<h2>Heading</h2>" in resource.body_html and list(resource.cities.all()) == [city]


def test_city_home_shows_the_library_panel(client_as, city, make_resource):
    resource = make_resource("Youth basketball", status="published")
    client = client_as(city, "lead")
    services.adoption_set(city=city, resource=resource, status="adopting", by=client.user)
    body = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    assert "Practices and reforms" in body and "Youth basketball" in body and "Adopting" in body


def test_city_and_practice_pages_run_a_bounded_number_of_queries(
    client_as, city, make_resource, curator, django_assert_max_num_queries
):
    from library.models import Framework, FrameworkItem
    from tests.factories import CityFactory

    framework = Framework.objects.create(name="F", slug="f", expected_items=40)
    items = [
        FrameworkItem.objects.create(
            framework=framework, number=f"1.{i}", text=f"Item {i}", sort_key=f"1.{i:04d}"
        )
        for i in range(40)
    ]
    for item in items[:20]:
        record = services.city_framework_status_set(city=city, item=item, status="in_progress", by=None)
        services.evidence_link_add(record=record, kind="document", label="Doc", url="https://x.example/")
    resource = make_resource("Popular practice", status="published")
    for _ in range(15):
        services.adoption_set(city=CityFactory(), resource=resource, status="in_place", by=None)
    client = client_as(city, "lead")
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("library:city_framework", args=[city.slug, framework.slug])).status_code == 200
        )
    with django_assert_max_num_queries(14):
        assert client.get(reverse("library:resource", args=[resource.slug])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("library:city", args=[city.slug])).status_code == 200


def test_curator_attaches_a_file_and_bad_files_are_refused(
    client, curator, make_resource, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    resource = make_resource("With a file")
    client.force_login(curator)
    base = {
        "kind": "toolkit", "title": "With a file", "slug": resource.slug, "summary": "S.", "evidence_level": "anecdotal",
        "outcomes-TOTAL_FORMS": "0", "outcomes-INITIAL_FORMS": "0", "outcomes-MIN_NUM_FORMS": "0", "outcomes-MAX_NUM_FORMS": "30",
    }  # fmt: skip
    url = reverse("library:curate_edit", args=[resource.pk])
    bad = client.post(
        url, {**base, "file": SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")}
    )
    assert "Attach a document" in bad.content.decode()
    client.post(
        url, {**base, "file": SimpleUploadedFile("guide.pdf", b"%PDF-1.4", content_type="application/pdf")}
    )
    resource.refresh_from_db()
    assert resource.file.name.endswith(".pdf") and resource.kind == "toolkit"
    assert resource.revisions.first().snapshot["file"] == resource.file.name
