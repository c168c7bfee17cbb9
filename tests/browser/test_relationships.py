"""Relationships in the real Chromium: add a stakeholder, log a meeting from a phone, pages accessible."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from relationships import services
from relationships.models import Commitment, Meeting, Stakeholder

pytestmark = pytest.mark.django_db(transaction=True)


def _url(live_server, name, city, *args):
    return live_server.url + reverse(f"relationships:{name}", args=[city.slug, *args])


def test_add_a_stakeholder_and_record_consent(page, live_server, member_of, city, sign_in, check_a11y):
    lead = member_of(city, "lead")
    sign_in(page, lead)
    page.goto(_url(live_server, "directory", city))
    check_a11y(page, context="empty directory")
    page.get_by_role("link", name="Add a stakeholder").first.click()
    page.get_by_role("button", name="Save stakeholder").click()
    expect(page.locator("main")).to_contain_text("This field is required")
    check_a11y(page, context="stakeholder form with errors")
    page.get_by_label("Name").fill("Rev. Ada Jones")
    page.get_by_label("Group").select_option("faith")
    page.get_by_label("District or neighbourhood").fill("Eastside")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_role("button", name="Save stakeholder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rev. Ada Jones")
    expect(page.locator("main")).to_contain_text("Hidden until consent is recorded")
    check_a11y(page, context="stakeholder page")
    page.locator("summary", has_text="Record consent").click()
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("link", name="ada@example.org")).to_be_visible()
    page.get_by_role("button", name="Record withdrawal of consent").click()
    expect(page.locator("main")).to_contain_text("Hidden: consent withdrawn")
    expect(page.get_by_role("link", name="ada@example.org")).to_have_count(0)
    # The directory filters with htmx, and the result is still accessible.
    page.goto(_url(live_server, "directory", city))
    page.get_by_label("Group").select_option("youth")
    expect(page.locator("#results")).to_contain_text("No stakeholder matches")
    assert "group=youth" in page.url
    check_a11y(page, context="filtered directory")
    assert Stakeholder.objects.get().consent_withdrawn_at is not None


def test_log_a_meeting_on_a_phone_and_see_the_relationship_back_on_track(
    phone, live_server, member_of, city, sign_in, check_a11y
):
    staff = member_of(city, "staff")
    today = timezone.localdate()
    s = services.stakeholder_create(city=city, name="Eastside Pastors", group="faith", district="Eastside")
    r = services.relationship_create(city=city, owner=staff, stakeholder=s, cadence_days=30,
                                     owner_office="Police chief's office", started_on=today - timedelta(days=60))
    sign_in(phone, staff)
    phone.goto(_url(live_server, "relationship_detail", city, r.pk))
    expect(phone.locator("main")).to_contain_text("Overdue")
    check_a11y(phone, context="overdue relationship at 320px")
    phone.get_by_role("link", name="Log a meeting").first.click()
    check_a11y(phone, context="meeting form at 320px")
    # The relationship is ticked already (we came from it); the date is today.
    expect(phone.get_by_label("Eastside Pastors (Police chief's office)")).to_be_checked()
    phone.get_by_label("Decisions").fill("Meet at the church in a month.")
    phone.get_by_label("Commitment made").fill("Share stop data by district")
    phone.get_by_label("Who owes it").fill("Police chief's office")
    phone.get_by_role("button", name="Add another commitment").click()
    expect(phone.get_by_label("Commitment made").first).to_have_value("Share stop data by district")
    expect(phone.get_by_label("Commitment made")).to_have_count(2)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    phone.get_by_role("button", name="Save meeting").click()
    expect(phone.locator(".message--success")).to_contain_text("1 commitment")
    check_a11y(phone, context="meeting page at 320px")
    phone.get_by_role("link", name="Eastside Pastors").first.click()
    expect(phone.locator("main")).to_contain_text("On track")
    check_a11y(phone, context="relationship back on track at 320px")
    meeting = Meeting.objects.get()
    commitment = Commitment.objects.get()
    assert commitment.meeting == meeting and commitment.source_label.startswith("Meeting: ")


@pytest.mark.parametrize("role", ["lead", "viewer"])
def test_every_page_is_accessible(browser, live_server, member_of, city, sign_in, check_a11y, role):
    user = member_of(city, role)
    lead = user if role == "lead" else member_of(city, "lead")
    today = timezone.localdate()
    s = services.stakeholder_create(city=city, name="Youth Voices", group="youth", district="North",
                                    email="yv@example.org", kind="organisation")
    r = services.relationship_create(city=city, owner=lead, stakeholder=s, started_on=today - timedelta(days=40))
    services.trust_assess(relationship=r, score=3, by=lead)
    event = services.crisis_event_create(city=city, title="Flood", occurred_on=today, created_by=lead)
    meeting = services.meeting_log(city=city, date=today, kind="crisis", created_by=lead, relationships=[r],
                                   crisis_event=event, private_notes="n",
                                   commitments=[services.CommitmentDraft(what="Open a shelter", owed_by="Mayor")])
    c = meeting.commitments.get()
    services.commitment_publish(commitment=c, public_summary="The city opened a shelter.", by=lead)
    batch = services.stakeholder_import_preview(
        city=city, filename="c.csv", by=lead,
        raw=b"name,email,group\nNew Person,n@example.org,faith\nYouth Voices,,youth\n,x@example.org,faith\n")
    pages = [("index",), ("directory",), ("stakeholder_detail", s.pk), ("relationship_list",),
             ("relationship_detail", r.pk), ("meeting_list",), ("meeting_detail", meeting.pk),
             ("commitment_list",), ("commitment_detail", c.pk), ("trust_gaps",), ("readiness",),
             ("crisis_detail", event.pk)]
    if role == "lead":
        pages += [("stakeholder_new",), ("stakeholder_edit", s.pk), ("stakeholder_import",),
                  ("import_preview", batch.pk), ("relationship_new",), ("relationship_edit", r.pk),
                  ("meeting_new",), ("commitment_new",), ("crisis_new",)]
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, user)
        urls = [_url(live_server, name, city, *args) for name, *args in pages]
        urls += [live_server.url + f"/p/{city.slug}/commitments/", live_server.url + f"/c/{city.slug}/"]
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            check_a11y(page, context=f"as {role} at {width}px")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{url} scrolls sideways at {width}px"
        assert not [e for e in errors if "Content Security Policy" in e], errors
        context.close()
