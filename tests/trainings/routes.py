"""URL map entries for the trainings pages (see tests/urlmap.py).

Each `build(city)` goes through the trainings services (tests/builders.py): a league training with a
session where a facilitator of the city was checked in, and the city's own training likewise. The survey and
the certificate belong to one person (404 for every other member but the lead for a certificate),
so the shared walk, which signs in a new member, leaves them out: tests/browser/test_trainings.py
opens them as their owner. Curator pages are walked there too.
"""

from tests import builders
from tests.urlmap_types import Route


def _scene(city):
    """The city's own training with a session where a facilitator was checked in, and a league
    training with a session where another facilitator of the city was checked in. City pages use
    the city's own records (a league training is open to every city, so it is no test of isolation)."""
    own = builders.city_training(city, audience=("facilitator",))
    user, registration, completion = builders.trained(city, own)
    league = builders.league_training()
    _, league_registration, _ = builders.trained(city, league)
    return {
        "own": own, "registration": registration, "completion": completion,
        "league": league, "league_session_id": league_registration.session_id,
    }  # fmt: skip


def _index(city):
    _scene(city)
    return {}


def _detail(city):
    return {"training_id": _scene(city)["own"].pk}


def _session(city):
    return {"session_id": _scene(city)["registration"].session_id}


def _survey(city):
    return {**_session(city), "kind": "post"}


def _certificate(city):
    return {"completion_id": _scene(city)["completion"].pk}


def _network_training(city):
    return {"training_id": _scene(city)["league"].pk}


def _network_session(city):
    return {"session_id": _scene(city)["league_session_id"]}


ROUTES = [
    Route("trainings:index", _index),
    Route("trainings:new"),
    Route("trainings:people", _index),
    Route("trainings:detail", _detail),
    Route("trainings:edit", _detail),
    Route("trainings:session", _session),
    Route("trainings:session_change", _session),
    Route("trainings:survey", _survey, walk=False),
    Route("trainings:certificate", _certificate, walk=False),
    Route("trainings:network", _index, kind="curator", walk=False),
    Route("trainings:network_training", _network_training, kind="curator", walk=False),
    Route("trainings:network_session", _network_session, kind="curator", walk=False),
    Route("trainings:network_edit", _network_training, kind="curator", walk=False),
    Route("trainings:network_session_change", _network_session, kind="curator", walk=False),
]
