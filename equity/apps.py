from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "equity"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel

        panels.register("equity", home_panel, order=45)
        panels.register_section("equity", label="Equity", url_name="equity:index", order=35)

        # "Start an equity assessment from this" on a dashboard figure, a conversation and a commitment:
        # those pages link here by URL name through cities.evidence, without importing equity.
        from cities import evidence

        for kind in ("figure", "engagement", "commitment"):
            evidence.register_starter(
                kind,
                key="equity",
                label="Start an equity assessment from this",
                url_name="equity:new",
                param=kind,
            )

        # "Assessments that kept this figure" on the lending pages (an indicator's page), without
        # those apps importing equity.
        from .selectors import AssessmentKeepers

        evidence.register_keepers("equity", AssessmentKeepers())

        # The league: a published assessment as a city story, assessments completed, "published one".
        from cities import network, stories

        from . import league

        stories.register_source("equity", label="Published equity assessment", build=league.story)
        network.register_column(
            "equity", label="Equity assessments completed", provider=league.assessments_completed, order=50
        )
        network.register_milestones("equity", league.milestones)
