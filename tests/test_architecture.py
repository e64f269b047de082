"""The architecture's rules, checked by machine (docs/architecture.md).

* the import-linter layers contract in ``pyproject.toml`` holds (``lint-imports``);
* no foreign key points up a layer (import-linter cannot see string references like
  ``"grants.Competition"``);
* templates never test a status by substring, and no module grows past ~400 lines;
* every project-owned view redirects through ``config.redirects`` (no unchecked ``next``).
"""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PYPROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
LAYERS = PYPROJECT["tool"]["importlinter"]["contracts"][0]["layers"]
OUR_APPS = {
    app
    for layer in LAYERS
    for app in (part.strip() for part in layer.split("|"))
    if (BASE_DIR / app / "models.py").exists() or (BASE_DIR / app / "apps.py").exists()
}


def _layer_of(app_label):
    """Index of the app's layer, lowest = largest index as in the contract (top layer first)."""
    for index, layer in enumerate(LAYERS):
        if app_label in (part.strip() for part in layer.split("|")):
            return index
    return None


def test_lint_imports_keeps_the_layers_contract():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=BASE_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _relations():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is not None:
                yield model, field


def test_no_foreign_key_points_up_a_layer():
    upward = []
    for model, field in _relations():
        own, target = model._meta.app_label, field.related_model._meta.app_label
        if target == own or target not in OUR_APPS:
            continue
        if _layer_of(target) <= _layer_of(own):  # the contract lists the top layer first
            upward.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert not upward, "Foreign keys pointing up (or sideways) a layer:\n" + "\n".join(upward)


def test_the_foreign_key_check_can_fail():
    """The walk above sees a string reference: the known relations of a higher app are found."""
    found = {f"{m._meta.label}.{f.name}" for m, f in _relations()}
    assert "projects.CheckIn.application" in found and "accounts.User.home_region" in found
    assert _layer_of("projects") < _layer_of("applications") < _layer_of("regions")


def _templates():
    return sorted((BASE_DIR / "templates").rglob("*.html")) + sorted((BASE_DIR / "templates").rglob("*.txt"))


def test_no_template_tests_a_status_by_substring():
    pattern = re.compile(r"""status\s+(not\s+)?in\s+["']""")
    offenders = [str(p.relative_to(BASE_DIR)) for p in _templates() if pattern.search(p.read_text())]
    assert not offenders, f"Status tested by substring (use a property or a set in Python): {offenders}"


def _our_modules():
    for app in sorted(OUR_APPS):
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("limit", [420])
def test_no_module_is_over_about_400_lines(limit):
    modules = [*_our_modules(), *sorted((BASE_DIR / "bench").glob("*.py")), BASE_DIR / "manage.py"]
    long = [f"{p.relative_to(BASE_DIR)}: {n}" for p in modules if (n := len(p.read_text().splitlines())) > limit]
    assert not long, f"Split these modules by journey: {long}"


def test_views_never_redirect_to_an_unchecked_next():
    """``redirect(request.POST.get("next") ...)`` is an open redirect: use config.redirects.redirect_back."""
    offenders = []
    for path in _our_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "redirect" and node.args:
                if "next" in ast.unparse(node.args[0]):
                    offenders.append(f"{path.relative_to(BASE_DIR)}:{node.lineno}")
    assert not offenders, offenders
