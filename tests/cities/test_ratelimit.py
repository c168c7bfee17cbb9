"""The public forms' rate limit helper (cities/ratelimit.py), counted in the real Redis cache."""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from cities import ratelimit

ACTION = "tests.form"


@pytest.fixture
def limits(settings):
    settings.PUBLIC_RATE_LIMITS = {ACTION: "3/10m/ip,5/1h/key"}


def _post(ip="203.0.113.5", **meta):
    return RequestFactory().post("/p/x/", REMOTE_ADDR=ip, **meta)


def _hit(request, key="conv-1", action=ACTION):
    return ratelimit.consume(request, action=action, key=key)


def _hits(request, n, *, key="conv-1"):
    return [_hit(request, key) for _ in range(n)]


def _redis_keys(pattern):
    """This test process's cache keys whose name (after the prefix) matches `pattern`.

    Scoped to the process's own key prefix: a parallel run's other processes count in the same Redis."""
    client = cache._cache.get_client(write=True)
    return client, list(client.scan_iter(match=cache.make_key(pattern)))


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
    assert _hits(request, 3) == [None, None, None]
    refusal = _hit(request)
    assert refusal is not None and refusal.rate.per == "ip"
    assert 590 <= refusal.retry_after <= 600 and refusal.minutes == 10
    assert "try again in 10 minutes" in refusal.message and "Nothing was saved" in refusal.message
    assert ratelimit.Refusal(rate=refusal.rate, retry_after=20).message.endswith("try again in 1 minute.")


def test_another_address_still_passes(limits):
    _hits(_post("203.0.113.5"), 4)
    assert _hit(_post("198.51.100.7")) is None


def test_the_window_ends_by_itself_in_redis(settings):
    settings.PUBLIC_RATE_LIMITS = {ACTION: "2/1s/ip"}
    request = _post()
    assert _hits(request, 2) == [None, None]
    refusal = _hit(request)
    assert refusal is not None and refusal.retry_after == 1
    time.sleep(1.2)  # Redis expires the counter: a new window starts with the next POST
    assert _hits(request, 2) == [None, None]
    assert _hit(request) is not None


def test_every_counter_expires_with_its_window(limits):
    _hit(_post())
    client, keys = _redis_keys("*rl:tests.form:*")
    assert len(keys) == 2  # one per rate
    first = sorted(client.pttl(k) for k in keys)
    assert 590_000 < first[0] <= 600_000 and 3_590_000 < first[1] <= 3_600_000
    # A window is not stretched by later POSTs: its end stays where the first one put it.
    _hits(_post(), 5)
    later = sorted(client.pttl(k) for k in keys)
    assert later[0] <= first[0] and later[1] <= first[1]


def test_the_key_has_its_own_cap_whatever_the_address(limits):
    for i in range(5):
        assert _hit(_post(f"203.0.113.{i}")) is None
    refusal = _hit(_post("203.0.113.99"))
    assert refusal is not None and refusal.rate.per == "key"
    assert "too many times in a short while" in refusal.message
    assert _hit(_post("203.0.113.99"), "conv-2") is None


def test_a_flood_refused_per_address_does_not_use_up_the_key(limits):
    _hits(_post("203.0.113.5"), 50)  # 3 counted against the key, 47 refused per address
    for i in range(2):
        assert _hit(_post(f"198.51.100.{i}")) is None


def test_gets_are_never_counted_nor_refused(limits):
    get = RequestFactory().get("/p/x/", REMOTE_ADDR="203.0.113.5")
    assert [_hit(get) for _ in range(20)] == [None] * 20
    assert _hits(_post(), 3) == [None, None, None]


def test_an_action_without_rates_is_not_limited(limits):
    assert [_hit(_post(), "k", "tests.other") for _ in range(20)] == [None] * 20


def test_keys_are_stored_hashed(limits):
    _hit(_post(), "secret-cancel-token")
    assert len(_redis_keys("*rl:tests.form:*")[1]) == 2
    assert _redis_keys("*secret-cancel-token*")[1] == []
    assert _redis_keys("*203.0.113.5*")[1] == []


def test_an_ipv6_client_counts_with_its_64_network(limits):
    _hits(_post("2001:db8:1:2::1"), 3)
    assert _hit(_post("2001:db8:1:2:ffff::9")) is not None
    assert _hit(_post("2001:db8:1:3::1")) is None


def test_requests_behind_a_proxy_are_counted_per_forwarded_address(limits, settings):
    settings.BEHIND_PROXY = True
    first = _post("192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = _post("192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _hits(first, 3) == [None, None, None]
    assert _hit(first) is not None
    assert _hit(second) is None
