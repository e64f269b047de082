"""Production settings pass Django's deployment check, and the README documents every variable."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check_deploy(tmp_path, **extra):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SMALLGRANTS_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SMALLGRANTS_REQUIRE_SECRET_KEY": "1",
        "DJANGO_ALLOWED_HOSTS": "grants.example.org",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_https_production_settings_pass_the_deployment_check(tmp_path):
    result = _check_deploy(tmp_path, SMALLGRANTS_HTTPS="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_check_names_what_is_missing(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stdout + result.stderr


def test_https_settings_are_what_they_say(tmp_path):
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env |= {"SMALLGRANTS_VAR_DIR": str(tmp_path), "SMALLGRANTS_HTTPS": "1"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split("\n")[-2] == "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')", out.stderr


@pytest.mark.parametrize("source", ["config/settings.py", "config/celery.py", "wiring/management/commands/demo.py"])
def test_every_environment_variable_is_in_the_readme(source):
    path = ROOT / source
    if not path.exists():
        pytest.fail(f"{source} is gone: update this test")
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    names |= set(re.findall(r'(?:Env\(\)\.\w+|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    table = (ROOT / "README.md").read_text()
    missing = {name for name in names if f"`{name}`" not in table}
    assert not missing, f"Add to the README's table: {sorted(missing)}"


def test_the_shared_cache_is_redis_when_configured_else_the_database(tmp_path):
    script = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    base = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings"}
    base["SMALLGRANTS_VAR_DIR"] = str(tmp_path)

    def run(env):
        return subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        ).stdout

    redis = run(base | {"SMALLGRANTS_CACHE_URL": "redis://127.0.0.1:6379/13"})
    assert "django.core.cache.backends.redis.RedisCache" in redis and "redis://127.0.0.1:6379/13" in redis
    assert "django.core.cache.backends.db.DatabaseCache" in run(base)
