from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel, national_queue_panel, national_reviews_panel

        panels.register("library", home_panel, order=40)
        panels.register_national("submissions", national_queue_panel, order=10)
        panels.register_national("reviews", national_reviews_panel, order=20)
