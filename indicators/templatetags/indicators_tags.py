"""Formatting of the outcomes figures: shares as percentages to one decimal (as the Census Bureau
publishes them), dollars to the dollar, ratios to two decimals."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def share(value, unit: str = "percent") -> str:
    if value is None:
        return ""
    if unit == "dollars":
        return f"${intcomma(round(value))}"
    return f"{value * 100:.1f}%"


@register.filter
def interval(fig, unit: str = "percent") -> str:
    if fig is None or fig.low is None or fig.high is None:
        return ""
    return f"{share(fig.low, unit)} to {share(fig.high, unit)}"


@register.filter
def ratio(fig) -> str:
    if fig is None or fig.value is None:
        return ""
    text = f"{fig.value:.2f}"
    if fig.low is not None and fig.high is not None:
        text += f" ({fig.low:.2f} to {fig.high:.2f})"
    return text


@register.filter
def count(value) -> str:
    if value is None:
        return ""
    return intcomma(round(value))
