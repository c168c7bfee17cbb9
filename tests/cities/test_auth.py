"""Sign-in with email and password, sign-out, password reset by email, throttling, 2FA available."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_sign_in_with_email_and_password(client, member_of, city):
    user = member_of(city, "lead")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 200


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client, member_of, city):
    user = member_of(city, "lead")
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 302


@pytest.mark.django_db
def test_repeated_failures_are_throttled(client, member_of, city):
    user = member_of(city, "lead")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 302


@pytest.mark.django_db
def test_sign_out_needs_post_and_ends_the_session(client_as, city):
    client = client_as(city, "staff")
    client.post(reverse("account_logout"))
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 302


@pytest.mark.django_db
def test_open_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"), {"email": "x@example.org", "password1": "a-long-pass-9", "password2": "a-long-pass-9"}
    )
    assert "closed" in response.content.decode().lower()
    from cities.models import User

    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.django_db(transaction=True)
def test_password_reset_by_email(celery_worker, client, member_of, city):
    """The reset email is sent by the worker, like every email of the app (README)."""
    from tests.conftest import wait_for

    user = member_of(city, "staff")
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    message = wait_for(lambda: next((m for m in mail.outbox if user.email in m.to), None))
    assert len(mail.outbox) == 1
    path = re.search(r"http://[^/\s]+(/accounts/password/reset/key/\S+)", message.body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a-brand-new-pass-7", "password2": "a-brand-new-pass-7"},
    )
    assert response.status_code == 302
    assert client.login(email=user.email, password="a-brand-new-pass-7")


@pytest.mark.django_db
def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True)
    assert response.status_code == 200
    assert "nobody@example.org" not in "".join(m.to[0] for m in mail.outbox if "REAL" not in m.subject)


@pytest.mark.django_db
def test_two_factor_is_available_to_every_account(client, member_of, city):
    user = member_of(city, "viewer")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    index = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_activate_totp") in index
    # Turning it on asks for the password again first.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Authenticator" in page.content.decode()
    # Activating with a wrong code is refused and activates nothing.
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    from allauth.mfa.models import Authenticator

    assert not Authenticator.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_and_older_hashes_upgraded_on_sign_in(client, member_of, city):
    """Sign-in took 4-6 s with PBKDF2: the project's own settings put Argon2 first (tests run with
    the fast MD5 hasher, so the settings module is read here), and a password stored with PBKDF2 is
    re-hashed with Argon2 when its owner signs in."""
    import time

    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from realcities import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = member_of(city, "lead")
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        started = time.monotonic()
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$")  # upgraded on sign-in
        client.post(reverse("account_logout"))
        started = time.monotonic()
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        assert time.monotonic() - started < 2.0  # an Argon2 check, not seconds of PBKDF2
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 200


@pytest.mark.django_db
def test_account_emails_are_left_to_the_worker_not_sent_by_the_page(client, member_of, city):
    """Inside a transaction that never commits, the task is never queued: the page itself sent nothing."""
    user = member_of(city, "staff")
    mail.outbox.clear()
    assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 302
    assert mail.outbox == []
