"""The one pagination partial: USWDS markup, filters kept in every link, htmx links that are real links."""

import re

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _render(query: dict, **options) -> str:
    request = RequestFactory().get("/list/", query)
    page = Paginator(range(100), 10).get_page(query.get("page"))
    return render_to_string("partials/pagination.html", {"page": page, **options}, request=request)


def test_links_keep_the_filters_and_change_only_the_page():
    html = _render({"status": "held", "when": "past", "page": "3"})
    assert 'class="usa-pagination pagination"' in html and "Page 3 of 10" in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs == ["?status=held&amp;when=past&amp;page=2", "?status=held&amp;when=past&amp;page=4"]


def test_htmx_links_are_also_real_links_to_the_same_page():
    html = _render({"q": "trust", "page": "2"}, hx_target="#library-results", label="Result pages")
    assert 'aria-label="Result pages"' in html
    for link in re.findall(r"<a [^>]+>", html):
        href = re.search(r' href="([^"]+)"', link).group(1)
        assert f'hx-get="{href}"' in link and 'hx-target="#library-results"' in link


def test_one_page_shows_no_pagination():
    request = RequestFactory().get("/list/")
    page = Paginator(range(5), 10).get_page(1)
    assert render_to_string("partials/pagination.html", {"page": page}, request=request).strip() == ""
