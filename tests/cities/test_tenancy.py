"""A city's pages are for its members: another city's member gets 404, a visitor signs in."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cities.models import Membership


def _city_patterns():
    """Every URL pattern under /c/<city_slug>/, with its name and view."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith("c/<slug:city_slug>/"):
                    found.append((f"{namespace}{p.name}", route, p.callback))

    walk(get_resolver().url_patterns)
    return found


def test_every_city_page_goes_through_city_view():
    patterns = _city_patterns()
    assert patterns, "no city pages found"
    unguarded = [name for name, _, view in patterns if not hasattr(view, "city_view_roles")]
    assert unguarded == [], f"city pages without @city_view: {unguarded}"


SHELL_PAGES = ["cities:home", "cities:members", "conversations:index", "relationships:index", "disparities:index"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHELL_PAGES)
def test_member_sees_own_city_and_404_for_another(client_as, city, other_city, name):
    client = client_as(city, "viewer")
    assert client.get(reverse(name, args=[city.slug])).status_code == 200
    response = client.get(reverse(name, args=[other_city.slug]))
    assert response.status_code == 404
    assert other_city.name.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHELL_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, city, name):
    url = reverse(name, args=[city.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


@pytest.mark.django_db
def test_unknown_city_is_404(client_as, city):
    client = client_as(city, "lead")
    assert client.get("/c/no-such-city/").status_code == 404


@pytest.mark.django_db
def test_person_in_two_cities_switches_between_them(client, member_of, city, other_city):
    user = member_of(city, "staff")
    Membership.objects.create(user=user, city=other_city, role="viewer")
    client.force_login(user)
    page = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    # The switcher lists both cities.
    assert reverse("cities:home", args=[other_city.slug]) in page
    assert client.get(reverse("cities:home", args=[other_city.slug])).status_code == 200
    # The front door now brings the person back to the city they chose last.
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("cities:home", args=[other_city.slug])


@pytest.mark.django_db
def test_front_door_lists_cities_for_a_new_person(client, member_of, city, other_city):
    user = member_of(city, "staff")
    Membership.objects.create(user=user, city=other_city, role="viewer")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert city.name in page and other_city.name in page


@pytest.mark.django_db
def test_front_door_for_a_single_city_member_goes_to_it(client_as, city):
    client = client_as(city, "facilitator")
    response = client.get("/")
    assert response["Location"] == reverse("cities:home", args=[city.slug])


@pytest.mark.django_db
def test_signed_in_person_without_city_sees_what_to_do(client, django_user_model):
    user = django_user_model.objects.create_user("lonely@example.org", "x-very-secret-1")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "not a member of any city yet" in page


@pytest.mark.django_db
def test_for_city_scopes_queries(city, other_city, member_of):
    member_of(city, "staff")
    member_of(other_city, "staff")
    assert set(Membership.objects.for_city(city).values_list("city", flat=True)) == {city.id}


@pytest.mark.django_db
def test_city_home_has_empty_states_for_a_newcomer(client_as, city):
    page = client_as(city, "lead").get(reverse("cities:home", args=[city.slug])).content.decode()
    assert "No community conversation is planned yet" in page
    assert "No police data is loaded yet" in page
    assert "No standing relationship is recorded yet" in page
