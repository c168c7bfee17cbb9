"""US time zones as words ("Eastern Time", "hora del Este"): pure code, no Django.

A zone is named by its standard offset from UTC in January, so every IANA alias of a US zone
(America/Detroit, America/Indiana/Indianapolis, US/Eastern ...) reads the same. Zones outside these
offsets, or outside the Americas and the Pacific, are shown by their IANA name.
"""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Standard offset in hours -> the key of the zone's words (the words themselves are translated by
# the caller, see cities/templatetags/i18n_city.py).
_BY_OFFSET = {
    -4: "atlantic",
    -5: "eastern",
    -6: "central",
    -7: "mountain",
    -8: "pacific",
    -9: "alaska",
    -10: "hawaii",
}
_REGIONS = ("America/", "US/", "Pacific/Honolulu")


def zone_key(name: str) -> str | None:
    """'eastern', 'central' ... for a US zone; None when the zone has no such name (or is unknown)."""
    if not name or not name.startswith(_REGIONS):
        return None
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    offset = datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset()
    if offset is None:
        return None
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest:
        return None
    # Only the zones of the United States and its territories keep these names; America/Bogota is
    # also UTC-5 but is not "Eastern Time".
    if name.startswith("America/") and name.split("/")[1] not in _US_AMERICA:
        return None
    return _BY_OFFSET.get(hours)


_US_AMERICA = {
    "New_York", "Detroit", "Indiana", "Kentucky", "Louisville", "Fort_Wayne", "Indianapolis", "Chicago",
    "Menominee", "North_Dakota", "Denver", "Boise", "Phoenix", "Los_Angeles", "Anchorage", "Juneau",
    "Sitka", "Metlakatla", "Yakutat", "Nome", "Adak", "Puerto_Rico", "St_Thomas", "Shiprock",
}  # fmt: skip
