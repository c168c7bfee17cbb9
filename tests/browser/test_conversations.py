"""Conversations in the real Chromium: plan to scheduled, register on a phone, check people in,
file the report on a phone; every page passes the accessibility check."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conversations import services
from conversations.models import CheckIn, Conversation, FacilitatorReport, Registration
from tests.builders import make_conversation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _no_csp_errors(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_plan_a_conversation_to_scheduled(page, live_server, member_of, city, sign_in, check_a11y):
    lead = member_of(city, "lead")
    facilitator = member_of(city, "facilitator", full_name="Frankie Facil")
    errors = _no_csp_errors(page)
    sign_in(page, lead)
    page.goto(live_server.url + reverse("conversations:index", args=[city.slug]))
    check_a11y(page, context="empty list")
    page.get_by_role("link", name="Plan a conversation").click()
    check_a11y(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Please correct")
    check_a11y(page, context="with errors")
    # exact: the form also has "Title in Spanish" and "Purpose in Spanish".
    page.get_by_label("Title:", exact=True).fill("Youth and police")
    page.get_by_label("Purpose:", exact=True).fill("Hear young people about stops.")
    page.get_by_label("Capacity").fill("25")
    page.get_by_label("Frankie Facil").check()
    page.get_by_label("Interpretation offered").check()
    page.get_by_label("Interpretation languages").fill("Spanish")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Youth and police")
    check_a11y(page, context="draft detail")
    page.get_by_role("link", name="Add a session").click()
    check_a11y(page)
    page.get_by_label("Date").fill("2031-05-06")
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("End time").fill("20:00")
    page.get_by_label("Venue").fill("Library hall")
    page.get_by_role("button", name="Save session").click()
    page.get_by_role("button", name="Schedule (open registration)").click()
    expect(page.locator(".status").first).to_have_text("Scheduled")
    check_a11y(page, context="scheduled detail")
    conversation = Conversation.objects.get(city=city)
    assert conversation.status == "scheduled" and list(conversation.facilitators.all()) == [facilitator]
    for name in ("Checklist", "Whose voices", "Registrations"):
        page.get_by_role("link", name=name, exact=True).click()
        check_a11y(page, context=name)
        page.go_back()
    page.goto(live_server.url + reverse("conversations:checklist", args=[city.slug, conversation.pk]))
    page.get_by_role("button", name="Done").first.click()
    expect(page.locator(".checklist__item.is-done")).to_have_count(1)
    page.goto(live_server.url + reverse("conversations:calendar", args=[city.slug]))
    check_a11y(page, context="calendar")
    page.goto(live_server.url + reverse("conversations:index", args=[city.slug]))
    page.get_by_label("Show").select_option("upcoming")
    expect(page.locator("#results")).to_contain_text("Youth and police")
    check_a11y(page, context="filtered list")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_register_publicly_on_a_phone(phone, city, check_a11y):
    conversation = make_conversation(
        city, capacity=1, title="Trust circle", interpretation=True, interpretation_languages="Spanish"
    )
    url = reverse("conversations:public_register", args=[city.slug, conversation.public_id])
    errors = _no_csp_errors(phone)
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Trust circle")
    check_a11y(phone)
    phone.get_by_role("button", name="Register").click()
    expect(phone.locator("main")).to_contain_text("Please correct")
    check_a11y(phone, context="with errors")
    phone.get_by_label("Your name").fill("Ana Diaz")
    phone.get_by_label("Email address").fill("ana@example.org")
    phone.get_by_label("Language you prefer (optional)").fill("Spanish")
    phone.get_by_label("Interpretation", exact=True).check()
    phone.get_by_label("I agree that").check()
    phone.get_by_role("button", name="Register").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are registered")
    check_a11y(phone, context="confirmed")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    phone.goto(url)
    phone.get_by_label("Your name").fill("Ben")
    phone.get_by_label("Email address").fill("ben@example.org")
    phone.get_by_role("button", name="Register").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    ana = Registration.objects.get(email="ana@example.org")
    assert ana.access_needs == ["interpretation"] and ana.consent_at is not None
    phone.goto(reverse("conversations:public_cancel", args=[city.slug, ana.cancel_token]))
    check_a11y(phone, context="cancel")
    phone.get_by_role("button", name="Cancel my registration").click()
    expect(phone.locator("main")).to_contain_text("is cancelled")
    assert Registration.objects.get(email="ben@example.org").status == "confirmed"
    phone.goto(reverse("conversations:public_feedback", args=[city.slug, conversation.feedback_token]))
    check_a11y(phone, context="feedback form")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_refused_registration_on_a_phone_keeps_what_was_typed(phone, city, check_a11y, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "conversations.register": "1/10m/ip"}
    conversation = make_conversation(city, title="Trust circle")
    url = reverse("conversations:public_register", args=[city.slug, conversation.public_id])
    errors = _no_csp_errors(phone)
    for name, email in (("Ana Diaz", "ana@example.org"), ("Ben Okafor", "ben@example.org")):
        phone.goto(url)
        phone.get_by_label("Your name").fill(name)
        phone.get_by_label("Email address").fill(email)
        phone.get_by_role("button", name="Register").click()
    expect(phone.get_by_role("alert")).to_contain_text("Please try again in 10 minutes")
    expect(phone.get_by_label("Your name")).to_have_value("Ben Okafor")
    expect(phone.get_by_label("Email address")).to_have_value("ben@example.org")
    check_a11y(phone, context="rate limited")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    assert list(Registration.objects.values_list("name", flat=True)) == ["Ana Diaz"]
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_check_people_in_on_a_phone(phone, city, member_of, sign_in, check_a11y):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator])
    services.registration_create(
        conversation=conversation, name="Ana Diaz", email="ana@example.org", group="youth"
    )
    services.registration_create(conversation=conversation, name="Ben Ode", email="ben@example.org")
    session = conversation.sessions.get()
    sign_in(phone, facilitator)
    phone.goto(reverse("conversations:check_in", args=[city.slug, conversation.pk, session.pk]))
    check_a11y(phone)
    phone.get_by_role("button", name="Check in Ana Diaz").click()
    expect(phone.locator("#roster-heading")).to_contain_text("Present: 1")
    phone.get_by_label("Name (optional)").fill("Door Person")
    phone.get_by_role("button", name="Add and check in").click()
    expect(phone.locator("#roster")).to_contain_text("Door Person")
    expect(phone.locator("#roster-heading")).to_contain_text("Present: 2")
    expect(phone.get_by_label("Name (optional)")).to_have_value("")
    phone.get_by_label("Find a name").fill("ben")
    expect(phone.locator("#roster")).not_to_contain_text("Ana Diaz")
    check_a11y(phone, context="after check-ins")
    assert CheckIn.objects.filter(session=session).count() == 2


def test_file_the_report_on_a_phone(phone, city, member_of, sign_in, check_a11y):
    facilitator = member_of(city, "facilitator")
    lead = member_of(city, "lead")
    conversation = make_conversation(city, facilitators=[facilitator], days_ahead=-1, title="Eastside circle")
    session = conversation.sessions.get()
    sign_in(phone, facilitator)
    phone.goto(reverse("conversations:detail", args=[city.slug, conversation.pk]))
    check_a11y(phone, context="facilitator's view")
    phone.get_by_role("link", name="File the report").click()
    check_a11y(phone)
    phone.get_by_label("Youth").fill("9")
    phone.get_by_label("Police officers").fill("2")
    phone.get_by_label("Themes heard").fill("stops, trust")
    phone.get_by_label("What was heard").fill("Stops feel random.")
    phone.get_by_role("button", name="Save draft").click()
    expect(phone.locator("main")).to_contain_text("Draft saved")
    phone.get_by_label("Quote (anonymised)").fill("Know my name first.")
    phone.get_by_label("The speaker agreed to be quoted anonymously").check()
    phone.get_by_role("button", name="Add quote").click()
    phone.get_by_label("What was promised").fill("Monthly open gym")
    phone.get_by_label("Who will do it").fill("Parks department")
    phone.get_by_role("button", name="Add commitment").click()
    expect(phone.locator("#commitments")).to_contain_text("Monthly open gym")
    phone.get_by_role("button", name="Submit report").click()
    expect(phone.locator("main")).to_contain_text("Report submitted")
    check_a11y(phone, context="submitted")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    report = FacilitatorReport.objects.get(session=session)
    assert report.attendance == {"youth": 9, "police": 2} and report.submitted_at
    conversation.refresh_from_db()
    assert conversation.status == "reported"
    # The lead reviews the quote from the same page.
    sign_in(phone, lead)
    phone.goto(reverse("conversations:report", args=[city.slug, conversation.pk, session.pk]))
    phone.get_by_role("button", name="Mark reviewed").click()
    expect(phone.locator("#quotes")).to_contain_text("Reviewed: may be shared")


def test_campaign_pages_are_accessible(page, live_server, city, member_of, sign_in, check_a11y):
    curator = UserFactory(is_curator=True)
    sign_in(page, curator)
    page.goto(live_server.url + reverse("conversations:network"))
    check_a11y(page)
    page.get_by_label("Title").fill("100 conversations")
    page.get_by_label("Starts on").fill("2031-01-01")
    page.get_by_label("Ends on").fill("2031-12-31")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("100 conversations")
    check_a11y(page, context="network campaign")
    campaign_id = int(page.url.rstrip("/").split("/")[-1])
    sign_in(page, member_of(city, "lead"))
    page.goto(live_server.url + reverse("conversations:campaign", args=[city.slug, campaign_id]))
    page.get_by_label("Conversations we pledge to hold").fill("5")
    page.get_by_role("button", name="Pledge").click()
    expect(page.locator("main")).to_contain_text("pledged 5 conversations")
    check_a11y(page, context="city campaign")


def test_curator_network_pages_pass_at_desktop_and_phone_width(
    browser, live_server, city, sign_in, check_a11y
):
    """The shared walk visits pages as city members; the curators' network pages are walked here,
    with a city that pledged and holds conversations, at 1280 and 320 px."""
    from tests.builders import full_conversation

    ids = full_conversation(city)
    curator = UserFactory(is_curator=True)
    urls = [
        reverse("conversations:network"),
        reverse("conversations:network_campaign", args=[ids["campaign_id"]]),
    ]
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        errors = _no_csp_errors(page)
        sign_in(page, curator)
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status < 400, (url, response.status)
            check_a11y(page, context=f"curator at {width}px")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{url} scrolls sideways at {width}px"
        assert errors == [], errors
        context.close()
