"""The league's view across cities: one column per figure, registered by the app that owns it.

`cities` imports no feature app (DESIGN.md), so each app registers its per-city figures here in its
`AppConfig.ready()`, and the library's network pages (curators only) read them:

    network.register_column("conversations", label="Conversations held toward the pledge",
                            provider=held_toward_pledge, order=10)

`provider(*, cities)` answers `{city_id: Cell}` for the cities given; a city missing from the answer
has nothing to show ("—", and an empty CSV cell). Only published or aggregated figures: a count of
the city's records is an aggregate; a figure that comes out of a city's records must come from what
the city published (a dashboard's protected snapshot), never from its members' pages.

Milestones (`register_milestones(key, provider)`) are dated events the league's feed and weekly
digest list: `provider(*, since)` answers `Milestone`s on or after `since`, published ones only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import City

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cell:
    """One city's figure in a column: `value` is the number sorted, charted and exported (None
    when there is none), `text` what the table shows."""

    value: float | None
    text: str
    note: str = ""  # "of 12 pledged", "Stops, Black residents per resident, ratio to white"
    url: str = ""  # a published page, if any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    provider: Callable[..., dict[int, Cell]]
    order: int = 100
    chart: bool = True  # whether the chart offers it


@dataclass(frozen=True)
class Milestone:
    city_id: int
    at: dt.datetime
    title: str  # "Riverton published a police data dashboard"
    url: str = ""  # a public page, if any
    kind: str = ""


_columns: dict[str, Column] = {}
_milestones: dict[str, Callable[..., Iterable[Milestone]]] = {}


def register_column(
    key: str, *, label: str, provider: Callable[..., dict[int, Cell]], order: int = 100, chart: bool = True
) -> None:
    _columns[key] = Column(key, label, provider, order, chart)


def unregister_column(key: str) -> None:
    _columns.pop(key, None)


def columns() -> list[Column]:
    return sorted(_columns.values(), key=lambda c: (c.order, c.key))


def register_milestones(key: str, provider: Callable[..., Iterable[Milestone]]) -> None:
    _milestones[key] = provider


def unregister_milestones(key: str) -> None:
    _milestones.pop(key, None)


def cells(*, cities: list[City]) -> dict[str, dict[int, Cell]]:
    """Every column's cells for these cities; a failing provider is logged and shows nothing."""
    found: dict[str, dict[int, Cell]] = {}
    for column in columns():
        try:
            found[column.key] = column.provider(cities=cities)
        except Exception:
            logger.exception("Network column %s failed", column.key)
            found[column.key] = {}
    return found


def milestones(*, since: dt.datetime) -> list[Milestone]:
    found: list[Milestone] = []
    for key, provider in sorted(_milestones.items()):
        try:
            found.extend(provider(since=since))
        except Exception:
            logger.exception("Milestone provider %s failed", key)
    return sorted(found, key=lambda m: m.at, reverse=True)
