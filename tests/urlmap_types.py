from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """One URL pattern of the app and how to build its arguments inside a given city.

    `build(city) -> kwargs` creates whatever objects the URL needs inside `city` and returns the
    URL's keyword arguments (without `city_slug`). `kind` says how the URL is guarded:
    - "city": a city page behind @city_view (members only; 404 for others; sign-in for visitors);
    - "public": readable by anyone, under /p/<city_slug>/...; what is built for one city must not
      answer under another city's slug;
    - "front": a page with no city in it (the front door, the public library);
    - "curator": national curators only (404 for everyone else signed in);
    - "token": a secret link not tied to a city slug.
    `walk`: a GET page that the accessibility walk visits.
    """

    name: str
    build: Callable[..., dict] = field(default=lambda city: {})
    kind: str = "city"
    walk: bool = True
