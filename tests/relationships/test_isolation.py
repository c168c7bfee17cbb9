"""Every page of the section: another city's member and a member without the role get 404,
a visitor signs in, and ids of another city's records are refused in URLs and in forms."""

import pytest
from django.urls import reverse

from relationships.models import Relationship
from tests.builders import relationships_scene as scene

WRITE_PAGES = {
    "stakeholder_new", "stakeholder_edit", "stakeholder_consent", "stakeholder_withdraw", "stakeholder_import",
    "import_preview", "import_report", "relationship_new", "relationship_edit", "relationship_assess",
    "meeting_new", "commitment_new", "commitment_status", "crisis_new",
}
LEAD_PAGES = {"commitment_publish"}


def _names():
    from relationships.urls import urlpatterns

    return sorted(p.name for p in urlpatterns if p.name != "public_commitments")


@pytest.fixture
def records(city):
    records = scene(city)
    records.pop("lead")
    return records


def _url(name, city, records):
    from django.urls import NoReverseMatch

    for keys in ([], ["stakeholder_id"], ["relationship_id"], ["meeting_id"], ["commitment_id"], ["event_id"],
                 ["import_id"]):
        try:
            return reverse(f"relationships:{name}", kwargs={"city_slug": city.slug, **{k: records[k] for k in keys}})
        except NoReverseMatch:
            continue
    raise AssertionError(name)


def test_the_isolation_tests_know_every_page():
    names = set(_names())
    assert {"index", "directory", "trust_gaps", "readiness", "meeting_new"} <= names
    assert len(names) == 27


@pytest.mark.django_db
def test_another_citys_member_gets_404_on_every_page(client_as, city, other_city, records):
    client = client_as(other_city, "lead")
    for name in _names():
        url = _url(name, city, records)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator", "viewer", "staff"])
def test_members_without_the_role_get_404(client_as, city, records, role):
    client = client_as(city, role)
    for name in _names():
        url = _url(name, city, records)
        forbidden = name in LEAD_PAGES or (name in WRITE_PAGES and role != "staff")
        if forbidden:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url
        elif name not in WRITE_PAGES | LEAD_PAGES:
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in(client, city, records):
    for name in _names():
        url = _url(name, city, records)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


@pytest.mark.django_db
def test_ids_of_another_city_in_the_url_are_404(client_as, city, other_city, records):
    client = client_as(other_city, "lead")
    for name in _names():
        url = _url(name, city, records).replace(f"/c/{city.slug}/", f"/c/{other_city.slug}/")
        if any(str(v) in url for v in records.values()) and url.rstrip("/").split("/")[-1] not in ("new",):
            if name in {"index", "directory", "relationship_list", "meeting_list", "commitment_list", "trust_gaps",
                        "readiness", "stakeholder_new", "stakeholder_import", "relationship_new", "meeting_new",
                        "commitment_new", "crisis_new"}:
                continue
            # POST-only actions answer 405 to a GET before looking anything up.
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {}).status_code == 404, url


@pytest.mark.django_db
def test_forms_refuse_another_citys_stakeholder_or_member(client_as, city, other_city, city_page, member_of,
                                                          make_stakeholder, today):
    client = client_as(city, "lead")
    foreign_stakeholder = make_stakeholder(other_city)
    foreign_member = member_of(other_city, "staff")
    mine = make_stakeholder(city)
    base = {"cadence_days": "30", "started_on": today.isoformat(), "owner_office": "", "purpose": ""}
    r1 = client.post(city_page("relationship_new"), {**base, "stakeholder": foreign_stakeholder.pk,
                                                     "owner": client.user.pk})
    r2 = client.post(city_page("relationship_new"), {**base, "stakeholder": mine.pk, "owner": foreign_member.pk})
    assert r1.status_code == 400 and r2.status_code == 400
    assert "Select a valid choice" in r1.content.decode()
    assert not Relationship.objects.exists()
    ok = client.post(city_page("relationship_new"), {**base, "stakeholder": mine.pk, "owner": client.user.pk})
    assert ok.status_code == 302
    r = Relationship.objects.get()
    edit = client.post(city_page("relationship_edit", r.pk), {**base, "stakeholder": foreign_stakeholder.pk,
                                                              "owner": client.user.pk})
    assert edit.status_code == 400
    r.refresh_from_db()
    assert r.stakeholder == mine
