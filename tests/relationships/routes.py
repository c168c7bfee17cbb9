"""URL map entries for the relationships pages (see tests/urlmap.py).

`scene(city)` (`relationships_scene` of tests/builders.py) builds, inside one city, one of everything
the section's pages show: an organisation and a person in it (both with consent, contact details and
notes), a standing relationship with a meeting held and a trust reading, a crisis event with a
meeting in response, commitments (one published on the public page, with a status change), and a
contacts CSV waiting for confirmation (a new line, a duplicate and a bad line). Every builder below
starts from it, so each page is walked, escaped and isolated with real content on it.
"""

from tests.builders import relationships_scene as scene
from tests.urlmap_types import Route


def _needs(*keys):
    def build(city):
        records = scene(city)
        return {k: records[k] for k in keys}

    return build


def _city_with_records(city):
    scene(city)
    return {}


ROUTES = [
    Route("relationships:index", _city_with_records),
    Route("relationships:directory", _city_with_records),
    Route("relationships:stakeholder_new"),
    Route("relationships:stakeholder_import"),
    Route("relationships:import_preview", _needs("import_id")),
    Route("relationships:import_report", _needs("import_id"), walk=False),
    Route("relationships:stakeholder_detail", _needs("stakeholder_id")),
    Route("relationships:stakeholder_edit", _needs("stakeholder_id")),
    Route("relationships:stakeholder_consent", _needs("stakeholder_id"), walk=False),
    Route("relationships:stakeholder_withdraw", _needs("stakeholder_id"), walk=False),
    Route("relationships:relationship_list", _city_with_records),
    Route("relationships:relationship_new", _city_with_records),
    Route("relationships:relationship_detail", _needs("relationship_id")),
    Route("relationships:relationship_edit", _needs("relationship_id")),
    Route("relationships:relationship_assess", _needs("relationship_id"), walk=False),
    Route("relationships:meeting_list", _city_with_records),
    Route("relationships:meeting_new", _city_with_records),
    Route("relationships:meeting_detail", _needs("meeting_id")),
    Route("relationships:commitment_list", _city_with_records),
    Route("relationships:commitment_new", _city_with_records),
    Route("relationships:commitment_detail", _needs("commitment_id")),
    Route("relationships:commitment_status", _needs("commitment_id"), walk=False),
    Route("relationships:commitment_publish", _needs("commitment_id"), walk=False),
    Route("relationships:trust_gaps", _city_with_records),
    Route("relationships:readiness", _city_with_records),
    Route("relationships:crisis_new"),
    Route("relationships:crisis_detail", _needs("event_id")),
    Route("relationships:public_commitments", _city_with_records, kind="public"),
]
