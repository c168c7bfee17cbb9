"""Dates, clock times and time zones in the visitor's language (`{% load i18n_city %}`).

- `{{ d|long_date }}`: "Saturday 12 December 2026" / "sábado 12 de diciembre de 2026";
- `{{ d|day_date }}`: "12 December 2026" / "12 de diciembre de 2026";
- `{{ t|clock }}`: "6:00 PM" / "18:00";
- `{{ dt|date_time }}`: "12 December 2026, 6:00 PM" / "12 de diciembre de 2026, 18:00";
- `{{ "America/Detroit"|zone_words }}`: "Eastern Time" / "hora del Este" (the IANA name where the
  zone has no such name).
Each format is itself a translated string, so Spanish gets its own order and "de".
"""

from dataclasses import dataclass

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateformat import time_format
from django.utils.translation import get_language, pgettext

from cities.zones import zone_key

register = template.Library()


def _zone_words() -> dict[str, str]:
    return {
        "atlantic": pgettext("time zone", "Atlantic Time"),
        "eastern": pgettext("time zone", "Eastern Time"),
        "central": pgettext("time zone", "Central Time"),
        "mountain": pgettext("time zone", "Mountain Time"),
        "pacific": pgettext("time zone", "Pacific Time"),
        "alaska": pgettext("time zone", "Alaska Time"),
        "hawaii": pgettext("time zone", "Hawaii Time"),
    }


@register.filter
def zone_words(name: str) -> str:
    key = zone_key(str(name or ""))
    return _zone_words()[key] if key else str(name or "")


@register.filter
def long_date(value) -> str:
    if not value:
        return ""
    # Translators: a PHP-style date format (Django's "date" filter); in Spanish "l j \d\e F \d\e Y".
    return date_format(value, pgettext("date format", "l j F Y"))


@register.filter
def day_date(value) -> str:
    if not value:
        return ""
    # Translators: a PHP-style date format; in Spanish "j \d\e F \d\e Y".
    return date_format(value, pgettext("date format", "j F Y"))


@register.filter
def clock(value) -> str:
    if not value:
        return ""
    # Translators: a PHP-style time format; in Spanish the 24-hour clock "H:i".
    return time_format(value, pgettext("time format", "g:i A"))


@register.filter
def date_time(value) -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{day_date(value)}, {clock(value)}"


@dataclass(frozen=True)
class PublicText:
    """A text staff wrote, in the visitor's language where it exists: `text`, `lang` (the language
    it is in, for a `lang` attribute) and `missing` (the visitor's language has no version)."""

    text: str
    lang: str
    missing: bool

    def __str__(self) -> str:
        return self.text


@register.simple_tag
def public_text(obj, field: str) -> PublicText:
    """`{% public_text conversation "title" as t %}`: `<field>_es` in Spanish when it was written,
    else the English `<field>` marked `lang="en"` (the page says so with a note)."""
    language = (get_language() or "en").split("-")[0]
    english = getattr(obj, field, "") or ""
    if language == "es":
        spanish = (getattr(obj, f"{field}_es", "") or "").strip()
        if spanish:
            return PublicText(spanish, "es", False)
        return PublicText(english, "en", bool(english.strip()))
    return PublicText(english, "en", False)
