"""Search: ranking on a small corpus with known answers, facet counts, hostile queries, public
pages and the Atom feed."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from library import selectors, services
from library.models import FrameworkItem, ResourceStatus
from library.selectors import SearchParams

pytestmark = pytest.mark.django_db


def params(query: str = "") -> SearchParams:
    return SearchParams.from_querydict(QueryDict(query))


@pytest.fixture
def corpus(make_resource):
    r = {}
    r["title"] = make_resource(
        "Youth basketball with officers",
        status="published",
        kind="case_study",
        summary="Games on Friday nights.",
        body="A league.",
        topics=["youth"],
        audiences=["youth", "police"],
        evidence_level="documented",
    )
    r["summary"] = make_resource(
        "Friday nights in the park",
        status="published",
        kind="case_study",
        summary="Officers and teenagers play basketball.",
        body="Started in spring.",
        topics=["youth", "trust"],
        audiences=["youth"],
    )
    r["body"] = make_resource(
        "Summer programs toolkit",
        status="published",
        kind="toolkit",
        summary="How to run summer programs.",
        body="One idea among many: basketball games.",
        topics=["youth"],
        audiences=["city_government"],
    )
    r["other"] = make_resource(
        "Complaint review boards",
        status="published",
        kind="guide",
        summary="How civilian oversight reviews complaints.",
        body="Boards and offices.",
        topics=["oversight"],
        audiences=["residents"],
        evidence_level="evaluated",
    )
    r["draft"] = make_resource(
        "Basketball draft", status="draft", summary="Basketball basketball.", topics=["youth"]
    )
    r["review"] = make_resource(
        "Basketball in review", status="in_review", summary="Basketball.", topics=["youth"]
    )
    r["archived"] = make_resource("Basketball archived", status="archived", summary="Basketball.")
    return r


def test_title_beats_summary_beats_body(corpus):
    page = selectors.resource_search(params("q=basketball"))
    assert [x.title for x in page.object_list] == [
        "Youth basketball with officers",
        "Friday nights in the park",
        "Summer programs toolkit",
    ]


def test_english_stemming_and_websearch_syntax(corpus):
    titles = lambda q: {x.title for x in selectors.resource_search(params(q)).object_list}  # noqa: E731
    assert titles("q=reviewing+complaint") == {"Complaint review boards"}
    assert titles("q=basketball+-friday") == {"Summer programs toolkit"}
    assert titles("q=%22summer+programs%22") == {"Summer programs toolkit"}
    assert titles("q=oversight+or+teenagers") == {"Complaint review boards", "Friday nights in the park"}


def test_only_published_resources_are_found(corpus):
    page = selectors.resource_search(params(""))
    found = {x.title for x in page.object_list}
    assert found == {
        "Youth basketball with officers",
        "Friday nights in the park",
        "Summer programs toolkit",
        "Complaint review boards",
    }


def test_facet_counts_follow_the_other_filters(corpus):
    facets = {
        f["name"]: {o["value"]: o["count"] for o in f["options"]}
        for f in selectors.search_facets(params("q=basketball"))[0]
    }
    assert facets["kind"] == {"case_study": 2, "toolkit": 1}
    assert facets["topic"] == {"youth": 3, "trust": 1}
    assert facets["audience"] == {"youth": 2, "police": 1, "city_government": 1}
    assert facets["evidence"] == {"documented": 1, "anecdotal": 2}
    # Choosing a kind narrows the other groups but not the kind group itself.
    chosen = {
        f["name"]: {o["value"]: o["count"] for o in f["options"]}
        for f in selectors.search_facets(params("q=basketball&kind=toolkit"))[0]
    }
    assert chosen["kind"] == {"case_study": 2, "toolkit": 1}
    assert chosen["topic"] == {"youth": 1}
    assert chosen["audience"] == {"city_government": 1}
    page = selectors.resource_search(params("q=basketball&kind=toolkit&kind=case_study&topic=trust"))
    assert [x.title for x in page.object_list] == ["Friday nights in the park"]


def test_pillar_facet(corpus, curator):
    framework = services.framework_create(name="Test framework")
    item = FrameworkItem.objects.create(
        framework=framework,
        pillar_number=2,
        pillar_name="Policy & Oversight",
        number="2.8",
        text="Oversight.",
        sort_key="2.8",
    )
    services.resource_update(resource=corpus["other"], by=curator, framework_items=[item])
    services.resource_update(resource=corpus["draft"], by=curator, framework_items=[item])  # not public
    facets = {f["name"]: f["options"] for f in selectors.search_facets(params(""))[0]}
    assert facets["pillar"] == [
        {"value": f"{framework.pk}-2", "label": "2. Policy & Oversight", "count": 1, "selected": False}
    ]
    page = selectors.resource_search(params(f"pillar={framework.pk}-2"))
    assert [x.title for x in page.object_list] == ["Complaint review boards"]


@pytest.mark.parametrize(
    "query",
    [
        "'",
        '"',
        "\\",
        "&&&",
        "|||",
        "!(",
        "a:*",
        "<script>alert(1)</script>",
        "'); DROP TABLE library_resource; --",
        "%00",
        "\x00basketball",
        "basketball" * 100,
        "-",
        "or",
        "(((",
        "📚 basketball",
        "a & b | !c <-> d",
        "\u202e",
    ],
)
def test_hostile_queries_are_safe(corpus, client, query):
    response = client.get(
        reverse("library:index"),
        {"q": query, "sort": "nonsense", "kind": "nope", "page": "-3", "pillar": "x-y"},
    )
    # A NUL never reaches a page: every request holding one answers 400 (cities.middleware).
    assert response.status_code == (400 if "\x00" in query else 200)
    body = response.content.decode()
    assert "<script>alert(1)" not in body


def test_highlights_escape_resource_text(make_resource, client):
    make_resource(
        "Escaping test",
        status="published",
        summary="<script>alert('x')</script> community policing works <b>here</b> & 'there'.",
    )
    response = client.get(reverse("library:index"), {"q": "policing"})
    body = response.content.decode()
    assert "<mark>policing</mark>" in body
    assert "<script>alert(" not in body and "<b>here</b>" not in body
    assert "policing</mark> works" in body and "&amp;" in body


def test_sorting(corpus):
    by_title = [x.title for x in selectors.resource_search(params("sort=title")).object_list]
    assert by_title == sorted(by_title)
    newest = [x.title for x in selectors.resource_search(params("sort=newest")).object_list]
    assert newest[0] == "Complaint review boards"
    # Relevance without a query falls back to newest.
    assert params("sort=relevance").sort == "newest"


def test_pagination_and_bounded_queries(make_resource, client, django_assert_max_num_queries):
    for i in range(45):
        make_resource(f"Practice {i} on trust", status="published", topics=["trust"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("library:index"), {"q": "trust", "page": "2"})
    assert response.status_code == 200
    assert response.context["page"].number == 2 and len(response.context["page"].object_list) == 20
    assert "page=3" in response.content.decode()


def test_htmx_request_gets_the_results_fragment(corpus, client):
    response = client.get(
        reverse("library:index"),
        {"q": "basketball"},
        headers={"HX-Request": "true", "HX-Target": "library-results"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="library-results"')
    assert "<html" not in body and "Youth basketball" in body


def test_public_pages_need_no_sign_in_and_hide_unpublished(corpus, client):
    assert client.get(reverse("library:resource", args=[corpus["title"].slug])).status_code == 200
    for key in ("draft", "review", "archived"):
        assert client.get(reverse("library:resource", args=[corpus[key].slug])).status_code == 404
    page = client.get(reverse("library:index")).content.decode()
    assert "Basketball draft" not in page and "Basketball in review" not in page


def test_resource_page_says_outcome_not_yet_documented(corpus, client):
    body = client.get(reverse("library:resource", args=[corpus["title"].slug])).content.decode()
    assert "Outcome not yet documented." in body


def test_atom_feed_lists_new_published_resources(corpus, client):
    response = client.get(reverse("library:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Youth basketball with officers" in body and "Basketball draft" not in body


def test_suggest_resources_for_other_sections(corpus):
    titles = [r.title for r in selectors.suggest_resources(topics=["youth"], limit=5)]
    assert set(titles) == {
        "Youth basketball with officers",
        "Friday nights in the park",
        "Summer programs toolkit",
    }
    assert titles[0] == "Youth basketball with officers"  # documented outcome before anecdotal
    assert [r.title for r in selectors.suggest_resources(kinds=["guide"])] == ["Complaint review boards"]
    assert (
        selectors.suggest_resources(topics=["unknown"], limit=2)
        and len(selectors.suggest_resources(limit=2)) == 2
    )
    assert selectors.suggest_resources(topics=["youth"], kinds=["guide"]) == []
    assert all(
        r.status == ResourceStatus.PUBLISHED for r in selectors.suggest_resources(topics=["youth"], limit=50)
    )


def test_curator_previews_unpublished_resources(corpus, client, curator, client_as, city):
    client.force_login(curator)
    response = client.get(reverse("library:curate_preview", args=[corpus["draft"].pk]))
    assert response.status_code == 200 and "Curator preview" in response.content.decode()


def test_cached_facet_counts_follow_publishing(make_resource, curator, django_assert_max_num_queries):
    make_resource("Youth one", status="published", topics=["youth"])
    first, total = selectors.search_facets(params("topic=youth"))
    assert total == 1
    with django_assert_max_num_queries(0):  # the counts and pillars come from the cache
        assert selectors.search_facets(params("topic=youth"))[1] == 1
    second = make_resource("Youth two", status="in_review", topics=["youth"])
    services.resource_transition(resource=second, to="published", by=curator)
    assert selectors.search_facets(params("topic=youth"))[1] == 2
    services.resource_transition(resource=second, to="archived", by=curator)
    assert selectors.search_facets(params("topic=youth"))[1] == 1


def test_results_show_text_not_markdown(make_resource, client):
    make_resource(
        "Walks with residents",
        status="published",
        summary="Officers and residents walk together.",
        body="## What the city did\n\n**Twelve** walks with the [association](https://example.org).\n\n"
        "- a *first* walk in May\n- > quoted residents\n\n| month | walks |\n| --- | --- |\n| May | 3 |",
    )
    body = client.get(reverse("library:index"), {"q": "walks city"}).content.decode()
    shown = body.split('class="library-highlight">', 1)[1].split("</p>", 1)[0]
    assert "What the <mark>city</mark> did" in shown
    for syntax in ("##", "**", "](", "https://example.org", "- a", "| ---", "&gt; quoted"):
        assert syntax not in shown, (syntax, shown)
    assert "Twelve <mark>walks</mark> with the association" in shown
