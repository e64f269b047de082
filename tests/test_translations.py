"""The Polish catalogue stays complete (DESIGN.md, "Languages").

* every entry of ``locale/pl/LC_MESSAGES/django.po`` is translated and none is fuzzy;
* every ``%(name)s`` placeholder of a msgid is kept in its translation (and none is invented);
* no translatable string in the source is missing from the catalogue: ``makemessages`` is run on a
  temporary copy of the project and its msgids are compared with the committed catalogue;
* the compiled catalogue is actually used: the home page speaks Polish to a Polish browser.

When a test here fails after you added or changed a string, run

    python manage.py makemessages -l pl -l en --ignore=.venv --ignore=static/vendor \
        --ignore=staticfiles --ignore=var --ignore=tests

then translate the new entries in ``locale/pl/LC_MESSAGES/django.po`` and remove their
``#, fuzzy`` flags.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
PL_PO_NAME = "locale/pl/LC_MESSAGES/django.po"
PL_PO = BASE_DIR / PL_PO_NAME

MAKEMESSAGES_IGNORES = [".venv", "static/vendor", "staticfiles", "var", "tests"]
# Not copied into the temporary project: the virtual environment, runtime data, build output.
COPY_SKIP_TOP_LEVEL = {".venv", ".git", "var", "staticfiles", "tests", "node_modules", "test-results"}
COPY_SKIP_ANYWHERE = ["__pycache__", ".pytest_cache", ".ruff_cache", "*.pyc", "*.mo"]
GETTEXT_TOOLS = ["xgettext", "msguniq", "msgmerge", "msgattrib"]

# %(name)s, %(name)d ... and bare %s / %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%%|%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<conv>[diouxXeEfFgGcrsa])"
)


def _catalogue(path=None):
    path = path or PL_PO
    assert path.exists(), f"{path} is missing: run makemessages -l pl (see this module's docstring)"
    return polib.pofile(str(path))


def _live(po):
    return [entry for entry in po if not entry.obsolete]


def _describe(entry):
    where = ", ".join(f"{path}:{line}" if line else path for path, line in entry.occurrences[:3])
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"  {entry.msgid!r}{context}" + (f"  [{where}]" if where else "")


def _placeholders(text):
    """The named placeholders as a set, plus how many positional ones there are."""
    names, positional = set(), 0
    for match in PLACEHOLDER.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group("name") is not None:
            names.add(match.group("name"))
        else:
            positional += 1
    return names, positional


def test_catalogue_header_is_polish():
    po = _catalogue()
    assert not po.metadata_is_fuzzy, "the header of the Polish catalogue is marked fuzzy"
    assert po.metadata.get("Language") == "pl"
    assert po.metadata.get("Plural-Forms", "").startswith("nplurals=3;"), po.metadata.get("Plural-Forms")


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = _catalogue()
    fuzzy = [entry for entry in po.fuzzy_entries() if not entry.obsolete]
    untranslated = [entry for entry in po.untranslated_entries() if not entry.obsolete and entry not in fuzzy]
    # polib counts a plural entry as translated when any form is filled: Polish needs all three.
    incomplete_plurals = [
        entry
        for entry in _live(po)
        if entry.msgid_plural
        and entry not in fuzzy
        and entry not in untranslated
        and not all(entry.msgstr_plural.get(i) for i in range(3))
    ]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated:\n" + "\n".join(map(_describe, untranslated)))
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} fuzzy (check the translation, then remove the flag):\n" + "\n".join(map(_describe, fuzzy))
        )
    if incomplete_plurals:
        problems.append(
            f"{len(incomplete_plurals)} plural entries without all three Polish forms:\n"
            + "\n".join(map(_describe, incomplete_plurals))
        )
    assert not problems, f"{PL_PO_NAME} is not complete.\n" + "\n".join(problems)


def test_translations_keep_the_placeholders():
    problems = []
    for entry in _live(_catalogue()):
        if entry.msgid_plural:
            expected_names = _placeholders(entry.msgid)[0] | _placeholders(entry.msgid_plural)[0]
            expected_positional = _placeholders(entry.msgid_plural)[1]
            translations = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
        else:
            expected_names, expected_positional = _placeholders(entry.msgid)
            translations = [entry.msgstr]
        for translated in translations:
            if not translated:
                continue  # reported by the completeness test
            names, positional = _placeholders(translated)
            if names != expected_names or positional != expected_positional:
                missing = sorted(expected_names - names)
                extra = sorted(names - expected_names)
                problems.append(
                    f"{_describe(entry)}\n    -> {translated!r}"
                    + (f"\n    missing {missing}" if missing else "")
                    + (f"\n    unknown {extra}" if extra else "")
                    + (
                        f"\n    {positional} positional placeholder(s), expected {expected_positional}"
                        if positional != expected_positional
                        else ""
                    )
                )
    assert not problems, "Translations whose placeholders differ from the msgid:\n" + "\n".join(problems)


def _key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def test_no_source_string_is_missing_from_the_catalogue(tmp_path):
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        pytest.fail(
            f"{', '.join(missing_tools)} not found on PATH: install GNU gettext "
            "(Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext; "
            "Windows: https://mlocati.github.io/articles/gettext-iconv-windows.html). "
            "This check cannot be skipped: it keeps the Polish catalogue complete."
        )

    project = tmp_path / "project"
    project.mkdir()
    for item in BASE_DIR.iterdir():
        if item.name in COPY_SKIP_TOP_LEVEL:
            continue
        target = project / item.name
        if item.is_dir():
            ignore = shutil.ignore_patterns(*COPY_SKIP_ANYWHERE, *(["vendor"] if item.name == "static" else []))
            shutil.copytree(item, target, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(item, target)

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SMALLGRANTS_NO_VENV="1",  # manage.py must not switch to (or create) another interpreter
        SMALLGRANTS_VAR_DIR=str(tmp_path / "var"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    command = [sys.executable, "manage.py", "makemessages", "-l", "pl", "--no-obsolete"]
    command += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORES]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    committed = {_key(entry) for entry in _live(_catalogue())}
    extracted = _live(_catalogue(project / "locale" / "pl" / "LC_MESSAGES" / "django.po"))
    new = [entry for entry in extracted if _key(entry) not in committed]
    assert not new, (
        f"{len(new)} translatable string(s) in the source are not in {PL_PO_NAME}:\n"
        + "\n".join(map(_describe, new))
        + "\nRun makemessages (see the docstring of tests/test_translations.py) and translate them."
    )


@pytest.fixture
def compiled_polish(settings, tmp_path):
    """The committed Polish catalogue, compiled with polib as ``manage.py setup_assets`` does, but
    into a temporary folder so that a stale ``.mo`` in the working tree cannot hide a problem."""
    locale_dir = tmp_path / "locale"
    mo_path = locale_dir / "pl" / "LC_MESSAGES" / "django.mo"
    mo_path.parent.mkdir(parents=True)
    _catalogue().save_as_mofile(str(mo_path))
    settings.LOCALE_PATHS = [locale_dir]  # Django's test signals reset the translation caches
    return locale_dir


@pytest.mark.django_db
def test_home_page_speaks_polish_to_a_polish_browser(client, compiled_polish):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Otwarte nabory" in content  # "Open calls"
    assert "Małe granty na lokalne inicjatywy" in content  # "Small grants for local initiatives"
    assert "Open calls" not in content


@pytest.mark.django_db
def test_home_page_stays_english_for_an_english_browser(client, compiled_polish):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open calls" in content
    assert "Otwarte nabory" not in content


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 wniosek"),
        (2, "2 wnioski"),
        (4, "4 wnioski"),
        (5, "5 wniosków"),
        (12, "12 wniosków"),
        (22, "22 wnioski"),
        (25, "25 wniosków"),
        (0, "0 wniosków"),
    ],
)
def test_polish_plural_forms(compiled_polish, count, expected):
    with translation.override("pl"):
        text = translation.ngettext("%(counter)s application", "%(counter)s applications", count)
    assert text % {"counter": count} == expected
