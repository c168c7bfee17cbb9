"""Messages that carry a count agree with it, and rates are "per search", not "per searche"."""

from cities.words import count, plural, singular
from disparities.selectors.tables import share_of


def test_singular_and_plural_of_the_apps_nouns():
    assert singular("searches") == "search" and singular("stops") == "stop"
    assert singular("frisks") == "frisk" and singular("arrests") == "arrest"
    assert singular("geographies") == "geography" and singular("people") == "person"
    assert plural("search") == "searches" and plural("commitment") == "commitments"
    assert count(1, "commitment") == "1 commitment" and count(2, "commitment") == "2 commitments"
    assert count(0, "conversation") == "0 conversations" and count(1, "geography") == "1 geography"
    assert count(1200, "value") == "1,200 values"


def test_the_hit_rate_is_hits_per_search():
    assert share_of(3, 10, "hits", "searches").unit == "hits per search"
    assert share_of(3, 10, "searches", "stops").unit == "searches per stop"
