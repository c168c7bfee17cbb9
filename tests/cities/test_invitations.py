"""A lead invites by email; the worker sends the link; the link sets a password and lands in the city."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cities.models import Invitation, Membership, User
from tests.builders import pending_invitation
from tests.conftest import wait_for

LINK = re.compile(r"http://[^/\s]+(/invitations/[^/\s]+/)")


def _invite(client, city, email="new.person@example.org", role="facilitator"):
    return client.post(reverse("cities:invite", args=[city.slug]), {"email": email, "role": role})


def _link_from_outbox(email):
    message = wait_for(lambda: next((m for m in mail.outbox if email in m.to), None))
    return LINK.search(message.body).group(1)


@pytest.mark.django_db(transaction=True)
def test_invitation_end_to_end(celery_worker, client, member_of, city):
    lead = member_of(city, "lead")
    client.force_login(lead)
    response = _invite(client, city)
    assert response.status_code == 302
    path = _link_from_outbox("new.person@example.org")
    message = mail.outbox[-1]
    assert city.name in message.subject
    # Only a hash of the link's secret is stored.
    token = path.rstrip("/").split("/")[-1]
    assert not Invitation.objects.filter(token_hash=token).exists()

    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "facilitator" in page.content.decode()
    response = client.post(
        path, {"full_name": "New Person", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cities:home", args=[city.slug])
    user = User.objects.get(email="new.person@example.org")
    assert Membership.objects.get(user=user, city=city).role == "facilitator"
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 200
    # The new password signs in.
    client.logout()
    assert client.login(email="new.person@example.org", password="a-long-passphrase-9")

    # The link works once.
    client.logout()
    again = client.post(
        path, {"full_name": "Someone Else", "password1": "another-passphrase-8", "password2": "another-passphrase-8"}
    )
    assert again.status_code == 400
    assert "already been used" in again.content.decode()


@pytest.mark.django_db
def test_non_lead_cannot_invite(client_as, city):
    for role in ["staff", "facilitator", "viewer"]:
        client = client_as(city, role)
        assert _invite(client, city, email=f"{role}-guest@example.org").status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_lead_of_one_city_cannot_invite_into_another(client_as, city, other_city):
    client = client_as(city, "lead")
    assert _invite(client, other_city).status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_bad_invitation_input_is_explained(client_as, city, member_of):
    client = client_as(city, "lead")
    response = _invite(client, city, email="not-an-email")
    assert response.status_code == 400
    assert "valid email" in response.content.decode()
    existing = member_of(city, "staff")
    response = _invite(client, city, email=existing.email.upper())
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    response = _invite(client, city, email="", role="staff")
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def _pending_invitation(city, email="late@example.org", **fields):
    return pending_invitation(city, email=email, token="known-token", **fields)


@pytest.mark.django_db
def test_expired_invitation_is_refused(client, city):
    inv = _pending_invitation(city)
    inv.expires_at = timezone.now() - timedelta(minutes=1)
    inv.save()
    url = reverse("cities:invitation_accept", args=["known-token"])
    page = client.get(url)
    assert "expired" in page.content.decode()
    response = client.post(url, {"full_name": "Late", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"})
    assert response.status_code == 400
    assert not User.objects.filter(email="late@example.org").exists()


@pytest.mark.django_db
def test_withdrawn_invitation_is_refused(client_as, city):
    inv = _pending_invitation(city)
    lead_client = client_as(city, "lead")
    lead_client.post(reverse("cities:invitation_revoke", args=[city.slug, inv.id]))
    inv.refresh_from_db()
    assert inv.revoked_at is not None
    lead_client.logout()
    page = lead_client.get(reverse("cities:invitation_accept", args=["known-token"]))
    assert "withdrawn" in page.content.decode()


@pytest.mark.django_db
def test_unknown_token_is_404(client):
    response = client.get(reverse("cities:invitation_accept", args=["nonsense"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


@pytest.mark.django_db
def test_weak_or_mismatched_password_is_explained(client, city):
    _pending_invitation(city)
    url = reverse("cities:invitation_accept", args=["known-token"])
    response = client.post(url, {"full_name": "X", "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    assert "too common" in response.content.decode() or "entirely numeric" in response.content.decode()
    response = client.post(url, {"full_name": "X", "password1": "a-long-passphrase-9", "password2": "different-9"})
    assert "differ" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()


@pytest.mark.django_db
def test_existing_account_accepts_when_signed_in(client, city, django_user_model):
    user = django_user_model.objects.create_user("late@example.org", "a-long-passphrase-9")
    _pending_invitation(city)
    url = reverse("cities:invitation_accept", args=["known-token"])
    assert "already have an account" in client.get(url).content.decode()
    client.force_login(user)
    response = client.post(url)
    assert response["Location"] == reverse("cities:home", args=[city.slug])
    assert Membership.objects.get(user=user, city=city).role == "staff"


@pytest.mark.django_db
def test_signed_in_as_someone_else_cannot_take_the_invitation(client_as, city, other_city):
    _pending_invitation(city)
    client = client_as(other_city, "staff")
    response = client.post(reverse("cities:invitation_accept", args=["known-token"]))
    assert response.status_code == 400
    assert "signed in as" in response.content.decode()
    assert not Membership.objects.filter(city=city, user=client.user).exists()


@pytest.mark.django_db
def test_new_invitation_replaces_a_pending_one(client_as, city, django_capture_on_commit_callbacks):
    client = client_as(city, "lead")
    with django_capture_on_commit_callbacks(execute=False):
        _invite(client, city, email="twice@example.org")
        _invite(client, city, email="twice@example.org", role="viewer")
    pending = [i for i in Invitation.objects.filter(email="twice@example.org") if i.is_pending]
    assert [i.role for i in pending] == ["viewer"]


@pytest.mark.django_db
def test_purge_expired_invitations(city):
    from cities.services import invitations_purge_expired

    old = _pending_invitation(city)
    old.expires_at = timezone.now() - timedelta(days=40)
    old.save()
    assert invitations_purge_expired() == 1
