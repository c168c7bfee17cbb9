from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel

        panels.register("trainings", home_panel, order=55)
        panels.register_section("trainings", label="Trainings", url_name="trainings:index", order=40)
