"""Every page of the section renders for a lead, with data, and the landing's links work."""

import re

import pytest

from relationships import services


@pytest.mark.django_db
def test_every_page_renders_for_a_lead(client_as, city, city_page, make_relationship, today):
    client = client_as(city, "lead")
    r = make_relationship(city, owner=client.user, met_days_ago=40, district="North", email="x@example.org")
    services.trust_assess(relationship=r, score=2, by=client.user)
    event = services.crisis_event_create(city=city, title="Shooting downtown", occurred_on=today, created_by=client.user)
    meeting = services.meeting_log(
        city=city, date=today, kind="crisis", created_by=client.user, relationships=[r], crisis_event=event,
        commitments=[services.CommitmentDraft(what="Release the footage", owed_by="Police chief")],
    )
    commitment = meeting.commitments.get()
    batch = services.stakeholder_import_preview(city=city, filename="c.csv", raw=b"name,email\nA,a@example.org\n", by=client.user)
    pages = [
        city_page("index"), city_page("directory"), city_page("stakeholder_new"), city_page("stakeholder_import"),
        city_page("import_preview", batch.pk), city_page("import_report", batch.pk),
        city_page("stakeholder_detail", r.stakeholder.pk), city_page("stakeholder_edit", r.stakeholder.pk),
        city_page("relationship_list"), city_page("relationship_new"), city_page("relationship_detail", r.pk),
        city_page("relationship_edit", r.pk), city_page("meeting_list"), city_page("meeting_new"),
        city_page("meeting_detail", meeting.pk), city_page("commitment_list"), city_page("commitment_new"),
        city_page("commitment_detail", commitment.pk), city_page("trust_gaps"), city_page("readiness"),
        city_page("crisis_new"), city_page("crisis_detail", event.pk),
        f"/p/{city.slug}/commitments/", f"/c/{city.slug}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        body = response.content.decode()
        # Strict CSP: no inline style, every script carries this response's nonce.
        assert " style=" not in body, url
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert f'nonce="{nonce}"' in tag, (url, tag)


@pytest.mark.django_db
def test_a_city_and_a_person_can_be_deleted(city, member_of, make_relationship, today):
    from cities.models import City
    from relationships.models import Relationship

    owner = member_of(city, "staff")
    r = make_relationship(city, owner=owner, met_days_ago=3)
    services.trust_assess(relationship=r, score=3, by=owner)
    services.commitment_create(city=city, what="x", owed_by="y", owner=owner, owed_to_stakeholder=r.stakeholder)
    owner.delete()
    r.refresh_from_db()
    assert r.owner is None
    city.delete()
    assert not City.objects.filter(pk=city.pk).exists() and not Relationship.objects.exists()
