"""Every offered language's catalogue stays complete (docs/architecture.md; ``SMALLGRANTS_LANGUAGES``).

* every entry of ``locale/<language>/LC_MESSAGES/django.po`` is translated and none is fuzzy, with
  every plural form the language needs (three for pl, be, uk and ru);
* every ``%(name)s`` placeholder of a msgid is kept in its translation (and none is invented);
* no translatable string in the source is missing from the catalogue: ``makemessages`` is run on a
  temporary copy of the project and its msgids are compared with the committed catalogue;
* no user-visible text or attribute in a template is left outside ``{% translate %}``;
* the compiled catalogue is actually used: the home page speaks Polish to a Polish browser, and
  Belarusian, Ukrainian and Russian plurals take their three forms.

When a test here fails after you added or changed a string, run

    python manage.py makemessages -l pl -l en -l be -l uk -l ru --ignore=.venv --ignore=static/vendor \
        --ignore=staticfiles --ignore=var --ignore=tests --ignore=bench

then translate the new entries of every catalogue (keep the terms of ``locale/GLOSSARY.md``) and
remove their ``#, fuzzy`` flags.
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
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
PL_PO_NAME = "locale/pl/LC_MESSAGES/django.po"
PL_PO = BASE_DIR / PL_PO_NAME

MAKEMESSAGES_IGNORES = [".venv", "static/vendor", "staticfiles", "var", "tests", "bench"]
OFFERED = [code for code, _name in settings.LANGUAGES]
PLURAL_FORMS = {"en": 2, "pl": 3, "be": 3, "uk": 3, "ru": 3}
# Not copied into the temporary project: the virtual environment, runtime data, build output.
COPY_SKIP_TOP_LEVEL = {".venv", ".git", "var", "staticfiles", "tests", "node_modules", "test-results"}
COPY_SKIP_ANYWHERE = ["__pycache__", ".pytest_cache", ".ruff_cache", "*.pyc", "*.mo"]
GETTEXT_TOOLS = ["xgettext", "msguniq", "msgmerge", "msgattrib"]

# %(name)s, %(name)d ... and bare %s / %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%%|%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<conv>[diouxXeEfFgGcrsa])"
)


def _po_path(language):
    return BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


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


@pytest.mark.parametrize("language", OFFERED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    po = _catalogue(_po_path(language))
    forms = PLURAL_FORMS[language]
    assert po.metadata.get("Language") == language and not po.metadata_is_fuzzy
    assert po.metadata.get("Plural-Forms", "").startswith(f"nplurals={forms};"), po.metadata.get("Plural-Forms")
    fuzzy = [entry for entry in po.fuzzy_entries() if not entry.obsolete]
    untranslated = [entry for entry in po.untranslated_entries() if not entry.obsolete and entry not in fuzzy]
    # polib counts a plural entry as translated when any form is filled: every form is needed.
    incomplete_plurals = [
        entry
        for entry in _live(po)
        if entry.msgid_plural
        and entry not in fuzzy
        and entry not in untranslated
        and not all(entry.msgstr_plural.get(i) for i in range(forms))
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
            f"{len(incomplete_plurals)} plural entries without all {forms} forms:\n"
            + "\n".join(map(_describe, incomplete_plurals))
        )
    assert not problems, f"locale/{language}/LC_MESSAGES/django.po is not complete.\n" + "\n".join(problems)


@pytest.mark.parametrize("language", OFFERED)
def test_translations_keep_the_placeholders(language):
    problems = []
    for entry in _live(_catalogue(_po_path(language))):
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

    extracted = _live(_catalogue(project / "locale" / "pl" / "LC_MESSAGES" / "django.po"))
    for language in OFFERED:
        committed = {_key(entry) for entry in _live(_catalogue(_po_path(language)))}
        new = [entry for entry in extracted if _key(entry) not in committed]
        assert not new, (
            f"{len(new)} translatable string(s) in the source are not in locale/{language}:\n"
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


@pytest.fixture
def compiled_catalogues(settings, tmp_path):
    """Every committed catalogue compiled into a temporary folder (as ``setup_assets`` does)."""
    for code, _name in settings.LANGUAGES:
        mo_path = tmp_path / code / "LC_MESSAGES" / "django.mo"
        mo_path.parent.mkdir(parents=True)
        _catalogue(_po_path(code)).save_as_mofile(str(mo_path))
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("be", ["1 заяўка", "2 заяўкі", "5 заявак", "11 заявак", "21 заяўка", "22 заяўкі"]),
        ("uk", ["1 заявка", "2 заявки", "5 заявок", "11 заявок", "21 заявка", "22 заявки"]),
        ("ru", ["1 заявка", "2 заявки", "5 заявок", "11 заявок", "21 заявка", "22 заявки"]),
    ],
)
def test_east_slavic_plural_forms(compiled_catalogues, language, expected):
    counts = [1, 2, 5, 11, 21, 22]
    with translation.override(language):
        texts = [
            translation.ngettext("%(counter)s application", "%(counter)s applications", n) % {"counter": n}
            for n in counts
        ]
    assert texts == expected


@pytest.mark.parametrize(("language", "money", "date"), [
    ("be", "2\xa0500,00\xa0BYN", "15 сакавіка 2027"),
    ("uk", "2\xa0500,00\xa0UAH", "15 березня 2027"),
    ("ru", "2\xa0500,00\xa0BYN", "15 марта 2027"),
    ("pl", "2\xa0500,00\xa0PLN", "15 marca 2027"),
    ("en", "2,500.00\xa0EUR", "15 March 2027"),
])  # fmt: skip
def test_money_and_dates_are_formatted_for_the_locale(compiled_catalogues, language, money, date):
    import datetime
    from decimal import Decimal

    from django.utils.formats import date_format

    from grants.money import format_money

    with translation.override(language):
        assert format_money(Decimal("2500"), money[-3:]) == money
        assert date_format(datetime.date(2027, 3, 15), "DATE_FORMAT").startswith(date)


TEMPLATE_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
VISIBLE_ATTRIBUTE = re.compile(r'(?:aria-label|title|placeholder|alt|data-confirm)="([^"{]*)"')


def _untranslated_words(text):
    """Words a reader would see that are not inside a translation tag or a variable."""
    text = re.sub(r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}", " ", text, flags=re.S)
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", " ", TEMPLATE_TAGS.sub(" ", text), flags=re.S)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", re.sub(r"<[^>]*>", " ", text))
    return re.findall(r"[^\W\d_][\w'’-]*", text)


def test_no_template_text_escapes_translation():
    problems = []
    for path in sorted((BASE_DIR / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        source = path.read_text()
        words = _untranslated_words(source)
        attributes = [a for a in VISIBLE_ATTRIBUTE.findall(source) if re.search(r"[^\W\d_]", a)]
        if words or attributes:
            problems.append(f"{path.relative_to(BASE_DIR)}: {(words + attributes)[:8]}")
    assert not problems, "Visible text outside {% translate %}:\n" + "\n".join(problems)


def test_the_template_check_can_fail():
    assert _untranslated_words("<p>{% translate 'Saved' %} Hello</p>") == ["Hello"]
    assert _untranslated_words("<p>{{ name }} · {% blocktranslate %}Hi {{ x }}{% endblocktranslate %}</p>") == []


ALLAUTH_PO = sorted((BASE_DIR / "locale" / "allauth").glob("*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", ALLAUTH_PO, ids=lambda p: p.parts[-3])
def test_our_allauth_catalogues_are_complete(path):
    po = _catalogue(path)
    missing = [e for e in _live(po) if not e.translated() or "fuzzy" in e.flags]
    assert po and not missing, "\n".join(map(_describe, missing))


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code in OFFERED if code != "en"])
def test_the_account_pages_speak_every_offered_language(client, language):
    """allauth's own pages: its catalogues for pl, uk and ru, ours (locale/allauth) for be."""
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for english in ("Forgot your password?", "Remember Me"):
        with translation.override(language):
            translated = translation.gettext(english)
        assert translated != english and translated.replace("'", "&#x27;") in page, (language, english)
        assert english not in page
