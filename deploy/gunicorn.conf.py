"""gunicorn for a small machine (1–2 cores, 1–2 GB): ``gunicorn -c deploy/gunicorn.conf.py``.

Sync workers, two per core (``WEB_CONCURRENCY`` overrides; at most 4): a request spends about half
its time waiting for PostgreSQL and Redis (an autosave makes 8 round trips), so a second worker per
core uses the CPU the first leaves idle. Measured with bench/rush.py on 2 cores (100 applicants,
26 Nov 2026): submit p95 1.52–2.07 s with 4 workers against 1.99–2.31 s with 2, the same
throughput, 112 MB per worker. The app is loaded before forking, so the workers
share its memory pages; a worker is replaced after about a thousand requests, so a slow leak can
never grow without bound. Set SMALLGRANTS_PRODUCTION=1 and DJANGO_* in the environment (README).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 4)))
worker_class = "sync"
preload_app = True
max_requests = 1000
max_requests_jitter = 100
timeout = 30  # a request longer than this is a bug; the worker is restarted
graceful_timeout = 20
keepalive = 5  # behind a reverse proxy that keeps connections open
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat off the disk
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Connections opened while preloading must not be shared between processes."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
