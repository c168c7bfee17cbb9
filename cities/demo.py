"""Demo content for the tenancy: two fictional cities, one person per role in each, a curator.

`manage.py seed_demo` calls `seed(ctx)` in each installed app's `demo` module, in the order of
INSTALLED_APPS; this one runs first and puts the cities and people in `ctx` for the others.
Every function here is idempotent: running it twice changes nothing.
"""

from decimal import Decimal

from allauth.account.models import EmailAddress

from .models import City, Membership, Role, User

DEMO_CITIES = [
    {
        "slug": "riverton-mi",
        "name": "Riverton",
        "state": "MI",
        "timezone": "America/Detroit",
        "latitude": Decimal("42.73254"),
        "longitude": Decimal("-84.55553"),
        "county_fips": "26065",
    },
    {
        "slug": "harbor-point-wa",
        "name": "Harbor Point",
        "state": "WA",
        "timezone": "America/Los_Angeles",
        "latitude": Decimal("47.56732"),
        "longitude": Decimal("-122.63264"),
        "county_fips": "53035",
    },
]

FIRST_NAMES = {
    Role.LEAD: "Dana Lead",
    Role.STAFF: "Sam Staff",
    Role.FACILITATOR: "Frankie Facilitator",
    Role.VIEWER: "Val Viewer",
}


def _user(email: str, full_name: str, password: str, *, is_curator: bool = False) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    user.full_name = full_name
    user.is_curator = is_curator or user.is_curator
    user.set_password(password)
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    return user


def seed(ctx: dict) -> None:
    password = ctx["password"]
    cities: dict[str, City] = {}
    logins: list[tuple[str, str]] = []
    users: dict[tuple[str, str], User] = {}
    for spec in DEMO_CITIES:
        city, _ = City.objects.update_or_create(slug=spec["slug"], defaults=spec)
        cities[spec["slug"]] = city
        short = spec["slug"].split("-")[0]
        for role in Role:
            email = f"{role.value}@{short}.example"
            name = f"{FIRST_NAMES[role]} ({spec['name']})"
            user = _user(email, name, password)
            Membership.objects.update_or_create(user=user, city=city, defaults={"role": role})
            users[(spec["slug"], role.value)] = user
            logins.append((email, f"{role.label} of {city}"))
    # One person who works in both cities, to show the city switcher.
    analyst = _user("analyst@realcities.example", "Alex Analyst", password)
    for slug, role in (("riverton-mi", Role.STAFF), ("harbor-point-wa", Role.VIEWER)):
        Membership.objects.update_or_create(user=analyst, city=cities[slug], defaults={"role": role})
    logins.append((analyst.email, "staff in Riverton, viewer in Harbor Point"))
    curator = _user("curator@realcities.example", "Casey Curator", password, is_curator=True)
    logins.append((curator.email, "national curator"))
    ctx.update(cities=cities, users=users, curator=curator, analyst=analyst)
    ctx.setdefault("logins", []).extend(logins)
