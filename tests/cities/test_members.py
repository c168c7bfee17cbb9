"""A lead changes roles and removes members; nobody else can; a city always keeps a lead."""

import pytest
from django.urls import reverse

from cities.models import Membership


@pytest.fixture
def lead_client(client_as, city):
    return client_as(city, "lead")


@pytest.mark.django_db
def test_lead_changes_a_role(lead_client, city, member_of):
    person = member_of(city, "viewer")
    membership = Membership.objects.get(user=person, city=city)
    response = lead_client.post(
        reverse("cities:member_role", args=[city.slug, membership.id]), {"role": "facilitator"}, follow=True
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "facilitator"
    assert "is now facilitator" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "facilitator", "viewer"])
def test_non_lead_cannot_change_roles(client_as, city, member_of, role):
    client = client_as(city, role)
    target = Membership.objects.get(user=member_of(city, "viewer"), city=city)
    response = client.post(reverse("cities:member_role", args=[city.slug, target.id]), {"role": "lead"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.role == "viewer"


@pytest.mark.django_db
def test_lead_cannot_touch_another_citys_member(lead_client, city, other_city, member_of):
    foreign = Membership.objects.get(user=member_of(other_city, "viewer"), city=other_city)
    url = reverse("cities:member_role", args=[city.slug, foreign.id])
    assert lead_client.post(url, {"role": "lead"}).status_code == 404
    assert lead_client.post(reverse("cities:member_remove", args=[city.slug, foreign.id])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == "viewer"


@pytest.mark.django_db
def test_invalid_role_is_refused(lead_client, city, member_of):
    target = Membership.objects.get(user=member_of(city, "viewer"), city=city)
    response = lead_client.post(
        reverse("cities:member_role", args=[city.slug, target.id]), {"role": "mayor"}, follow=True
    )
    assert "Choose one of the roles" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "viewer"


@pytest.mark.django_db
def test_last_lead_cannot_step_down_or_be_removed(lead_client, city):
    own = Membership.objects.get(user=lead_client.user, city=city)
    response = lead_client.post(
        reverse("cities:member_role", args=[city.slug, own.id]), {"role": "staff"}, follow=True
    )
    assert "at least one program lead" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "lead"
    lead_client.post(reverse("cities:member_remove", args=[city.slug, own.id]))
    assert Membership.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_lead_removes_a_member_who_then_gets_404(lead_client, city, member_of, client):
    person = member_of(city, "staff")
    membership = Membership.objects.get(user=person, city=city)
    lead_client.post(reverse("cities:member_remove", args=[city.slug, membership.id]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(person)
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 404


@pytest.mark.django_db
def test_get_on_a_post_only_action_is_refused(lead_client, city):
    own = Membership.objects.get(user=lead_client.user, city=city)
    assert lead_client.get(reverse("cities:member_remove", args=[city.slug, own.id])).status_code == 405


@pytest.mark.parametrize(
    "role, expected",
    [
        ("lead", {"is_lead", "can_manage", "can_edit", "can_facilitate", "can_see_contacts"}),
        ("staff", {"can_edit", "can_facilitate", "can_see_contacts"}),
        ("facilitator", {"can_facilitate", "can_see_contacts"}),
        ("viewer", set()),
    ],
)
def test_what_each_role_may_do_is_answered_by_the_membership(role, expected):
    from cities.models import Membership, may

    membership = Membership(role=role)
    abilities = {"is_lead", "can_manage", "can_edit", "can_facilitate", "can_see_contacts"}
    assert {a for a in abilities if getattr(membership, a)} == expected
    assert {a for a in abilities if may(membership, a)} == expected
    assert not any(may(None, a) for a in abilities)
