from django.apps import AppConfig


class DisparitiesConfig(AppConfig):
    name = "disparities"

    def ready(self) -> None:
        from cities import panels

        from .selectors.headline import home_panel, week_figures

        panels.register("disparities", home_panel, order=30)
        panels.register_figure("disparities", week_figures, order=30)
        panels.register_section("disparities", label="Police data", url_name="disparities:index", order=30)

        # Dashboard figures lent to equity assessments and to the outcomes pages' justice theme
        # (frozen by whoever keeps them).
        from cities import evidence as lent

        from .selectors.evidence import PoliceFigures

        lent.register_figures("disparities", PoliceFigures())

        # The league, from published dashboards only: a story, the dashboards and their headline
        # disparity, the county's population (the size filter) and "published a dashboard".
        from cities import network, stories

        from . import league

        stories.register_source("disparities", label="Published dashboard", build=league.story)
        network.register_column(
            "population", label="County population (ACS 2013-2017)", provider=league.county_population,
            order=0, chart=False,
        )  # fmt: skip
        network.register_column(
            "dashboards", label="Published dashboards", provider=league.published_dashboards, order=40
        )
        network.register_column(
            "headline", label="Headline disparity (published)", provider=league.headline_disparity, order=45
        )
        network.register_milestones("disparities", league.milestones)
