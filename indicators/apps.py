from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel

        panels.register("indicators", home_panel, order=50)
        panels.register_section("indicators", label="Outcomes", url_name="indicators:index", order=35)

        # Outcome indicators lent to equity assessments (frozen by whoever keeps them).
        from cities import evidence as lent

        from .evidence import IndicatorFigures

        lent.register_figures("indicators", IndicatorFigures())

        # The league: an indicator that moved as a city story, indicators loaded across cities.
        from cities import network, stories

        from . import league

        stories.register_source("indicators", label="Outcome indicator that moved", build=league.story)
        network.register_column(
            "indicators", label="Outcome indicators loaded", provider=league.indicators_loaded, order=60
        )
