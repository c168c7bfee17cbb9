from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        # Participants' anonymous trust scores appear beside relationships' trust gaps
        # (aggregates of at least five answers only; see selectors.trust_feedback_by_dimension).
        from relationships.hooks import register_trust_feedback_provider

        from .selectors import trust_feedback_by_dimension

        register_trust_feedback_provider(trust_feedback_by_dimension)

        # Participants' contact details go when the city's retention period is over.
        from cities import retention

        from .services import contacts_purge

        retention.register("contacts", contacts_purge, label="conversations: participants' contact details")

        # The city home shows the upcoming conversations first.
        from cities import panels

        from .selectors import home_panel, national_panel, week_figures

        panels.register("conversations", home_panel, order=10)
        panels.register_figure("conversations", week_figures, order=10)
        panels.register_national("campaigns", national_panel, order=30)
        panels.register_section("conversations", label="Conversations", url_name="conversations:index", order=10)

        # Conversations held and whose voices were there, lent to equity assessments.
        from cities import evidence as lent

        from .evidence import Conversations

        lent.register_engagement("conversations", Conversations())

        # The league: a reported conversation as a city story, conversations held toward the pledge.
        from cities import network, stories

        from . import league

        stories.register_source("conversations", label="Reported conversation", build=league.story)
        network.register_column(
            "conversations", label="Conversations held toward the campaign pledge",
            provider=league.held_toward_pledge, order=10,
        )  # fmt: skip
