"""The address a request came from, for rate limits and the audit log.

`REMOTE_ADDR` is the only address that cannot be made up by the client. Behind the TLS-terminating
proxy of a deployment (`settings.BEHIND_PROXY`, from `DJANGO_BEHIND_TLS_PROXY=true`) it is the
proxy's own address, and the client's is the last one the proxy appended to `X-Forwarded-For`
(the entries before it were sent by the client and are ignored). Without that setting the header is
never read: anyone can send it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as a normalised string, or None when there is no valid one."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return _clean(forwarded.split(",")[-1])
    return _clean(request.META.get("REMOTE_ADDR") or "")
