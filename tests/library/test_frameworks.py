"""Frameworks: curators load from CSV (all or nothing, with a report), see how many items are
loaded, add and edit items; cities record status, notes and evidence; curators compare cities."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library import services
from library.models import CityFrameworkStatus, EvidenceLink, FrameworkItem
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "library" / "data" / "21cp_recommendations.csv"
HEADER = b"pillar_number,pillar_name,item_type,number,text\n"


@pytest.fixture
def framework():
    return services.framework_create(name="21st Century Policing", slug="21cp", expected_items=153)


@pytest.fixture
def loaded(framework):
    services.framework_load_csv(framework=framework, data=DATA.read_bytes())
    return framework


def _upload(client, framework, content: bytes, name="items.csv"):
    return client.post(
        reverse("library:framework", args=[framework.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        follow=True,
    )


def test_curator_loads_the_file_and_sees_how_many_items_are_loaded(client, curator, framework):
    client.force_login(curator)
    response = _upload(client, framework, DATA.read_bytes())
    body = response.content.decode()
    assert "54 added" in body
    assert "54 of 153 items loaded" in body and "incomplete" in body
    assert FrameworkItem.objects.filter(framework=framework).count() == 54
    # Loading again changes nothing and says so.
    body = _upload(client, framework, DATA.read_bytes()).content.decode()
    assert "0 added, 0 updated, 54 unchanged" in body


def test_a_bad_row_loads_nothing_and_reports_every_problem(client, curator, loaded):
    client.force_login(curator)
    item = FrameworkItem.objects.get(framework=loaded, number="1.1")
    content = (
        HEADER
        + b"1,Trust,recommendation,1.1,Changed text\n1,Trust,recommendation,9.9.9.9.9,x\n7,X,idea,7.1,y\n"
    )
    response = _upload(client, loaded, content)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was loaded: 2 problems" in body
    assert "Must look like 1.2 or 1.2.1." in body and "Must be recommendation" in body
    item.refresh_from_db()
    assert item.text != "Changed text"
    assert FrameworkItem.objects.filter(framework=loaded).count() == 54


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02binary",
        "pillar".encode("utf-16"),
        b"wrong,header\n1,2\n",
        HEADER + b'1,T,recommendation,1.1,"open\n',
    ],
)
def test_malformed_files_get_a_clear_message(client, curator, loaded, content):
    client.force_login(curator)
    response = _upload(client, loaded, content)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was loaded" in body or "submitted file is empty" in body
    assert FrameworkItem.objects.filter(framework=loaded).count() == 54


def test_a_file_updates_changed_text(loaded):
    result = services.framework_load_csv(
        framework=loaded,
        data=HEADER + b"1,Trust,recommendation,1.1,New wording\n1,Trust,recommendation,1.4,Added\n",
    )
    assert (result["added"], result["updated"]) == (1, 1)
    assert FrameworkItem.objects.get(framework=loaded, number="1.1").text == "New wording"


def test_curator_adds_and_edits_items(client, curator, loaded):
    client.force_login(curator)
    response = client.post(
        reverse("library:framework_item_new", args=[loaded.slug]),
        {
            "pillar_number": 2,
            "pillar_name": "Policy & Oversight",
            "item_type": "recommendation",
            "number": "2.8",
            "text": "Civilian oversight.",
        },
    )
    assert response.status_code == 302
    item = FrameworkItem.objects.get(framework=loaded, number="2.8")
    # A duplicate number is refused with a message, and the form keeps what was typed.
    response = client.post(
        reverse("library:framework_item_new", args=[loaded.slug]),
        {"item_type": "recommendation", "number": "2.8", "text": "Typed text kept"},
    )
    assert "already has an item with that number" in response.content.decode()
    assert "Typed text kept" in response.content.decode()
    client.post(
        reverse("library:framework_item", args=[loaded.slug, item.pk]),
        {
            "pillar_number": 2,
            "pillar_name": "Policy & Oversight",
            "item_type": "recommendation",
            "number": "2.8",
            "text": "Edited.",
        },
    )
    item.refresh_from_db()
    assert item.text == "Edited."
    assert "55 of 153 items loaded" in client.get(reverse("library:frameworks")).content.decode()


def test_framework_pages_are_for_curators_only(client_as, city, loaded):
    client = client_as(city, "lead")
    for url in [
        reverse("library:frameworks"),
        reverse("library:framework", args=[loaded.slug]),
        reverse("library:framework_item_new", args=[loaded.slug]),
        reverse("library:framework_matrix", args=[loaded.slug]),
    ]:
        assert client.get(url).status_code == 404, url
    assert _upload(client, loaded, DATA.read_bytes()).status_code == 404


def test_city_records_status_notes_and_evidence(client_as, city, loaded):
    client = client_as(city, "staff")
    item = FrameworkItem.objects.get(framework=loaded, number="1.3.1")
    url = reverse("library:city_framework_item", args=[city.slug, loaded.slug, item.pk])
    response = client.post(
        url, {"save_status": "1", "status": "in_progress", "notes": "Publishing stops data."}
    )
    assert response.status_code == 302
    record = CityFrameworkStatus.objects.for_city(city).get(item=item)
    assert (record.status, record.notes, record.updated_by) == (
        "in_progress",
        "Publishing stops data.",
        client.user,
    )
    client.post(
        url, {"add_link": "1", "kind": "dataset", "label": "Stops 2024", "url": f"/c/{city.slug}/data/1/"}
    )
    client.post(
        url,
        {
            "add_link": "1",
            "kind": "document",
            "label": "Open data portal",
            "url": "https://data.example.org/",
        },
    )
    bad = client.post(
        url, {"add_link": "1", "kind": "document", "label": "Bad", "url": "javascript:alert(1)"}
    )
    assert "web address" in bad.content.decode()
    assert [link.label for link in record.evidence.all()] == ["Stops 2024", "Open data portal"]
    page = client.get(reverse("library:city_framework", args=[city.slug, loaded.slug])).content.decode()
    assert "In progress" in page and "Stops 2024" in page and "54 of 153 items loaded" in page
    link = record.evidence.first()
    client.post(url, {"remove_link": str(link.pk)})
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()


def test_another_citys_evidence_cannot_be_removed(client_as, city, other_city, loaded, member_of):
    item = FrameworkItem.objects.get(framework=loaded, number="1.1")
    record = services.city_framework_status_set(city=other_city, item=item, status="in_place", by=None)
    link = services.evidence_link_add(
        record=record, kind="document", label="Theirs", url="https://x.example/"
    )
    client = client_as(city, "lead")
    client.post(
        reverse("library:city_framework_item", args=[city.slug, loaded.slug, item.pk]),
        {"remove_link": str(link.pk)},
    )
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_only_editors_change_the_citys_status(client_as, city, loaded, role):
    client = client_as(city, role)
    item = FrameworkItem.objects.get(framework=loaded, number="1.1")
    assert client.get(reverse("library:city_framework", args=[city.slug, loaded.slug])).status_code == 200
    url = reverse("library:city_framework_item", args=[city.slug, loaded.slug, item.pk])
    assert client.post(url, {"save_status": "1", "status": "in_place"}).status_code == 404
    assert not CityFrameworkStatus.objects.exists()


def test_other_citys_pages_are_404(client_as, city, other_city, loaded):
    client = client_as(city, "lead")
    item = FrameworkItem.objects.get(framework=loaded, number="1.1")
    assert (
        client.get(reverse("library:city_framework", args=[other_city.slug, loaded.slug])).status_code == 404
    )
    url = reverse("library:city_framework_item", args=[other_city.slug, loaded.slug, item.pk])
    assert client.post(url, {"save_status": "1", "status": "in_place"}).status_code == 404
    assert not CityFrameworkStatus.objects.exists()


def test_curator_sees_all_cities_side_by_side_in_bounded_queries(
    client, curator, loaded, django_assert_max_num_queries
):
    cities = [CityFactory() for _ in range(12)]
    items = list(FrameworkItem.objects.filter(framework=loaded)[:10])
    for i, c in enumerate(cities):
        for item in items[: i % 5 + 1]:
            services.city_framework_status_set(
                city=c, item=item, status="in_place" if i % 2 else "considering", by=None
            )
    client.force_login(curator)
    url = reverse("library:framework_matrix", args=[loaded.slug])
    client.get(url)  # the session's first request records when it started (a session write)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert all(c.name in body for c in cities)
    assert body.count("In place") >= 1 and body.count("Considering") >= 1
    assert "Next items" in body  # 54 items, 25 per page


def test_command_loads_a_framework_and_refuses_a_bad_file(tmp_path):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command(
        "library_load_framework",
        str(DATA),
        slug="21cp",
        name="21st Century Policing",
        expected=153,
        stdout=out,
    )
    assert "54 added" in out.getvalue() and "54 of 153 items loaded" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(HEADER + b"1,T,recommendation,1.1,Changed\n1,T,nonsense,1.2,x\n")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command(
            "library_load_framework", str(bad), slug="21cp", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert FrameworkItem.objects.get(number="1.1").text != "Changed"


def test_evidence_links_must_be_web_addresses_or_app_paths(loaded, city):
    from django.core.exceptions import ValidationError

    item = FrameworkItem.objects.get(framework=loaded, number="1.1")
    record = services.city_framework_status_set(city=city, item=item, status="considering", by=None)
    for url in ("javascript:alert(1)", "//evil.example/x", "data:text/html,x", "ftp://x.example/"):
        with pytest.raises(ValidationError):
            services.evidence_link_add(record=record, kind="document", label="x", url=url)
    assert services.evidence_link_add(
        record=record, kind="meeting", label="Meeting", url=f"/c/{city.slug}/m/1/"
    )
