"""Evidence that one app lends another, through providers the lending app registers.

`equity` (assessments), `indicators` (the justice theme) and the league's stories need figures from
`disparities` and engagement from `conversations`, but nothing imports those two apps (DESIGN.md). So
the lending app registers a provider here in its `AppConfig.ready()`, and the reading app asks this
module:

    from cities import evidence
    evidence.register_figures("disparities", PoliceFigures())      # in disparities/apps.py
    evidence.register_engagement("conversations", Conversations())  # in conversations/apps.py

    evidence.figure_choices(city=city)              # in equity: what may be attached
    evidence.figure(city=city, key="disparities:...")  # the live value of one figure, or None

The other way round, an app above offers "start something from this" on the lending apps' pages
(a dashboard figure, a conversation, a commitment) by registering a starter: a URL name and the
query parameter that carries the evidence. The lending page asks for the starters of its kind and
links to them by URL name, so it never imports the app above:

    evidence.register_starter("figure", key="equity", label="Start an equity assessment from this",
                              url_name="equity:new", param="figure")          # in equity/apps.py
    {% load evidence_starters %}{% evidence_starters "figure" as starters %}  # in a template

The lending app also asks who kept its figures: an app that keeps lent figures (equity's
assessments) registers a keeper, and the lending page lists "assessments that kept this figure"
(an indicator's "what we are doing about this") without importing it:

    evidence.register_keepers("equity", AssessmentKeepers())        # in equity/apps.py
    evidence.kept_by(city=city, key_prefix="indicators:poverty_male:", membership=m)  # members
    evidence.kept_by(city=city, key_prefix="indicators:poverty_male:", public=True)   # public page

A figure is a plain, frozen value (`Figure`): whoever keeps it (an assessment's frozen evidence)
copies it whole, so it keeps its value when the dataset behind it is replaced or deleted. A figure
that the source does not record is `value=None` with `not_recorded` saying why, never 0.

Providers must only return what every member of the city may see (no personal data); a figure that
anyone outside the city will see must come from a published (protected) source, and says so with
`published=True`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .models import City

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figure:
    """One figure, as a reader can cite it: what, for whom, how much, how sure, from where."""

    key: str  # "<provider>:<opaque id>", stable while the source exists
    label: str  # "Stops per 1,000 residents, Black", in words
    value: float | None  # None when not recorded (see not_recorded) or not shown
    unit: str  # "per 1,000 residents", "share", "ratio", "count", "dollars"
    counts: str = ""  # what it counts: "stops", "persons", "incidents", "weighted records"
    group: str = ""  # the group it is about (a canonical race key, "all", a stakeholder group)
    measure: str = ""  # the measure's name in the provider ("stops_per_capita", "search_rate")
    low: float | None = None  # interval, when the figure has one
    high: float | None = None
    interval: str = ""  # how the interval is made: "95% Wilson", "95% exact Poisson", "90% ACS MOE"
    numerator: float | None = None
    denominator: float | None = None
    reliable: bool = True
    not_recorded: str = ""  # why value is None: "This file does not record searches."
    period: str = ""  # "2019-01 to 2019-12", in words
    source: str = ""  # "Riverton police stops, uploaded 3 Jan 2026 (dataset 12)"
    url: str = ""  # the live page of the figure, for members
    published: bool = False  # True when the figure comes from a published, protected page
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Engagement:
    """A piece of community engagement (a conversation held, a meeting) and whose voices it had."""

    key: str  # "<provider>:<opaque id>"
    title: str
    date: str  # ISO date of the (first) event, "" if not yet held
    url: str  # the members' page
    kind: str = "conversation"
    # Stakeholder groups (relationships.models.StakeholderGroup values) present and missing, with
    # their labels: [{"group": "youth", "label": "Youth", "target": 5, "present": 2}]
    voices: tuple[dict[str, Any], ...] = ()
    summary: str = ""  # what was heard, in the facilitator's words (no names)
    attendance: int | None = None


class FigureProvider(Protocol):
    def figure_choices(self, *, city: City, topic: str = "") -> Iterable[Figure]:
        """The figures a member of the city may attach now (live values). `topic` narrows them
        ("justice" for the per-capita figures by race of each record kind)."""

    def figure(self, *, city: City, key: str) -> Figure | None:
        """The live value of one figure; None when its source is gone."""


class EngagementProvider(Protocol):
    def engagement_choices(self, *, city: City) -> Iterable[Engagement]: ...

    def engagement(self, *, city: City, key: str) -> Engagement | None: ...


_figures: dict[str, FigureProvider] = {}
_engagement: dict[str, EngagementProvider] = {}


def register_figures(name: str, provider: FigureProvider) -> None:
    _figures[name] = provider


def register_engagement(name: str, provider: EngagementProvider) -> None:
    _engagement[name] = provider


def unregister(name: str) -> None:
    _figures.pop(name, None)
    _engagement.pop(name, None)


@dataclass(frozen=True)
class Starter:
    """A way to start work in another app from a piece of evidence: `url_name` is reversed with the
    city's slug, and the evidence's key goes in the query parameter `param`."""

    key: str
    kind: str  # "figure", "engagement", "commitment"
    label: str
    url_name: str
    param: str
    ability: str = "can_edit"  # a Membership ability the member needs to see it


_starters: dict[str, dict[str, Starter]] = {}


def register_starter(
    kind: str, *, key: str, label: str, url_name: str, param: str, ability: str = "can_edit"
) -> None:
    """Register (or replace) a starter for evidence of `kind`; apps call it in AppConfig.ready()."""
    _starters.setdefault(kind, {})[key] = Starter(key, kind, label, url_name, param, ability)


def unregister_starter(kind: str, key: str) -> None:
    _starters.get(kind, {}).pop(key, None)


def starters(*, kind: str, city: City, membership: Any) -> list[dict[str, str]]:
    """The starters of `kind` this member may use: `label`, `url` (without the query) and `param`."""
    from django.urls import reverse

    from .models import may

    return [
        {"label": s.label, "url": reverse(s.url_name, args=[city.slug]), "param": s.param}
        for s in sorted(_starters.get(kind, {}).values(), key=lambda s: s.key)
        if not s.ability or may(membership, s.ability)
    ]


def _provider_of(key: str, registry: dict[str, Any]) -> Any:
    name, _, _rest = key.partition(":")
    return registry.get(name)


def figure_choices(*, city: City, topic: str = "") -> list[Figure]:
    """Every provider's figures for this city; a failing provider is logged and skipped."""
    found: list[Figure] = []
    for name, provider in sorted(_figures.items()):
        try:
            found.extend(provider.figure_choices(city=city, topic=topic))
        except Exception:
            logger.exception("Figure provider %s failed", name)
    return found


def figure(*, city: City, key: str) -> Figure | None:
    provider = _provider_of(key, _figures)
    return None if provider is None else provider.figure(city=city, key=key)


def engagement_choices(*, city: City) -> list[Engagement]:
    found: list[Engagement] = []
    for name, provider in sorted(_engagement.items()):
        try:
            found.extend(provider.engagement_choices(city=city))
        except Exception:
            logger.exception("Engagement provider %s failed", name)
    return found


def engagement(*, city: City, key: str) -> Engagement | None:
    provider = _provider_of(key, _engagement)
    return None if provider is None else provider.engagement(city=city, key=key)


@dataclass(frozen=True)
class Keeper:
    """A record of an app above that kept a lent figure as evidence (an equity assessment): its
    title, its status in words and the page the reader may open (members' or public)."""

    key: str  # "<keeper>:<opaque id>"
    title: str
    status: str  # "In progress", "Completed"
    url: str
    kind: str = "equity assessment"
    published: bool = False


class KeeperProvider(Protocol):
    def kept_by(self, *, city: City, key_prefix: str, public: bool, membership: Any) -> Iterable[Keeper]:
        """The records that keep a figure whose key starts with `key_prefix`, only those the reader
        may see: with `public=True` only published ones, linked to their public page; otherwise
        those `membership` (None for a curator) may open, linked to the members' page."""


_keepers: dict[str, KeeperProvider] = {}


def register_keepers(name: str, provider: KeeperProvider) -> None:
    _keepers[name] = provider


def unregister_keepers(name: str) -> None:
    _keepers.pop(name, None)


def kept_by(*, city: City, key_prefix: str, public: bool = False, membership: Any = None) -> list[Keeper]:
    """Every keeper's records that keep a figure under `key_prefix`; a failing keeper is logged and
    skipped (the lending page still answers)."""
    found: list[Keeper] = []
    for name, provider in sorted(_keepers.items()):
        try:
            found.extend(
                provider.kept_by(city=city, key_prefix=key_prefix, public=public, membership=membership)
            )
        except Exception:
            logger.exception("Keeper %s failed", name)
    return found
