"""Spanish for the public: the catalogue is complete, makemessages finds nothing new, every public
page reads in Spanish once the visitor chooses it (and stays on the same page), and dates, times
and time zones follow the language."""

import re
import shutil
import subprocess
import sys
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.urlmap import ROUTES

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _entries(path: Path) -> list[dict]:
    """The entries of a .po file, read here (not with the app's or Django's code): msgctxt, msgid,
    msgstr (all plural forms joined) and flags."""
    entries, current, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"ctxt": "", "id": "", "str": "", "flags": "", "plural": False}
        if line.startswith("#,"):
            current["flags"] += line
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            keyword, value = match.groups()
            field = {"msgctxt": "ctxt", "msgid": "id", "msgid_plural": "plural_id"}.get(keyword, "str")
            if keyword == "msgid_plural":
                current["plural"] = True
            if field == "str" and keyword.startswith("msgstr["):
                current.setdefault("forms", []).append(eval(value))  # noqa: S307 - a quoted .po string
            current[field] = current.get(field, "") + eval(value)  # noqa: S307
        elif line.startswith('"'):
            current[field] += eval(line)  # noqa: S307
            if field == "str" and current.get("forms"):
                current["forms"][-1] += eval(line)  # noqa: S307
    return [e for e in entries if e["id"]]


def test_every_message_of_the_catalogue_has_a_spanish_translation():
    entries = _entries(CATALOGUE)
    assert len(entries) > 300
    untranslated = [e["id"] for e in entries if not e["str"].strip()]
    assert untranslated == []
    assert [e["id"] for e in entries if "fuzzy" in e["flags"]] == []
    # Every plural form is written, and a placeholder of the English is kept in the Spanish.
    for e in entries:
        if e["plural"]:
            assert len(e["forms"]) == 3 and all(f.strip() for f in e["forms"]), e["id"]
        wanted = set(re.findall(r"%\(\w+\)[sd]", e["id"] + e.get("plural_id", "")))
        assert wanted <= set(re.findall(r"%\(\w+\)[sd]", e["str"])), e["id"]


def test_makemessages_finds_nothing_new(tmp_path):
    """Run makemessages over a copy of the code and compare with the committed catalogue: a string
    wrapped for translation but not in the catalogue (or one left there with no use) fails."""
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(".venv", "tests", "static", "node_modules", "media", "staticfiles", "run",
                                  ".git", "__pycache__", "*.mo", ".ruff_cache", ".pytest_cache", "benchmarks")  # fmt: skip
    shutil.copytree(BASE, copy, ignore=skip, symlinks=True)
    assert (copy / "locale/es/LC_MESSAGES/django.po").read_bytes() == CATALOGUE.read_bytes()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete", "-v", "0"],
        cwd=copy, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    fresh = {(e["ctxt"], e["id"]): e for e in _entries(copy / "locale/es/LC_MESSAGES/django.po")}
    committed = {(e["ctxt"], e["id"]): e for e in _entries(CATALOGUE)}
    assert sorted(set(fresh) - set(committed)) == []  # wrapped in the code, missing from the catalogue
    assert sorted(set(committed) - set(fresh)) == []  # in the catalogue, used nowhere


class _Text(HTMLParser):
    """The visible text of a page, and the `lang` of each element around it."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.chunks: list[tuple[str, str]] = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            return
        self.stack.append((tag, attrs.get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if any(tag in ("script", "style", "title") for tag, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), self.html_lang)
        if data.strip():
            self.chunks.append((lang, " ".join(data.split())))


PUBLIC = [r for r in ROUTES if r.kind in ("public", "front") and r.walk]


def _url(route, city):
    kwargs = route.build(city)
    if route.kind == "public":
        kwargs = {"city_slug": city.slug, **kwargs}
    return reverse(route.name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC, ids=[r.name for r in PUBLIC])
def test_public_page_reads_in_spanish_after_the_switch(route, client, city):
    """The switcher keeps the visitor on the page; then no English sentence of the catalogue is
    left on it outside a passage marked lang="en" (a resource written in English, say)."""
    url = _url(route, city)
    english = client.get(url)
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    switched = client.post(reverse("cities:language"), {"language": "es", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and page["Content-Language"] == "es"
    parser = _Text()
    parser.feed(page.content.decode())
    assert parser.html_lang == "es"
    sentences = {
        e["id"] for e in _entries(CATALOGUE)
        if len(e["id"]) > 12 and "%" not in e["id"] and "<" not in e["id"] and not e["ctxt"]
        and e["id"] != e["str"]
    }  # fmt: skip
    leftovers = [text for lang, text in parser.chunks if lang != "en" and text in sentences]
    assert leftovers == []
    # The switcher offers English, named in English.
    assert re.search(r'<button[^>]*name="language" value="en" lang="en"', page.content.decode())
    # And back to English.
    client.post(reverse("cities:language"), {"language": "en", "next": url})
    assert '<html lang="en">' in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_switcher_refuses_to_send_the_visitor_elsewhere(client):
    response = client.post(reverse("cities:language"), {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    client.post(reverse("cities:language"), {"language": "en", "next": "/"})
    # An unknown language changes nothing.
    client.post(reverse("cities:language"), {"language": "xx", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("library:index")).content.decode()


MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]
DAYS = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]


@pytest.mark.parametrize(
    ("zone", "english", "spanish"),
    [
        ("America/Detroit", "Eastern Time", "hora del Este"),
        ("America/New_York", "Eastern Time", "hora del Este"),
        ("America/Indiana/Indianapolis", "Eastern Time", "hora del Este"),
        ("America/Chicago", "Central Time", "hora del Centro"),
        ("America/Denver", "Mountain Time", "hora de la Montaña"),
        ("America/Phoenix", "Mountain Time", "hora de la Montaña"),
        ("America/Los_Angeles", "Pacific Time", "hora del Pacífico"),
        ("America/Anchorage", "Alaska Time", "hora de Alaska"),
        ("Pacific/Honolulu", "Hawaii Time", "hora de Hawái"),
        ("America/Puerto_Rico", "Atlantic Time", "hora del Atlántico"),
        ("America/Bogota", "America/Bogota", "America/Bogota"),  # UTC-5, but not "Eastern Time"
        ("Europe/Madrid", "Europe/Madrid", "Europe/Madrid"),
        ("Mars/Olympus", "Mars/Olympus", "Mars/Olympus"),
    ],
)
def test_time_zones_read_as_words_in_both_languages(zone, english, spanish):
    template = Template("{% load i18n_city %}{{ zone|zone_words }}")
    for language, expected in (("en", english), ("es", spanish)):
        with translation.override(language):
            assert template.render(Context({"zone": zone})) == expected


@pytest.mark.parametrize("day", [date(2026, 12, 12), date(2027, 1, 3), date(2027, 7, 4)])
def test_dates_and_times_follow_the_language(day):
    moment = datetime.combine(day, time(18, 0))
    template = Template("{% load i18n_city %}{{ d|long_date }}|{{ d|day_date }}|{{ t|clock }}|{{ m|date_time }}")
    context = Context({"d": day, "t": time(18, 0), "m": moment})
    with translation.override("es"):
        spanish = template.render(context)
    with translation.override("en"):
        english = template.render(context)
    month, weekday = MONTHS[day.month - 1], DAYS[day.weekday()]
    assert spanish == (
        f"{weekday} {day.day} de {month} de {day.year}|{day.day} de {month} de {day.year}|18:00|"
        f"{day.day} de {month} de {day.year}, 18:00"
    )
    assert english == (
        f"{day:%A} {day.day} {day:%B} {day.year}|{day.day} {day:%B} {day.year}|6:00 PM|{day.day} {day:%B} {day.year}, 6:00 PM"
    )
    # Django's own named formats in Spanish, as US cities write them (decimal point kept).
    with translation.override("es"):
        named = Template('{{ m|date:"DATETIME_FORMAT" }}|{{ x|floatformat:2 }}').render(Context({"m": moment, "x": 1234.5}))
    assert named == f"{day.day} de {month} de {day.year}, 18:00|1234.50"
