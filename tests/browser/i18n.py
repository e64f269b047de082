"""The journeys in other languages: what the browser asks for, and ``t``, which reads a locator's
text through the same catalogues the pages use.

A journey names what it clicks by its English msgid (``t("Log out")``), so one journey runs in any
language, and a missing or different translation on a page fails just as a wrong English label
would.
"""

import os
import re

from django.utils import translation
from django.utils.translation import trans_real

# The browser's locale for each of our languages (what Chromium sends as Accept-Language).
BROWSER_LOCALES = {"en": "en-GB", "pl": "pl-PL", "be": "be-BY", "uk": "uk-UA", "ru": "ru-RU"}
# The languages every journey passes in. The applicant's journeys and the phone tests run in all
# of them on every test run; each longer journey (review, decision meeting, mentoring: 12-20 s each)
# runs in English and one of the others (Belarusian: review, mentoring; Ukrainian: the decision
# meeting), so that a run takes about 2 minutes of browser time, not 4.
# SMALLGRANTS_TEST_ALL_LANGUAGES=1 runs every journey in every one of them (before a release).
JOURNEY_LANGUAGES = ["en", "be", "uk"]
ALL_LANGUAGES_ON_EVERY_JOURNEY = os.environ.get("SMALLGRANTS_TEST_ALL_LANGUAGES") == "1"


def journey_languages(other):
    """English and ``other`` for a long journey; all of JOURNEY_LANGUAGES when asked to."""
    return JOURNEY_LANGUAGES if ALL_LANGUAGES_ON_EVERY_JOURNEY else ["en", other]


def compile_catalogues():
    """Compile locale/*.po when stale (as ``manage.py setup_assets`` does) and forget any catalogue
    Django loaded before."""
    from wiring.management.commands.setup_assets import Command

    Command()._compile_translations()
    trans_real._translations = {}
    trans_real._default = None


class Translator:
    """``t("msgid")`` in one language; ``t("Hello %(name)s", name=...)`` fills placeholders; ``t.re``
    gives a regular expression that ignores case and the surrounding space."""

    def __init__(self, language):
        self.language = language
        if language != "en":  # a missing catalogue would silently give English on both sides
            assert self("My applications") != "My applications", f"no compiled catalogue for {language}"

    def __call__(self, msgid, context=None, **params):
        with translation.override(self.language):
            text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
        return text % params if params else text

    def of(self, lazy_text):
        """A lazy translation (a model's choice label, say) in this language."""
        with translation.override(self.language):
            return str(lazy_text)

    def money(self, amount, currency):
        """An amount as the pages show it in this language (``2 500,00 BYN``)."""
        from grants.money import format_money

        with translation.override(self.language):
            return format_money(amount, currency)

    def number(self, value, decimal_pos=2):
        """A number as the pages write it in this language (``90.00``, ``90,00``)."""
        from django.utils.formats import number_format

        with translation.override(self.language):
            return number_format(value, decimal_pos=decimal_pos)

    def money_re(self, amount, currency):
        """``money`` as a pattern that takes any kind of space (the browser's Intl may use another)."""
        parts = (re.escape(part) for part in re.split(r"\s", self.money(amount, currency)))
        return re.compile(r"[\s\u00a0\u202f]".join(parts))

    def plural(self, singular, plural, number, **params):
        """``ngettext`` for ``number``; placeholders from ``params`` (``counter`` is ``number``)."""
        with translation.override(self.language):
            text = translation.ngettext(singular, plural, number)
        return text % {"counter": number, **params}

    def re(self, msgid, *, exact=True, **params):
        text = re.escape(self(msgid, **params))
        return re.compile(rf"^\s*{text}\s*$" if exact else text, re.I)

    def label(self, msgid):
        """A form label as allauth and crispy render it: the text, maybe a colon, maybe a star."""
        return re.compile(rf"^\s*{re.escape(self(msgid))}:?\s*\*?\s*$", re.I)
