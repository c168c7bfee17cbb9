"""The client address used by the rate limits and the audit log (cities/clientip.py): the direct
peer, or the proxy's X-Forwarded-For entry only when the app says it is behind a proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from cities.audit import audit_record
from cities.clientip import client_ip

ROOT = Path(__file__).resolve().parents[2]


def _post(ip, **meta):
    return RequestFactory().post("/p/x/", REMOTE_ADDR=ip, **meta)


def test_x_forwarded_for_is_ignored_unless_the_app_is_behind_a_proxy(settings):
    request = _post("203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "203.0.113.5"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "198.51.100.1"
    # The client may send its own header: only the entry the proxy appended last counts.
    spoofed = _post("192.0.2.10", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.1")
    assert client_ip(spoofed) == "198.51.100.1"
    assert client_ip(_post("203.0.113.5")) == "203.0.113.5"  # no header: the direct peer
    assert client_ip(_post("203.0.113.5", HTTP_X_FORWARDED_FOR="not-an-address")) is None
    assert client_ip(_post("")) is None


@pytest.mark.django_db
def test_the_audit_log_records_the_same_client_address(settings, city):
    request = _post("192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.5")
    request.user = AnonymousUser()

    def recorded():
        return audit_record(action="view", object_type="test", city=city, request=request).ip_address

    settings.BEHIND_PROXY = False
    assert recorded() == "192.0.2.10"
    settings.BEHIND_PROXY = True
    assert recorded() == "203.0.113.5"


@pytest.mark.parametrize(("flag", "expected"), [("true", "True 1"), ("", "False 0")])
def test_one_setting_says_the_app_is_behind_a_proxy_for_sign_in_throttling_too(flag, expected):
    """DJANGO_BEHIND_TLS_PROXY also tells allauth to count failed sign-ins per forwarded address
    (otherwise every visitor behind the proxy would share the proxy's allowance)."""
    env = {**os.environ, "DJANGO_BEHIND_TLS_PROXY": flag}
    code = "from realcities import settings as s; print(s.BEHIND_PROXY, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == expected
