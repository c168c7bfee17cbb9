"""Every figure of the JSON report, recomputed from the raw file with pandas, scipy and statsmodels.

Nothing here calls the app's own statistics or normalisation: each file's race values are read by
the rules written below, the counts are pandas group-bys, and the intervals come from statsmodels
(Wilson, ratio of proportions) and scipy (exact Poisson). What a file does not record must come
back as `null` with a reason (`not_recorded`), never 0 with an interval; a real zero (the column is
mapped, no record has it) stays 0 with its upper bound.
"""

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from scipy.stats import beta, chi2
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from tests.builders import (
    BREMERTON_ARRESTS,
    BREMERTON_CITATIONS,
    LANSING,
    OWENSBORO,
    POLICE_FILES,
    POLICE_SAMPLES,
    ST_LOUIS,
    county_benchmark,
    generated_stops,
    imported_dataset,
)

pytestmark = pytest.mark.django_db

SHARED = Path("/work/shared/data/police")
Z = 1.959963984540054
KNOWN = ["black", "hispanic", "white", "asian_pacific_islander", "native_american", "other"]
DOG = "dog"

# How each real file says race, read here by hand (not by the app's proposals): column, values.
RACE_RULES = {
    OWENSBORO: ("subject_race", {"white": "white", "black": "black", "asian/pacific islander":
                                 "asian_pacific_islander", "other": "other", "NA": "unknown"}),
    LANSING: ("Citizen_Race", {"White": "white", "Black": "black", "Hispanic": "hispanic", "Other": "other",
                               "Unknown": "unknown", "": "unknown"}),
    ST_LOUIS: ("CitizenRace", {"Black": "black", "White": "white", "Hispanic": "hispanic", "Bosnian": "other",
                               "Native American": "native_american", "Not Specified": "unknown",
                               "Unknown": "unknown", "Dog- Not Citizen": DOG}),
    BREMERTON_ARRESTS: ("RACE", {"W": "white", "B": "black", "A": "asian_pacific_islander",
                                 "I": "native_american", "U": "unknown"}),
    BREMERTON_CITATIONS: ("RACE", {"W": "white", "B": "black", "A": "asian_pacific_islander",
                                   "I": "native_american", "U": "unknown"}),
}  # fmt: skip
RACE_RULES["stops.csv"] = ("subject_race", {**RACE_RULES[OWENSBORO][1], "hispanic": "hispanic"})  # generated
INCIDENT_COLUMN = {LANSING: "Incident_ID", ST_LOUIS: "BPSno"}
# Agencies whose files have no Hispanic category and no ethnicity column.
NO_HISPANIC = {OWENSBORO, BREMERTON_ARRESTS, BREMERTON_CITATIONS}


# -- independent statistics --------------------------------------------------------------------


def poisson(k):
    low = 0.0 if k == 0 else chi2.ppf(0.025, 2 * k) / 2
    return [low, chi2.ppf(0.975, 2 * k + 2) / 2]


def wilson(k, n):
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return [max(0.0, low), min(1.0, high)]


def _acs_rse(n, moe):
    """Relative standard error of an ACS estimate from its published 90% margin of error."""
    return 0.0 if not moe or moe <= 0 else moe / 1.645 / n


def _widened(value, interval, rse):
    """The interval with the population's relative error added in quadrature on the log scale."""
    if not rse:
        return list(interval)
    low, high = interval
    extra = Z * rse
    if value <= 0:
        return [low, high * math.exp(extra)]
    down = math.log(value / low) if low > 0 else math.inf
    new_low = value * math.exp(-math.hypot(down, extra)) if low > 0 else 0.0
    return [new_low, value * math.exp(math.hypot(math.log(high / value), extra))]


def rate(k, n, moe=None):
    value = 1000 * k / n
    return value, _widened(value, [1000 * b / n for b in poisson(k)], _acs_rse(n, moe))


def rate_ratio(k1, n1, k0, n0, moe1=None, moe0=None):
    value = (k1 / n1) / (k0 / n0)
    extra = math.hypot(_acs_rse(n1, moe1), _acs_rse(n0, moe0))
    if min(k1, k0) < 20:
        # Exact conditional: k1 given k1 + k0 is binomial; Clopper-Pearson on p, then back to the ratio.
        total = k1 + k0
        p_low = 0.0 if k1 == 0 else beta.ppf(0.025, k1, total - k1 + 1)
        p_high = beta.ppf(0.975, k1 + 1, total - k1)
        low, high = p_low / (1 - p_low) * n0 / n1, p_high / (1 - p_high) * n0 / n1
        return value, (_widened(value, [low, high], extra) if extra else [low, high])
    half = Z * math.sqrt(1 / k1 + 1 / k0 + extra**2)
    return value, [value * math.exp(-half), value * math.exp(half)]


def proportion_ratio(k1, n1, k0, n0):
    value = (k1 / n1) / (k0 / n0)
    if not (k1 and k0):
        return value, None
    low, high = confint_proportions_2indep(k1, n1, k0, n0, method="log", compare="ratio", alpha=0.05)
    return value, [low, high]


def approx(x):
    return pytest.approx(x, rel=1e-6, abs=1e-9)


def check_figure(fig, value, interval, where):
    assert fig is not None, where
    assert not fig["not_recorded"], where
    assert fig["value"] == approx(value), where
    if interval is None:
        assert fig["interval"] is None, where
    else:
        assert fig["interval"] == approx(list(interval)), where


def check_absent(fig, where):
    assert fig is not None, where
    assert fig["value"] is None and fig["interval"] is None and fig["numerator"] is None, where
    assert fig["not_recorded"].lower().startswith("not recorded"), where


# -- the document ------------------------------------------------------------------------------


def table(doc, key):
    return next((t for t in doc["tables"] if t["key"] == key), None)


def cells(tbl, row_key):
    return next(r for r in tbl["rows"] if r["key"] == row_key)["cells"]


def report_of(client, city, dataset):
    response = client.get(reverse("disparities:report_json", args=[city.slug, dataset.pk]))
    assert response.status_code == 200
    return response.json()


def frame(name: str, data: bytes | None = None) -> pd.DataFrame:
    raw = data if data is not None else (POLICE_SAMPLES / name).read_bytes()
    df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    column, rules = RACE_RULES[name]
    df["race"] = df[column].str.strip().map(rules)
    assert not df["race"].isna().any(), f"{name}: a race value the test does not know"
    df["person"] = df["race"] != DOG
    df.loc[~df["person"], "race"] = "unknown"
    return df


def check_counts_and_population(doc, df, *, incident_column: str | None, no_hispanic: bool):
    """The counts table (rows, persons, incidents by race) and the population table."""
    counts = table(doc, "counts")
    persons = df[df["person"]]
    by_race = {
        "rows": df.groupby("race").size(),
        "persons": persons.groupby("race").size(),
    }
    if incident_column:
        by_race["incidents"] = persons.groupby("race")[incident_column].nunique()
    present = sorted(set(df["race"]))
    for race in present:
        for measure, series in by_race.items():
            k = int(series.get(race, 0))
            check_figure(cells(counts, race)[measure], k, poisson(k), ("counts", race, measure))
    total = cells(counts, "total")
    check_figure(total["rows"], len(df), poisson(len(df)), "counts total rows")
    check_figure(total["persons"], len(persons), poisson(len(persons)), "counts total persons")
    if incident_column:
        k = df[incident_column].nunique()
        check_figure(total["incidents"], k, poisson(k), "counts total incidents")
    if no_hispanic:
        assert "hispanic" not in present
        for fig in cells(counts, "hispanic").values():
            check_absent(fig, "counts hispanic")
        assert "white" in doc["races_not_recorded"]["hispanic"]
    else:
        assert "hispanic" not in doc["races_not_recorded"]

    # Against the residents: events are incidents where the file has incident ids, else persons.
    population = table(doc, "population")
    residents = doc["benchmark"]["residents"]
    margins = doc["benchmark"].get("margins_of_error") or {}
    events = by_race["incidents"] if incident_column else by_race["persons"]
    known_total = sum(int(events.get(r, 0)) for r in KNOWN)
    white_k, white_n = int(events.get("white", 0)), residents["white"]
    for race in KNOWN:
        c = cells(population, race)
        k, n = int(events.get(race, 0)), residents[race]
        if no_hispanic and race == "hispanic":
            for key in ("events", "share", "rate", "ratio"):
                check_absent(c[key], ("population", race, key))
            assert c["population_share"]["value"] == approx(n / sum(residents.values()))
            continue
        check_figure(c["events"], k, poisson(k), ("population", race, "events"))
        check_figure(c["share"], k / known_total, wilson(k, known_total), ("population", race, "share"))
        check_figure(c["rate"], *rate(k, n, margins.get(race)), ("population", race, "rate"))
        if race == "white":
            assert c["ratio"] is None
        else:
            check_figure(
                c["ratio"],
                *rate_ratio(k, n, white_k, white_n, margins.get(race), margins.get("white")),
                ("population", race, "ratio"),
            )


def check_shares(doc, df, key, shares: dict, absent: dict):
    """A table of shares of records by race: `shares` name -> (numerator column, denominator column)
    of booleans on the frame; `absent` name -> the words its reason must contain."""
    tbl = table(doc, key)
    persons = df[df["person"]]
    white = persons[persons["race"] == "white"]
    for race in sorted(set(persons["race"])):
        group = persons[persons["race"] == race]
        c = cells(tbl, race)
        for name in [*shares, *absent]:
            if name in absent:
                for suffix in ("_n", "", "_ratio"):
                    check_absent(c[f"{name}{suffix}"], (key, race, name + suffix))
                    assert absent[name] in c[f"{name}{suffix}"]["not_recorded"]
                assert absent[name] in doc["not_recorded"][name]
                continue
            num, den = shares[name]
            k, n = int(group[num].sum()), int(group[den].sum())
            check_figure(c[f"{name}_n"], k, poisson(k), (key, race, f"{name}_n"))
            if n == 0:
                assert c[name]["value"] is None
                continue
            check_figure(c[name], k / n, wilson(k, n), (key, race, name))
            kw, nw = int(white[num].sum()), int(white[den].sum())
            ratio = c[f"{name}_ratio"]
            if race == "white":
                assert ratio is None
            elif nw == 0 or kw == 0:
                assert ratio["value"] is None and ratio["interval"] is None
            else:
                check_figure(ratio, *proportion_ratio(k, n, kw, nw), (key, race, f"{name}_ratio"))


def check_nothing_absent_is_a_number(doc):
    """Every figure of every table: a figure not recorded has no value and no interval, and every
    measure the document calls not recorded never shows as a number."""
    for tbl in doc["tables"]:
        for r in tbl["rows"]:
            for fig in r["cells"].values():
                if fig is not None and fig["not_recorded"]:
                    assert fig["value"] is None and fig["interval"] is None, (tbl["key"], r["key"])
    for why in doc["not_recorded"].values():
        assert why.startswith("Not recorded in this file: no column for ")


# -- the real files ----------------------------------------------------------------------------


def test_the_shipped_copies_are_the_shared_real_files():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not on this machine")
    for path in SHARED.glob("*.csv"):
        assert path.name in POLICE_FILES, f"{path.name} has no test below"
        assert path.read_bytes() == (POLICE_SAMPLES / path.name).read_bytes()


@pytest.mark.parametrize("name", sorted(POLICE_FILES))
def test_every_figure_of_the_report_on_a_real_file(name, city, client_as):
    county_benchmark(city, fips="21059")  # Daviess County, KY: any benchmark will do for the arithmetic
    dataset = imported_dataset(city, file=name)
    assert dataset.status == "imported", dataset.failure_reason
    doc = report_of(client_as(city, "viewer"), city, dataset)
    df = frame(name)
    check_counts_and_population(
        doc, df, incident_column=INCIDENT_COLUMN.get(name), no_hispanic=name in NO_HISPANIC
    )
    check_nothing_absent_is_a_number(doc)
    if name == OWENSBORO:
        df["arrest"] = df["arrest_made"] == "TRUE"
        df["citation"] = df["citation_issued"] == "TRUE"
        df["warning"] = df["outcome"] == "warning"  # no warning column: the outcome says it (a real zero)
        df["stop"] = True
        # No search and no contraband column: both rates are not recorded, never 0 %.
        check_shares(doc, df, "searches", {}, {"search_rate": "searches", "hit_rate": "searches"})
        check_shares(
            doc,
            df,
            "outcomes",
            {"arrest_rate": ("arrest", "stop"), "citation_rate": ("citation", "stop"),
             "warning_rate": ("warning", "stop")},
            {},
        )  # fmt: skip
        assert cells(table(doc, "outcomes"), "black")["warning_rate"]["value"] == 0  # real zero, kept
        assert cells(table(doc, "outcomes"), "black")["warning_rate"]["interval"][1] > 0
        assert table(doc, "discretionary") is None
        assert "search_rate" in doc["not_recorded"] and "arrest_rate" not in doc["not_recorded"]
    if name == LANSING:
        # A complaint is sustained for a race when any allegation of its complainants of that race is.
        df["sustained"] = df["Incident_Disposition"].str.strip().isin(["Sustained", "Partially Sustained"])
        pairs = df[df["person"]].groupby(["race", "Incident_ID"])["sustained"].any().reset_index()
        pairs["person"], pairs["complaint"] = True, True
        check_shares(doc, pairs, "sustained", {"sustained_rate": ("sustained", "complaint")}, {})
    if name == ST_LOUIS:
        injury = df["CitizenInjury"].str.strip()
        df["injured"] = ~injury.isin(["No injuries noted or visible", "Not Specified", ""])
        df["officer_injured"] = df["OfficerInjury"].str.strip().isin(["Minor", "Disabling"])
        df["record"] = True
        check_shares(
            doc, df, "injuries",
            {"injury_rate": ("injured", "record"), "officer_injury_rate": ("officer_injured", "record")}, {},
        )  # fmt: skip
    if name in (OWENSBORO, BREMERTON_ARRESTS, BREMERTON_CITATIONS):
        # Persons by year and race, each count with its exact Poisson interval.
        dates = (
            df["date"]
            if name == OWENSBORO
            else pd.to_datetime(df["DATE"], format="%m/%d/%y").dt.strftime("%Y")
        )
        df["year"] = dates.str[:4]
        by_year = df[df["person"]].groupby(["year", "race"]).size()
        trend = table(doc, "trend_year")
        for (year, race), k in by_year.items():
            check_figure(cells(trend, year)[race], int(k), poisson(int(k)), ("trend_year", year, race))
    if name == BREMERTON_CITATIONS:
        assert "fines" in doc["not_recorded"] and table(doc, "fines") is None
    if name == BREMERTON_ARRESTS:
        assert doc["not_recorded"].get("with_time") is None  # DATE and TIME columns: times recorded


# -- generated stops: a column dropped, and a real zero -------------------------------------------


def _stops(rows=3000):
    df = pd.read_csv(io.BytesIO(generated_stops(rows)), dtype=str, keep_default_na=False)
    return df


def _as_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode()


def _stop_frame(data: bytes) -> pd.DataFrame:
    df = frame("stops.csv", data)
    df["stop"] = True
    df["searched"] = df["search_conducted"] == "TRUE"
    if "contraband_found" in df:
        df["hit"] = df["searched"] & (df["contraband_found"] == "TRUE")
    df["arrest"] = df["arrest_made"] == "TRUE"
    df["citation"] = df["citation_issued"] == "TRUE"
    df["warning"] = df["warning_issued"] == "TRUE"
    return df


def test_a_stops_file_without_its_contraband_column_has_no_hit_rate(city, client_as):
    county_benchmark(city)
    data = _as_bytes(_stops().drop(columns=["contraband_found"]))
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop")
    doc = report_of(client_as(city, "viewer"), city, dataset)
    df = _stop_frame(data)
    check_shares(
        doc,
        df,
        "searches",
        {"search_rate": ("searched", "stop")},
        {"hit_rate": "no column for contraband found was mapped"},
    )
    check_shares(
        doc,
        df,
        "outcomes",
        {"arrest_rate": ("arrest", "stop"), "citation_rate": ("citation", "stop"),
         "warning_rate": ("warning", "stop")},
        {},
    )  # fmt: skip
    check_nothing_absent_is_a_number(doc)
    assert "hispanic" not in doc["races_not_recorded"]  # the generated file records Hispanic drivers
    # The discretionary hit rate needs contraband too; the discretionary search rate does not.
    discretionary = cells(table(doc, "discretionary"), "black")
    check_absent(discretionary["discretionary_hit_rate"], "discretionary hit rate")
    assert discretionary["discretionary_rate"]["value"] is not None
    # The trends do not offer the hit rate; asked for it, they show the counts and say why.
    response = client_as(city, "viewer").get(
        reverse("disparities:report_json", args=[city.slug, dataset.pk]), {"trend": "hit_rate"}
    )
    year = table(response.json(), "trend_year")
    assert "not recorded in this file" in year["note"].lower()
    # The CSV of the searches table: an empty cell and the reason in the note beside it.
    csv = client_as(city, "viewer").get(
        reverse("disparities:table_csv", args=[city.slug, dataset.pk, "searches"])
    )
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    black = next(line for line in text.splitlines() if line.startswith("Black,"))
    header = next(line for line in text.splitlines() if line.startswith("Race,"))
    at = header.split(",").index("Hit rate (contraband found)")
    fields = black.split(",")
    assert fields[at] == "" and "Not recorded in this file" in black


def test_a_real_zero_stays_zero_with_its_upper_bound(city, client_as):
    county_benchmark(city)
    df = _stops()
    df.loc[df["search_conducted"] == "TRUE", "contraband_found"] = "FALSE"  # searched, nothing ever found
    data = _as_bytes(df)
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop")
    doc = report_of(client_as(city, "viewer"), city, dataset)
    frame_ = _stop_frame(data)
    assert frame_["searched"].sum() > 0 and frame_["hit"].sum() == 0
    check_shares(
        doc, frame_, "searches", {"search_rate": ("searched", "stop"), "hit_rate": ("hit", "searched")}, {}
    )
    for race in ("black", "white"):
        hit = cells(table(doc, "searches"), race)["hit_rate"]
        n = int(frame_[(frame_["race"] == race)]["searched"].sum())
        assert hit["value"] == 0 and hit["interval"] == approx(wilson(0, n)) and hit["interval"][1] > 0
        assert not hit["not_recorded"]
    assert "hit_rate" not in doc["not_recorded"]
    assert np.isclose(cells(table(doc, "searches"), "total")["hit_rate"]["value"], 0)


# -- every rendering says "not recorded" -----------------------------------------------------------


def test_owensboro_not_recorded_on_the_home_the_report_and_the_public_page(city, client_as):
    from django.test import Client

    from tests.builders import published_snapshot

    benchmark = county_benchmark(city, fips="21059")
    dataset = imported_dataset(city, file=OWENSBORO)
    viewer = client_as(city, "viewer")
    home = viewer.get(reverse("cities:home", args=[city.slug])).content.decode()
    assert "Hispanic: stops per resident, ratio to white: not recorded by this agency" in home
    assert "Black: search rate, ratio to white: not recorded in this file" in home
    from disparities.selectors.pages import chart_data

    doc = report_of(viewer, city, dataset)
    charts = {c["table"]: c for c in chart_data(doc)}
    assert "Hispanic" not in charts["population"]["labels"]  # no empty bar that would read as 0
    assert "searches" not in charts  # nothing recorded to draw
    printable = viewer.get(reverse("disparities:report", args=[city.slug, dataset.pk])).content.decode()
    assert "not recorded by this agency" in printable and "not recorded in this file" in printable
    assert "most likely counted as white" in printable
    # The records behind a figure the file does not record: none to list, and not "0 searches".
    drill = viewer.get(
        reverse("disparities:drilldown", args=[city.slug, dataset.pk]),
        {"race": "black", "measure": "hits", "of": "searches"},
    )
    assert drill.context["page"].not_recorded.startswith("Not recorded in this file")
    assert "this is not a count of 0" in drill.content.decode()
    snapshot = published_snapshot(city, dataset=dataset, benchmark=benchmark)
    public = Client()
    doc = public.get(reverse("disparities:public_json", args=[city.slug, snapshot.pk])).json()
    assert doc["public"] and "hispanic" in doc["races_not_recorded"]
    check_absent(cells(table(doc, "searches"), "black")["hit_rate"], "public hit rate")
    check_absent(cells(table(doc, "population"), "hispanic")["rate"], "public hispanic rate")
    check_nothing_absent_is_a_number(doc)
    page = public.get(reverse("disparities:public_snapshot", args=[city.slug, snapshot.pk])).content.decode()
    assert "not recorded by this agency" in page and "not recorded in this file" in page


def test_a_stops_file_without_times_has_no_veil_of_darkness_and_says_why(city, client_as):
    data = _as_bytes(_stops(500).drop(columns=["time"]))
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop")
    doc = report_of(client_as(city, "viewer"), city, dataset)
    assert doc["veil_of_darkness"] == {"eligible": False, "reason": doc["not_recorded"]["with_time"]}
    assert "time of day" in doc["not_recorded"]["with_time"]
    assert any(note.startswith("Time of day") for note in doc["notes"])
    page = client_as(city, "viewer").get(reverse("disparities:report", args=[city.slug, dataset.pk]))
    assert "Not run on this dataset: Not recorded in this file" in page.content.decode()
