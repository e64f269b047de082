"""/healthz: 200 when the database and the broker answer, 503 (naming which) when one does not."""

import json
import os
import subprocess
import sys

import pytest
from django.db import OperationalError

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_broker_is_down(client, monkeypatch):
    real = celery_app.connection_for_write
    monkeypatch.setattr(
        celery_app, "connection_for_write", lambda **kwargs: real("redis://127.0.0.1:1/0", **kwargs)
    )  # nothing listens on port 1: refused at once
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "ok", "broker": "down"}


def test_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("wiring.health.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "down"


def test_production_settings_serve_compressed_static_files_and_keep_connections():
    """The production block switches on WhiteNoise's compressed manifest storage; tests and the
    demo (no SMALLGRANTS_PRODUCTION) keep Django's plain storage."""
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['staticfiles']['BACKEND'], "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE, "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS']]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SMALLGRANTS_PRODUCTION": "1"}
    output = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert json.loads(output.stdout.strip().splitlines()[-1]) == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        True,
        300,
        True,
    ]
    from django.conf import settings

    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in settings.MIDDLEWARE
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.django_db
@pytest.mark.postgres_only("PostgreSQL's planner settings")
def test_postgresql_plans_for_a_database_in_memory(on_postgres):
    """Index lookups are priced as the reads from memory they are (settings: ``random_page_cost``),
    so a page's join reads its rows by index instead of scanning the whole table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
