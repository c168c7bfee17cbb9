from django.apps import AppConfig


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = "Cities and members"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_on_login

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="cities-session-limits")
