"""The city home's panels: each feature app registers what it shows on the home page.

`cities` is the ground floor and imports no feature app. An app that has something to show on a
city's home page registers a builder in its `AppConfig.ready()`:

    from cities import panels
    panels.register("conversations", home_panel, order=10)

`home_panel(*, city, membership)` returns a `dict` (or None to show nothing for this member) with
`key`, `title`, `url`, `items` (a list of `{"title", "url", "meta"}`), `empty` (what to do first when
there are no items) and `action` (`{"url", "label"}` or None). Optional: `summary` (a list of
`{"label", "value", "url"}` figures shown as summary boxes).

The home renders the registered panels in their declared `order` (lower first; the key breaks ties),
so the order is stated where the panel is registered, not in the order apps happen to load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import City, Membership

logger = logging.getLogger(__name__)

PanelBuilder = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class _Registered:
    key: str
    order: int
    build: PanelBuilder


_panels: dict[str, _Registered] = {}


def register(key: str, build: PanelBuilder, *, order: int) -> PanelBuilder:
    """Register (or replace) the panel `key`; calling it again with the same builder keeps one."""
    if not key or not key.replace("_", "").isalnum():
        raise ValueError(f"A panel key is a short identifier, not {key!r}")
    _panels[key] = _Registered(key=key, order=order, build=build)
    return build


def unregister(key: str) -> None:
    _panels.pop(key, None)


def registered() -> list[str]:
    """The keys of the registered panels, in the order the home shows them."""
    return [p.key for p in sorted(_panels.values(), key=lambda p: (p.order, p.key))]


def home_panels(*, city: City, membership: Membership | None) -> list[dict[str, Any]]:
    """Every registered panel for this member, in order. A panel that returns None is left out."""
    shown = []
    for entry in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        panel = entry.build(city=city, membership=membership)
        if panel is None:
            continue
        panel.setdefault("key", entry.key)
        shown.append(panel)
    return shown


# ------------------------------------------------------------------------------ header sections


@dataclass(frozen=True)
class Section:
    """A section of a city in the site's header navigation (Conversations, Police data, ...)."""

    key: str
    label: str
    url_name: str  # reversed with the city's slug as its only argument
    order: int
    ability: str = ""  # a Membership ability the member needs to see it ("" = every member)


_sections: dict[str, Section] = {}


def register_section(key: str, *, label: str, url_name: str, order: int, ability: str = "") -> None:
    """Register (or replace) a city section of the header; apps call it in AppConfig.ready()."""
    _sections[key] = Section(key=key, label=label, url_name=url_name, order=order, ability=ability)


def unregister_section(key: str) -> None:
    _sections.pop(key, None)


def city_sections(*, city: City, membership: Membership | None) -> list[dict[str, str]]:
    """The header's sections for this member of this city, in order, with their URLs."""
    from django.urls import reverse

    from .models import may

    return [
        {"key": s.key, "label": s.label, "url": reverse(s.url_name, args=[city.slug])}
        for s in sorted(_sections.values(), key=lambda s: (s.order, s.key))
        if not s.ability or may(membership, s.ability)
    ]


# ------------------------------------------------------------------------------ this week's figures


_figures: dict[str, _Registered] = {}


def register_figure(key: str, build: PanelBuilder, *, order: int) -> PanelBuilder:
    """Register (or replace) a figure of the city home's "this week" row.

    `build(*, city, membership)` returns a list of `{"label", "value", "detail", "url"}` (a summary
    box each, linking to the page the figure comes from), or an empty list / None for nothing.
    """
    if not key or not key.replace("_", "").isalnum():
        raise ValueError(f"A figure key is a short identifier, not {key!r}")
    _figures[key] = _Registered(key=key, order=order, build=build)
    return build


def unregister_figure(key: str) -> None:
    _figures.pop(key, None)


def week_figures(*, city: City, membership: Membership | None) -> list[dict[str, Any]]:
    """The figures that matter this week for this member, in their declared order."""
    shown: list[dict[str, Any]] = []
    for entry in sorted(_figures.values(), key=lambda p: (p.order, p.key)):
        for figure in entry.build(city=city, membership=membership) or []:
            figure.setdefault("key", entry.key)
            shown.append(figure)
    return shown


# ------------------------------------------------------------------------------ the curator's home


_national: dict[str, _Registered] = {}


def register_national(key: str, build: PanelBuilder, *, order: int) -> PanelBuilder:
    """Register (or replace) a panel of the national curator's home.

    `build(*, user)` returns a panel dict shaped like a city panel (`title`, `url`, `items`, `empty`,
    `action`, optional `summary`), or None when this person has nothing to see there.
    """
    if not key or not key.replace("_", "").isalnum():
        raise ValueError(f"A panel key is a short identifier, not {key!r}")
    _national[key] = _Registered(key=key, order=order, build=build)
    return build


def unregister_national(key: str) -> None:
    _national.pop(key, None)


def national_panels(*, user: Any) -> list[dict[str, Any]]:
    """The curator home's panels for this person, in their declared order."""
    shown = []
    for entry in sorted(_national.values(), key=lambda p: (p.order, p.key)):
        panel = entry.build(user=user)
        if panel is None:
            continue
        panel.setdefault("key", entry.key)
        shown.append(panel)
    return shown
