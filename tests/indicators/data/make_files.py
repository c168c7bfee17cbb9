"""Writes the data.census.gov-layout test files of this folder (run once; the files are committed).

`ACSDT5Y2024.B17001B-Data.csv` and `ACSDT5Y2024.C27001A-Data.csv` hold REAL values: the Census API
rows of three Alabama counties (the shared acs_by_race files, copied in indicators/sample_data/)
rewritten in the download's layout, so a test can check that both forms give the same figures.
The C15002, C23002 and B19013 files are in the same published layout with MADE-UP values (internally
consistent: parts add up to totals), including the special values the download uses ("-", "*****",
"250,000+") and a small group for the "too few people" and "unreliable" rules.
"""

import csv
import io
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[2] / "indicators" / "sample_data"

AGES17 = [
    "Under 5 years",
    "5 years",
    "6 to 11 years",
    "12 to 14 years",
    "15 years",
    "16 and 17 years",
    "18 to 24 years",
    "25 to 34 years",
    "35 to 44 years",
    "45 to 54 years",
    "55 to 64 years",
    "65 to 74 years",
    "75 years and over",
]


def labels_b17001() -> list[str]:
    out = ["Total:"]
    for status in [
        "Income in the past 12 months below poverty level:",
        "Income in the past 12 months at or above poverty level:",
    ]:
        out.append(f"Total:!!{status}")
        for sex in ["Male:", "Female:"]:
            out.append(f"Total:!!{status}!!{sex}")
            out += [f"Total:!!{status}!!{sex}!!{a}" for a in AGES17]
    return out


def labels_c27001() -> list[str]:
    out = ["Total:"]
    for age in ["Under 19 years:", "19 to 64 years:", "65 years and over:"]:
        out += [
            f"Total:!!{age}",
            f"Total:!!{age}!!With health insurance coverage",
            f"Total:!!{age}!!No health insurance coverage",
        ]
    return out


def labels_c15002() -> list[str]:
    levels = [
        "Less than high school diploma",
        "High school graduate (includes equivalency)",
        "Some college or associate's degree",
        "Bachelor's degree or higher",
    ]
    out = ["Total:"]
    for sex in ["Male:", "Female:"]:
        out.append(f"Total:!!{sex}")
        out += [f"Total:!!{sex}!!{lv}" for lv in levels]
    return out


def labels_c23002() -> list[str]:
    out = ["Total:"]
    for sex in ["Male:", "Female:"]:
        out.append(f"Total:!!{sex}")
        a = f"Total:!!{sex}!!16 to 64 years:"
        out += [
            a,
            f"{a}!!In labor force:",
            f"{a}!!In labor force:!!In Armed Forces",
            f"{a}!!In labor force:!!Civilian:",
            f"{a}!!In labor force:!!Civilian:!!Employed",
            f"{a}!!In labor force:!!Civilian:!!Unemployed",
            f"{a}!!Not in labor force",
        ]
        b = f"Total:!!{sex}!!65 years and over:"
        out += [
            b,
            f"{b}!!In labor force:",
            f"{b}!!In labor force:!!Employed",
            f"{b}!!In labor force:!!Unemployed",
            f"{b}!!Not in labor force",
        ]
    return out


def write(
    name: str, table: str, labels: list[str], rows: list[tuple[str, str, list[tuple[str, str]]]]
) -> None:
    """rows: (GEO_ID, NAME, [(estimate, moe) per cell]) -> the download's layout, trailing comma included."""
    header = ["GEO_ID", "NAME"]
    second = ["Geography", "Geographic Area Name"]
    for n, label in enumerate(labels, start=1):
        header += [f"{table}_{n:03d}E", f"{table}_{n:03d}M"]
        second += [f"Estimate!!{label}", f"Margin of Error!!{label}"]
    with (HERE / name).open("w", newline="", encoding="utf-8") as out:
        for line in [header, second] + [
            [g, nm] + [v for pair in cells for v in pair] for g, nm, cells in rows
        ]:
            buffer = io.StringIO()
            csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="").writerow(line)
            out.write(buffer.getvalue() + ",\n")  # data.census.gov ends every line with a comma


def from_api(json_name: str, table: str, labels: list[str], csv_name: str) -> None:
    data = json.loads((SAMPLES / json_name).read_text())
    header = data[0]
    rows = []
    for row in data[1:]:
        cells = [
            (row[header.index(f"{table}_{n:03d}E")], row[header.index(f"{table}_{n:03d}M")])
            for n in range(1, len(labels) + 1)
        ]
        rows.append((row[header.index("GEO_ID")], row[header.index("NAME")], cells))
    write(csv_name, table, labels, rows)


GEOS = [
    ("0500000US01073", "Jefferson County, Alabama", 1.0),
    ("0500000US01097", "Mobile County, Alabama", 0.6),
    ("0500000US01101", "Montgomery County, Alabama", 0.35),
]


def moe(value: int, rng: random.Random) -> str:
    return str(max(12, int((value**0.5) * rng.uniform(2.5, 4.5))))


def made_up() -> None:
    rng = random.Random(17)
    for race, size in [("B", 90000), ("A", 140000), ("I", 9000), ("C", 300)]:
        rows15, rows23, rows19 = [], [], []
        for geo_id, name, share in GEOS:
            n = max(40, int(size * share))
            cells15 = []
            sexes = []
            for sex_share, ba in [
                (0.46, 0.18 if race == "B" else 0.33),
                (0.54, 0.24 if race == "B" else 0.34),
            ]:
                total = int(n * sex_share)
                less = int(total * (0.14 if race != "I" else 0.30))
                ba_n = int(total * ba)
                hs = int((total - less - ba_n) * 0.5)
                some = total - less - ba_n - hs
                sexes.append([total, less, hs, some, ba_n])
            grand = sexes[0][0] + sexes[1][0]
            cells15.append((str(grand), moe(grand, rng)))
            for values in sexes:
                cells15 += [(str(v), moe(v, rng)) for v in values]
            rows15.append((geo_id, name, cells15))

            cells23 = []
            blocks = []
            for sex_share in (0.47, 0.53):
                young = int(n * 1.3 * sex_share * 0.8)
                old = int(n * 1.3 * sex_share * 0.2)
                lf = int(young * (0.66 if race == "B" else 0.74))
                armed = int(lf * 0.004)
                civ = lf - armed
                unemp = int(civ * (0.09 if race == "B" else 0.04))
                emp = civ - unemp
                olf = int(old * 0.18)
                o_unemp = int(olf * 0.05)
                blocks.append(
                    [
                        young + old,
                        young,
                        lf,
                        armed,
                        civ,
                        emp,
                        unemp,
                        young - lf,
                        old,
                        olf,
                        olf - o_unemp,
                        o_unemp,
                        old - olf,
                    ]
                )
            grand = blocks[0][0] + blocks[1][0]
            cells23.append((str(grand), moe(grand, rng)))
            for values in blocks:
                cells23 += [(str(v), moe(v, rng)) for v in values]
            rows23.append((geo_id, name, cells23))

            if race == "C" and share < 0.5:
                rows19.append((geo_id, name, [("-", "**")]))  # too few households: not published
            elif race == "A" and share == 1.0:
                rows19.append((geo_id, name, [("250,000+", "***")]))  # top-coded, as the download writes it
            else:
                income = int(
                    (38000 if race == "B" else 64000 if race == "A" else 47000) * (0.9 + share * 0.2)
                )
                rows19.append((geo_id, name, [(f"{income}", str(int(income * 0.06)))]))
        write(f"ACSDT5Y2024.C15002{race}-Data.csv", f"C15002{race}", labels_c15002(), rows15)
        write(f"ACSDT5Y2024.C23002{race}-Data.csv", f"C23002{race}", labels_c23002(), rows23)
        write(
            f"ACSDT5Y2024.B19013{race}-Data.csv",
            f"B19013{race}",
            ["Median household income in the past 12 months (in 2024 inflation-adjusted dollars)"],
            rows19,
        )


if __name__ == "__main__":
    from_api(
        "2024-POVERTY_BY_RACE_COUNTY_BLACK.json", "B17001B", labels_b17001(), "ACSDT5Y2024.B17001B-Data.csv"
    )
    from_api(
        "2024-HEALTH_INSURANCE_BY_RACE_COUNTY_WHITE.json",
        "C27001A",
        labels_c27001(),
        "ACSDT5Y2024.C27001A-Data.csv",
    )
    made_up()
