"""The police data pages: upload, mapping, progress, result, reports; tenancy and roles."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disparities.models import Dataset, Status
from disparities.services import datasets as services
from disparities.services import imports
from tests.builders import BREMERTON_ARRESTS, POLICE_SAMPLES, imported_dataset, police_file, queued_dataset

pytestmark = pytest.mark.django_db

GOOD = b"DATE,TIME,RACE,SEX\n4/1/17,0700,W,M\n4/2/17,1249,B,F\n4/3/17,1740,X9,F\n"


def url(name, city, *args):
    return reverse(f"disparities:{name}", args=[city.slug, *args])


def post_upload(client, city, data=GOOD, name="arrests.csv", **extra):
    return client.post(
        url("upload", city),
        {"kind": "arrest", "name": "April arrests", "file": SimpleUploadedFile(name, data), **extra},
    )


def test_upload_map_correct_a_value_and_queue(client_as, city):
    client = client_as(city, "staff")
    response = post_upload(client, city)
    dataset = Dataset.objects.get(city=city)
    assert response.status_code == 302 and response.url == url("mapping", city, dataset.pk)
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and "Map the columns" in body and "X9" in body
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    # The analyst corrects one value: X9 is not "other" but "unknown".
    raw_names = {raw: name for name, raw in form.value_fields["subject_race"]}
    assert data[raw_names["X9"]] == "other"
    data[raw_names["X9"]] = "unknown"
    response = client.post(url("mapping", city, dataset.pk), {**data, "action": "import"})
    assert response.status_code == 302 and response.url == url("detail", city, dataset.pk)
    dataset.refresh_from_db()
    assert dataset.status == Status.QUEUED and dataset.mapping["values"]["subject_race"]["X9"] == "unknown"
    assert dataset.uploaded_by == client.user


def test_mapping_without_race_column_explains(client_as, city):
    client = client_as(city, "staff")
    post_upload(client, city, data=b"DATE,SEX\n4/1/17,M\n")
    dataset = Dataset.objects.get(city=city)
    page = client.get(url("mapping", city, dataset.pk))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(url("mapping", city, dataset.pk), {**data, "action": "import"})
    assert response.status_code == 400 and "race" in response.content.decode()
    assert Dataset.objects.get(pk=dataset.pk).status == Status.MAPPING


def test_file_too_large_is_refused_before_reading_it(client_as, city, settings):
    settings.POLICE_UPLOAD_MAX_BYTES = 1024
    client = client_as(city, "staff")
    response = post_upload(client, city, data=b"DATE,RACE\n" + b"4/1/17,W\n" * 20_000)
    assert response.status_code == 413 and "larger than" in response.content.decode()
    assert not Dataset.objects.filter(city=city).exists()


def test_the_size_limit_holds_while_reading_the_upload(client_as, city, settings):
    """Within the Content-Length slack, the upload handler stops the file as it passes the limit."""
    settings.POLICE_UPLOAD_MAX_BYTES = 3000
    client = client_as(city, "staff")
    response = post_upload(client, city, data=b"DATE,RACE\n" + b"4/1/17,W\n" * 600)
    assert response.status_code == 413 and "larger than" in response.content.decode()
    assert not Dataset.objects.filter(city=city).exists()


def test_unreadable_file_gets_its_message_on_the_form(client_as, city):
    client = client_as(city, "staff")
    response = post_upload(client, city, data=b"")
    assert response.status_code == 400
    assert "empty" in response.content.decode()


def test_duplicate_upload_links_to_the_earlier_one(client_as, city):
    client = client_as(city, "staff")
    post_upload(client, city)
    earlier = Dataset.objects.get(city=city)
    response = post_upload(client, city, name="again.csv")
    assert response.status_code == 409
    assert url("detail", city, earlier.pk) in response.content.decode()
    assert post_upload(client, city, name="again.csv", allow_duplicate="1").status_code == 302
    assert Dataset.objects.filter(city=city).count() == 2


def test_viewers_read_but_do_not_upload_and_other_cities_get_404(client_as, city, other_city):
    dataset = services.dataset_upload(city=city, kind="arrest", file=police_file("a.csv", GOOD))
    client = client_as(city, "viewer")
    assert client.get(url("index", city)).status_code == 200
    assert client.get(url("upload", city)).status_code == 404
    assert client.get(url("mapping", city, dataset.pk)).status_code == 404
    assert client.post(url("delete", city, dataset.pk)).status_code == 404
    other = client_as(other_city, "lead")
    for name in ("detail", "progress", "mapping", "problems_csv", "mapping_json", "delete"):
        assert other.get(url(name, other_city, dataset.pk)).status_code == 404, name
    assert other.post(url("retry", other_city, dataset.pk)).status_code == 404


def test_result_page_progress_fragment_and_delete(client_as, city):
    dataset = imported_dataset(city, file=BREMERTON_ARRESTS)
    client = client_as(city, "lead")
    page = client.get(url("detail", city, dataset.pk))
    body = page.content.decode()
    assert "159 of 159 rows imported" in body and "131" in body
    fragment = client.get(url("progress", city, dataset.pk), headers={"HX-Request": "true"})
    assert (
        'id="dataset-status"' in fragment.content.decode() and "hx-trigger" not in fragment.content.decode()
    )
    assert "<html" not in fragment.content.decode()
    # While an import runs, its fragment polls and shows the bar.
    another = queued_dataset(city, file=BREMERTON_ARRESTS)
    seen = []

    def while_importing(state):
        seen.append(
            client.get(url("progress", city, another.pk), headers={"HX-Request": "true"}).content.decode()
        )

    imports.dataset_import(dataset_id=another.pk, on_progress=while_importing)
    running = seen[0]
    assert 'hx-trigger="every 500ms"' in running and "<progress" in running
    assert client.get(url("delete", city, dataset.pk)).status_code == 200
    response = client.post(url("delete", city, dataset.pk))
    assert response.status_code == 302 and not Dataset.objects.filter(pk=dataset.pk).exists()


def test_mapping_export_and_load(client_as, city):
    dataset = imported_dataset(city, file=BREMERTON_ARRESTS)
    client = client_as(city, "staff")
    exported = json.loads(client.get(url("mapping_json", city, dataset.pk)).content)
    assert exported["columns"]["subject_race"] == "RACE"
    exported["values"]["subject_race"]["U"] = "other"
    fresh = services.dataset_upload(
        city=city,
        kind="arrest",
        file=police_file("b.csv", (POLICE_SAMPLES / BREMERTON_ARRESTS).read_bytes()),
        allow_duplicate=True,
    )
    response = client.post(
        url("mapping_import", city, fresh.pk),
        {"mapping_file": SimpleUploadedFile("m.json", json.dumps(exported).encode())},
    )
    assert response.status_code == 302
    fresh.refresh_from_db()
    assert fresh.mapping["values"]["subject_race"]["U"] == "other"
    bad = client.post(
        url("mapping_import", city, fresh.pk), {"mapping_file": SimpleUploadedFile("m.json", b"nope")}
    )
    assert bad.status_code == 302
    assert "not a mapping exported as JSON" in client.get(bad.url).content.decode()
    big = SimpleUploadedFile("m.json", b" " * (1024 * 1024 + 1))
    response = client.post(url("mapping_import", city, fresh.pk), {"mapping_file": big}, follow=True)
    assert "over 1 MB" in response.content.decode()
    response = client.post(url("mapping_import", city, fresh.pk), {}, follow=True)
    assert "Choose a mapping file (JSON) to load." in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.mapping["values"]["subject_race"]["U"] == "other"  # what was loaded before is kept


def test_list_paginates_with_a_bounded_number_of_queries(client_as, city, django_assert_max_num_queries):
    client = client_as(city, "staff")
    for index in range(30):
        Dataset.objects.create(
            city=city, kind="stop", name=f"Set {index}", sha256=f"{index:064d}", file="x.csv"
        )
    with django_assert_max_num_queries(10):
        response = client.get(url("index", city))
    assert response.status_code == 200 and "Page 1 of 2" in response.content.decode()
    for index in range(30, 80):
        Dataset.objects.create(
            city=city, kind="stop", name=f"Set {index}", sha256=f"{index:064d}", file="x.csv"
        )
    with django_assert_max_num_queries(10):
        assert client.get(url("index", city) + "?page=2").status_code == 200


def test_home_panel_lists_latest_datasets(client_as, city):
    imported_dataset(city, file=BREMERTON_ARRESTS)
    client = client_as(city, "staff")
    body = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    assert BREMERTON_ARRESTS in body and "159 rows" in body


def test_personal_columns_are_hidden_in_the_preview(client_as, city):
    client = client_as(city, "staff")
    post_upload(client, city, data=b"DATE,RACE,SUBJECT_NAME\n4/1/17,W,Jane Roe\n4/2/17,B,John Doe\n")
    dataset = Dataset.objects.get(city=city)
    body = client.get(url("mapping", city, dataset.pk)).content.decode()
    assert "Jane Roe" not in body and "personal data hidden" in body and "SUBJECT_NAME" in body


README_FIGURES = {
    "ky_owensboro_2020_04_01.csv": (
        "stop",
        {"White": "6,017", "Black": "830", "Asian / Pacific Islander": "53"},
    ),
    "Michigan_Lansing_COMPLAINTS.csv": ("complaint", {"Black": "45", "White": "52", "Hispanic": "11"}),
    "Missouri_St._Louis_County_USE_OF_FORCE_MULTIPLE.csv": ("use_of_force", {"Black": "550", "White": "274"}),
    "Washington_Bremerton_ARRESTS_April_2017.csv": ("arrest", {"White": "131", "Black": "19"}),
    "Washington_Bremerton_CITATIONS_April_2017.csv": ("citation", {"White": "163", "Black": "30"}),
}


@pytest.mark.parametrize("name", list(README_FIGURES))
def test_every_real_file_through_the_pages(client_as, city, name):
    """Upload, accept the proposed mapping, import (the worker's task, run here), read the result page."""
    import re

    from disparities.tasks import dataset_import_task

    kind, figures = README_FIGURES[name]
    client = client_as(city, "staff")
    response = client.post(url("upload", city), {"kind": kind, "file": police_file(name)})
    dataset = Dataset.objects.get(city=city)
    form = client.get(response.url).context["form"]
    data = {field: form[field].value() or "" for field in form.fields}
    assert client.post(url("mapping", city, dataset.pk), {**data, "action": "import"}).status_code == 302
    assert dataset_import_task.run(dataset.pk) == "imported"
    body = client.get(url("detail", city, dataset.pk)).content.decode()
    for race, figure in figures.items():
        # Incidents are the last column of the race table when the file has incident ids; rows otherwise.
        row = re.search(rf"<th scope=\"row\">{re.escape(race)}</th>(.*?)</tr>", body, re.S).group(1)
        assert f"<td>{figure}</td>" in row, (race, row)


def test_replace_a_dataset_through_the_pages(client_as, city):
    old = imported_dataset(city, file=BREMERTON_ARRESTS)
    client = client_as(city, "staff")
    assert f"?replaces={old.pk}" in client.get(url("detail", city, old.pk)).content.decode()
    data = (POLICE_SAMPLES / BREMERTON_ARRESTS).read_bytes() + b"4/30/17,1200,THEFT 3,B,M,6TH ST\n"
    response = client.post(
        url("upload", city) + f"?replaces={old.pk}", {"kind": "arrest", "file": police_file("v2.csv", data)}
    )
    new = Dataset.objects.exclude(pk=old.pk).get(city=city)
    assert response.url == url("mapping", city, new.pk) and new.replaces == old and new.name == old.name
    # Until the new version is imported, the list shows the old one only, and the old one says so.
    assert new.name in client.get(url("index", city)).content.decode()
    assert (
        "A new version of this dataset is being prepared"
        in client.get(url("detail", city, old.pk)).content.decode()
    )
    assert list(Dataset.objects.for_city(city).visible()) == [old]
    form = client.get(response.url).context["form"]
    client.post(
        url("mapping", city, new.pk), {**{f: form[f].value() or "" for f in form.fields}, "action": "import"}
    )
    from disparities.tasks import dataset_import_task

    dataset_import_task.run(new.pk)
    assert list(Dataset.objects.for_city(city).visible()) == [Dataset.objects.get(pk=new.pk)]
    assert Dataset.objects.get(pk=new.pk).rows_imported == 160


def test_upload_still_checks_csrf(city, member_of):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member_of(city, "staff"))
    response = client.post(url("upload", city), {"kind": "arrest", "file": police_file("a.csv", GOOD)})
    assert response.status_code == 403 and not Dataset.objects.filter(city=city).exists()
