"""REAL trainings in the real Chromium: a curator offers a training and schedules a session; staff in
two cities register; the curator checks them in; completions and the survey's means appear for each
city's lead and for the curator, and a city with 4 answers sees no results. Every page passes the
accessibility check, scrolls nothing sideways at 1280 and 320 px, and breaks no CSP rule."""

import math
from datetime import timedelta

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cities.models import Membership
from tests import builders
from tests.factories import CityFactory
from trainings import services, survey
from trainings.models import Completion, Registration, Session, SurveyResponse, Training

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "Facilitating Race Conversations"


def _checked(page, check_a11y, what):
    check_a11y(page, context=what)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{what} scrolls sideways"


def _half_up_mean(frame):
    return (frame.sum() * 10 / len(frame) + 0.5).apply(math.floor) / 10


def _answer_in_browser(page, values):
    for key, value in zip(survey.ITEM_KEYS, values, strict=True):
        page.locator(f'input[name="{key}"][value="{value}"]').check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".messages")).to_contain_text("kept without your name")


def _values(i):
    return [(i * 2 + k) % 5 + 1 for k in range(len(survey.ITEM_KEYS))]


def test_a_league_training_from_offer_to_survey_results(browser, live_server, sign_in, check_a11y):
    north, south = CityFactory(name="Northport"), CityFactory(name="Southvale")
    lead_north, lead_south = builders.member(north, "lead"), builders.member(south, "lead")
    staff_north = builders.member(north, "staff", full_name="Nora North")
    staff_south = builders.member(south, "staff", full_name="Sam South")
    curator = builders.shared_curator()
    resource = builders.practice(title="Talking about race at work")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    csp_errors = []
    page = context.new_page()
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)

    # The curator offers the training to every city and schedules a session in an hour.
    sign_in(page, curator)
    page.goto(reverse("trainings:network"))
    _checked(page, check_a11y, "network page, empty")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label(resource.title).check()
    page.get_by_label("Staff", exact=True).check()
    page.get_by_label("Format").select_option("workshop")
    page.get_by_label("Length (minutes)").fill("180")
    page.get_by_role("button", name="Save the training").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    _checked(page, check_a11y, "league training")
    training = Training.objects.get(title=TITLE)
    assert training.is_league and list(training.curriculum.all()) == [resource]
    starts = timezone.localtime() + timedelta(hours=1)
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Online or in person").select_option("online")
    page.get_by_label("Meeting link").fill("https://meet.example.org/real-frc")
    page.get_by_label("Capacity").fill("20")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    session = Session.objects.get(training=training)
    _checked(page, check_a11y, "league session, nobody yet")

    # Staff in two cities register in the browser and answer the survey before the training.
    for user, city in ((staff_north, north), (staff_south, south)):
        sign_in(page, user)
        page.goto(reverse("trainings:index", args=[city.slug]))
        _checked(page, check_a11y, f"trainings of {city.name}")
        page.get_by_role("link", name=TITLE).click()
        _checked(page, check_a11y, "training page for staff")
        page.locator("tbody a").first.click()  # the session, by its date
        page.get_by_role("button", name="Register").click()
        expect(page.locator(".messages")).to_contain_text("You are registered")
        _checked(page, check_a11y, "session, registered")
        page.get_by_role("link", name="Answer the short survey before the training").click()
        _checked(page, check_a11y, "survey before")
        _answer_in_browser(page, [2, 2, 3, 2])
    # More staff register the ordinary way (the services the pages call): 5 in all in Northport,
    # 4 in Southvale.
    others = []
    for city, n in ((north, 4), (south, 3)):
        for _ in range(n):
            user = builders.member(city, "staff")
            others.append(
                services.registration_create(
                    session=session, membership=Membership.objects.for_city(city).get(user=user)
                )
            )
    assert Registration.objects.filter(session=session, status="registered").count() == 9

    # The curator checks everyone in from the list.
    sign_in(page, curator)
    page.goto(reverse("trainings:network_session", args=[session.pk]))
    _checked(page, check_a11y, "check-in list")
    expect(page.locator("tbody tr")).to_have_count(9)
    for registration in Registration.objects.filter(session=session):
        page.locator(f'label[for="present-{registration.pk}"]').click()
    page.get_by_role("button", name="Save the check-in").click()
    expect(page.locator(".messages")).to_contain_text("9 checked in")
    assert Completion.objects.filter(training=training).count() == 9

    # Each answers the survey after: the two in the browser, the others through the service.
    post_answers = []
    for i, (user, city) in enumerate(((staff_north, north), (staff_south, south))):
        sign_in(page, user)
        page.goto(reverse("trainings:session", args=[city.slug, session.pk]))
        page.get_by_role("link", name="Answer the short survey after the training").click()
        _answer_in_browser(page, _values(i))
        post_answers.append((city.pk, _values(i)))
        completion = Completion.objects.get(user=user)
        page.goto(reverse("trainings:certificate", args=[city.slug, completion.pk]))
        expect(page.locator(".certificate")).to_contain_text(user.full_name)
        expect(page.locator(".certificate")).to_contain_text(TITLE)
        _checked(page, check_a11y, "certificate")
    for i, registration in enumerate(others, start=2):
        services.survey_answer(
            registration=registration,
            kind="post",
            answers=dict(zip(survey.ITEM_KEYS, _values(i), strict=True)),
        )
        post_answers.append((registration.city_id, _values(i)))

    # Independent counts and means from the rows.
    responses = pd.DataFrame(
        [{"id": r.pk, "city": r.city_id, **r.answers} for r in SurveyResponse.objects.filter(kind="post")]
    ).sort_values("id")
    assert sorted(map(tuple, responses[list(survey.ITEM_KEYS)].values.tolist())) == sorted(
        tuple(v) for _, v in post_answers
    )
    north_rows = responses[responses.city == north.pk][list(survey.ITEM_KEYS)]
    assert len(north_rows) == 5 and len(responses[responses.city == south.pk]) == 4
    north_means = _half_up_mean(north_rows.iloc[:5])
    network_means = _half_up_mean(responses[list(survey.ITEM_KEYS)].iloc[:5])

    # Northport's lead: completions by role and the city's means (5 answers).
    sign_in(page, lead_north)
    page.goto(reverse("trainings:people", args=[north.slug]))
    _checked(page, check_a11y, "who has taken what")
    staff_total = Membership.objects.for_city(north).filter(role="staff").count()
    expect(page.locator(".coverage")).to_contain_text(f"5 of {staff_total} staff members have taken {TITLE}")
    page.goto(reverse("trainings:detail", args=[north.slug, training.pk]))
    _checked(page, check_a11y, "training page for the lead, with results")
    expect(page.locator("#survey-caption")).to_be_visible()
    for key, label in survey.ITEMS:
        expect(page.locator("tr", has_text=label)).to_contain_text(f"{north_means[key]:.1f}")
    expect(page.locator("table").last).to_contain_text("mean of 5 of 5 answers")

    # Southvale's lead: 4 answers show nothing.
    sign_in(page, lead_south)
    page.goto(reverse("trainings:detail", args=[south.slug, training.pk]))
    _checked(page, check_a11y, "training page, 4 answers")
    expect(page.locator(".usa-alert")).to_contain_text("Not shown: fewer than 5 answers")
    assert page.locator("#survey-caption").count() == 0

    # The curator: completions by city and the network's means (the first 5 of 9 answers).
    sign_in(page, curator)
    page.goto(reverse("trainings:network"))
    _checked(page, check_a11y, "network page")
    expect(page.locator("tr", has_text="Northport")).to_contain_text("5")
    expect(page.locator("tr", has_text="Southvale")).to_contain_text("4")
    page.goto(reverse("trainings:network_training", args=[training.pk]))
    expect(page.locator("table").last).to_contain_text("mean of 5 of 9 answers")
    for key, label in survey.ITEMS:
        expect(page.locator("tr", has_text=label)).to_contain_text(f"{network_means[key]:.1f}")
    _checked(page, check_a11y, "league training with results")

    # The same pages at 320 px.
    phone = browser.new_context(viewport={"width": 320, "height": 700}, base_url=live_server.url).new_page()
    phone.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    for user, urls in (
        (curator, [reverse("trainings:network"), reverse("trainings:network_training", args=[training.pk]),
                   reverse("trainings:network_session", args=[session.pk])]),
        (lead_north, [reverse("trainings:index", args=[north.slug]), reverse("trainings:people", args=[north.slug]),
                      reverse("trainings:detail", args=[north.slug, training.pk]),
                      reverse("trainings:session", args=[north.slug, session.pk]),
                      reverse("trainings:new", args=[north.slug])]),
        (staff_north, [reverse("trainings:certificate", args=[north.slug, Completion.objects.get(user=staff_north).pk]),
                       reverse("trainings:survey", args=[north.slug, session.pk, "post"])]),
    ):  # fmt: skip
        sign_in(phone, user)
        for url in urls:
            assert phone.goto(live_server.url + url).status == 200, url
            _checked(phone, check_a11y, f"{url} at 320px")
    assert csp_errors == [], csp_errors
    context.close()
