import pytest
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app as celery_app
from notifications.publish import breaker_reset


@pytest.fixture(autouse=True)
def _isolated_environment(settings, tmp_path):
    """Attachments go to a temporary folder; Celery runs tasks in the caller (tests that need a real
    worker say so); the site speaks English unless a test asks otherwise."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
    celery_app.conf.task_always_eager = True
    breaker_reset()  # a test that broke the broker leaves no open circuit behind
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (CI does).")
    return True


def pytest_collection_modifyitems(config, items):
    """On SQLite (an explicit ``DATABASE_URL`` or ``manage.py test --sqlite``) the row-lock tests
    (and the few of a PostgreSQL setting, ``postgres_only("what")``) cannot mean anything: skip
    them, saying why. CI always runs them on PostgreSQL."""
    if django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    for item in items:
        marker = item.get_closest_marker("postgres_only")
        if marker is not None:
            needs = marker.args[0] if marker.args else "PostgreSQL row locks (select_for_update)"
            reason = f"needs {needs}; this run uses SQLite. CI runs it on PostgreSQL."
            item.add_marker(pytest.mark.skip(reason=reason))
