from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel

        panels.register("trainings", home_panel, order=55)
        panels.register_section("trainings", label="Trainings", url_name="trainings:index", order=40)

        # The league's view across cities: completions per city (counts, never names).
        from cities import network

        from . import league

        network.register_column("trainings", label="Trainings completed", provider=league.completions, order=20)
