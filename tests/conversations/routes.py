"""URL map entries for the conversations pages (see tests/urlmap.py).

Every builder makes, inside the given city, a scheduled conversation with everything its pages can
show (`full_conversation` of tests/builders.py): a session, a checklist, a voice target and an
invitation, a confirmed registration, one on the waitlist, a walk-in checked in, a report with a
consented quote and a commitment, feedback, a campaign the city pledged to, and the city's calendar
feed. Every facilitator of the city at build time is assigned, so that the walk (which creates its
member before building) can open the pages.
"""

from tests.builders import full_conversation
from tests.urlmap_types import Route


def _pick(*names):
    def build(city):
        ids = full_conversation(city)
        return {name: ids[name] for name in names}

    return build


def _token(id_name):
    def build(city):
        return {"token": full_conversation(city)[id_name]}

    return build


def _campaign(city) -> dict:
    return {"campaign_id": full_conversation(city)["campaign_id"]}


ROUTES = [
    Route("conversations:index", _pick()),
    Route("conversations:create"),
    Route("conversations:calendar", _pick()),
    Route("conversations:campaign", _campaign),
    Route("conversations:detail", _pick("pk")),
    Route("conversations:edit", _pick("pk")),
    Route("conversations:set_status", _pick("pk"), walk=False),
    Route("conversations:session_create", _pick("pk")),
    Route("conversations:session_edit", _pick("pk", "session_id")),
    Route("conversations:session_delete", _pick("pk", "session_id"), walk=False),
    Route("conversations:checklist", _pick("pk")),
    Route("conversations:checklist_item", _pick("pk", "item_id")),
    Route("conversations:checklist_toggle", _pick("pk", "item_id"), walk=False),
    Route("conversations:voices", _pick("pk")),
    Route("conversations:invitation_response", _pick("pk", "invitation_id"), walk=False),
    Route("conversations:registrations", _pick("pk")),
    Route("conversations:registration_cancel", _pick("pk", "registration_id"), walk=False),
    Route("conversations:check_in", _pick("pk", "session_id")),
    Route("conversations:check_in_toggle", _pick("pk", "session_id", "registration_id"), walk=False),
    Route("conversations:report", _pick("pk", "session_id")),
    Route("conversations:quote_review", _pick("pk", "quote_id"), walk=False),
    # Public pages: the builder's secret ids answer under their own city's slug only.
    Route("conversations:public_register", _pick("public_id"), kind="public"),
    Route("conversations:public_cancel", _token("cancel_token"), kind="public"),
    Route("conversations:public_feedback", _token("feedback_token"), kind="public"),
    Route("conversations:calendar_feed", _token("feed_token"), kind="public", walk=False),
    # The curators' network view. Not walked by the shared walk (it visits pages as city members,
    # to whom these answer 404); tests/browser/test_conversations.py walks them as a curator.
    Route("conversations:network", _pick(), kind="curator", walk=False),
    Route("conversations:network_campaign", _campaign, kind="curator", walk=False),
]
