from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """People join a city through an invitation from its lead, not through open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """The account emails (password reset, security notices) are rendered here and sent by the
        worker, like every other email of the app: a slow mail server never holds up the page."""
        from .tasks import email_send

        request = allauth_context.request
        msg = self.render_mail(
            template_prefix, email, {"request": request, "email": email,
                                     "current_site": get_current_site(request), **context},
        )  # fmt: skip
        email_send.delay_on_commit(
            subject=msg.subject,
            body=msg.body,
            from_email=msg.from_email,
            to=list(msg.to),
            html=next((c for c, kind in getattr(msg, "alternatives", []) if kind == "text/html"), ""),
            subtype=msg.content_subtype,
        )
