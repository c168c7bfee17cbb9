from django.apps import AppConfig


class DisparitiesConfig(AppConfig):
    name = "disparities"

    def ready(self) -> None:
        from cities import panels

        from .selectors.headline import home_panel

        panels.register("disparities", home_panel, order=30)
        panels.register_section("disparities", label="Police data", url_name="disparities:index", order=30)

        from cities import evidence

        from .selectors.evidence import PoliceFigures

        # Rates per 1,000 residents by race, lent to the outcomes pages' justice theme (and to equity).
        evidence.register_figures("disparities", PoliceFigures())
