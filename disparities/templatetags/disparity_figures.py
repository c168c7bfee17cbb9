"""Showing a figure of the JSON report in a table cell: value, 95% interval, and its marks."""

from urllib.parse import urlencode

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _number(value, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "percent":
        return f"{value * 100:.1f}%"
    if fmt == "rate":
        return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    if fmt == "ratio":
        return f"{value:.2f}"
    if fmt == "money":
        return f"{value:,.2f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def absent_words(fig) -> str:
    """ "not recorded in this file" / "not recorded by this agency" for a figure the data lack, or ""."""
    why = (fig or {}).get("not_recorded") or ""
    if not why:
        return ""
    if why.startswith("No Census benchmark"):
        return gettext("no Census benchmark")
    if "by this agency" in why.lower():
        return gettext("not recorded by this agency")
    return gettext("not recorded in this file")


def _absent_html(fig) -> str:
    """The short words shown in the cell; the reason for a screen reader and on hover (the table's note says it too)."""
    why = fig["not_recorded"]
    detail = why.split(": ", 1)[1] if ": " in why else why
    return (
        f'<span class="fig fig--absent" title="{escape(why)}">{escape(absent_words(fig))}'
        f'<span class="visually-hidden">: {escape(detail)}</span></span>'
    )


@register.filter
def fignum(fig, fmt: str = "count") -> str:
    """The figure's value as text ("<11" or "suppressed" when hidden, "not recorded ..." when absent)."""
    if not fig:
        return "—"
    if fig.get("not_recorded"):
        return absent_words(fig)
    if fig.get("suppressed"):
        return fig.get("public_label") or gettext("suppressed")
    return _number(fig.get("value"), fmt)


@register.simple_tag
def figure(fig, fmt: str = "count", show_interval: bool = True):
    """A table cell's content: the value, its 95% interval, and "unreliable, n = ..." when so."""
    if not fig:
        return format_html('<span class="muted" title="{}">—</span>', gettext("not applicable"))
    if fig.get("not_recorded"):
        return mark_safe(_absent_html(fig))  # noqa: S308 - escaped
    if fig.get("suppressed"):
        label = fig.get("public_label") or gettext("suppressed")
        return format_html('<span class="fig fig--suppressed">{}</span>', label)
    value = _number(fig.get("value"), fmt)
    interval = fig.get("interval")
    parts = [format_html('<span class="fig__value">{}</span>', value)]
    if show_interval and interval and fmt != "count":
        parts.append(
            format_html(
                '<span class="fig__interval"><span class="visually-hidden">{} </span>({}–{})</span>',
                gettext("95 percent interval"),
                _number(interval[0], fmt),
                _number(interval[1], fmt),
            )
        )
    if fmt != "count" and not fig.get("reliable", True) and fig.get("note") and fig.get("value") is not None:
        return format_html(
            '<span class="fig fig--unreliable">{} <span class="fig__note">{}</span></span>',
            format_html_join("", "{}", ((p,) for p in parts)),
            fig["note"],
        )
    return format_html('<span class="fig">{}</span>', format_html_join("", "{}", ((p,) for p in parts)))


@register.filter
def cell(row, key):
    return (row.get("cells") or {}).get(key)


@register.simple_tag
def drill_url(base: str, query: str, table: dict, row: dict, column: dict) -> str:
    """The drill-down link of a cell: the records behind its figure (its numerator), or "" when none.

    Every figure counted from records has one: counts, shares, rates and ratios alike. A share of
    records also names its denominator (`of`), which the drill-down page lists from a link.
    """
    drill = row.get("drill") or {}
    measure = column.get("drill")
    if not measure or not drill or row.get("total"):
        return ""
    race = column.get("race") or drill.get("race")
    if race:
        params = {"race": race}
    elif "officer_race" in drill:
        params = {"officer_race": drill["officer_race"]}
    else:
        return ""
    params["measure"] = measure
    if column.get("of"):
        params["of"] = column["of"]
    if "period" in drill:
        params["period"] = drill["period"]
    if "type" in drill:
        params["drill_type"] = drill["type"]
    extra = urlencode(params)
    return f"{base}?{query}&{extra}" if query else f"{base}?{extra}"


@register.filter
def getitem(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


def _cell_html(fig, fmt: str) -> str:
    """`figure` without the template machinery (a dashboard has a thousand cells)."""
    if not fig:
        return '<span class="muted" title="not applicable">—</span>'
    if fig.get("not_recorded"):
        return _absent_html(fig)
    if fig.get("suppressed"):
        return f'<span class="fig fig--suppressed">{escape(fig.get("public_label") or "suppressed")}</span>'
    html = f'<span class="fig__value">{escape(_number(fig.get("value"), fmt))}</span>'
    interval = fig.get("interval")
    if interval and fmt != "count":
        html += (
            '<span class="fig__interval"><span class="visually-hidden">95% interval </span>'
            f"({escape(_number(interval[0], fmt))}–{escape(_number(interval[1], fmt))})</span>"
        )
    if fmt != "count" and not fig.get("reliable", True) and fig.get("note") and fig.get("value") is not None:
        return f'<span class="fig fig--unreliable">{html} <span class="fig__note">{escape(fig["note"])}</span></span>'
    return f'<span class="fig">{html}</span>'


def _spoken(fig: dict, fmt: str) -> str:
    """The figure as a link's accessible name reads it: value, interval and reliability, as shown."""
    text = _number(fig.get("value"), fmt)
    interval = fig.get("interval")
    if interval and fmt != "count":
        text += f", 95% interval {_number(interval[0], fmt)} to {_number(interval[1], fmt)}"
    if fmt != "count" and not fig.get("reliable", True) and fig.get("note") and fig.get("value") is not None:
        text += f", {fig['note']}"
    return text


@register.simple_tag
def table_body(t: dict, drill_base: str = "", query: str = "", public: bool = False):
    """The rows of a report table: a header cell and one figure per column, counts linked to their records."""
    out = []
    for row in t["rows"]:
        opening = '<tr class="total-row">' if row.get("total") else "<tr>"
        cells = [f'{opening}<th scope="row">{escape(row["label"])}</th>']
        for c in t["columns"]:
            fig = row["cells"].get(c["key"])
            content = _cell_html(fig, c["format"])
            link = drill_url(drill_base, query, t, row, c) if (drill_base and not public) else ""
            if link and fig and not fig.get("suppressed") and not fig.get("not_recorded"):
                label = f"{c['label']}, {row['label']}: {_spoken(fig, c['format'])} (list the records)"
                content = f'<a href="{escape(link)}" aria-label="{escape(label)}">{content}</a>'
            cells.append(f"<td>{content}</td>")
        cells.append("</tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


@register.filter
def threshold_chart(result: dict) -> dict | None:
    """Positions (in a 0-600 wide drawing) of each race's threshold and its 95% credible interval,
    for the threshold test's chart; None when there is nothing to draw."""
    races = [r for r in (result or {}).get("races", []) if r.get("interval")]
    if not races:
        return None
    top = max(r["interval"][1] for r in races)
    scale_max = min(1.0, (int(top * 20) + 1) / 20)  # the next 0.05 above the largest upper bound
    left, width, row = 170, 400, 36

    def x(value: float) -> float:
        return round(left + width * value / scale_max, 1)

    ticks = [i / 20 for i in range(int(round(scale_max * 20)) + 1)]
    step = max(1, len(ticks) // 6)
    return {
        "height": row * len(races) + 40,
        "axis_y": row * len(races) + 8,
        "left": left,
        "right": left + width,
        "ticks": [{"x": x(t), "label": f"{t:.2f}"} for t in ticks[::step]],
        "rows": [
            {
                "label": r["label"], "y": row * i + 20, "text_y": row * i + 24,
                "lo": x(r["interval"][0]), "hi": x(r["interval"][1]), "mid": x(r["threshold"]),
                "white": r["race"] == "white",
            }
            for i, r in enumerate(races)
        ],
    }  # fmt: skip


@register.filter
def longdate(value) -> str:
    """A date of the report (a `date` or its ISO text) in the one format the pages use: "April 5, 2017"."""
    import datetime as dt

    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    from django.utils.formats import date_format
    from django.utils.translation import get_language

    if (get_language() or "").startswith("es"):
        return date_format(value, r"j \d\e F \d\e Y")  # "5 de abril de 2017"
    return f"{value:%B} {value.day}, {value.year}"
