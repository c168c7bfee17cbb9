"""Who uploaded, looked at, exported, published or deleted a police dataset: one audit entry each."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from cities.models import AuditEvent
from disparities.models import Dataset, PublishedSnapshot
from disparities.services import dashboards as services_dashboard
from tests.builders import BREMERTON_ARRESTS, OWENSBORO, imported_dataset, police_file

from .test_views import post_upload, url

pytestmark = pytest.mark.django_db


def entries(city, **filters):
    return list(
        AuditEvent.objects.filter(city_id=city.pk, object_type="police dataset", **filters).order_by("id")
    )


def test_upload_mapping_import_and_delete_are_logged(client_as, city):
    client = client_as(city, "staff")
    post_upload(client, city)
    dataset = Dataset.objects.get(city=city)
    (created,) = entries(city, action="create")
    assert created.object_id == str(dataset.pk) and created.actor_id == client.user.pk
    assert "April arrests" in created.summary and "arrests.csv" in created.summary
    page = client.get(url("mapping", city, dataset.pk))
    (viewed,) = entries(city, action="view")
    assert "first 3 rows" in viewed.summary  # the raw file, names and all, was shown
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    client.post(url("mapping", city, dataset.pk), {**data, "action": "import"})
    assert [e.summary for e in entries(city, action="change")] == [
        "Confirmed the mapping and started the import"
    ]
    client.post(url("cancel", city, dataset.pk))
    assert "Cancelled the import" in [e.summary for e in entries(city, action="change")]
    client.post(url("delete", city, dataset.pk))
    (deleted,) = entries(city, action="delete")
    assert deleted.object_id == str(dataset.pk) and "April arrests" in deleted.summary
    # The log outlives the dataset and cannot be edited.
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    # Written by the services, with the address the request came from.
    assert {e.ip_address for e in entries(city)} == {"127.0.0.1"}
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=deleted.pk).update(summary="nothing happened")


def test_records_exports_and_publishing_are_logged(client_as, city):
    dataset = imported_dataset(city, file=OWENSBORO)
    services_dashboard.benchmark_create_from_county(city=city, fips="21059", created_by=None)
    viewer = client_as(city, "viewer")
    before = len(entries(city))
    viewer.get(url("dashboard", city, dataset.pk))  # figures only: not a look at records
    assert len(entries(city)) == before
    viewer.get(url("drilldown", city, dataset.pk), {"race": "black", "measure": "arrests"})
    (look,) = entries(city, action="view")
    assert look.actor_id == viewer.user.pk
    assert "50 of the 112 records" in look.summary and "Black" in look.summary and "arrest" in look.summary
    viewer.get(
        url("drilldown", city, dataset.pk), {"race": "hispanic", "measure": "arrests"}
    )  # none: no entry
    assert len(entries(city, action="view")) == 1
    viewer.get(url("report_json", city, dataset.pk))
    viewer.get(url("table_csv", city, dataset.pk, "population"))
    staff = client_as(city, "staff")
    staff.get(url("problems_csv", city, dataset.pk))
    exports = [e.summary for e in entries(city, action="export")]
    assert exports[0].startswith("Exported the report as JSON")
    assert exports[1].startswith("Exported “Stops against the population")
    assert exports[2].startswith("Exported the lines the import could not read")
    lead = client_as(city, "lead")
    lead.post(url("publish", city, dataset.pk), {"title": "Stops by race", "introduction": ""})
    snapshot = PublishedSnapshot.objects.get(dataset=dataset)
    (published,) = entries(city, action="create")
    assert f"page {snapshot.pk}" in published.summary and published.actor_id == lead.user.pk
    lead.post(reverse("disparities:snapshot_withdraw", args=[city.slug, snapshot.pk]))
    assert any("Withdrew the public page" in e.summary for e in entries(city, action="change"))
    # The lead reads it all on the city's audit page.
    page = lead.get(reverse("cities:audit", args=[city.slug])).content.decode()
    assert "Viewed 50 of the 112 records" in page and "Exported the report as JSON" in page


def test_refused_requests_write_nothing(client_as, city, other_city):
    dataset = imported_dataset(city, file=OWENSBORO)
    before = AuditEvent.objects.count()
    stranger = client_as(other_city, "lead")
    assert stranger.get(url("drilldown", city, dataset.pk), {"race": "black"}).status_code == 404
    assert stranger.get(url("report_json", city, dataset.pk)).status_code == 404
    assert client_as(city, "viewer").get(url("problems_csv", city, dataset.pk)).status_code == 404
    assert client_as(city, "viewer").post(url("delete", city, dataset.pk)).status_code == 404
    assert AuditEvent.objects.count() == before


def test_acts_for_no_one_write_no_entry_and_a_proxied_address_is_the_proxys_last(client_as, city, settings):
    """The command line and the demo seed act for no one: the same services write no entry. Behind the
    deployment's proxy, the entry keeps the address the proxy saw, not one the client made up."""
    imported_dataset(city, file=OWENSBORO)
    assert entries(city) == []
    settings.BEHIND_PROXY = True
    staff = client_as(city, "staff")
    staff.post(url("upload", city), {"kind": "arrest", "name": "x", "file": police_file(BREMERTON_ARRESTS)},
               headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"})  # fmt: skip
    (created,) = entries(city, action="create")
    assert created.ip_address == "198.51.100.7" and created.actor_id == staff.user.pk
