"""The public forms' rate limit helper (cities/ratelimit.py), counted in the real Redis cache."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from cities import ratelimit

ACTION = "tests.form"
T0 = 1_800_000_000.0  # the start of a 10-minute window (divisible by 600)


@pytest.fixture
def limits(settings):
    settings.PUBLIC_RATE_LIMITS = {ACTION: "3/10m/ip,5/1h/key"}


def _post(ip="203.0.113.5", **meta):
    return RequestFactory().post("/p/x/", REMOTE_ADDR=ip, **meta)


def _hits(request, n, *, key="conv-1", now=T0):
    return [ratelimit.consume(request, action=ACTION, key=key, now=now) for _ in range(n)]


def test_rates_are_written_like_allauths():
    assert ratelimit.parse_rates("10/10m/ip, 100/1h/key") == [
        ratelimit.Rate(10, 600, "ip"),
        ratelimit.Rate(100, 3600, "key"),
    ]
    assert ratelimit.parse_rates("5/m") == [ratelimit.Rate(5, 60, "ip")]
    assert ratelimit.parse_rates("") == []
    for bad in ("10/10x/ip", "ten/1m/ip", "10/1m/user", "0/1m/ip", "10"):
        with pytest.raises(ValueError):
            ratelimit.parse_rates(bad)


def test_the_post_over_the_limit_is_refused_with_the_time_left(limits):
    request = _post()
    assert _hits(request, 3, now=T0 + 30) == [None, None, None]
    refusal = ratelimit.consume(request, action=ACTION, key="conv-1", now=T0 + 30)
    assert refusal is not None and refusal.rate.per == "ip"
    assert refusal.retry_after == 570 and refusal.minutes == 10
    assert "try again in 10 minutes" in refusal.message and "Nothing was saved" in refusal.message
    assert ratelimit.Refusal(rate=refusal.rate, retry_after=20).message.endswith("try again in 1 minute.")


def test_another_address_still_passes(limits):
    _hits(_post("203.0.113.5"), 4)
    assert ratelimit.consume(_post("198.51.100.7"), action=ACTION, key="conv-1", now=T0) is None


def test_the_window_resets(limits):
    request = _post()
    _hits(request, 3, now=T0 + 599)
    assert ratelimit.consume(request, action=ACTION, key="conv-2", now=T0 + 599) is not None
    # The next window starts afresh (the old key simply expires).
    assert _hits(request, 3, key="conv-2", now=T0 + 600) == [None, None, None]
    assert ratelimit.consume(request, action=ACTION, key="conv-2", now=T0 + 601) is not None


def test_the_counting_key_expires_with_its_window(limits):
    ratelimit.consume(_post(), action=ACTION, key="conv-1")
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match="*rl:tests.form:*"))
    assert len(keys) == 2  # one per rate
    assert all(0 < client.ttl(k) <= 3600 + ratelimit.KEY_GRACE_SECONDS for k in keys)


def test_the_key_has_its_own_cap_whatever_the_address(limits):
    for i in range(5):
        assert ratelimit.consume(_post(f"203.0.113.{i}"), action=ACTION, key="conv-1", now=T0) is None
    refusal = ratelimit.consume(_post("203.0.113.99"), action=ACTION, key="conv-1", now=T0)
    assert refusal is not None and refusal.rate.per == "key"
    assert "too many times in a short while" in refusal.message
    assert ratelimit.consume(_post("203.0.113.99"), action=ACTION, key="conv-2", now=T0) is None


def test_a_flood_refused_per_address_does_not_use_up_the_key(limits):
    _hits(_post("203.0.113.5"), 50)  # 3 counted against the key, 47 refused per address
    for i in range(2):
        assert ratelimit.consume(_post(f"198.51.100.{i}"), action=ACTION, key="conv-1", now=T0) is None


def test_gets_are_never_counted_nor_refused(limits):
    get = RequestFactory().get("/p/x/", REMOTE_ADDR="203.0.113.5")
    assert [ratelimit.consume(get, action=ACTION, key="conv-1", now=T0) for _ in range(20)] == [None] * 20
    assert _hits(_post(), 3) == [None, None, None]


def test_an_action_without_rates_is_not_limited(limits):
    assert [ratelimit.consume(_post(), action="tests.other", key="k") for _ in range(20)] == [None] * 20


def test_keys_are_stored_hashed(limits):
    ratelimit.consume(_post(), action=ACTION, key="secret-cancel-token")
    client = cache._cache.get_client(write=True)
    assert not list(client.scan_iter(match="*secret-cancel-token*"))
    assert not list(client.scan_iter(match="*203.0.113.5*"))


def test_an_ipv6_client_counts_with_its_64_network(limits):
    _hits(_post("2001:db8:1:2::1"), 3)
    assert ratelimit.consume(_post("2001:db8:1:2:ffff::9"), action=ACTION, key="conv-1", now=T0) is not None
    assert ratelimit.consume(_post("2001:db8:1:3::1"), action=ACTION, key="conv-1", now=T0) is None


def test_requests_behind_a_proxy_are_counted_per_forwarded_address(limits, settings):
    settings.BEHIND_PROXY = True
    first = _post("192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = _post("192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _hits(first, 3) == [None, None, None]
    assert ratelimit.consume(first, action=ACTION, key="conv-1", now=T0) is not None
    assert ratelimit.consume(second, action=ACTION, key="conv-1", now=T0) is None
