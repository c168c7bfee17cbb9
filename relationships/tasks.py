"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task

from cities.models import City, User

from . import services


@shared_task
def weekly_digests_send() -> int:
    """Beat runs this each Monday morning (CELERY_BEAT_SCHEDULE)."""
    return services.digests_send_weekly()


@shared_task
def digest_send(city_id: int, user_id: int) -> bool:
    city = City.objects.filter(pk=city_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if city is None or user is None:
        return False
    return services.digest_send(city=city, user=user)
