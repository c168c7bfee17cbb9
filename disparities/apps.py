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
