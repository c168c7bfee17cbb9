"""Isolation matrix: every city URL, every HTTP method, as another city's member, as a member
without the role, and anonymously: 404 (or sign-in) every time, and the city's data unchanged."""

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import resolve, reverse

from cities.models import ALL_ROLES, Role
from tests.plugins.url_coverage import all_app_routes
from tests.urlmap import BY_NAME, ROUTES

METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


def test_every_url_pattern_has_an_entry_in_the_url_map():
    missing = sorted(set(all_app_routes()) - set(BY_NAME))
    assert missing == [], f"add these URL patterns to tests/urlmap.py: {missing}"


def _snapshot(city):
    """Every row that belongs to the city, as plain data, to prove nothing changed."""
    state = {}
    for model in apps.get_models():
        field_names = {f.name for f in model._meta.get_fields()}
        if "city" in field_names and model._meta.app_label not in {"admin", "auth"}:
            rows = model._default_manager.filter(city=city).order_by("pk")
            state[model._meta.label] = [model_to_dict(r) for r in rows]
    return state


CITY_ROUTES = [r for r in ROUTES if r.kind == "city"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", CITY_ROUTES, ids=[r.name for r in CITY_ROUTES])
def test_city_route_is_closed_to_outsiders(route, client, city, other_city, member_of):
    kwargs = {"city_slug": other_city.slug, **route.build(other_city)}
    url = reverse(route.name, kwargs=kwargs)
    view = resolve(url).func
    allowed = set(getattr(view, "city_view_roles", ALL_ROLES))
    outsider = member_of(city, "lead")
    without_role = {role: member_of(other_city, role) for role in sorted(set(Role.values) - allowed)}
    before = _snapshot(other_city)

    client.force_login(outsider)
    for method in METHODS:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (route.name, "member of another city", method, response.status_code)

    for role, member in without_role.items():
        client.force_login(member)
        for method in METHODS:
            response = getattr(client, method)(url)
            assert response.status_code == 404, (route.name, f"{role} without the role", method)

    client.logout()
    for method in METHODS:
        response = getattr(client, method)(url)
        assert response.status_code in (302, 404), (route.name, "anonymous", method, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login")), route.name

    assert _snapshot(other_city) == before, f"{route.name}: another city's data changed"


PUBLIC_ROUTES = [r for r in ROUTES if r.kind == "public"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=[r.name for r in PUBLIC_ROUTES])
def test_public_route_does_not_answer_under_another_citys_slug(route, client, city, other_city):
    kwargs = route.build(other_city)
    own = client.get(reverse(route.name, kwargs={"city_slug": other_city.slug, **kwargs}))
    assert own.status_code < 400, route.name
    crossed = client.get(reverse(route.name, kwargs={"city_slug": city.slug, **kwargs}))
    assert crossed.status_code == 404, route.name


CURATOR_ROUTES = [r for r in ROUTES if r.kind == "curator"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", CURATOR_ROUTES, ids=[r.name for r in CURATOR_ROUTES])
def test_curator_route_is_closed_to_everyone_else(route, client, city, member_of):
    url = reverse(route.name, kwargs=route.build(city))
    client.force_login(member_of(city, "lead"))
    for method in METHODS:
        assert getattr(client, method)(url).status_code == 404, (route.name, method)
    client.logout()
    for method in METHODS:
        response = getattr(client, method)(url)
        assert response.status_code in (302, 404), (route.name, method)
