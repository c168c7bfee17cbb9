"""The framework editor: curators add, edit, reorder and retire items (with history) to complete a
framework from its printed source, and every city's status and evidence survive every edit; the
count of loaded items is the items in use, counted here from the file itself."""

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from library import services
from library.models import CityFrameworkStatus, EvidenceLink, FrameworkItem, FrameworkItemChange

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "library" / "data" / "21cp_recommendations.csv"
ITEM = {"pillar_number": 1, "pillar_name": "Building Trust & Legitimacy", "item_type": "recommendation"}


def _rows_in_file() -> list[dict]:
    with DATA.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, strict=True))


@pytest.fixture
def loaded():
    framework = services.framework_create(name="21st Century Policing", slug="21cp", expected_items=151)
    services.framework_load_csv(framework=framework, data=DATA.read_bytes())
    return framework


def _city_state(cities, framework):
    """Every city's statuses and evidence on the framework, as plain data keyed by item id."""
    return {
        city.pk: sorted(
            (s.item_id, s.status, s.notes, tuple(sorted((e.kind, e.label, e.url) for e in s.evidence.all())))
            for s in CityFrameworkStatus.objects.for_city(city).filter(item__framework=framework)
        )
        for city in cities
    }


def test_the_count_of_loaded_items_is_said_honestly(client, curator, city, member_of, loaded):
    in_file = len(_rows_in_file())
    assert in_file == 54
    client.force_login(curator)
    assert f"{in_file} of 151 items loaded" in client.get(reverse("library:framework", args=["21cp"])).text
    lead = member_of(city, "lead")
    client.force_login(lead)
    page = client.get(reverse("library:city_framework", args=[city.slug, "21cp"])).text
    assert f"{in_file} of 151 items loaded" in page and "incomplete" in page


def test_statuses_and_evidence_survive_every_edit(client, curator, city, other_city, loaded):
    items = {i.number: i for i in FrameworkItem.objects.filter(framework=loaded)}
    first, second = sorted(items.values(), key=lambda i: i.sort_key)[:2]
    for c, status in ((city, "in_place"), (other_city, "considering")):
        for item in (first, second, items["1.3.1"]):
            record = services.city_framework_status_set(
                city=c, item=item, status=status, notes=f"{c.name} notes", by=None
            )
            services.evidence_link_add(
                record=record, kind="document", label=f"{c.name} policy", url="https://x.example/"
            )
    before = _city_state([city, other_city], loaded)
    assert sum(len(v) for v in before.values()) == 6

    client.force_login(curator)
    base = reverse("library:framework_item", args=["21cp", first.pk])
    # Edit text and number.
    assert (
        client.post(base, {**ITEM, "number": "1.1", "text": "Corrected from the printed report."}).status_code
        == 302
    )
    # Reorder: the first item moves down, it trades places with the second.
    move = reverse("library:framework_item_move", args=["21cp", first.pk])
    assert client.post(move, {"direction": "down"}).status_code == 302
    order = list(FrameworkItem.objects.filter(framework=loaded).order_by("sort_key", "id"))
    assert [order[0].pk, order[1].pk] == [second.pk, first.pk]
    # Retire and bring back.
    retire = reverse("library:framework_item_retire", args=["21cp", items["1.3.1"].pk])
    assert client.post(retire, {"note": "Duplicate of 1.3"}).status_code == 302
    assert "53 of 151 items loaded" in client.get(reverse("library:framework", args=["21cp"])).text
    # Reloading the file touches nothing that cities recorded.
    services.framework_load_csv(framework=loaded, data=DATA.read_bytes())
    assert _city_state([city, other_city], loaded) == before
    assert client.post(retire).status_code == 302
    assert _city_state([city, other_city], loaded) == before
    assert EvidenceLink.objects.count() == 6

    history = list(
        FrameworkItemChange.objects.filter(item=first).order_by("id").values_list("action", flat=True)
    )
    # The reload put the file's wording back (a file is the source it names), and says so.
    assert history == ["loaded", "edited", "moved", "loaded"]
    edited = FrameworkItemChange.objects.get(item=first, action="edited")
    assert edited.before["text"] == next(r["text"] for r in _rows_in_file() if r["number"] == "1.1")
    assert edited.after["text"] == "Corrected from the printed report." and edited.by == curator
    page = client.get(base).text
    assert "Moved down" in page and "Edited" in page
    actions = list(FrameworkItemChange.objects.filter(item=items["1.3.1"]).values_list("action", flat=True))
    assert "retired" in actions and "restored" in actions


def test_a_retired_item_leaves_the_citys_tracker_but_keeps_its_record(
    client, curator, city, member_of, loaded
):
    item = FrameworkItem.objects.get(framework=loaded, number="1.3.1")
    services.city_framework_status_set(city=city, item=item, status="in_progress", notes="Ours", by=None)
    services.framework_item_retire(item=item, note="Not in the report", by=curator)
    client.force_login(member_of(city, "lead"))
    tracker = client.get(reverse("library:city_framework", args=[city.slug, "21cp"])).text
    assert "53 of 151 items loaded" in tracker and item.text not in tracker
    page = client.get(reverse("library:city_framework_item", args=[city.slug, "21cp", item.pk])).text
    assert "retired this item" in page and "Ours" in page


def test_bad_input_is_refused_with_a_message(client, curator, loaded):
    client.force_login(curator)
    items = list(FrameworkItem.objects.filter(framework=loaded).order_by("sort_key"))
    # Empty retire form: 400 with the reason asked for, nothing retired.
    response = client.post(
        reverse("library:framework_item_retire", args=["21cp", items[0].pk]), {"note": " "}
    )
    assert response.status_code == 400 and "This field is required" in response.text
    assert not FrameworkItem.objects.filter(retired_at__isnull=False).exists()
    # Moving the first item up, or in no direction, says why and moves nothing.
    for direction in ("up", "sideways", ""):
        response = client.post(
            reverse("library:framework_item_move", args=["21cp", items[0].pk]),
            {"direction": direction},
            follow=True,
        )
        assert response.status_code == 200
        assert "already first" in response.text or "Move an item up or down" in response.text
    assert list(FrameworkItem.objects.filter(framework=loaded).order_by("sort_key")) == items
    # An empty item form keeps the item as it was.
    response = client.post(reverse("library:framework_item", args=["21cp", items[0].pk]), {})
    assert response.status_code == 200 and "This field is required" in response.text
    # Another framework's item id is not found.
    other = services.framework_create(name="Other", slug="other")
    assert (
        client.post(
            reverse("library:framework_item_move", args=["other", items[0].pk]), {"direction": "down"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("library:framework_item_retire", args=[other.slug, items[0].pk]), {"note": "x"}
        ).status_code
        == 404
    )
