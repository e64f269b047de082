"""What the phone and accessibility tests measure in a page, and how they sign a user in quickly.

* ``sideways_overflow``: how far the page is wider than the viewport (0 when it fits).
* ``axe_violations``: the serious and critical findings of axe-core (pinned, fetched by
  ``manage.py setup_assets`` into ``var/test-vendor/``, injected into the page by the test: the
  site never serves it).
* ``outside_the_viewport``: the controls among a list that a user cannot reach without scrolling
  sideways.
* ``sign_in``: a session cookie for ``user`` in the browser context, without the log-in form (the
  journeys test that form; the sweeps only need to be someone).
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client

AXE_JS = Path(settings.BASE_DIR) / "var" / "test-vendor" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA plus axe's best practices; we fail on the two most severe impact levels.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")


def axe_source() -> str:
    if not AXE_JS.exists():  # a plain `pytest` on a fresh checkout: fetch it as `manage.py test` does
        call_command("setup_assets")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return the serious and critical violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: our Content-Security-Policy forbids inline
        # scripts, and rightly so; a <script> tag would be refused.
        page.evaluate(axe_source())
    result = page.evaluate(
        "(tags) => window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
            "summary": violation["nodes"][0].get("failureSummary", "") if violation["nodes"] else "",
        }
        for violation in result["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def sideways_overflow(page) -> int:
    """Pixels by which the page is wider than the viewport (what a user would scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def widest_elements(page, limit=5) -> list[str]:
    """The elements that stick out furthest to the right: what to fix when a page overflows."""
    return page.evaluate(
        """(limit) => {
            const width = document.documentElement.clientWidth;
            const found = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 1 && box.width > 0) {
                    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
                    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + classes.filter(Boolean).map((c) => '.' + c).join('');
                    found.push([Math.round(box.right), name]);
                }
            }
            found.sort((a, b) => b[0] - a[0]);
            return found.slice(0, limit).map(([right, name]) => `${name} (right edge ${right}px)`);
        }""",
        limit,
    )


def outside_the_viewport(page, locators) -> list[str]:
    """The locators (``{name: locator}``) whose element is not visible or not within the viewport's
    width: a control a phone user could not reach by scrolling down alone."""
    width = page.viewport_size["width"]
    missing = []
    for name, locator in locators.items():
        if not locator.is_visible():
            missing.append(f"{name}: not visible")
            continue
        box = locator.bounding_box()
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width + 0.5:
            missing.append(f"{name}: {box} outside 0–{width}px")
    return missing


def sign_in(context, live_server_url, user):
    """Give the browser context a session for ``user`` (Django's test client logs in; we copy its cookie)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server_url}])
