import pytest
from django.core.exceptions import ValidationError

from relationships import services
from relationships.models import CommitmentStatus, CommitmentUpdate


@pytest.mark.django_db
def test_commitment_transitions_are_logged_and_bad_moves_refused(city, member_of):
    lead = member_of(city, "lead")
    c = services.commitment_create(city=city, what="Publish stop data monthly", owed_by="Police chief", created_by=lead)
    services.commitment_set_status(commitment=c, status=CommitmentStatus.IN_PROGRESS, by=lead, note="Started")
    services.commitment_set_status(commitment=c, status=CommitmentStatus.DONE, by=lead)
    with pytest.raises(ValidationError, match="cannot become dropped"):
        services.commitment_set_status(commitment=c, status=CommitmentStatus.DROPPED, by=lead)
    c.refresh_from_db()
    assert c.status == CommitmentStatus.DONE
    log = list(CommitmentUpdate.objects.filter(commitment=c).values_list("status_from", "status_to"))
    assert log == [("", "open"), ("open", "in_progress"), ("in_progress", "done")]


@pytest.mark.django_db
def test_commitment_refuses_another_citys_stakeholder_or_owner(city, other_city, member_of):
    foreign = services.stakeholder_create(city=other_city, name="Elsewhere Church", kind="organisation", group="faith")
    with pytest.raises(ValidationError):
        services.commitment_create(city=city, what="x", owed_by="y", owed_to_stakeholder=foreign)
    with pytest.raises(ValidationError):
        services.commitment_create(city=city, what="x", owed_by="y", owner=member_of(other_city, "lead"))


@pytest.mark.django_db
def test_contact_visible_only_while_consent_stands(city):
    from django.utils import timezone

    s = services.stakeholder_create(city=city, name="Rev. A", group="faith", email="a@example.org")
    assert not s.contact_visible
    s.consent_given_at = timezone.now()
    assert s.contact_visible
    s.consent_withdrawn_at = timezone.now()
    assert not s.contact_visible
