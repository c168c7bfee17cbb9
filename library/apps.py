from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel

        panels.register("library", home_panel, order=40)
