"""City stories: what a city tells the league, started from its own work (issue #18, item 2).

A story starts from a piece of a city's work in another app (a reported conversation, a kept
commitment, a published dashboard, a published equity assessment, an outcome indicator that moved).
The library turns it into a submission that curators review, but the library imports nothing but
`cities`, so each source app registers a story source here in its `AppConfig.ready()`:

    stories.register_source("conversations", label="A reported conversation", build=build_story)

`build(*, city, key)` answers the facts the app knows about the piece named by `key` (the part of the
story key after "<source>:"), or None when that piece cannot be told (not reported, not published,
another city's, gone). Facts are pre-filled text the city edits before sending: they must hold
nothing unpublished or personal (no residents' names, no contact details, no unprotected small
counts); a published dashboard's figures come from its published (protected) snapshot.

The library links to a source page's "Tell the league" action through the `story` starter of
`cities.evidence` (`{% evidence_starters "story" as starters %}` with the story key as the value).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import City

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoryFigure:
    """One figure a story cites, with where it comes from."""

    label: str
    value: str  # as shown: "1.84", "12 of 15", "not recorded"
    source: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class StoryFacts:
    """What the app knows about a piece of the city's work, as a story's first draft."""

    key: str  # "<source>:<id>", the piece the story is about
    source_label: str  # "Reported conversation"
    title: str
    summary: str
    what_we_did: str
    partners: str = ""  # with whom: groups and organisations, never residents' names
    how_it_went: str = ""  # what changed
    figures: tuple[StoryFigure, ...] = ()
    topics: tuple[str, ...] = ()  # library topic keys
    kind: str = "case_study"  # library kind key
    url: str = ""  # the members' page of the piece

    def figures_as_data(self) -> list[dict[str, str]]:
        return [f.as_dict() for f in self.figures]


Builder = Callable[..., "StoryFacts | None"]


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    build: Builder
    extra: dict[str, Any] = field(default_factory=dict)


_sources: dict[str, Source] = {}


def register_source(name: str, *, label: str, build: Builder) -> None:
    """Register (or replace) a story source; apps call it in AppConfig.ready()."""
    _sources[name] = Source(name, label, build)


def unregister_source(name: str) -> None:
    _sources.pop(name, None)


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.name)


def source_label(key: str) -> str:
    source = _sources.get(key.partition(":")[0])
    return source.label if source else ""


def facts(*, city: City, key: str) -> StoryFacts | None:
    """The facts of the piece `key` ("<source>:<id>") of this city, or None when it cannot be told."""
    name, _, rest = key.partition(":")
    source = _sources.get(name)
    if source is None or not rest:
        return None
    try:
        return source.build(city=city, key=rest)
    except (ValueError, LookupError):
        return None
