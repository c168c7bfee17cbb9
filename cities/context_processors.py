from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import panels, selectors


def shell(request: HttpRequest) -> dict:
    """What the shared header needs: the current city and the cities the person belongs to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_city": getattr(request, "city", None), "my_memberships": []}
    city = getattr(request, "city", None)
    membership = getattr(request, "membership", None)
    return {
        "current_city": city,
        "current_membership": membership,
        "my_memberships": SimpleLazyObject(lambda: list(selectors.user_memberships(user=user))),
        # The header's sections of this city: each feature app registers its own (cities.panels).
        "city_sections": panels.city_sections(city=city, membership=membership)
        if city is not None and membership is not None
        else [],
    }
