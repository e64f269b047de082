"""The Django settings gunicorn and the worker run for bench/rush.py: the project's own, with the
URLconf of bench/rush_urls.py (the project's routes plus the bare baseline view).

``DJANGO_SETTINGS_MODULE=rush_app`` with ``bench/`` on the path. Not used anywhere else.
"""

from config.settings import *  # noqa: F403 - the project's settings, unchanged but for the URLconf

ROOT_URLCONF = "rush_urls"
