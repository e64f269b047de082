"""The Celery app. Tasks live in ``<app>/tasks.py``; beat runs as one process of its own."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("smallgrants")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
