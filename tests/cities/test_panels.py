"""The city home renders whatever the feature apps registered, in the declared order."""

import pytest
from django.urls import reverse

from cities import panels


def test_feature_apps_register_their_panels_in_a_declared_order():
    keys = panels.registered()
    assert keys[:4] == ["conversations", "relationships", "disparities", "library"]


@pytest.mark.django_db
def test_home_shows_a_registered_panel_and_leaves_out_one_that_returns_none(city, client_as):
    def extra(*, city, membership):
        return {
            "title": "A panel from a new app",
            "url": "/somewhere/",
            "items": [{"title": "First thing", "url": "/first/", "meta": "today"}],
            "empty": "",
            "action": None,
        }

    def hidden(*, city, membership):
        return None

    panels.register("extra", extra, order=5)
    panels.register("hidden", hidden, order=6)
    try:
        client = client_as(city, "viewer")
        html = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    finally:
        panels.unregister("extra")
        panels.unregister("hidden")
    assert "A panel from a new app" in html
    assert html.index("A panel from a new app") < html.index("Upcoming conversations")
    assert 'id="panel-extra"' in html and 'id="panel-hidden"' not in html


def test_a_panel_key_must_be_an_identifier():
    with pytest.raises(ValueError):
        panels.register("no spaces", lambda **kw: None, order=1)


@pytest.mark.django_db
def test_header_sections_come_from_the_registry_and_follow_abilities(city, client_as):
    panels.register_section("extra", label="Managed thing", url_name="cities:settings", order=99,
                            ability="can_manage")
    try:
        viewer_html = client_as(city, "viewer").get(reverse("cities:home", args=[city.slug])).content.decode()
        lead_html = client_as(city, "lead").get(reverse("cities:home", args=[city.slug])).content.decode()
    finally:
        panels.unregister_section("extra")
    for html in (viewer_html, lead_html):
        assert html.index(">Conversations<") < html.index(">Relationships<") < html.index(">Police data<")
    assert "Managed thing" not in viewer_html
    assert "Managed thing" in lead_html
