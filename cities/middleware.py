"""Session limits and caching rules for signed-in pages."""

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

STARTED = "_session_started_at"
LAST_SEEN = "_session_last_seen_at"
# Writing the session on every request is wasteful: the idle clock moves in steps of this many seconds.
TOUCH_EVERY = 60


def stamp_session_on_login(sender, request, user, **kwargs) -> None:
    """Start the session's clocks when a person signs in (receiver of `user_logged_in`)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[STARTED] = now
        session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
    SESSION_ABSOLUTE_TIMEOUT seconds after signing in; pages seen while signed in are never stored
    by the browser or a proxy (they may hold personal data)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(STARTED)
            last_seen = request.session.get(LAST_SEEN, now)
            if started is None:
                request.session[STARTED] = now
                request.session[LAST_SEEN] = now
            elif (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.info(request, "You were signed out after a period without activity. Sign in again.")
                return redirect_to_login(request.get_full_path())
            elif now - last_seen >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def holds_unstorable(text: str) -> bool:
    """Whether `text` holds a character the database cannot store (NUL) or that no form sends."""
    return "\x00" in text


def _query_refused(query) -> bool:
    return any(
        holds_unstorable(key) or any(holds_unstorable(v) for v in values) for key, values in query.lists()
    )


class RefuseUnstorableInputMiddleware:
    """Answers 400 to a request whose query string, or whose URL-encoded form, holds a NUL character:
    no page or form has a use for one, and PostgreSQL refuses it in any text, so it must never reach a
    query (a filter such as `?district=%00` would otherwise fail as a server error). Multipart forms
    (uploads) are left to their forms, whose text fields refuse NUL themselves, so that reading the
    body here never comes before an upload's size limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = "%00" in request.META.get("QUERY_STRING", "") or _query_refused(request.GET)
        if (
            not refused
            and request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
        ):
            refused = _query_refused(request.POST)
        if refused:
            from django.core.exceptions import BadRequest
            from django.views.defaults import bad_request

            return bad_request(request, BadRequest("A value of this request holds a NUL character."))
        return self.get_response(request)


class TranslatedPagesMiddleware:
    """The visitor's language only on the pages that are translated (settings.TRANSLATED_PAGES: the
    public pages and the facilitator's pages of the day); every other page is English throughout, so
    that a page never says `lang="es"` over English text. Runs after LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.patterns = [re.compile(pattern) for pattern in settings.TRANSLATED_PAGES]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.page_translated = any(p.match(request.path_info) for p in self.patterns)
        if not request.page_translated:
            translation.activate(translation.get_supported_language_variant(settings.LANGUAGE_CODE))
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # Say which language the page is in, then leave the thread in the default language: work
        # done later on this thread outside a request (a task run eagerly, a 500 page rendered
        # without a request, a management command) must not inherit the last visitor's language.
        response.headers.setdefault("Content-Language", translation.get_language())
        translation.deactivate()
        return response
