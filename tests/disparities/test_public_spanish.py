"""A published dashboard in Spanish: its title and introduction as the city wrote them in Spanish,
or the English ones marked lang="en" with a note; the page's own words in Spanish either way."""

import pytest
from django.urls import reverse

from disparities.models import PublishedSnapshot
from tests.builders import published_snapshot


def _in_spanish(client, url):
    assert client.post(reverse("cities:language"), {"language": "es", "next": url})["Location"] == url


@pytest.mark.django_db
def test_a_published_page_in_spanish_and_its_fallback_to_english(client, city):
    snapshot = published_snapshot(city, title="Stops by race", title_es="Paradas por raza",
                                  introduction_es="Por qué publicamos estas cifras.")  # fmt: skip
    stored = PublishedSnapshot.objects.get(pk=snapshot.pk)
    assert (stored.title_es, stored.introduction_es) == ("Paradas por raza", "Por qué publicamos estas cifras.")
    url = reverse("disparities:public_snapshot", args=[city.slug, snapshot.pk])
    english = client.get(url).content.decode()
    assert "<h1>Stops by race</h1>" in english and "<p>Why we publish.</p>" in english
    _in_spanish(client, url)
    page = client.get(url).content.decode()
    assert "<h1>Paradas por raza</h1>" in page and "<p>Por qué publicamos estas cifras.</p>" in page
    assert "Fuente de los datos y período" in page and "Métodos" in page
    assert "todavía no está escrita en español" not in page
    # The methods stay in English, marked so, and the page says it.
    assert "Por ahora, los métodos y las advertencias están escritos en inglés." in page
    index = client.get(reverse("disparities:public_index", args=[city.slug])).content.decode()
    assert "<span>Paradas por raza</span>" in index

    plain = published_snapshot(city, dataset=snapshot.dataset, title="Stops, plain")
    page = client.get(reverse("disparities:public_snapshot", args=[city.slug, plain.pk])).content.decode()
    assert '<h1 lang="en">Stops, plain</h1>' in page and '<p lang="en">Why we publish.</p>' in page
    assert "Esta página todavía no está escrita en español" in page
