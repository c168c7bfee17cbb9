"""The Celery application: workers and beat start from here (see the README)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")

app = Celery("realcities")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
