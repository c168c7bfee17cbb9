"""A small registry through which other apps show their trust feedback beside the trust gaps.

Relationships imports nothing but `cities`, so an app that has trust scores (community conversations'
anonymous feedback) registers a provider in its `AppConfig.ready()`:

    from relationships.hooks import register_trust_feedback_provider
    register_trust_feedback_provider(my_provider)

`my_provider(city)` returns a dict mapping `(dimension, key)`, where dimension is "district" or
"group" and key is a district name or a `StakeholderGroup` value, to
`{"trust_police": float | None, "trust_city": float | None, "responses": int}`.
Providers must only return aggregates that are safe to show to every member of the city.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

TrustFeedback = dict[tuple[str, str], dict]
Provider = Callable[..., TrustFeedback]

_providers: list[Provider] = []


def register_trust_feedback_provider(fn: Provider) -> Provider:
    """Register `fn(city)`; registering the same function twice keeps one. Usable as a decorator."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def unregister_trust_feedback_provider(fn: Provider) -> None:
    if fn in _providers:
        _providers.remove(fn)


def trust_feedback(city) -> TrustFeedback:
    """The merged answers of every provider. A failing provider is logged and skipped."""
    merged: TrustFeedback = {}
    for fn in list(_providers):
        try:
            data = fn(city) or {}
        except Exception:
            logger.exception("Trust feedback provider %r failed", fn)
            continue
        for key, value in data.items():
            if isinstance(key, tuple) and len(key) == 2 and isinstance(value, dict):
                merged[(str(key[0]), str(key[1]))] = value
    return merged
