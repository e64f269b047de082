"""Every page, as every role sees it, on a phone and through axe-core.

The pages are the permission matrix's (tests/test_permissions.py): each route a role may open
with a GET that answers with HTML, in the matrix's fixture world, plus allauth's account pages.
Each page is opened once, as the first role below that may see it (staff see the most on a shared
page, such as an application's); every role's own navigation is on each of its pages:

* at 360×740 (a small Android phone) the page must not scroll sideways, in Belarusian, Ukrainian
  and English;
* at 1280×800 (where the navbar shows its links) axe-core must find no serious or critical
  violation of WCAG 2.1 AA.

One test walks them all, so the world is built once; every failure is collected and printed.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.checks import axe_violations, sideways_overflow, sign_in, widest_elements
from tests.factories import CompetitionFactory
from tests.test_permissions import MATRIX, world  # noqa: F401 - ``world`` is a fixture used below

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
# Belarusian and Ukrainian words run longer than English ones: every page is measured in each.
PHONE_LANGUAGES = ("be", "uk", "en")
DESKTOP = {"width": 1280, "height": 800}
# One actor per role: staff, the group member (applicant), a reviewer, a mentor, and no one.
ROLES = ("staff", "member", "reviewer", "mentor", "anonymous")
# allauth's pages, which are not ours (so not in the matrix) but every user meets.
ACCOUNT_PAGES = {
    "anonymous": ["account_login", "account_signup", "account_reset_password"],
    "member": ["account_email", "account_change_password"],
}


def pages_of(world, actor):  # noqa: F811 - the fixture's value, passed on
    """The URLs of HTML pages ``actor`` may open with a GET, asked of Django first (downloads and
    redirects are not pages)."""
    client = Client()
    if world.people[actor] is not None:
        client.force_login(world.people[actor])
    urls = []
    for name, route in MATRIX.items():
        if route.post is not None or actor not in route.ok:
            continue
        url = reverse(name, kwargs={key: value(world) for key, value in route.kwargs.items()})
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            urls.append(url)
    urls += [reverse(name) for name in ACCOUNT_PAGES.get(actor, [])]
    return urls


def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, world):  # noqa: F811
    too_wide, inaccessible, visited = [], [], []
    for actor in ROLES:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Warsaw")
        context.set_default_timeout(15_000)
        if world.people[actor] is not None:
            sign_in(context, live_server.url, world.people[actor])
        page = context.new_page()
        for url in pages_of(world, actor):
            if any(url == seen for _actor, seen in visited):
                continue
            visited.append((actor, url))

            page.set_viewport_size(PHONE)
            for language in PHONE_LANGUAGES:  # English last: axe-core reads the English page
                context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
                )
                response = page.goto(url)
                assert response.ok, f"{actor} {url}: {response.status}"
                expect(page.locator("html")).to_have_attribute("lang", language)
                overflow = sideways_overflow(page)
                if overflow > 0:
                    too_wide.append(f"{actor} {url} ({language}): {overflow}px too wide; {widest_elements(page)}")
            page.set_viewport_size(DESKTOP)
            for violation in axe_violations(page):
                inaccessible.append(f"{actor} {url}: {violation}")
        context.close()

    # The walk reached every role's own pages (so an empty matrix cannot pass).
    roles_seen = {actor for actor, _url in visited}
    assert roles_seen == set(ROLES), roles_seen
    assert len(visited) >= 25, visited
    assert not too_wide, "Pages wider than a 360 px phone:\n" + "\n".join(too_wide)
    assert not inaccessible, "Serious or critical axe-core violations:\n" + "\n".join(inaccessible)


def test_a_keyboard_user_skips_to_the_content_and_sees_where_the_focus_is(page, live_server):
    call = CompetitionFactory(title="Courtyard Gardens 2027")
    page.goto("/calls/")
    expect(page.get_by_role("link", name=call.title)).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_visible()  # hidden until focused, then shown
    outline = skip.evaluate("el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]")
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab lands inside the content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
