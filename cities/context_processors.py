from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def shell(request: HttpRequest) -> dict:
    """What the shared header needs: the current city and the cities the person belongs to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_city": getattr(request, "city", None), "my_memberships": []}
    return {
        "current_city": getattr(request, "city", None),
        "current_membership": getattr(request, "membership", None),
        "my_memberships": SimpleLazyObject(lambda: list(selectors.user_memberships(user=user))),
    }
