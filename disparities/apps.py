from django.apps import AppConfig


class DisparitiesConfig(AppConfig):
    name = "disparities"
