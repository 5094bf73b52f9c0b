"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server.

With CI=true a missing browser fails the run: the browser tests are never
skipped there. Every page is watched for console errors, which is how a
Content-Security-Policy violation shows up.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("MSEM_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no browser at {CHROMIUM}: install Debian's chromium package.")
        pytest.skip(f"no browser at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, settings) -> Iterator:
    # The live server serves static files from the finders, by their plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []

    def on_console(message) -> None:
        # A page answered 400 (a form with errors) is logged as a failed load: that is
        # the page working. Missing assets are caught by on_response below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and response.request.resource_type in {"stylesheet", "script", "image", "font"}:
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == [], f"errors in the browser console: {problems}"


@pytest.fixture
def screenshot():
    """Keep a screenshot as a test artifact (artifacts/screenshots/NAME.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        # caret="initial": Playwright would otherwise inject a style that the CSP refuses.
        page.screenshot(path=str(path), full_page=full_page, caret="initial")
        return path

    return take


def log_in(page, email: str, password: str) -> None:
    page.goto("/backoffice/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/inquiries/"))
