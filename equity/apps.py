from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "equity"

    def ready(self) -> None:
        from cities import panels

        from .selectors import home_panel

        panels.register("equity", home_panel, order=45)
        panels.register_section("equity", label="Equity", url_name="equity:index", order=35)
