"""Everything that writes in the library: resources and their curation, frameworks, city status,
adoptions and submissions."""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from cities import stories
from cities.models import City, User

from . import framework_csv, selectors
from .models import (
    Adoption,
    AdoptionStatus,
    CityFrameworkStatus,
    EvidenceLink,
    Framework,
    FrameworkItem,
    FrameworkItemChange,
    FrameworkStatusChoice,
    ItemChangeAction,
    OutcomeRow,
    Resource,
    ResourceStatus,
    Revision,
    Submission,
    SubmissionStatus,
)
from .rendering import render_markdown, strip_controls

# Who may move a resource where. Only curators act on resources at all; publishing needs a review
# first, and an archived resource comes back as a draft.
RESOURCE_TRANSITIONS: dict[str, frozenset[str]] = {
    ResourceStatus.DRAFT: frozenset({ResourceStatus.IN_REVIEW, ResourceStatus.ARCHIVED}),
    ResourceStatus.IN_REVIEW: frozenset({ResourceStatus.DRAFT, ResourceStatus.PUBLISHED}),
    ResourceStatus.PUBLISHED: frozenset({ResourceStatus.IN_REVIEW, ResourceStatus.ARCHIVED}),
    ResourceStatus.ARCHIVED: frozenset({ResourceStatus.DRAFT}),
}

# The fields a revision keeps and a restore puts back (status is not restored: it moves only
# through the workflow).
SNAPSHOT_FIELDS = [
    "kind", "title", "slug", "summary", "body", "link", "file", "place", "topics", "audiences", "evidence_level",
    "cost_notes", "staffing_notes", "contact_name", "contact_email", "contact_consent", "review_by",
]  # fmt: skip
TEXT_FIELDS = ("title", "summary", "body", "cost_notes", "staffing_notes")


def _library_changed() -> None:
    """Cached facet counts are forgotten now and again once the change is committed, so that no
    request in between can keep the old counts."""
    selectors.facets_changed()
    transaction.on_commit(selectors.facets_changed)


def _require_curator(user: User | None) -> None:
    if user is None or not getattr(user, "is_curator", False):
        raise PermissionDenied("Only national curators change library resources.")


def unique_slug(title: str, *, exclude_id: int | None = None) -> str:
    base = slugify(title)[:200] or "resource"
    slug, n = base, 2
    while Resource.objects.filter(slug=slug).exclude(pk=exclude_id).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def resource_snapshot(resource: Resource) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(resource, name)
        if name == "file":
            value = value.name if value else ""
        elif name == "review_by":
            value = value.isoformat() if value else None
        elif isinstance(value, list):
            value = list(value)
        data[name] = value
    data["cities"] = sorted(resource.cities.values_list("pk", flat=True))
    data["credited_city"] = resource.credited_city_id
    data["framework_items"] = sorted(resource.framework_items.values_list("pk", flat=True))
    data["outcomes"] = [
        {"metric": o.metric, "before": o.before, "after": o.after, "period": o.period, "source": o.source}
        for o in resource.outcomes.all()
    ]
    return data


def _record_revision(*, resource: Resource, by: User | None, note: str) -> Revision:
    last = resource.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return Revision.objects.create(
        resource=resource,
        number=last + 1,
        snapshot=resource_snapshot(resource),
        status=resource.status,
        note=note[:300],
        by=by,
    )


def _apply_fields(resource: Resource, fields: dict[str, Any]) -> dict[str, Any]:
    """Set plain fields; return the relations (cities, framework_items, outcomes) to set after saving."""
    relations = {k: fields.pop(k) for k in ("cities", "framework_items", "outcomes") if k in fields}
    for name, value in fields.items():
        if name in TEXT_FIELDS and isinstance(value, str):
            value = strip_controls(value)
        setattr(resource, name, value)
    resource.body_html = render_markdown(resource.body)
    return relations


def _apply_relations(resource: Resource, relations: dict[str, Any]) -> None:
    if "cities" in relations:
        resource.cities.set(relations["cities"])
    if "framework_items" in relations:
        resource.framework_items.set(relations["framework_items"])
    if "outcomes" in relations:
        resource.outcomes.all().delete()
        OutcomeRow.objects.bulk_create(
            OutcomeRow(
                resource=resource,
                position=i,
                **{k: (row.get(k) or "") for k in ("metric", "before", "after", "period", "source")},
            )
            for i, row in enumerate(relations["outcomes"])
            if (row.get("metric") or "").strip()
        )


def resource_create(*, by: User | None, title: str, note: str = "Created.", **fields) -> Resource:
    """Create a draft resource (curators, or the acceptance of a city submission)."""
    with transaction.atomic():
        resource = Resource(title=title, status=ResourceStatus.DRAFT, created_by=by)
        fields.setdefault("slug", "")
        relations = _apply_fields(resource, {"title": title, **fields})
        if not resource.slug:
            resource.slug = unique_slug(title)
        resource.full_clean(exclude=["search"])
        resource.save()
        _apply_relations(resource, relations)
        _record_revision(resource=resource, by=by, note=note)
    return resource


def resource_update(*, resource: Resource, by: User, note: str = "", **fields) -> Resource:
    """Change a resource's content; the change is kept as a new revision."""
    _require_curator(by)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        relations = _apply_fields(resource, fields)
        if not resource.slug:
            resource.slug = unique_slug(resource.title, exclude_id=resource.pk)
        resource.full_clean(exclude=["search"])
        resource.save()
        _apply_relations(resource, relations)
        _record_revision(resource=resource, by=by, note=note or "Edited.")
        _library_changed()
    return resource


def resource_transition(*, resource: Resource, to: str, by: User | None, note: str = "") -> Resource:
    """Move a resource through draft -> in review -> published -> archived; curators only."""
    _require_curator(by)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if to not in RESOURCE_TRANSITIONS.get(resource.status, frozenset()):
            label = ResourceStatus(to).label.lower() if to in ResourceStatus.values else to
            raise ValidationError(
                f"A resource that is {resource.get_status_display().lower()} cannot become {label}."
            )
        if to == ResourceStatus.PUBLISHED:
            missing = [n for n in ("summary",) if not getattr(resource, n).strip()]
            if missing:
                raise ValidationError("A resource needs a summary before it is published.")
            if resource.published_at is None:
                resource.published_at = timezone.now()
        resource.status = to
        resource.save(update_fields=["status", "published_at", "updated_at"])
        _record_revision(
            resource=resource, by=by, note=note or f"Moved to {ResourceStatus(to).label.lower()}."
        )
        _library_changed()
    return resource


def revision_restore(*, revision: Revision, by: User) -> Resource:
    """Put a resource's content back as it was in `revision` (kept as a new revision)."""
    _require_curator(by)
    snap = dict(revision.snapshot)
    fields: dict[str, Any] = {name: snap[name] for name in SNAPSHOT_FIELDS if name in snap}
    if fields.get("review_by"):
        fields["review_by"] = date.fromisoformat(fields["review_by"])
    fields["slug"] = fields.get("slug") or ""
    if Resource.objects.filter(slug=fields["slug"]).exclude(pk=revision.resource_id).exists():
        fields["slug"] = ""
    fields["cities"] = list(City.objects.filter(pk__in=snap.get("cities", [])))
    fields["framework_items"] = list(FrameworkItem.objects.filter(pk__in=snap.get("framework_items", [])))
    fields["outcomes"] = snap.get("outcomes", [])
    credited = snap.get("credited_city")
    fields["credited_city"] = City.objects.filter(pk=credited).first() if credited else None
    return resource_update(
        resource=revision.resource, by=by, note=f"Restored revision {revision.number}.", **fields
    )


def resources_remind_review(*, today: date | None = None) -> int:
    """Email the curators about resources whose review-by date has passed; once per date."""
    today = today or timezone.localdate()
    due = list(
        Resource.objects.exclude(status=ResourceStatus.ARCHIVED)
        .filter(review_by__isnull=False, review_by__lte=today)
        .exclude(review_reminded_on__gte=F("review_by"))
        .order_by("review_by")
    )
    if not due:
        return 0
    curators = list(User.objects.filter(is_curator=True, is_active=True).values_list("email", flat=True))
    if curators:
        base = settings.SITE_URL.rstrip("/") if getattr(settings, "SITE_URL", "") else ""
        lines = [
            f"- {r.title} (review by {r.review_by:%d %B %Y}, {r.get_status_display().lower()}): "
            f"{base}{reverse('library:curate_edit', args=[r.pk])}"
            for r in due
        ]
        send_mail(
            subject=f"{len(due)} library resource{'s' if len(due) != 1 else ''} due for review",
            message="These resources passed their review-by date. Check that they are still right, "
            "then set a new review-by date or archive them.\n\n" + "\n".join(lines),
            from_email=None,
            recipient_list=curators,
        )
    Resource.objects.filter(pk__in=[r.pk for r in due]).update(review_reminded_on=today)
    return len(due)


# Frameworks ------------------------------------------------------------------------------


def framework_create(
    *,
    name: str,
    slug: str = "",
    description: str = "",
    source_url: str = "",
    expected_items: int | None = None,
) -> Framework:
    framework = Framework(
        name=name.strip(),
        slug=slug or slugify(name)[:80],
        description=description,
        source_url=source_url,
        expected_items=expected_items,
    )
    framework.full_clean()
    framework.save()
    return framework


def framework_load_csv(*, framework: Framework, data: bytes) -> dict[str, Any]:
    """Load items from a CSV. All or nothing: any bad row and nothing is written.

    Returns {"errors": [...], "added": n, "updated": n, "unchanged": n}.
    """
    rows, errors = framework_csv.parse(data)
    result: dict[str, Any] = {"errors": errors, "added": 0, "updated": 0, "unchanged": 0}
    if errors:
        return result
    with transaction.atomic():
        existing = {
            i.number: i for i in FrameworkItem.objects.select_for_update().filter(framework=framework)
        }
        to_add, to_update = [], []
        before: dict[int, dict[str, Any]] = {}
        for row in rows:
            item = existing.get(row.number)
            values = {
                "pillar_number": row.pillar_number,
                "pillar_name": row.pillar_name,
                "item_type": row.item_type,
                "text": row.text,
            }
            if item is None:
                to_add.append(
                    FrameworkItem(
                        framework=framework,
                        number=row.number,
                        sort_key=framework_csv.sort_key(row.number),
                        **values,
                    )
                )
            elif any(getattr(item, k) != v for k, v in values.items()):
                before[item.pk] = _item_snapshot(item)
                for k, v in values.items():
                    setattr(item, k, v)
                to_update.append(item)
            else:
                result["unchanged"] += 1
        FrameworkItem.objects.bulk_create(to_add)
        if to_update:
            FrameworkItem.objects.bulk_update(
                to_update, ["pillar_number", "pillar_name", "item_type", "text"]
            )
        FrameworkItemChange.objects.bulk_create(
            FrameworkItemChange(
                item=item,
                action=ItemChangeAction.LOADED,
                before=before.get(item.pk),
                after=_item_snapshot(item),
            )
            for item in [*to_add, *to_update]
        )
        result["added"], result["updated"] = len(to_add), len(to_update)
        _library_changed()
    return result


ITEM_FIELDS = ("pillar_number", "pillar_name", "item_type", "number", "text")


def _item_snapshot(item: FrameworkItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ITEM_FIELDS}


def _item_changed(
    *, item: FrameworkItem, action: str, before: dict | None, by: User | None, note: str = ""
) -> FrameworkItemChange:
    return FrameworkItemChange.objects.create(
        item=item, action=action, before=before, after=_item_snapshot(item), by=by, note=note[:500]
    )


def framework_item_save(
    *, framework: Framework, item: FrameworkItem | None = None, by: User | None = None, **fields
) -> FrameworkItem:
    """Add an item or edit one. The item keeps its id, so every city's status and evidence on it stay;
    the change is recorded in the item's history. The item's place in the order follows its number
    when it is new or its number changes; otherwise a curator's reordering is kept."""
    item = item or FrameworkItem(framework=framework)
    if item.framework_id != framework.pk:
        raise ValidationError("That item belongs to another framework.")
    with transaction.atomic():
        is_new = item.pk is None
        before = None if is_new else _item_snapshot(FrameworkItem.objects.select_for_update().get(pk=item.pk))
        for name, value in fields.items():
            setattr(item, name, value)
        if is_new or (before and before["number"] != item.number):
            item.sort_key = framework_csv.sort_key(item.number)
        item.full_clean()
        if before == _item_snapshot(item):
            return item
        item.save()
        action = ItemChangeAction.ADDED if is_new else ItemChangeAction.EDITED
        _item_changed(item=item, action=action, before=before, by=by)
    _library_changed()
    return item


def framework_item_move(*, item: FrameworkItem, direction: str, by: User | None) -> FrameworkItem:
    """Move an item one place up or down among the framework's items still in use (it trades places
    with its neighbour). At either end nothing moves and the curator is told why."""
    if direction not in ("up", "down"):
        raise ValidationError("Move an item up or down.")
    with transaction.atomic():
        items = list(
            FrameworkItem.objects.select_for_update()
            .filter(framework_id=item.framework_id, retired_at__isnull=True)
            .order_by("sort_key", "id")
        )
        ids = [i.pk for i in items]
        if item.pk not in ids:
            raise ValidationError("A retired item has no place in the order; bring it back first.")
        at = ids.index(item.pk)
        to = at - 1 if direction == "up" else at + 1
        if not 0 <= to < len(items):
            raise ValidationError(
                f"Item {item.number} is already {'first' if direction == 'up' else 'last'}."
            )
        # The two items trade their order keys; every other item keeps its own, so an item added
        # later still finds its place by its number.
        moved, neighbour = items[at], items[to]
        moved.sort_key, neighbour.sort_key = neighbour.sort_key, moved.sort_key
        FrameworkItem.objects.bulk_update([moved, neighbour], ["sort_key"])
        _item_changed(
            item=moved,
            action=ItemChangeAction.MOVED,
            before={**_item_snapshot(moved), "position": at + 1},
            by=by,
            note=f"Moved {direction}, {'before' if direction == 'up' else 'after'} item {neighbour.number}.",
        )
        FrameworkItemChange.objects.filter(pk=moved.changes.latest("id").pk).update(
            after={**_item_snapshot(moved), "position": to + 1}
        )
    _library_changed()
    moved.refresh_from_db()
    return moved


def framework_item_retire(*, item: FrameworkItem, note: str, by: User | None) -> FrameworkItem:
    """Retire an item: cities no longer see it and it is not counted as loaded, but it is kept with
    every city's status and evidence, and can be brought back."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why the item is retired (for example: not in the report)."})
    with transaction.atomic():
        item = FrameworkItem.objects.select_for_update().get(pk=item.pk)
        if item.retired_at is not None:
            raise ValidationError(f"Item {item.number} is already retired.")
        item.retired_at = timezone.now()
        item.retired_note = note[:500]
        item.save(update_fields=["retired_at", "retired_note", "updated_at"])
        _item_changed(
            item=item, action=ItemChangeAction.RETIRED, before=_item_snapshot(item), by=by, note=note
        )
    _library_changed()
    return item


def framework_item_restore(*, item: FrameworkItem, by: User | None) -> FrameworkItem:
    with transaction.atomic():
        item = FrameworkItem.objects.select_for_update().get(pk=item.pk)
        if item.retired_at is None:
            raise ValidationError(f"Item {item.number} is in use, not retired.")
        item.retired_at = None
        item.retired_note = ""
        item.sort_key = framework_csv.sort_key(item.number)
        item.save(update_fields=["retired_at", "retired_note", "sort_key", "updated_at"])
        _item_changed(item=item, action=ItemChangeAction.RESTORED, before=_item_snapshot(item), by=by)
    _library_changed()
    return item


def city_framework_status_set(
    *, city: City, item: FrameworkItem, status: str, notes: str = "", by: User | None
) -> CityFrameworkStatus:
    record, _ = CityFrameworkStatus.objects.for_city(city).get_or_create(city=city, item=item)
    record.status = status
    record.notes = notes
    record.updated_by = by
    record.full_clean()
    record.save()
    return record


def evidence_link_add(*, record: CityFrameworkStatus, kind: str, label: str, url: str) -> EvidenceLink:
    link = EvidenceLink(city=record.city, status=record, kind=kind, label=label.strip(), url=url.strip())
    link.full_clean()  # the url: http(s) or a path of this app only (library.validators)
    link.save()
    return link


def item_evidence_add(
    *,
    city: City,
    item: FrameworkItem,
    record: CityFrameworkStatus | None,
    by: User | None,
    kind: str,
    label: str,
    url: str,
) -> EvidenceLink:
    """Evidence for a framework item; an item the city has not rated yet is recorded as not started."""
    if record is None:
        record = city_framework_status_set(
            city=city, item=item, status=FrameworkStatusChoice.NOT_STARTED, by=by
        )
    return evidence_link_add(record=record, kind=kind, label=label, url=url)


def evidence_link_remove(*, city: City, link_id: int) -> None:
    EvidenceLink.objects.for_city(city).filter(pk=link_id).delete()


# Adoptions -------------------------------------------------------------------------------


def adoption_set(
    *, city: City, resource: Resource, status: str, notes: str = "", outcome: str = "", by: User | None
) -> Adoption:
    if resource.status != ResourceStatus.PUBLISHED:
        raise ValidationError("Only published practices can be adopted.")
    if status not in AdoptionStatus.values:
        raise ValidationError("Choose a status.")
    adoption, _ = Adoption.objects.for_city(city).get_or_create(
        city=city, resource=resource, defaults={"status": status, "updated_by": by}
    )
    adoption.status = status
    adoption.notes = notes
    adoption.outcome = outcome
    adoption.updated_by = by
    adoption.full_clean()
    adoption.save()
    return adoption


def adoption_remove(*, city: City, resource: Resource) -> None:
    Adoption.objects.for_city(city).filter(resource=resource).delete()


# Submissions ------------------------------------------------------------------------------

SUBMISSION_FIELDS = (
    "kind", "title", "summary", "what_we_did", "partners", "how_it_went", "link", "topics",
    "contact_name", "contact_email", "contact_consent",
)  # fmt: skip


def submission_create(*, city: City, by: User, **fields) -> Submission:
    submission = Submission(
        city=city, submitted_by=by, **{k: fields[k] for k in SUBMISSION_FIELDS if k in fields}
    )
    submission.full_clean()
    submission.save()
    return submission


def submission_update(*, submission: Submission, by: User, **fields) -> Submission:
    """The city changes its submission, as a curator asked; it goes back to the curators."""
    if submission.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.CHANGES_REQUESTED):
        raise ValidationError("A submission that was accepted or declined cannot be changed.")
    for name in SUBMISSION_FIELDS:
        if name in fields:
            setattr(submission, name, fields[name])
    submission.status = SubmissionStatus.SUBMITTED
    submission.full_clean()
    submission.save()
    return submission


def _submission_body(submission: Submission) -> str:
    parts = [f"## What {submission.city.name} did\n\n{submission.what_we_did.strip()}"]
    if submission.partners.strip():
        parts.append(f"## With whom\n\n{submission.partners.strip()}")
    parts.append(f"## What came of it\n\n{submission.how_it_went.strip() or 'Outcome not yet documented.'}")
    if submission.story_figures:
        lines = [
            f"- {f.get('label', '')}: {f.get('value', '')} (source: {f.get('source', '')})"
            for f in submission.story_figures
        ]
        parts.append("## Figures\n\n" + "\n".join(lines))
    if submission.story_source:
        parts.append(f"*A story {submission.city.name} told the league, started from {submission.story_source.lower()}.*")
    return "\n\n".join(parts)


# City stories -----------------------------------------------------------------------------


def story_draft(*, city: City, key: str) -> stories.StoryFacts:
    """The facts a story starts from (`cities.stories`); a piece that cannot be told is refused."""
    facts = stories.facts(city=city, key=key)
    if facts is None:
        raise ValidationError(
            "This cannot be told as a story: it is not reported, published or kept yet, or it is gone."
        )
    return facts


def story_initial(facts: stories.StoryFacts) -> dict[str, Any]:
    """The submission form's first draft from the facts (the figures travel beside it, as they are)."""
    return {
        "kind": facts.kind,
        "title": facts.title[:200],
        "summary": facts.summary,
        "what_we_did": facts.what_we_did,
        "partners": facts.partners,
        "how_it_went": facts.how_it_went.strip(),
        "topics": list(facts.topics),
    }


def story_submit(*, city: City, by: User, key: str, **fields) -> Submission:
    """The city sends its story: a submission the curators review like any other, carrying the
    piece it was started from and the figures (with their sources) the app knew when it was sent."""
    facts = story_draft(city=city, key=key)
    submission = Submission(
        city=city,
        submitted_by=by,
        story_key=facts.key,
        story_source=facts.source_label,
        story_figures=facts.figures_as_data(),
        **{k: fields[k] for k in SUBMISSION_FIELDS if k in fields},
    )
    submission.full_clean()
    submission.save()
    return submission


# The league's weekly digest ---------------------------------------------------------------


def network_digest_send(*, now: datetime | None = None, days: int = 7) -> int:
    """Email the curators what the network did this week: stories accepted into the library and
    published, stories waiting for a decision (a count), and milestones (published ones only).
    Answers how many curators were written to (0 when there was nothing to say)."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    news = selectors.network_news(since=since)
    waiting = Submission.objects.exclude(story_key="").filter(status=SubmissionStatus.SUBMITTED).count()
    if not news and not waiting:
        return 0
    curators = list(User.objects.filter(is_curator=True, is_active=True).values_list("email", flat=True))
    if not curators:
        return 0
    base = settings.SITE_URL.rstrip("/") if getattr(settings, "SITE_URL", "") else ""
    lines = [f"- {item['date']:%d %B %Y}: {item['title']}" + (f" {base}{item['url']}" if item["url"] else "")
             for item in news]  # fmt: skip
    body = "What the cities of the network did since " + f"{since:%d %B %Y}.\n\n"
    body += "\n".join(lines) if lines else "No new published stories or milestones this week."
    if waiting:
        body += (
            f"\n\n{waiting} stor{'ies are' if waiting != 1 else 'y is'} waiting for a curator: "
            f"{base}{reverse('library:curate_submissions')}"
        )
    body += f"\n\nThe network view: {base}{reverse('library:network')}"
    send_mail(
        subject=f"The network this week: {len(news)} new stor{'ies' if len(news) != 1 else 'y'} and milestones",
        message=body,
        from_email=None,
        recipient_list=curators,
    )
    return len(curators)


def submission_decide(*, submission: Submission, decision: str, reason: str, by: User) -> Submission:
    """A curator accepts (a draft resource crediting the city), asks for changes, or declines."""
    _require_curator(by)
    if decision not in (
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.CHANGES_REQUESTED,
        SubmissionStatus.DECLINED,
    ):
        raise ValidationError("Choose accept, ask for changes or decline.")
    reason = reason.strip()
    if decision != SubmissionStatus.ACCEPTED and not reason:
        raise ValidationError({"reason": "Tell the city why, so they know what to do next."})
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("city").get(pk=submission.pk)
        if submission.status != SubmissionStatus.SUBMITTED:
            raise ValidationError("This submission is not waiting for a decision.")
        if decision == SubmissionStatus.ACCEPTED:
            submission.resource = resource_create(
                by=by,
                title=submission.title,
                kind=submission.kind,
                summary=submission.summary,
                body=_submission_body(submission),
                link=submission.link,
                topics=list(submission.topics),
                contact_name=submission.contact_name if submission.contact_consent else "",
                contact_email=submission.contact_email if submission.contact_consent else "",
                contact_consent=submission.contact_consent,
                credited_city=submission.city,
                cities=[submission.city],
                note=f"Accepted from {submission.city}'s submission.",
            )
        submission.status = decision
        submission.curator_reason = reason
        submission.decided_by = by
        submission.decided_at = timezone.now()
        submission.save()
    return submission
