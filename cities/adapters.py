from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """People join a city through an invitation from its lead, not through open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
