"""Every query-string and form value that reaches the database is checked first: whatever a browser
(or anyone) sends, a page answers with what it shows, a form error or 400, never a server error.

Named cases from the issue first (`?district=%00`, a meeting form with `c-TOTAL_FORMS=abc`, a mapping
file with wrong types), then Hypothesis sends arbitrary values: an exported mapping (JSON of any
shape), the dashboard's filters on the dashboard, the records behind a figure and report.json, and
the management form and rows of every form with a formset (a meeting's commitments, a library
resource's outcomes).
"""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disparities.files import mapping as m
from disparities.models import Dataset
from tests.builders import generated_stops, imported_dataset, uploaded_dataset
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as a hostile client sends it: NUL and other control characters, non-ASCII digits, long runs.
NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["\x00", "a\x00b", "²", "١٢", "-1", "9" * 30, "1e9", " ", "%00", "NaN", "inf", "2017-13", "0000-00"]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=200, max_size=400),
)
FILTER_KEYS = ["start", "end", "district", "type", "sex", "age_group", "fine_threshold", "trend", "benchmark",
               "measure", "race", "drill_type", "period", "officer_race", "of", "after", "page"]  # fmt: skip


@pytest.fixture
def stops(city):
    return imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")


def _dashboard_urls(city, dataset) -> list[str]:
    args = [city.slug, dataset.pk]
    return [
        reverse("disparities:dashboard", args=args),
        reverse("disparities:drilldown", args=args),
        reverse("disparities:report_json", args=args),
    ]


# -- the cases the issue names ---------------------------------------------------------------------


def test_a_nul_in_a_dashboard_filter_answers_400(client_as, city, stops):
    client = client_as(city, "staff")
    for url in _dashboard_urls(city, stops):
        for query in ("district=%00", "type=a%00b", "race=%00&measure=searches", "%00=1"):
            response = client.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query, response.status_code)


def test_ids_in_the_query_string_that_are_not_ids_are_ignored(client_as, city, stops):
    client = client_as(city, "staff")
    url = reverse("disparities:drilldown", args=[city.slug, stops.pk])
    for value in ("²", "9" * 30, "-1", "١٢"):
        assert client.get(url, {"after": value, "benchmark": value}).status_code == 200


def test_a_meeting_form_with_a_broken_management_form_is_a_form_error(client_as, city):
    client = client_as(city, "staff")
    url = reverse("relationships:meeting_new", args=[city.slug])
    for total in ("abc", "²", "\x00", "-5", "99999999999999999999"):
        data = {"c-TOTAL_FORMS": total, "c-INITIAL_FORMS": "0", "title": "Meeting"}
        assert client.post(url, {**data, "more": "1"}).status_code in (200, 400)
        assert client.post(url, data).status_code in (200, 400)


def test_a_mapping_file_with_wrong_types_is_refused_in_words(client_as, city):
    client = client_as(city, "staff")
    dataset = uploaded_dataset(city, file="stops.csv", data=generated_stops(50), kind="stop")
    url = reverse("disparities:mapping_import", args=[city.slug, dataset.pk])
    before = Dataset.objects.get(pk=dataset.pk).mapping
    for document in (
        {"columns": {"date": ["a"]}},
        {"columns": {"date": "date"}, "values": []},
        {"columns": {"date": "date"}, "separators": "x"},
        {"columns": {"date": "date"}, "values": {"subject_race": {"W": 5}}},
        {"columns": {"date": "da\x00te"}},
        {"columns": {"date": "date"}, "date_format": 5},
        {"columns": {"date": "date"}, "time_in_date": "yes"},
        {"columns": {"date": "no such column"}},
        [1, 2],
        "text",
    ):
        upload = io.BytesIO(json.dumps(document).encode())
        upload.name = "mapping.json"
        response = client.post(url, {"mapping_file": upload})
        assert response.status_code == 302, (document, response.status_code)
        messages = [str(message) for message in response.wsgi_request._messages]
        assert messages and "mapping" in messages[-1].lower() or "columns" in messages[-1], (
            document,
            messages,
        )
        assert Dataset.objects.get(pk=dataset.pk).mapping == before


# -- Hypothesis ------------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | NASTY,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NASTY, children, max_size=4),
    max_leaves=20,
)
FIELDS = st.sampled_from(m.fields_for("stop") + ["nonsense"])
ALMOST_A_MAPPING = st.fixed_dictionaries(
    {"columns": st.dictionaries(FIELDS, st.one_of(NASTY, JSON), max_size=5)},
    optional={
        "values": st.one_of(
            JSON, st.dictionaries(FIELDS, st.dictionaries(NASTY, st.one_of(NASTY, JSON), max_size=4))
        ),
        "separators": st.one_of(JSON, st.dictionaries(FIELDS, NASTY, max_size=3)),
        "date_format": st.one_of(JSON, st.sampled_from(m.DATE_FORMATS)),
        "time_format": st.one_of(JSON, st.sampled_from(m.TIME_FORMATS)),
        "time_in_date": JSON,
        "realcities_mapping": JSON,
        "kind": JSON,
    },
)


def _storable(value) -> bool:
    text = json.dumps(value)
    return "\\u0000" not in text


@FUZZ
@given(document=st.one_of(JSON, ALMOST_A_MAPPING))
def test_any_mapping_json_is_read_or_refused_with_a_reason(document):
    try:
        mapping = m.validate_import(document, "stop")
    except ValueError as error:
        assert str(error)
        return
    assert _storable(mapping)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in mapping["columns"].items())


@FUZZ
@given(document=ALMOST_A_MAPPING)
def test_any_mapping_file_loaded_through_the_page_answers_without_a_server_error(client_as, city, document):
    client = client_as(city, "staff")
    dataset = Dataset.objects.filter(city=city).first() or uploaded_dataset(
        city, file="stops.csv", data=generated_stops(50), kind="stop"
    )
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "mapping.json"
    response = client.post(
        reverse("disparities:mapping_import", args=[city.slug, dataset.pk]), {"mapping_file": upload}
    )
    assert response.status_code == 302
    assert _storable(Dataset.objects.get(pk=dataset.pk).mapping)
    assert client.get(reverse("disparities:mapping", args=[city.slug, dataset.pk])).status_code == 200


@FUZZ
@given(query=st.dictionaries(st.sampled_from(FILTER_KEYS), NASTY, max_size=6), which=st.integers(0, 2))
def test_any_dashboard_filters_answer_a_page_or_400(client_as, city, stops, query, which):
    client = client_as(city, "staff")
    url = _dashboard_urls(city, stops)[which]
    response = client.get(url, query)
    has_nul = any("\x00" in value for value in query.values())
    assert response.status_code == (400 if has_nul else 200), (url, query, response.status_code)


MANAGEMENT = st.one_of(st.integers(-5, 2000).map(str), NASTY)


@FUZZ
@given(
    total=MANAGEMENT, initial=MANAGEMENT, rows=st.lists(st.tuples(NASTY, NASTY, NASTY), max_size=3),
    more=st.booleans(), title=NASTY,
)  # fmt: skip
def test_the_meeting_form_and_its_commitments_formset_never_fail(
    client_as, city, total, initial, rows, more, title
):
    client = client_as(city, "staff")
    data = {"c-TOTAL_FORMS": total, "c-INITIAL_FORMS": initial, "c-MAX_NUM_FORMS": "10", "title": title,
            "date": "2024-05-01", "kind": "standing"}  # fmt: skip
    for index, (what, owed_by, due) in enumerate(rows):
        data |= {f"c-{index}-what": what, f"c-{index}-owed_by": owed_by, f"c-{index}-due_date": due}
    if more:
        data["more"] = "1"
    response = client.post(reverse("relationships:meeting_new", args=[city.slug]), data)
    assert response.status_code in (200, 302, 400)


@FUZZ
@given(
    total=MANAGEMENT, initial=MANAGEMENT, rows=st.lists(st.tuples(NASTY, NASTY, NASTY), max_size=3), title=NASTY,
)  # fmt: skip
def test_the_library_resource_form_and_its_outcomes_formset_never_fail(
    client, db, total, initial, rows, title
):
    client.force_login(UserFactory(is_curator=True))
    data = {"outcomes-TOTAL_FORMS": total, "outcomes-INITIAL_FORMS": initial, "title": title}
    for index, (metric, before, after) in enumerate(rows):
        data |= {
            f"outcomes-{index}-metric": metric,
            f"outcomes-{index}-before": before,
            f"outcomes-{index}-after": after,
        }
    response = client.post(reverse("library:curate_new"), data)
    assert response.status_code in (200, 302, 400)
