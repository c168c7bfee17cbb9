"""The one way a view reaches a city: `@city_view(...)`.

It resolves `<city_slug>` from the URL, checks that the signed-in person is a member with one of
the allowed roles, and answers 404 otherwise (never 403: a page of another city does not exist
for you). Anonymous visitors are sent to sign in. The view receives the city and membership on
`request.city` / `request.membership` (annotate it as `cities.http.CityRequest`), and the city's time zone is active while it runs.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .http import CityRequest
from .models import ALL_ROLES, City, CitySettings, Membership, Role

SESSION_CITY_KEY = "current_city"


def city_view(
    *, roles: Iterable[Role | str] = ALL_ROLES, allow_curator: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    allowed = frozenset(str(r) for r in roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, city_slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            city = get_object_or_404(City.objects.select_related("settings"), slug=city_slug)
            membership = (
                Membership.objects.for_city(city).filter(user=request.user).select_related("user").first()
            )
            curator_access = allow_curator and getattr(request.user, "is_curator", False)
            if (membership is None or membership.role not in allowed) and not curator_access:
                raise Http404("No such page.")
            if _two_factor_required(city) and not _has_two_factor(request.user):
                return render(request, "cities/two_factor_required.html", {"city": city}, status=403)
            city_request = cast(CityRequest, request)
            city_request.city = city
            city_request.membership = membership
            if membership is not None and request.session.get(SESSION_CITY_KEY) != city.slug:
                request.session[SESSION_CITY_KEY] = city.slug
            with timezone.override(city.timezone):
                return view(request, *args, **kwargs)

        wrapper.city_view_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _two_factor_required(city: City) -> bool:
    try:
        return city.settings.require_two_factor
    except CitySettings.DoesNotExist:
        return False


def _has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def curator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """National curators only; anyone else signed in gets 404, anonymous visitors sign in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_curator", False):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    wrapper.curator_only = True  # type: ignore[attr-defined]
    return wrapper
