"""Which addresses the library links to: web pages (http or https) and pages of this app.

A link is shown to other people as `<a href>`: `javascript:`, `data:` and other schemes would run
or show something in the reader's browser, and `//host` or `/\\host` (browsers read a backslash as a
slash, and drop tabs and line breaks inside an address) would leave the app while looking like a
path in it.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

# Any space, control character or backslash inside an address.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\\]")

WEB_MESSAGE = "Give a web address starting with https:// (or http://)."
LINK_MESSAGE = "Give a web address starting with https://, or a path in this app starting with /."


@deconstructible
class WebAddressValidator:
    """http(s) addresses only, without spaces, control characters or backslashes."""

    message = WEB_MESSAGE
    code = "invalid"

    def __call__(self, value: str) -> None:
        if not value:
            return
        if _UNSAFE.search(value) or not value.lower().startswith(("http://", "https://")):
            raise ValidationError(self.message, code=self.code)
        URLValidator(schemes=["http", "https"], message=self.message)(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, WebAddressValidator)


@deconstructible
class LinkValidator:
    """An http(s) address, or an absolute path in this app (`/c/...`), never `//host`."""

    message = LINK_MESSAGE
    code = "invalid"

    def __call__(self, value: str) -> None:
        if not value:
            return
        if _UNSAFE.search(value):
            raise ValidationError(self.message, code=self.code)
        if value.startswith("/") and not value.startswith("//"):
            return
        try:
            WebAddressValidator()(value)
        except ValidationError:
            raise ValidationError(self.message, code=self.code) from None

    def __eq__(self, other) -> bool:
        return isinstance(other, LinkValidator)


validate_web_address = WebAddressValidator()
validate_link = LinkValidator()
