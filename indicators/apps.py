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
