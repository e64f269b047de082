"""``/healthz``: is this process able to serve? For the load balancer and the uptime check.

It asks the database for ``SELECT 1`` and opens a connection to the Celery broker, each with a
short timeout, and answers 200 or 503 with a small JSON body naming what failed. It reveals no
version, host name or error text: the page is public.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET statement_timeout = %s", [TIMEOUT_SECONDS * 1000])
            cursor.execute("SELECT 1")
            if connection.vendor == "postgresql":
                cursor.execute("RESET statement_timeout")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        logger.warning("healthz: the database does not answer", exc_info=True)
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write(connect_timeout=TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT_SECONDS)
        return True
    except Exception:  # noqa: BLE001
        logger.warning("healthz: the broker does not answer", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable", **{k: "ok" if v else "down" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
