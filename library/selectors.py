"""Everything that reads for the library's pages, and `suggest_resources` for other sections."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cities import network
from cities.http import int_param
from cities.models import City, may

from .models import (
    Adoption,
    Audience,
    CityFrameworkStatus,
    EvidenceLevel,
    Framework,
    FrameworkItem,
    FrameworkItemChange,
    Kind,
    Resource,
    ResourceStatus,
    Revision,
    Submission,
    SubmissionStatus,
    Topic,
)
from .rendering import MARK_START, MARK_STOP, highlight_to_html

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
SORTS = {"relevance": gettext_lazy("Best match"), "newest": gettext_lazy("Newest first"), "title": gettext_lazy("Title A–Z")}
FACET_GROUPS = ("kind", "topic", "audience", "evidence", "pillar")


@dataclass
class SearchParams:
    q: str = ""
    kind: list[str] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    pillar: list[str] = field(default_factory=list)
    sort: str = "relevance"
    page: str | int = 1

    @classmethod
    def from_querydict(cls, data) -> "SearchParams":
        """Read the search from the URL; unknown values are dropped, never an error."""

        def pick(name: str, allowed: Iterable[str]) -> list[str]:
            allowed = set(allowed)
            return [v for v in dict.fromkeys(data.getlist(name)) if v in allowed]

        q = " ".join((data.get("q") or "").split())[:MAX_QUERY_LENGTH]
        sort = data.get("sort") or ("relevance" if q else "newest")
        if sort not in SORTS or (sort == "relevance" and not q):
            sort = "newest"
        pillar = [v for v in dict.fromkeys(data.getlist("pillar")) if _parse_pillar(v)]
        return cls(
            q=q.replace("\x00", ""),
            kind=pick("kind", Kind.values),
            topic=pick("topic", Topic.values),
            audience=pick("audience", Audience.values),
            evidence=pick("evidence", EvidenceLevel.values),
            pillar=pillar,
            sort=sort,
            page=data.get("page") or 1,
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind or self.topic or self.audience or self.evidence or self.pillar)


def _parse_pillar(value: str) -> tuple[int, int] | None:
    framework_id, _, number = value.partition("-")
    if len(value) < 20 and int_param(framework_id) is not None and int_param(number) is not None:
        return int(framework_id), int(number)
    return None


def _pillar_q(values: list[str]) -> Q:
    condition = Q()
    for value in values:
        framework_id, number = _parse_pillar(value)  # type: ignore[misc]
        condition |= Q(framework_id=framework_id, pillar_number=number)
    return Q(Exists(FrameworkItem.objects.filter(condition, resources=OuterRef("pk"))))


def _search_query(q: str) -> SearchQuery:
    # websearch_to_tsquery accepts anything a person types (quotes, OR, -word) without syntax errors.
    return SearchQuery(q, search_type="websearch", config="english")


def _filtered(params: SearchParams, *, skip: str = "", base: QuerySet | None = None) -> QuerySet:
    qs = base if base is not None else Resource.objects.published()
    if params.q:
        qs = qs.filter(search=_search_query(params.q))
    if params.kind and skip != "kind":
        qs = qs.filter(kind__in=params.kind)
    if params.topic and skip != "topic":
        qs = qs.filter(topics__overlap=params.topic)
    if params.audience and skip != "audience":
        qs = qs.filter(audiences__overlap=params.audience)
    if params.evidence and skip != "evidence":
        qs = qs.filter(evidence_level__in=params.evidence)
    if params.pillar and skip != "pillar":
        qs = qs.filter(_pillar_q(params.pillar))
    return qs


def _pillars_in_use() -> list[tuple[str, str]]:
    rows = (
        FrameworkItem.objects.filter(resources__status=ResourceStatus.PUBLISHED, pillar_number__isnull=False)
        .values("framework_id", "framework__name", "pillar_number", "pillar_name")
        .distinct()
        .order_by("framework__name", "pillar_number")
    )
    return [
        (f"{r['framework_id']}-{r['pillar_number']}", f"{r['pillar_number']}. {r['pillar_name'] or 'Pillar'}")
        for r in rows
    ]


FACET_CACHE_SECONDS = 600
FACET_VERSION_KEY = "library:facets:version"


def facets_changed() -> None:
    """Forget cached facet counts: called by the services whenever what the public sees changes."""
    try:
        cache.incr(FACET_VERSION_KEY)
    except ValueError:
        cache.set(FACET_VERSION_KEY, 1, None)


def _cached_pillars() -> list[tuple[str, str]]:
    version = cache.get_or_set(FACET_VERSION_KEY, 1, None)
    return cache.get_or_set(f"library:pillars:{version}", _pillars_in_use, FACET_CACHE_SECONDS)


def _facet_cache_key(params: SearchParams) -> str:
    """Counts of pages without a text query (the front page, facet-only filters) are cached until
    the published library changes."""
    version = cache.get_or_set(FACET_VERSION_KEY, 1, None)
    chosen = "|".join(",".join(sorted(getattr(params, name))) for name in FACET_GROUPS)
    digest = hashlib.sha256(chosen.encode()).hexdigest()[:32]
    return f"library:facets:{version}:{digest}"


def _pillar_sql(values: list[str]) -> tuple[str, list]:
    through = Resource.framework_items.through._meta.db_table
    items = FrameworkItem._meta.db_table
    parts, sql_params = [], []
    for value in values:
        framework_id, number = _parse_pillar(value)  # type: ignore[misc]
        parts.append("(fi.framework_id = %s AND fi.pillar_number = %s)")
        sql_params += [framework_id, number]
    # Only table names from the models and fixed fragments go into the text; values are parameters.
    sql = (
        f"EXISTS (SELECT 1 FROM {through} rfi JOIN {items} fi ON fi.id = rfi.frameworkitem_id "  # noqa: S608
        f"WHERE rfi.resource_id = r.id AND ({' OR '.join(parts)}))"
    )
    return sql, sql_params


# One condition per facet value, as SQL with parameters (never the value in the text).
_VALUE_SQL = {
    "kind": lambda v: ("r.kind = %s", [v]),
    "topic": lambda v: ("r.topics @> ARRAY[%s]::varchar[]", [v]),
    "audience": lambda v: ("r.audiences @> ARRAY[%s]::varchar[]", [v]),
    "evidence": lambda v: ("r.evidence_level = %s", [v]),
    "pillar": lambda v: _pillar_sql([v]),
}


def _facet_sql(params: SearchParams, groups: list) -> tuple[str, list, list[str]]:
    """The facet counts as one SELECT of COUNT(*) FILTER (...) columns.

    Written as SQL (with parameters) rather than ORM expressions: building ~60 filtered
    aggregates through the ORM cost as much time as running them.
    """
    chosen: dict[str, tuple[str, list]] = {}
    if params.kind:
        chosen["kind"] = ("r.kind = ANY(%s)", [list(params.kind)])
    if params.topic:
        chosen["topic"] = ("r.topics && %s::varchar[]", [list(params.topic)])
    if params.audience:
        chosen["audience"] = ("r.audiences && %s::varchar[]", [list(params.audience)])
    if params.evidence:
        chosen["evidence"] = ("r.evidence_level = ANY(%s)", [list(params.evidence)])
    if params.pillar:
        chosen["pillar"] = _pillar_sql(params.pillar)

    def others(skip: str) -> tuple[str, list]:
        parts = [(sql, p) for name, (sql, p) in chosen.items() if name != skip]
        return " AND ".join(sql for sql, _ in parts) or "TRUE", [x for _, p in parts for x in p]

    columns, sql_params, keys = [], [], ["total"]
    rest_sql, rest_params = others("")
    columns.append(f"COUNT(*) FILTER (WHERE {rest_sql})")
    sql_params += rest_params
    for name, _, choices in groups:
        rest_sql, rest_params = others(name)
        for i, (value, _) in enumerate(choices):
            value_sql, value_params = _VALUE_SQL[name](value)
            columns.append(f"COUNT(*) FILTER (WHERE {value_sql} AND {rest_sql})")
            sql_params += value_params + rest_params
            keys.append(f"{name}_{i}")
    where, where_params = "r.status = %s", [ResourceStatus.PUBLISHED.value]
    if params.q:
        where += " AND r.search @@ websearch_to_tsquery('english'::regconfig, %s)"
        where_params.append(params.q)
    sql = f"SELECT {', '.join(columns)} FROM {Resource._meta.db_table} r WHERE {where}"  # noqa: S608
    return sql, sql_params + where_params, keys


def search_facets(params: SearchParams) -> tuple[list[dict[str, Any]], int]:
    """Counts per facet value, and the number of results, in ONE query over the matching resources.

    Each group is counted with every other group's filter applied but not its own, so choosing one
    kind still shows how many of the other kinds there are.
    """
    groups = [
        ("kind", gettext_lazy("Kind"), Kind.choices),
        ("topic", gettext_lazy("Topic"), Topic.choices),
        ("audience", gettext_lazy("Stakeholder group"), Audience.choices),
        ("evidence", gettext_lazy("Evidence"), EvidenceLevel.choices),
        ("pillar", gettext_lazy("Framework pillar"), _cached_pillars()),
    ]
    cache_key = None if params.q else _facet_cache_key(params)
    counts = cache.get(cache_key) if cache_key else None
    if counts is None:
        sql, sql_params, keys = _facet_sql(params, groups)
        with connection.cursor() as cursor:
            cursor.execute(sql, sql_params)
            counts = dict(zip(keys, cursor.fetchone(), strict=True))
        if cache_key:
            cache.set(cache_key, counts, FACET_CACHE_SECONDS)
    facets = []
    for name, label, choices in groups:
        if not choices:
            continue
        selected = set(getattr(params, name))
        options = [
            {"value": value, "label": text, "count": counts[f"{name}_{i}"], "selected": value in selected}
            for i, (value, text) in enumerate(choices)
        ]
        options = [o for o in options if o["count"] or o["selected"]]
        facets.append({"name": name, "label": label, "options": options})
    return facets, counts["total"]


def resource_search(params: SearchParams, *, count: int | None = None) -> Page:
    """Published resources matching the search, ranked and highlighted, one page of them.

    `count`: the number of results when already known (from `search_facets`), saving a query.
    """
    qs = _filtered(params).only(
        "pk", "kind", "title", "slug", "summary", "topics", "evidence_level", "published_at", "created_at"
    )
    if params.sort == "relevance" and params.q:
        # Rank only when sorting by it: ranking reads the stored vector of every match.
        rank = SearchRank(F("search"), _search_query(params.q), normalization=Value(1))
        qs = qs.annotate(rank=rank).order_by("-rank", "-published_at", "pk")
    elif params.sort == "title":
        qs = qs.order_by("title", "pk")
    else:
        qs = qs.order_by("-published_at", "-pk")
    paginator = Paginator(qs, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached property: set it to skip the COUNT query
    page = paginator.get_page(params.page)
    rows = list(page.object_list)
    if params.q and rows:
        # Highlights only for the page shown: ts_headline is the costly part of a search.
        query = _search_query(params.q)
        headlines = dict(
            Resource.objects.filter(pk__in=[r.pk for r in rows])
            .annotate(
                headline=SearchHeadline(
                    Concat("summary", Value(" "), "body", output_field=TextField()),
                    query,
                    config="english",
                    start_sel=MARK_START,
                    stop_sel=MARK_STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "headline")
        )
        for row in rows:
            row.highlight = highlight_to_html(headlines.get(row.pk, ""))
    page.object_list = rows
    return page


def resource_public_detail(*, slug: str) -> Resource | None:
    return (
        Resource.objects.published()
        .filter(slug=slug)
        .select_related("credited_city")
        .prefetch_related(
            "outcomes",
            "cities",
            Prefetch("framework_items", queryset=FrameworkItem.objects.select_related("framework")),
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.select_related("city").order_by("city__name"),
            ),
        )
        .first()
    )


def resource_for_curator(*, resource_id: int) -> Resource | None:
    return (
        Resource.objects.filter(pk=resource_id)
        .select_related("credited_city")
        .prefetch_related("outcomes", "cities", "framework_items__framework", "adoptions__city")
        .first()
    )


def suggest_resources(
    *, topics: Iterable[str] = (), kinds: Iterable[str] = (), limit: int = 5
) -> list[Resource]:
    """Published resources for other sections to suggest where people work.

    `topics`: library topic keys (`library.models.Topic`); a resource matches if it has any of them.
    `kinds`: library kind keys (`library.models.Kind`), e.g. ("guide",) for conversation planners.
    Both empty: the newest published resources. Strongest evidence first, then newest.
    """
    topics, kinds = [t for t in topics if t in Topic.values], [k for k in kinds if k in Kind.values]
    qs = Resource.objects.published()
    if topics:
        qs = qs.filter(topics__overlap=topics)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    evidence_order = {v: i for i, v in enumerate(reversed(EvidenceLevel.values))}
    rows = list(qs.order_by("-published_at", "-pk")[: max(limit, 0) * 4])
    rows.sort(key=lambda r: evidence_order.get(r.evidence_level, 99))
    return rows[: max(limit, 0)]


def feed_resources(*, limit: int = 30) -> QuerySet:
    return Resource.objects.published().order_by("-published_at", "-pk")[:limit]


# Curation --------------------------------------------------------------------------------


def curation_list(*, status: str = "", page: str | int = 1) -> Page:
    qs = Resource.objects.only("pk", "kind", "title", "slug", "status", "review_by", "updated_at")
    if status in ResourceStatus.values:
        qs = qs.filter(status=status)
    return Paginator(qs.order_by("-updated_at", "-pk"), 30).get_page(page)


def curation_counts() -> dict[str, int]:
    counts = dict(Resource.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {value: counts.get(value, 0) for value in ResourceStatus.values}


def revisions_for(*, resource: Resource) -> QuerySet:
    return Revision.objects.filter(resource=resource).select_related("by").order_by("-number")


def submissions_waiting(*, page: str | int = 1, status: str = SubmissionStatus.SUBMITTED) -> Page:
    qs = Submission.objects.select_related("city", "submitted_by", "resource")
    if status in SubmissionStatus.values:
        qs = qs.filter(status=status)
    return Paginator(qs.order_by("-updated_at"), 30).get_page(page)


# Frameworks ------------------------------------------------------------------------------


# What counts as loaded: the items in use. A retired item is kept (with cities' statuses on it) but
# is not part of the framework any more, so it is neither counted nor shown to cities.
_LOADED = Count("items", filter=Q(items__retired_at__isnull=True))


def framework_list() -> QuerySet:
    return Framework.objects.annotate(item_count=_LOADED).order_by("name")


def framework_with_count(*, slug: str) -> Framework | None:
    return Framework.objects.annotate(item_count=_LOADED).filter(slug=slug).first()


def framework_items(*, framework: Framework) -> QuerySet:
    """The framework's items in use, in the order curators set (by number unless they moved one)."""
    return FrameworkItem.objects.filter(framework=framework, retired_at__isnull=True).order_by(
        "sort_key", "id"
    )


def framework_retired_items(*, framework: Framework) -> QuerySet:
    return FrameworkItem.objects.filter(framework=framework, retired_at__isnull=False).order_by(
        "sort_key", "id"
    )


def framework_item_history(*, item: FrameworkItem) -> QuerySet:
    return FrameworkItemChange.objects.filter(item=item).select_related("by").order_by("-at", "-id")


def city_framework_record(*, city: City, item: FrameworkItem) -> CityFrameworkStatus | None:
    """Where the city stands on one item of a framework, with its evidence; None before it says."""
    return CityFrameworkStatus.objects.for_city(city).filter(item=item).prefetch_related("evidence").first()


def city_framework_rows(
    *, city: City, framework: Framework
) -> list[tuple[FrameworkItem, CityFrameworkStatus | None]]:
    """Every item of the framework with this city's status (None: not recorded), in two queries."""
    items = list(framework_items(framework=framework))
    statuses = {
        s.item_id: s
        for s in CityFrameworkStatus.objects.for_city(city)
        .filter(item__framework=framework, item__retired_at__isnull=True)
        .prefetch_related("evidence")
    }
    return [(item, statuses.get(item.pk)) for item in items]


def city_status_summary(*, city: City, framework: Framework) -> dict[str, int]:
    counts = dict(
        CityFrameworkStatus.objects.for_city(city)
        .filter(item__framework=framework, item__retired_at__isnull=True)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts


def framework_matrix(*, framework: Framework, page: str | int = 1) -> tuple[list[City], Page, dict]:
    """All cities side by side for a curator: one page of items, every city's status for them.

    Three queries whatever the number of cities and items.
    """
    cities = list(City.objects.order_by("name"))
    items_page = Paginator(framework_items(framework=framework), 25).get_page(page)
    item_ids = [i.pk for i in items_page.object_list]
    cells: dict[tuple[int, int], CityFrameworkStatus] = {
        (s.item_id, s.city_id): s
        for s in CityFrameworkStatus.objects.filter(item_id__in=item_ids).only(
            "pk", "item_id", "city_id", "status"
        )
    }
    return cities, items_page, cells


# City pages ------------------------------------------------------------------------------


def city_adoptions(*, city: City) -> QuerySet:
    return Adoption.objects.for_city(city).select_related("resource").order_by("resource__title")


def city_adoption(*, city: City, resource: Resource) -> Adoption | None:
    return Adoption.objects.for_city(city).filter(resource=resource).first()


def city_submissions(*, city: City) -> QuerySet:
    return (
        Submission.objects.for_city(city).select_related("submitted_by", "resource").order_by("-created_at")
    )


def home_panel(*, city: City, membership) -> dict:
    """The city home's panel: practices the city uses and submissions waiting for an answer."""
    from django.urls import reverse

    adoptions = list(city_adoptions(city=city)[:5])
    items = [
        {"title": a.resource.title, "url": a.resource.get_absolute_url(), "meta": a.get_status_display()}
        for a in adoptions
    ]
    answered = (
        Submission.objects.for_city(city)
        .filter(status=SubmissionStatus.CHANGES_REQUESTED)
        .only("pk", "title")[:3]
    )
    items += [
        {
            "title": s.title,
            "url": reverse("library:city_submission", args=[city.slug, s.pk]),
            "meta": "Changes requested",
        }
        for s in answered
    ]
    can_submit = may(membership, "can_edit")
    return {
        "key": "library",
        "title": "Practices and reforms",
        "url": reverse("library:city", args=[city.slug]),
        "items": items,
        "empty": "No practice from the library is recorded yet. Search the library for what other "
        "cities did, and track your reforms against a framework.",
        "action": {
            "label": "Tell the network about a practice",
            "url": reverse("library:city_submit", args=[city.slug]),
        }
        if can_submit
        else None,
    }


# City stories and the league's view across cities ------------------------------------------

# City size bands for the network view's filter, by the population its "population" column gives.
SIZE_BANDS: dict[str, tuple[str, int, int | None]] = {
    "small": ("Under 100,000 residents", 0, 100_000),
    "medium": ("100,000 to 499,999", 100_000, 500_000),
    "large": ("500,000 to 999,999", 500_000, 1_000_000),
    "largest": ("1,000,000 or more", 1_000_000, None),
}
POPULATION = "population"  # the column whose value the size filter reads (registered by disparities)


def city_stories(*, city: City) -> QuerySet:
    """The stories the city sent to the league, newest first, with where each one stands."""
    return Submission.objects.for_city(city).exclude(story_key="").select_related("resource")


@dataclass
class NetworkRow:
    city: City
    cells: dict[str, Any]  # column key -> cities.network.Cell (absent: nothing to show)

    def cell(self, key: str) -> Any:
        return self.cells.get(key)

    ordered: list[Any] = field(default_factory=list)  # the cells in the columns' order, for the table


@dataclass
class NetworkView:
    columns: list[Any]
    rows: list[NetworkRow]
    states: list[tuple[str, str]]
    chart_column: Any = None
    chart: list[dict[str, Any]] = field(default_factory=list)
    chart_height: int = 28
    page: Any = None  # one page of `rows` for the table and the chart


def _in_band(cell: Any, band: str) -> bool:
    if band not in SIZE_BANDS:
        return True
    if cell is None or cell.value is None:
        return False  # a city of unknown size is in no band
    _label, low, high = SIZE_BANDS[band]
    return cell.value >= low and (high is None or cell.value < high)


NETWORK_PAGE = 50


def network_view(*, state: str = "", size: str = "", chart: str = "", page: str | int = 1) -> NetworkView:
    """Every city with each registered column's figure (`cities.network`), filtered by state and
    size (`rows`: all of them, for the export); `page` holds one page of them for the table, and the
    chart draws that page's cities in one column (`chart`, or the first chartable one)."""

    all_cities = list(City.objects.order_by("name"))
    states = sorted({(c.state, c.get_state_display()) for c in all_cities}, key=lambda s: s[1])
    chosen = [c for c in all_cities if not state or c.state == state]
    cells = network.cells(cities=chosen)
    columns = network.columns()
    rows = []
    for c in chosen:
        own = {k: v[c.pk] for k, v in cells.items() if c.pk in v}
        rows.append(NetworkRow(c, own, [own.get(col.key) for col in columns]))
    if size:
        rows = [r for r in rows if _in_band(r.cell(POPULATION), size)]
    chartable = [c for c in columns if c.chart and c.key != POPULATION]
    chart_column = next((c for c in chartable if c.key == chart), chartable[0] if chartable else None)
    bars: list[dict[str, Any]] = []
    shown = Paginator(rows, NETWORK_PAGE).get_page(page)
    if chart_column is not None:
        values = [(r.city, r.cell(chart_column.key)) for r in shown.object_list]
        top = max((cell.value for _c, cell in values if cell and cell.value is not None), default=0) or 1
        for i, (city, cell) in enumerate(values):
            value = cell.value if cell else None
            bars.append(
                {
                    "city": city,
                    "value": value,
                    "text": cell.text if cell else "—",
                    "width": 0 if value is None else round(250 * value / top, 1),
                    "y": i * 28,
                    "text_y": i * 28 + 16,
                    "value_x": 150 + (0 if value is None else round(250 * value / top, 1)) + 6,
                }
            )
    return NetworkView(
        columns, rows, states, chart_column, bars, chart_height=max(28 * len(bars), 28), page=shown
    )


def network_csv_rows(view: NetworkView) -> Iterable[list[Any]]:
    yield ["City", "State"] + [c.label for c in view.columns]
    for row in view.rows:
        values = []
        for column in view.columns:
            cell = row.cell(column.key)
            value = None if cell is None else cell.value
            if value is not None and float(value).is_integer():
                value = int(value)  # a count is written as one
            values.append("" if value is None else value)
        yield [row.city.name, row.city.state, *values]


def network_news(*, since: Any) -> list[dict[str, Any]]:
    """What the feed and the weekly digest tell curators, newest first: stories accepted into the
    library and published since `since` (with the city credited), and the apps' milestones
    (published ones only, `cities.network.register_milestones`)."""

    items: list[dict[str, Any]] = []
    published = (
        Resource.objects.published()
        .filter(submission__isnull=False, published_at__gte=since)
        .exclude(submission__story_key="")
        .select_related("credited_city")
    )
    for resource in published:
        city = resource.credited_city
        items.append(
            {
                "date": resource.published_at,
                "title": f"{city.name if city else 'A city'} told the league: {resource.title}",
                "url": resource.get_absolute_url(),
                "kind": "story",
                "city": city,
            }
        )
    names = dict(City.objects.values_list("pk", "name"))
    for m in network.milestones(since=since):
        items.append(
            {"date": m.at, "title": m.title, "url": m.url, "kind": m.kind or "milestone",
             "city": names.get(m.city_id, "")}
        )  # fmt: skip
    return sorted(items, key=lambda i: i["date"], reverse=True)


# The curator's home ----------------------------------------------------------------------


def national_queue_panel(*, user) -> dict | None:
    """The curator's home: city submissions waiting for a decision, oldest first."""
    if not getattr(user, "is_curator", False):
        return None
    qs = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).select_related("city")
    waiting = qs.count()
    items = [
        {
            "title": submission.title,
            "url": reverse("library:curate_submission", args=[submission.pk]),
            "meta": f"from {submission.city.name}, {submission.city.state}, "
            f"{timezone.localtime(submission.updated_at):%-d %B %Y}",
        }
        for submission in qs.order_by("updated_at", "pk")[:5]
    ]
    return {
        "title": "Submissions waiting for you",
        "url": reverse("library:curate_submissions"),
        "summary": [
            {"label": "Submissions waiting", "value": f"{waiting:,}", "url": reverse("library:curate_submissions")}
        ],
        "items": items,
        "empty": "No city submission is waiting for a decision.",
        "action": None,
    }


def national_reviews_panel(*, user) -> dict | None:
    """The curator's home: resources in review, and published ones whose review date has come."""
    if not getattr(user, "is_curator", False):
        return None
    today = timezone.localdate()
    qs = Resource.objects.filter(
        Q(status=ResourceStatus.IN_REVIEW) | Q(status=ResourceStatus.PUBLISHED, review_by__lte=today)
    ).only("pk", "title", "status", "review_by")
    due = qs.count()
    items = [
        {
            "title": resource.title,
            "url": reverse("library:curate_edit", args=[resource.pk]),
            "meta": "in review"
            if resource.status == ResourceStatus.IN_REVIEW
            else f"review was due {resource.review_by:%-d %B %Y}",
        }
        for resource in qs.order_by(F("review_by").asc(nulls_first=True), "pk")[:5]
    ]
    return {
        "title": "Reviews due",
        "url": reverse("library:curate"),
        "summary": [{"label": "Reviews due", "value": f"{due:,}", "url": reverse("library:curate")}],
        "items": items,
        "empty": "No resource is waiting for a review.",
        "action": None,
    }
