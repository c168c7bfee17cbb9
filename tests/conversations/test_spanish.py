"""A registration in Spanish: the language is kept with the registration, and the confirmation,
the calendar file, the seat offer from the waitlist, the reminder and the cancellation reach the
person in Spanish (real Celery worker, Django's email outbox), while an English registrant of the
same conversation gets English."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from conversations import services, tasks
from conversations.models import Registration
from tests.builders import make_conversation
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre"]  # fmt: skip
DAYS = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]


def _spanish_date(day: date) -> str:
    return f"{DAYS[day.weekday()]} {day.day} de {MONTHS[day.month - 1]} de {day.year}"


def _url(conversation):
    return reverse("conversations:public_register", args=[conversation.city.slug, conversation.public_id])


def _in_spanish(client, url):
    assert client.post(reverse("cities:language"), {"language": "es", "next": url})["Location"] == url


def _mail_to(address, subject_start):
    return wait_for(
        lambda: next((m for m in mail.outbox if address in m.to and m.subject.startswith(subject_start)), None)
    )


def _ics_text(message) -> str:
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    return content.replace("\r\n ", "")  # unfold RFC 5545 lines


def test_a_spanish_registration_gets_its_confirmation_calendar_and_seat_offer_in_spanish(celery_worker, client, city):
    mail.outbox.clear()
    conversation = make_conversation(
        city, capacity=1, title="Youth and police", title_es="Jóvenes y policía",
        purpose="Listen to young people.", purpose_es="Escuchar a los jóvenes.",
    )  # fmt: skip
    services.conversation_update(conversation=conversation, interpretation=True, interpretation_languages="Spanish")
    session = conversation.sessions.get()
    services.session_save(conversation=conversation, session=session, date=session.date, start_time=time(18, 0),
                          end_time=time(20, 0), venue="Library hall", online_url="https://meet.example.org/j")  # fmt: skip
    url = _url(conversation)
    spanish, english = client, client.__class__()
    _in_spanish(spanish, url)

    page = spanish.get(url).content.decode()
    assert "<h1>Jóvenes y policía</h1>" in page and "Escuchar a los jóvenes." in page
    assert f"{_spanish_date(session.date)}, 18:00–20:00" in page and "(hora del Este)" in page
    assert "Interpretación (Spanish)" in page and "Inscribirse" in page

    assert spanish.post(url, {"name": "Ana", "email": "ana@example.org", "consent_to_contact": "on"}).status_code == 200
    assert english.post(url, {"name": "Ben", "email": "ben@example.org"}).status_code == 200
    spanish_too = client.__class__()
    _in_spanish(spanish_too, url)
    waiting = spanish_too.post(url, {"name": "Cruz", "email": "cruz@example.org"}).content.decode()
    assert "Está en la lista de espera" in waiting

    people = {r.name: r for r in Registration.objects.filter(conversation=conversation)}
    assert {n: (r.locale, r.status) for n, r in people.items()} == {
        "Ana": ("es", "confirmed"), "Ben": ("en", "waitlisted"), "Cruz": ("es", "waitlisted"),
    }  # fmt: skip
    # The consent is stored in the words Ana read.
    assert people["Ana"].consent_wording.startswith("Acepto que el equipo del programa")

    ana = _mail_to("ana@example.org", "Su inscripción está confirmada: Jóvenes y policía")
    assert ana.body.startswith("Hola, Ana:")
    assert "Su lugar en \"Jóvenes y policía\" está confirmado." in ana.body
    assert f"{_spanish_date(session.date)}, 18:00-20:00 (hora del Este), Library hall" in ana.body
    assert "Si no puede asistir, cancele su inscripción" in ana.body and "La Ciudad de " + city.name in ana.body
    ics = _ics_text(ana)
    assert "SUMMARY:Jóvenes y policía" in ics
    assert "DESCRIPTION:Escuchar a los jóvenes.\\n\\nParticipe en línea: https://meet.example.org/j" in ics
    assert "X-WR-CALNAME:Jóvenes y policía" in ics
    # The English registrant, on the waitlist, in English; Cruz on the waitlist, in Spanish.
    ben = _mail_to("ben@example.org", "On the waitlist: Youth and police")
    assert ben.body.startswith("Hello Ben,") and not ben.attachments
    cruz = _mail_to("cruz@example.org", "En lista de espera: Jóvenes y policía")
    assert "así que quedó en la lista de espera" in cruz.body

    # Ana cancels from her link, in Spanish: Ben is first on the waitlist and is offered the seat in
    # English; then Ben cancels and Cruz is offered it in Spanish.
    link = re.search(r"http://[^/\s]+(/p/\S+/cancel/\S+/)", ana.body).group(1)
    assert "Cancelar mi inscripción" in spanish.get(link).content.decode()
    assert "quedó cancelada" in spanish.post(link).content.decode()
    offer_ben = _mail_to("ben@example.org", "A seat is yours: Youth and police")
    assert "Good news: a seat freed up" in offer_ben.body
    services.registration_cancel(registration=Registration.objects.get(conversation=conversation, name="Ben"))
    offer = _mail_to("cruz@example.org", "Tiene un lugar: Jóvenes y policía")
    assert "Buenas noticias: se liberó un lugar en \"Jóvenes y policía\" y es suyo." in offer.body
    assert "SUMMARY:Jóvenes y policía" in _ics_text(offer)


def test_the_reminder_and_the_cancellation_reach_each_person_in_their_language(celery_worker, client, city):
    mail.outbox.clear()
    conversation = make_conversation(city, capacity=5, days_ahead=30, title="Trust and the badge",
                                     title_es="La confianza y la placa")  # fmt: skip
    session = conversation.sessions.get()
    tomorrow = datetime.now(ZoneInfo(session.time_zone)).date() + timedelta(days=1)
    services.session_save(conversation=conversation, session=session, date=tomorrow, start_time=time(23, 0),
                          end_time=time(23, 59), venue="Hall")  # fmt: skip
    url = _url(conversation)
    _in_spanish(client, url)
    client.post(url, {"name": "Dora", "email": "dora@example.org", "consent_to_contact": "on"})
    services.registration_create(conversation=conversation, name="Eli", email="eli@example.org")  # English
    wait_for(lambda: len(mail.outbox) >= 2)
    mail.outbox.clear()

    assert tasks.reminders_day_before.delay().get(timeout=30) == 2
    dora = _mail_to("dora@example.org", "Mañana: La confianza y la placa")
    assert "Le recordamos que \"La confianza y la placa\" es mañana." in dora.body
    assert f"{_spanish_date(tomorrow)}, 23:00-23:59 (hora del Este)" in dora.body
    eli = _mail_to("eli@example.org", "Tomorrow: Trust and the badge")
    assert f"{tomorrow:%A} {tomorrow.day} {tomorrow:%B} {tomorrow.year}, 11:00 PM-11:59 PM (Eastern Time)" in eli.body

    services.conversation_set_status(conversation=conversation, status="cancelled", by=None)
    cancelled = _mail_to("dora@example.org", "Cancelada: La confianza y la placa")
    assert "Lo sentimos: la conversación \"La confianza y la placa\" se canceló." in cancelled.body
    assert "ya que aceptó que nos comuniquemos con usted" in cancelled.body
    assert _mail_to("eli@example.org", "Cancelled: Trust and the badge").body.startswith("Hello Eli,")


@pytest.mark.django_db
def test_the_public_page_falls_back_to_english_with_a_note(client, city):
    conversation = make_conversation(city, title="Neighbourhood walk", purpose="Walk, then talk.")
    url = _url(conversation)
    _in_spanish(client, url)
    page = client.get(url).content.decode()
    assert '<h1 lang="en">Neighbourhood walk</h1>' in page
    assert '<p lang="en">Walk, then talk.</p>' in page
    assert "Esta descripción todavía no está en español; se muestra en inglés." in page
    assert 'autocomplete="email"' in page and 'autocomplete="name"' in page
    # A refused registration (the email already registered) says so in Spanish, nothing lost.
    client.post(url, {"name": "Fe", "email": "fe@example.org"})
    again = client.post(url, {"name": "Fe", "email": "fe@example.org"})
    assert again.status_code == 409 and "Este correo electrónico ya está inscrito" in again.content.decode()
    empty = client.post(url, {"name": "", "email": ""})
    assert empty.status_code == 400 and "Corrija los campos marcados abajo" in empty.content.decode()


@pytest.mark.django_db
def test_a_facilitators_check_in_and_report_read_in_spanish_and_untranslated_pages_stay_english(
    client, city, member_of
):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator], title="Youth and police")
    session = conversation.sessions.get()
    services.registration_create(conversation=conversation, name="Gil", email="gil@example.org")
    client.force_login(facilitator)
    check_in = reverse("conversations:check_in", args=[city.slug, conversation.pk, session.pk])
    report = reverse("conversations:report", args=[city.slug, conversation.pk, session.pk])
    detail = reverse("conversations:detail", args=[city.slug, conversation.pk])
    _in_spanish(client, check_in)

    page = client.get(check_in).content.decode()
    assert '<html lang="es">' in page
    assert f"{_spanish_date(session.date)}, 18:00" in page
    assert "Esperados: 1 · Presentes: 0" in page and "Agregar a alguien sin inscripción" in page
    walk_in = client.post(check_in, {"name": "Hana", "group": "youth"}, follow=True).content.decode()
    assert "Se agregó a Hana y se registró su asistencia." in walk_in and "(sin inscripción)" in walk_in
    assert "Jóvenes" in walk_in  # the group, in Spanish

    page = client.get(report).content.decode()
    assert "Informe del facilitador" in page and "Residentes latinos" in page
    saved = client.post(report, {"action": "save", "count_youth": "3", "what_was_heard": "Más luz en el parque."},
                        follow=True).content.decode()  # fmt: skip
    assert "Borrador guardado." in saved
    refused = client.post(report, {"action": "save", "count_youth": "-2", "what_was_heard": "x"})
    assert refused.status_code == 400 and "Corrija los campos marcados abajo" in refused.content.decode()

    # A page not translated yet stays English throughout, with no switcher: never lang="es" over English.
    staff_page = client.get(detail)
    assert staff_page["Content-Language"] == "en"
    assert '<html lang="en">' in staff_page.content.decode()
    assert 'name="language"' not in staff_page.content.decode()
