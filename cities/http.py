"""The request a city view receives, typed.

`@city_view` puts the resolved city and the member's membership on the request; django-htmx's
middleware puts `htmx` on it. Views annotate their argument as `CityRequest` instead of writing
`request.city  # type: ignore[attr-defined]`, in the way django-htmx types `HtmxHttpRequest`.

`membership` is None only in views opened with `@city_view(allow_curator=True)` by a national
curator who is not a member of the city.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from .models import City, Membership, User


_ID = re.compile(r"[0-9]{1,18}")


def int_param(value: object) -> int | None:
    """A query-string or form value that names a row by its id: ASCII digits that fit in a bigint, else
    None. (`str.isdigit` accepts "²", which `int` refuses, and any length, which the database refuses.)"""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**18 else None
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    user: User  # type: ignore[assignment]


class CityRequest(AuthenticatedRequest):
    city: City
    membership: Membership | None


def acting(request: AuthenticatedRequest) -> dict:
    """Who acts, for the audit entries the services write: `services.x(..., **acting(request))` passes
    the signed-in member as `by` and the address the request came from as `ip_address`."""
    from .clientip import client_ip

    return {"by": request.user, "ip_address": client_ip(request)}
