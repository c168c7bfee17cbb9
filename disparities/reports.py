"""Plain helpers for the downloadable reports of an import."""

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def safe_cell(value: object) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character gets a quote before it."""
    text = "" if value is None else str(value)
    if text.startswith(_DANGEROUS_START):
        return "'" + text
    return text
