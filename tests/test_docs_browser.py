"""The documentation pages in a real browser (Debian's Chromium, driven by Playwright):
Swagger UI lists every operation and "Try it out" on /assess works with a key; ReDoc
renders; and nothing is loaded from any other host.

Chromium is installed, if missing, by the project's own scripts/ensure-chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from app.db import PROJECT_ROOT
from tests.live import live_site

pytestmark = pytest.mark.slow
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DOCUMENT = json.loads((PROJECT_ROOT / "openapi" / "openapi.json").read_text())
OPERATION_COUNT = sum(
    1
    for item in DOCUMENT["paths"].values()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)


@pytest.fixture(scope="module")
def chromium() -> str:
    subprocess.run([str(PROJECT_ROOT / "scripts" / "ensure-chromium")], check=True)
    path = shutil.which("chromium")
    assert path, "scripts/ensure-chromium did not install chromium"
    return path


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A live server on a migrated, seeded database, and an `assess` key."""
    with live_site(tmp_path, "assess") as site:
        yield site


def open_page(browser: Browser, base: str) -> tuple[Page, list[str], list[str]]:
    page = browser.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, requested, problems


def assert_same_host_only(base: str, requested: list[str]) -> None:
    origin = urlsplit(base).netloc
    foreign = [url for url in requested if urlsplit(url).scheme in ("http", "https")
               and urlsplit(url).netloc != origin]  # fmt: skip
    assert foreign == [], "the docs pages must load nothing from another host"


def test_swagger_ui_lists_every_operation_and_try_it_out_assesses(
    browser: Browser, site: tuple[str, str]
) -> None:
    base, key = site
    page, requested, problems = open_page(browser, base)
    page.goto(f"{base}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == OPERATION_COUNT
    assert page.title() == "Back-pain guidance API - Swagger UI"

    page.click("button.authorize")
    dialog = page.locator(".modal-ux")
    dialog.locator("input").first.fill(key)  # bearerAuth comes first
    dialog.locator("button.authorize").first.click()
    dialog.locator("button.btn-done").first.click()

    operation = page.locator("#operations-assessment-assess")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for(timeout=30_000)
    assert status.inner_text().strip().startswith("201")
    body = operation.locator(".live-responses-table .microlight").first.inner_text()
    assert '"ruleset_version"' in body
    assert '"disclaimer"' in body

    assert f"{base}/static/docs/favicon.svg" in requested
    assert_same_host_only(base, requested)
    assert [p for p in problems if "Content Security Policy" in p] == []
    page.close()


def test_redoc_renders_the_whole_document(browser: Browser, site: tuple[str, str]) -> None:
    base, _ = site
    page, requested, problems = open_page(browser, base)
    page.goto(f"{base}/redoc")
    page.wait_for_selector("h1", timeout=30_000)
    assert "Back-pain guidance API" in page.locator("h1").first.inner_text()
    page.wait_for_selector("text=Assess a runner", state="attached", timeout=30_000)
    assert page.locator("[role=menuitem], li[data-item-id]").count() >= OPERATION_COUNT
    assert page.locator("text=Not a diagnosis").count() >= 1
    assert_same_host_only(base, requested)
    assert [p for p in problems if "Content Security Policy" in p] == []
    page.close()
