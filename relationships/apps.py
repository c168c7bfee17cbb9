from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"

    def ready(self) -> None:
        from cities import retention

        from . import services

        # The city's "keep participants' contact details for (days)" setting applies here.
        retention.register("contacts", services.stakeholder_contacts_purge,
                           label="relationships: stakeholders' email and phone")
        retention.register("contacts", services.contact_imports_purge, label="relationships: uploaded contact files")

        from cities import panels

        from .selectors import home_panel, week_figures

        panels.register("relationships", home_panel, order=20)
        panels.register_figure("relationships", week_figures, order=20)
        panels.register_section("relationships", label="Relationships", url_name="relationships:index", order=20)

        # The league: a kept commitment as a city story, commitments kept on time across cities.
        from cities import network, stories

        from . import league

        stories.register_source("relationships", label="Kept commitment", build=league.story)
        network.register_column(
            "commitments", label="Commitments kept on time", provider=league.kept_on_time, order=30
        )
