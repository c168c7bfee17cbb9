"""Generated Stanford-Open-Policing-style stops, for the demo, the benchmark and the tests.

Realistic patterns: Black drivers stopped more than their share, searched more often, and found
with contraband less often when searched (the outcome test); times across the day, so the veil of
darkness has something to work on. Deterministic for a given seed.
"""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "raw_row_number", "date", "time", "location", "lat", "lng", "district", "subject_age", "subject_race",
    "subject_sex", "officer_id_hash", "type", "violation", "arrest_made", "citation_issued", "warning_issued",
    "outcome", "search_conducted", "search_basis", "contraband_found", "frisk_performed",
]  # fmt: skip
RACES = [("white", 0.55), ("black", 0.28), ("hispanic", 0.11), ("asian/pacific islander", 0.04), ("other", 0.01), ("NA", 0.01)]
SEARCH_RATE = {"white": 0.03, "black": 0.065, "hispanic": 0.05}
HIT_RATE = {"white": 0.32, "black": 0.22, "hispanic": 0.24}
VIOLATIONS = ["SPEEDING", "EXPIRED REGISTRATION", "NO INSURANCE", "FAILURE TO SIGNAL", "DEFECTIVE EQUIPMENT",
              "CELL PHONE USE", "RECKLESS DRIVING", "SEAT BELT"]  # fmt: skip
BASES = [("probable_cause", 0.45), ("consent", 0.25), ("incident_to_arrest", 0.2), ("plain_view", 0.05), ("k9", 0.05)]


def _pick(rng: random.Random, table):
    x = rng.random()
    for value, p in table:
        x -= p
        if x <= 0:
            return value
    return table[-1][0]


def write_stops(path: str | Path, rows: int, *, seed: int = 7, start: date = date(2019, 1, 1), years: int = 3) -> Path:
    rng = random.Random(seed)
    path = Path(path)
    days = 365 * years
    officers = [f"{rng.getrandbits(40):010x}" for _ in range(120)]
    districts = ["North", "South", "East", "West", "Central"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            race = _pick(rng, RACES)
            day = start + timedelta(days=rng.randrange(days))
            # More stops in the evening; a bit more of Black drivers in daylight (a planted veil effect).
            hour = min(23, max(0, int(rng.gauss(15 if race == "black" else 16, 5))))
            minute = rng.randrange(60)
            searched = rng.random() < SEARCH_RATE.get(race, 0.03)
            basis = _pick(rng, BASES) if searched else "NA"
            found = searched and rng.random() < HIT_RATE.get(race, 0.3)
            arrest = (found and rng.random() < 0.6) or rng.random() < 0.02
            outcome = "arrest" if arrest else ("citation" if rng.random() < 0.6 else "warning")
            violation = "; ".join(rng.sample(VIOLATIONS, 1 + (rng.random() < 0.25)))
            writer.writerow([
                number, day.isoformat(), f"{hour:02d}:{minute:02d}:00", f"{rng.randrange(100, 9999)} MAIN ST",
                f"{42.7 + rng.random() / 10:.5f}", f"{-84.6 + rng.random() / 10:.5f}", rng.choice(districts),
                rng.randrange(16, 80) if rng.random() > 0.01 else "NA", race,
                "male" if rng.random() < 0.64 else "female", rng.choice(officers),
                "vehicular" if rng.random() < 0.93 else "pedestrian", violation,
                "TRUE" if arrest else "FALSE", "TRUE" if outcome == "citation" else "FALSE",
                "TRUE" if outcome == "warning" else "FALSE", outcome, "TRUE" if searched else "FALSE", basis,
                "TRUE" if found else ("FALSE" if searched else "NA"), "TRUE" if rng.random() < 0.02 else "FALSE",
            ])  # fmt: skip
    return path
