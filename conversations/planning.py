"""Pure planning rules, no database: the checklist template of each phase and status moves."""

from dataclasses import dataclass
from datetime import date, timedelta

from .models import STATUS_TRANSITIONS, ConversationStatus, Phase


@dataclass(frozen=True)
class TemplateItem:
    phase: str
    title: str
    # Days relative to the first session (negative: before it). None: no due date.
    offset_days: int | None


# The process experienced organisers follow: organise, dialogue, action forum, follow-up.
CHECKLIST_TEMPLATE: tuple[TemplateItem, ...] = (
    TemplateItem(Phase.ORGANISE, "Form the coalition of sponsoring organisations", -42),
    TemplateItem(Phase.ORGANISE, "Set the whose-voices targets and invite from the stakeholder directory", -35),
    TemplateItem(Phase.ORGANISE, "Recruit and brief facilitators", -28),
    TemplateItem(Phase.ORGANISE, "Book an accessible venue; arrange interpretation, childcare and food", -28),
    TemplateItem(Phase.ORGANISE, "Open public registration and share the link", -21),
    TemplateItem(Phase.ORGANISE, "Follow up with the groups still missing", -7),
    TemplateItem(Phase.DIALOGUE, "Print the check-in list and the discussion guide", -1),
    TemplateItem(Phase.DIALOGUE, "Hold the dialogue session(s)", 0),
    TemplateItem(Phase.DIALOGUE, "File the facilitator's report", 3),
    TemplateItem(Phase.ACTION_FORUM, "Hold the action forum: turn what was heard into commitments", 21),
    TemplateItem(Phase.ACTION_FORUM, "Record each commitment with an owner and a date", 22),
    TemplateItem(Phase.FOLLOW_UP, "Send participants what was heard and what will happen", 28),
    TemplateItem(Phase.FOLLOW_UP, "Review progress on the commitments", 90),
)


def due_date_for(item: TemplateItem, first_session: date | None) -> date | None:
    if first_session is None or item.offset_days is None:
        return None
    return first_session + timedelta(days=item.offset_days)


def can_move(current: str, target: str) -> bool:
    return target in STATUS_TRANSITIONS.get(current, frozenset())


# What the button for each move says.
MOVE_LABELS = {
    ConversationStatus.DRAFT: "Back to draft",
    ConversationStatus.SCHEDULED: "Schedule (open registration)",
    ConversationStatus.HELD: "Mark as held",
    ConversationStatus.REPORTED: "Mark as reported",
    ConversationStatus.FOLLOWED_UP: "Mark as followed up",
    ConversationStatus.CANCELLED: "Cancel the conversation",
}


def allowed_moves(current: str, *, has_sessions: bool = True) -> list[tuple[str, str]]:
    """The moves offered as buttons: scheduling (which opens registration) only once the conversation
    has a session, since there is nothing to register for before."""
    return [
        (s, MOVE_LABELS[s])
        for s in ConversationStatus.values
        if can_move(current, s) and (has_sessions or s != ConversationStatus.SCHEDULED)
    ]
