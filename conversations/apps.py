from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        # Participants' anonymous trust scores appear beside relationships' trust gaps
        # (aggregates of at least five answers only; see selectors.trust_feedback_by_dimension).
        from relationships.hooks import register_trust_feedback_provider

        from .selectors import trust_feedback_by_dimension

        register_trust_feedback_provider(trust_feedback_by_dimension)
