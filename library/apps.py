from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel, national_queue_panel, national_reviews_panel

        panels.register("library", home_panel, order=40)
        panels.register_national("submissions", national_queue_panel, order=10)
        panels.register_national("reviews", national_reviews_panel, order=20)

        # Cities tell the league their stories from their own work: "Tell the league" is offered on
        # the source apps' pages through the evidence starters (cities/stories.py).
        from cities import evidence

        evidence.register_starter(
            "story", key="library", label="Tell the league about this", url_name="library:city_story",
            param="source",
        )  # fmt: skip
