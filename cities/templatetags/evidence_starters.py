"""`{% evidence_starters "figure" as starters %}`: what the apps above offer to start from a piece
of evidence on this page (see cities/evidence.py). Each is `{"label", "url", "param"}`; link to
`{{ s.url }}?{{ s.param }}={{ key|urlencode }}`."""

from django import template

from cities import evidence

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence_starters(context, kind: str) -> list[dict[str, str]]:
    city = context.get("city")
    request = context.get("request")
    if city is None or request is None:
        return []
    return evidence.starters(kind=kind, city=city, membership=getattr(request, "membership", None))
