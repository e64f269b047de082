"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Playwright cannot download browsers here, so we always launch the system Chromium. If it is
missing the tests fail (never skip): a skipped browser test would hide a broken journey.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise refuse
# the ORM calls the tests make for set-up and assertions ("SynchronousOnlyOperation").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous for a slow CI machine; the autosave alone waits 1.2 s after the last keystroke.
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, including ones added later without a marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing. Install Debian's Chromium: "
            "`apt-get update && apt-get install -y chromium` "
            "(`playwright install` cannot download browsers here)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class RequestLog:
    """Every URL the page asked for, so a test can prove nothing went to a third party."""

    def __init__(self, allowed_origin):
        self.allowed = urlsplit(allowed_origin)
        self.urls = []

    def record(self, request):
        self.urls.append(request.url)

    def foreign(self):
        foreign = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if (parts.scheme, parts.hostname, parts.port) != (
                self.allowed.scheme,
                self.allowed.hostname,
                self.allowed.port,
            ):
                foreign.append(url)
        return foreign


@pytest.fixture
def request_log(live_server):
    return RequestLog(live_server.url)


@pytest.fixture
def language():
    """The language a journey runs in; a test parametrizes it (``@pytest.mark.parametrize("language",
    ...)``) to run in others. The browser asks for it (Accept-Language) and the test's ``t`` reads
    its locators through the same catalogues."""
    return "en"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The journeys read the pages in Belarusian and Ukrainian: make sure the catalogues are compiled
    (``manage.py test`` has done it already; a plain ``pytest`` may not have)."""
    from tests.browser.i18n import compile_catalogues

    compile_catalogues()


@pytest.fixture
def page(browser, live_server, request_log, language):
    """A fresh browser context (no cookies, no local storage) whose page knows the live server's
    address (``page.goto("/path/")``) and records every request it makes in ``request_log``.
    The browser asks for ``language`` (the ``language`` fixture, English unless parametrized)."""
    from tests.browser.i18n import BROWSER_LOCALES

    context = browser.new_context(
        base_url=live_server.url, locale=BROWSER_LOCALES[language], timezone_id="Europe/Warsaw"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("request", request_log.record)
    yield page
    context.close()
