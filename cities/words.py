"""Words in messages that carry a count: "1 commitment", "2 commitments", "hits per search".

Pure: no Django, so any app (and its pure modules) may use it."""

from __future__ import annotations

_IRREGULAR = {"person": "people", "child": "children", "geography": "geographies", "is": "are"}
_SIBILANT = ("ches", "shes", "sses", "xes", "zes")


def plural(word: str) -> str:
    """The plural of an English noun as the app's messages use them."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "ss", "x", "z")):
        return word + "es"
    return word + "s"


def singular(word: str) -> str:
    """The singular of a plural noun: "searches" → "search", "stops" → "stop", "bodies" → "body"."""
    for one, many in _IRREGULAR.items():
        if word == many:
            return one
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(_SIBILANT):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def count(n: int, word: str) -> str:
    """ "1 commitment", "2 commitments", "0 commitments"."""
    return f"{n:,} {word if n == 1 else plural(word)}"


_ZONE_WORDS = {
    "E": "Eastern Time",
    "C": "Central Time",
    "M": "Mountain Time",
    "P": "Pacific Time",
    "AK": "Alaska Time",
    "H": "Hawaii-Aleutian Time",
    "HA": "Hawaii-Aleutian Time",
    "A": "Atlantic Time",
    "Ch": "Chamorro Time",
    "S": "Samoa Time",
}


def time_zone_name(zone: str, *, on: object = None) -> str:
    """A time zone as people say it: "America/Detroit" → "Eastern Time". The US zones are named by
    their standard or daylight abbreviation (EST/EDT); any other zone by its city, "Paris time"."""
    import datetime
    import zoneinfo

    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zone
    day = on if isinstance(on, datetime.date) else datetime.date.today()
    abbreviation = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz).tzname() or ""
    if abbreviation.endswith(("ST", "DT")) and abbreviation[:-2] in _ZONE_WORDS:
        return _ZONE_WORDS[abbreviation[:-2]]
    if zone == "UTC":
        return "Coordinated Universal Time"
    return f"{zone.rsplit('/', 1)[-1].replace('_', ' ')} time"
