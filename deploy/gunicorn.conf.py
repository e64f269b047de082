"""gunicorn for a small machine (1–2 cores, 1–2 GB): ``gunicorn -c deploy/gunicorn.conf.py``.

Sync workers, as many as cores (``WEB_CONCURRENCY`` overrides): each request holds a database
connection for its length and our requests are short, so more workers than cores only add memory
(about 120 MB each) and contention on PostgreSQL. The app is loaded before forking, so the workers
share its memory pages; a worker is replaced after about a thousand requests, so a slow leak can
never grow without bound. Set SMALLGRANTS_PRODUCTION=1 and DJANGO_* in the environment (README).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count(), 4)))
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
