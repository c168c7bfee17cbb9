"""Markdown to safe HTML, and search highlights that cannot carry markup: pure functions, no database."""

import re

import markdown
import nh3
from django.utils.html import escape

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
# Headings inside a resource body start at level 2: the page's own title is the h1.
_HEADING = re.compile(r"<(/?)h([1-6])>")

# ts_headline marks matches with these control characters; they never survive in stored text
# (see `strip_controls`), so after escaping they can be turned into <mark> safely.
MARK_START = "\x02"
MARK_STOP = "\x03"
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text or "")


def render_markdown(text: str) -> str:
    """Render Markdown and keep only harmless tags: no script, no event handler, no javascript: link."""
    html = markdown.markdown(strip_controls(text), extensions=["tables", "sane_lists"], output_format="html")
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)) + 1, 2), 4)}>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


_MD_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_LINE_START = re.compile(r"(?m)^(?:[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+))+")
_MD_HEADING_MARK = re.compile(r"(^|\s)#{1,6}[ \t]+")  # a heading cut out of its line by the fragment
_MD_RULE = re.compile(r"(?m)^[ \t]*(?:[-*_][ \t]*){3,}$|^[ \t|:-]*-{3,}[ \t|:-]*$")
_MD_EMPHASIS = re.compile(r"\*{1,3}|_{2,3}|`+|~~")
_SPACES = re.compile(r"\s+")


def markdown_to_text(text: str) -> str:
    """The words of a Markdown fragment without its syntax, on one line: what a search result shows
    ("What the city did", not "## What the city did"). The match markers pass through untouched."""
    text = _MD_IMAGE_OR_LINK.sub(r"\1", text or "")
    text = _MD_RULE.sub(" ", text)
    text = _MD_LINE_START.sub("", text)
    text = _MD_HEADING_MARK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub("", text).replace("|", " ")
    return _SPACES.sub(" ", text).strip()


def highlight_to_html(fragment: str) -> str:
    """Escape a ts_headline fragment (as text: its Markdown syntax removed), then turn its match
    markers into <mark> elements."""
    escaped = escape(markdown_to_text(fragment or ""))
    balanced: list[str] = []
    open_mark = False
    for char in escaped:
        if char == MARK_START and not open_mark:
            balanced.append("<mark>")
            open_mark = True
        elif char == MARK_STOP and open_mark:
            balanced.append("</mark>")
            open_mark = False
        elif char not in (MARK_START, MARK_STOP):
            balanced.append(char)
    if open_mark:
        balanced.append("</mark>")
    return "".join(balanced)
