"""Rate limits for the public forms (no account), counted in the Redis cache.

The same approach as sign-in throttling (django-allauth's `ACCOUNT_RATE_LIMITS` in settings): each
form has rates written `amount/period/per` in `settings.PUBLIC_RATE_LIMITS`, e.g.
`"10/10m/ip,100/1h/key"`: at most 10 POSTs in 10 minutes from one client address and 100 an hour
for one key (the conversation or registration the URL names). They are counted in the shared Django
cache (Redis), so every web process sees the same counts.

Each rate is a fixed window that starts with the first POST counted in it: one Redis transaction
per rate and request increments its counter, gives a new counter its expiry (EXPIRE ... NX, so a
counter can never be left without one) and reads the time left, which the refusal tells the person.
No lock is needed. The rates are checked in the order written and the first refusal stops: a flood
that is refused per address does not also use up the conversation's allowance.

GET, HEAD and OPTIONS are never limited. The client address comes from `cities.clientip` (the proxy's
X-Forwarded-For only when `settings.BEHIND_PROXY` says so); an IPv6 address counts with its /64
network, as allauth does, since one client usually holds a whole /64. Keys are stored hashed: a
cancel link's token never lands in Redis as it is.
"""

import hashlib
import ipaddress
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext

from .clientip import client_ip

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IPV6_PREFIX = 64
PERIOD_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "ip" or "key"

    def __str__(self) -> str:
        return f"{self.amount}/{self.seconds}s/{self.per}"


@dataclass(frozen=True)
class Refusal:
    """A request over the limit: which rate refused it, and how long until its window ends."""

    rate: Rate
    retry_after: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def message(self) -> str:
        """In the visitor's language (public forms are refused in Spanish too)."""
        wait = ngettext("%(n)d minute", "%(n)d minutes", self.minutes) % {"n": self.minutes}
        if self.rate.per == "ip":
            why = gettext("This form has been sent too many times from your connection.")
        else:
            why = gettext("This form has been sent too many times in a short while.")
        return gettext("%(why)s Nothing was saved. Please try again in %(wait)s.") % {"why": why, "wait": wait}


def parse_period(text: str) -> int:
    """'10m' -> 600, 'h' -> 3600, '30s' -> 30 (allauth's notation)."""
    text = text.strip()
    if not text or text[-1] not in PERIOD_UNITS:
        raise ValueError(f"Unknown period: {text!r} (use s, m, h or d)")
    number = text[:-1]
    seconds = (float(number) if number else 1) * PERIOD_UNITS[text[-1]]
    if seconds < 1:
        raise ValueError(f"Period too short: {text!r}")
    return int(seconds)


def parse_rates(text: str) -> list[Rate]:
    """'10/10m/ip,100/1h/key' -> two Rates. An empty text means no limit."""
    rates = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        pieces = part.split("/")
        if len(pieces) == 2:
            pieces.append("ip")
        if len(pieces) != 3 or pieces[2] not in ("ip", "key"):
            raise ValueError(f"Rate {part!r} is not amount/period/ip or amount/period/key")
        amount = int(pieces[0])
        if amount < 1:
            raise ValueError(f"Rate {part!r} allows nothing")
        rates.append(Rate(amount=amount, seconds=parse_period(pieces[1]), per=pieces[2]))
    return rates


def rates_for(action: str) -> list[Rate]:
    return parse_rates(getattr(settings, "PUBLIC_RATE_LIMITS", {}).get(action, ""))


def address_bucket(request: HttpRequest) -> str:
    """The client's address as counted: an IPv6 address stands for its /64 network."""
    ip = client_ip(request)
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return ip


def cache_key(*, action: str, rate: Rate, who: str) -> str:
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    return f"rl:{action}:{rate}:{digest}"


def _count(key: str, *, seconds: int) -> tuple[int, int]:
    """Add one to the counter `key` of a window of `seconds`: (the count, seconds left in the window).

    On the Redis client behind Django's cache (the public cache API cannot give a new counter its
    expiry in the same step as the increment): INCR, EXPIRE NX and PTTL in one MULTI/EXEC.
    """
    full_key = cache.make_and_validate_key(key)
    client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=True)
    pipe.incr(full_key)
    pipe.expire(full_key, seconds, nx=True)
    pipe.pttl(full_key)
    count, _, left_ms = pipe.execute()
    return int(count), max(1, math.ceil(int(left_ms) / 1000))


def consume(request: HttpRequest, *, action: str, key: str) -> Refusal | None:
    """Count this request against the rates of `action`; a Refusal when one of them is exceeded.

    `key` names what the request is aimed at (the conversation, the registration): its own limit,
    whatever the address. Safe methods (GET, HEAD, OPTIONS) are neither counted nor refused.
    """
    if request.method in SAFE_METHODS:
        return None
    for rate in rates_for(action):
        who = address_bucket(request) if rate.per == "ip" else key
        count, left = _count(cache_key(action=action, rate=rate, who=who), seconds=rate.seconds)
        if count > rate.amount:
            logger.info("Rate limit %s reached for %s (%s)", rate, action, rate.per)
            return Refusal(rate=rate, retry_after=left)
    return None
