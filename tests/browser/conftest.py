"""Browser fixtures: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

Tests here are marked `browser`. Without /usr/bin/chromium they skip on a developer machine and fail in CI
(CI=true), so a CI run can never pass by silently not running them. Screenshots go to
test-artifacts/screenshots/ (kept by CI, ignored by git); axe results are printed as a table at the end.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls from the
# test body (SynchronousOnlyOperation). The live server itself runs in its own thread, unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 800, "height": 1100}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# page label -> number of axe violations, filled by the accessibility tests, printed at the end.
AXE_RESULTS: dict[str, int] = {}


def pytest_terminal_summary(terminalreporter):
    if not AXE_RESULTS:
        return
    terminalreporter.section("axe-core WCAG 2.1 A/AA scan")
    width = max(len(label) for label in AXE_RESULTS)
    terminalreporter.write_line(f"{'page':<{width}}  violations")
    for label, count in AXE_RESULTS.items():
        terminalreporter.write_line(f"{label:<{width}}  {count}")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `make browsers` (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=DESKTOP, user=None): a fresh browser context, optionally logged in as `user`."""
    contexts = []
    violations: list[str] = []

    def make(viewport=DESKTOP, user=None):
        context = browser.new_context(
            viewport=viewport,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            base_url=live_server.url,
            is_mobile=viewport == PHONE,
            has_touch=viewport == PHONE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
            )
        page = context.new_page()
        page.on("console", lambda message: _note_csp_violation(message.text, violations))
        return page

    yield make
    for context in contexts:
        context.close()
    # Every page under the real Content-Security-Policy: a blocked inline script or style fails the test.
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


CSP_VIOLATION = re.compile(r"Refused to|Content Security Policy", re.IGNORECASE)


def _note_csp_violation(text: str, violations: list[str]) -> None:
    if CSP_VIOLATION.search(text):
        violations.append(text)


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} at {targets}")
    return "\n".join(lines)


def field(page, label: str):
    """The form control labelled `label` (crispy adds a '*' to required labels, so match the start)."""
    return page.get_by_label(re.compile(r"^\s*" + re.escape(label) + r"\s*\*?\s*$"))


def login(page, username: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/inloggen/")
    field(page, "Gebruikersnaam").fill(username)
    field(page, "Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_file(name: str = "plattegrond-terras.pdf") -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}
