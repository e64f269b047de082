"""The shipped Procfile and systemd units start what exists: gunicorn loads our WSGI app, and
every process runs a program installed from the lock file."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BIN = Path(sys.executable).parent
PROCFILE = settings.BASE_DIR / "Procfile"
UNITS = sorted((settings.BASE_DIR / "deploy" / "systemd").glob("*.service"))


def _processes():
    return dict(line.split(": ", 1) for line in PROCFILE.read_text().splitlines() if line.strip())


def test_the_procfile_runs_web_worker_and_one_beat_with_installed_programs():
    processes = _processes()
    assert set(processes) == {"release", "web", "worker", "beat"}
    for name in ("web", "worker", "beat"):
        assert (BIN / processes[name].split()[0]).exists(), processes[name]
    assert "celery -A config.celery beat" in processes["beat"]


def test_the_systemd_units_run_the_same_commands():
    starts = {unit.stem: re.search(r"^ExecStart=(.*)$", unit.read_text(), re.M).group(1) for unit in UNITS}
    assert set(starts) == {"smallgrants-web", "smallgrants-worker", "smallgrants-beat"}
    assert "gunicorn config.wsgi:application" in starts["smallgrants-web"]
    assert "celery -A config.celery worker" in starts["smallgrants-worker"]
    assert "celery -A config.celery beat" in starts["smallgrants-beat"]


def test_gunicorn_loads_the_application():
    result = subprocess.run(
        [str(BIN / "gunicorn"), "--check-config", "config.wsgi:application"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
