#!/usr/bin/env python3
"""Django's command-line utility, plus the project's two set-up commands.

``python3 manage.py demo`` and ``python3 manage.py test`` work on a machine that has nothing but
Python 3.11+: before Django is imported, this file creates ``.venv``, installs the pinned lock file
into it (again only when the lock file changed) and re-runs itself with that interpreter. Every
other command runs as usual, inside ``.venv`` when it exists.

Only the standard library may be used above ``main()``'s Django import.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
VENV_DIR = Path(os.environ.get("SMALLGRANTS_VENV", BASE_DIR / ".venv"))
SET_UP_COMMANDS = {"demo", "test"}


def _venv_python() -> Path:
    return VENV_DIR / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _running_in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV_DIR.resolve()


def _ensure_venv(lock_name: str) -> None:
    """Create the virtual environment and install ``lock_name`` into it when it changed."""
    lock = BASE_DIR / lock_name
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = VENV_DIR / f".installed-{lock_name}"
    if stamp.exists() and stamp.read_text() == digest and _venv_python().exists():
        return
    if not _venv_python().exists():
        print(f"[set-up] creating the virtual environment in {VENV_DIR}", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV_DIR)])
    print(f"[set-up] installing the pinned packages of {lock_name}", flush=True)
    subprocess.check_call(
        [str(_venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(lock)]
    )
    stamp.write_text(digest)


def _set_up_and_reexec(command: str) -> None:
    if os.environ.get("SMALLGRANTS_NO_VENV") == "1":
        return
    _ensure_venv("requirements-dev.lock" if command == "test" else "requirements.lock")
    if not _running_in_venv():
        os.execv(str(_venv_python()), [str(_venv_python()), str(BASE_DIR / "manage.py"), *sys.argv[1:]])


LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/smallgrants"


def _local_postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=2").close()
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False
    return True


def _run_tests(args: list[str]) -> None:
    """The test command: prepare assets and translations, then hand over to pytest.

    The suite runs against ``DATABASE_URL``; when it is unset, against the local PostgreSQL if one
    answers (as on every development machine), else SQLite without the tests that need row locks.
    """
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "--sqlite" in args:  # documented in the README: SQLite even where PostgreSQL answers
        args = [a for a in args if a != "--sqlite"]
        env["DATABASE_URL"] = "sqlite:///" + str(BASE_DIR / "var" / "test.sqlite3")
    if "DATABASE_URL" not in env:
        if _local_postgres_answers():
            env["DATABASE_URL"] = LOCAL_POSTGRES
        else:
            print(
                "[test] No PostgreSQL answers on 127.0.0.1:5432: running on SQLite; the tests marked "
                "postgres_only (row-lock concurrency) are skipped. Set DATABASE_URL to run them.",
                flush=True,
            )
            env["DATABASE_URL"] = "sqlite:///" + str(BASE_DIR / "var" / "test.sqlite3")
    print(f"[test] database: {env.get('DATABASE_URL', 'sqlite (in memory)')}", flush=True)
    python = sys.executable
    subprocess.check_call([python, str(BASE_DIR / "manage.py"), "setup_assets"], env=env)
    # The layers contract (pyproject.toml, docs/architecture.md): an upward import fails the build.
    print("[test] lint-imports: checking the layers contract", flush=True)
    subprocess.check_call([str(Path(python).parent / "lint-imports"), "--no-cache"], cwd=BASE_DIR, env=env)
    if shutil.which("chromium") is None and os.path.exists("/usr/bin/apt-get") and os.geteuid() == 0:
        print("[set-up] installing Debian's Chromium for the browser tests", flush=True)
        subprocess.call(["apt-get", "update", "-qq"])
        subprocess.call(["apt-get", "install", "-y", "-qq", "chromium"])
    os.chdir(BASE_DIR)
    os.execve(python, [python, "-m", "pytest", *args], env)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in SET_UP_COMMANDS:
        _set_up_and_reexec(command)
    elif not _running_in_venv() and _venv_python().exists() and os.environ.get("SMALLGRANTS_NO_VENV") != "1":
        os.execv(str(_venv_python()), [str(_venv_python()), str(BASE_DIR / "manage.py"), *sys.argv[1:]])
    if command == "test":
        _run_tests(sys.argv[2:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Run `python3 manage.py demo` once: it creates .venv and installs "
            "the pinned packages."
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
